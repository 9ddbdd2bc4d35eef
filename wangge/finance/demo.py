"""Rural finance in the demo city, in the proportions of Hangjin Banner's practice: the
stations (the facilities module's 村级金融服务站) get the 11 services; the institutions and
44 loan products; per village a paired unit or two, about two resident cadres, a finance
assistant and a first secretary for finance, and a vice town head for finance per town.
In the history: the demand lists (every household asked; about a quarter with a need,
and about a third of the villages' collectives), consent and ratings (credit villages in
about one village in six, confirmed; one credit town), and two years of loans with
monthly balances, the last year's balance about 21 % above the year before
(81.63 亿 against 67.20 亿)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.core.inserts import bulk_insert
from wangge.demo.names import person_name
from wangge.people.models import Household

from .catalogue import STATION_SERVICES
from .credit import band_for, model_in_force, town_figures, village_figures, weighted_total
from .models import (
    STATION_TYPE,
    Applicant,
    Consent,
    CreditDesignation,
    Demand,
    DemandSource,
    DemandStatus,
    FiveClass,
    Guarantee,
    Institution,
    InstitutionKind,
    Loan,
    LoanBalance,
    Posting,
    PostingKind,
    Product,
    Purpose,
    Rating,
)

INSTITUTIONS = [
    ("nsh", "农村商业银行", InstitutionKind.RURAL_CREDIT), ("abc", "中国农业银行", InstitutionKind.BANK),
    ("psbc", "中国邮政储蓄银行", InstitutionKind.BANK), ("ccb", "中国建设银行", InstitutionKind.BANK),
    ("boc", "中国银行", InstitutionKind.BANK), ("icbc", "中国工商银行", InstitutionKind.BANK),
    ("czb", "村镇银行", InstitutionKind.RURAL_CREDIT), ("picc", "人保财险", InstitutionKind.INSURANCE),
    ("dbj", "农业信贷担保公司", InstitutionKind.GUARANTEE),
]
PRODUCT_NAMES = ["富农贷", "惠农e贷", "牧民贷", "乡村振兴贷", "信用贷", "创业担保贷", "设施农业贷", "农机贷",
                 "肉牛贷", "活体抵押贷", "土地经营权贷", "兴村贷", "助学贷", "安居贷", "个体工商贷"]
FULL_PRODUCTS = 44
NEEDS = ["购买基础母羊", "扩建棚圈", "春耕农资", "购置农机", "开农家乐", "孩子上学", "翻建住房", "收购牧草",
         "合作社流动资金", "村集体光伏项目"]
DECLINE = ["有未结清的逾期贷款", "收入不足以覆盖还款", "已在他行获贷", "本人放弃申请"]


def villages():
    return Area.objects.filter(Q(name__endswith="村") | Q(name__endswith="嘎查"), kind=AreaKind.COMMUNITY).order_by("path")


def city_populate(build) -> None:
    """The catalogue, the stations' services and the postings."""
    import random

    rng = random.Random(f"wangge-city:{build.seed}:finance")
    institutions = Institution.objects.bulk_create([Institution(code=c, name=n, kind=k) for c, n, k in INSTITUTIONS])
    lenders = [i for i in institutions if i.kind in (InstitutionKind.BANK, InstitutionKind.RURAL_CREDIT)]
    purposes = [p for p in Purpose.values if p != Purpose.COLLECTIVE]
    products = []
    for k in range(FULL_PRODUCTS):
        institution = lenders[k % len(lenders)]
        collective = k % 11 == 10
        low = Decimal(rng.choice(["3.45", "3.65", "3.85", "4.15", "4.35"]))
        products.append(Product(
            institution=institution, name=f"{PRODUCT_NAMES[k % len(PRODUCT_NAMES)]}（{institution.name[:4]}）"
            if k >= len(PRODUCT_NAMES) else PRODUCT_NAMES[k],
            purpose=Purpose.COLLECTIVE if collective else purposes[k % len(purposes)],
            rate_min=low, rate_max=low + Decimal(rng.choice(["1.5", "2.0", "2.5"])),
            term_months=rng.choice([12, 24, 36, 60]), ceiling=Decimal(rng.choice([10, 20, 30, 50, 300 if collective else 30])),
            applicant=Applicant.COLLECTIVE if collective else rng.choice(
                [Applicant.HOUSEHOLD, Applicant.HOUSEHOLD, Applicant.CREDIT_HOUSEHOLD, Applicant.BUSINESS]),
            conditions="年满18周岁、具有完全民事行为能力的农牧民" if not collective else "村集体经济组织"))
    Product.objects.bulk_create(products)
    build.stats.figures["finance_products"] = len(products)
    _stations()
    _postings(rng, lenders)


def _stations() -> None:
    from wangge.facilities.models import Facility, Service

    services = list(Service.objects.filter(code__in=[code for code, _name in STATION_SERVICES]))
    stations = list(Facility.objects.filter(facility_type__code=STATION_TYPE).values_list("pk", flat=True))
    through = Facility.services.through
    through.objects.filter(facility_id__in=stations).delete()
    through.objects.bulk_create([through(facility_id=f, service_id=s.pk) for f in stations for s in services])


def _postings(rng, lenders) -> None:
    since = clock.today() - timedelta(days=700)
    rows, towns = [], {}
    for village in villages():
        towns.setdefault(village.path[:12], village)
        for k in range(rng.choice([1, 2, 2])):
            rows.append(Posting(kind=PostingKind.PAIRED_UNIT, area=village, area_path=village.path,
                                name=rng.choice(["市财政局", "旗农牧局", "市税务局", "旗人民医院", "包钢集团", "市供电公司",
                                                 "旗教育局", "市人民银行"]) + f"（{k + 1}）", since=since))
        for _k in range(rng.choice([1, 2, 2, 3])):
            rows.append(Posting(kind=PostingKind.RESIDENT_CADRE, area=village, area_path=village.path,
                                name=person_name(rng, rng.random() < 0.5), organisation="结对帮扶单位", since=since))
        bank = rng.choice(lenders)
        rows.append(Posting(kind=PostingKind.ASSISTANT, area=village, area_path=village.path, institution=bank,
                            name=person_name(rng, rng.random() < 0.5), organisation=f"{bank.name}客户经理",
                            since=since))
        rows.append(Posting(kind=PostingKind.FIRST_SECRETARY, area=village, area_path=village.path,
                            name=person_name(rng, rng.random() < 0.5), organisation=f"{bank.name}（金融村官）",
                            since=since))
    for path in towns:
        town = Area.objects.get(path=path)
        bank = rng.choice(lenders)
        rows.append(Posting(kind=PostingKind.VICE_HEAD, area=town, area_path=town.path, institution=bank,
                            name=person_name(rng, rng.random() < 0.5), organisation=f"{bank.name}支行行长",
                            since=since))
    Posting.objects.bulk_create(rows, batch_size=2000)


def demo_accounts() -> list[tuple]:
    """A town's finance officer and a village's finance assistant."""
    from wangge.accounts.models import Role

    village = villages().first() or Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path").first()
    if village is None:
        return []
    town = Area.objects.get(path=village.path[:12])
    return [
        ("financeofficer", "金融办 孙晓梅", Role.FINANCE_OFFICER, town, None),
        ("financeassistant", "金融助理员 白音", Role.FINANCE_ASSISTANT, village, None),
    ]


def history_exists() -> bool:
    return Demand.objects.exists() or Loan.objects.exists()


def history_prepare(world) -> None:
    rng = world.rng("finance")
    today = world.today
    by_village: dict[int, list[Household]] = {}
    village_list = list(villages())
    for village in village_list:
        by_village[village.pk] = list(Household.objects.filter(area_path__startswith=village.path)
                                      .only("pk", "area_path", "code"))
    if not village_list:
        return
    products = list(Product.objects.filter(active=True).select_related("institution"))
    household_products = [p for p in products if p.applicant != Applicant.COLLECTIVE]
    collective_products = [p for p in products if p.applicant == Applicant.COLLECTIVE] or products
    # About one village in six is a model credit village; the town with most villages
    # gets half of its villages rated so (the one credit town).
    towns: dict[str, list[Area]] = {}
    for v in village_list:
        towns.setdefault(v.path[:12], []).append(v)
    model_town = max(towns.values(), key=len)
    model_villages = {v.pk for v in model_town[: (len(model_town) + 1) // 2]}
    model_villages |= {v.pk for v in village_list if rng.random() < 0.16}
    _ratings(rng, today, village_list, by_village, model_villages)
    loans = _demands_and_loans(rng, today, village_list, by_village, household_products, collective_products)
    _balances(rng, today, loans)
    _confirm(today.year)


def _ratings(rng, today, village_list, by_village, model_villages) -> None:
    model = model_in_force()
    criteria, bands = list(model.criteria.all()), list(model.bands.all())
    consents, ratings = [], []
    for village in village_list:
        model_village = village.pk in model_villages
        for h in by_village[village.pk]:
            if rng.random() > (0.95 if model_village else 0.3):
                continue
            consents.append(Consent(household_id=h.pk, area_path=h.area_path, given_on=today - timedelta(days=400),
                                    evidence=f"信用信息采集授权书 {h.code}"))
            for year in (today.year - 1, today.year):
                base = rng.uniform(66, 95) if model_village else rng.uniform(45, 85)
                scores = {str(c.pk): round(min(100, max(0, rng.gauss(base, 6))), 1) for c in criteria}
                total = weighted_total(scores, criteria)
                band = band_for(total, bands)
                ratings.append(Rating(household_id=h.pk, village=village, area_path=h.area_path, year=year,
                                      model=model, scores=scores, total=total, grade=band.grade if band else "",
                                      creditworthy=bool(band and band.creditworthy), evidence="村评议小组评议会议纪要",
                                      group="村党支部书记、村委会主任、金融助理员、村民代表",
                                      rated_on=date(year, 3, 15) if year < today.year else today - timedelta(days=20)))
    bulk_insert(consents)
    bulk_insert(ratings)


def _demands_and_loans(rng, today, village_list, by_village, household_products, collective_products):
    now = clock.now()
    demands, loans = [], []
    contract = 0
    for village in village_list:
        asked = [(h, rng.choice(household_products)) for h in by_village[village.pk] if rng.random() < 0.25]
        if rng.random() < 0.33:
            asked.append((None, rng.choice(collective_products)))
        for household, product in asked:
            roll = rng.random()
            status = (DemandStatus.COLLECTED if roll < 0.15 else DemandStatus.MATCHED if roll < 0.3
                      else DemandStatus.DECLINED if roll < 0.45 else DemandStatus.GRANTED)
            amount = Decimal(rng.choice([3, 5, 8, 10, 15, 20]) if household else rng.choice([50, 100, 200]))
            amount = min(amount, product.ceiling)
            created = now - timedelta(days=rng.randint(1, 700))
            demand = Demand(village=village, household=household, area_path=household.area_path if household else village.path,
                            purpose=product.purpose, amount=amount, term_months=min(product.term_months, 36),
                            guarantee=rng.choice(Guarantee.values), source=rng.choice(DemandSource.values),
                            description=rng.choice(NEEDS), status=status,
                            product=product if status in (DemandStatus.MATCHED, DemandStatus.GRANTED) else None,
                            decline_reason=rng.choice(DECLINE) if status == DemandStatus.DECLINED else "",
                            created_at=created, updated_at=created)
            demands.append(demand)
            if status == DemandStatus.GRANTED:
                contract += 1
                # Two years of lending, a fifth more in the last year than the one before.
                days = rng.randint(0, 364) if rng.random() < 0.55 else rng.randint(365, 729)
                granted = max(today - timedelta(days=days), created.date())
                granted = min(granted, today)
                loans.append((demand, Loan(institution=product.institution, contract=f"JR{today.year}{contract:06d}",
                                           village=village, household=household, product=product, amount=amount,
                                           granted_on=granted, matures_on=granted + timedelta(days=30 * product.term_months),
                                           area_path=demand.area_path)))
    bulk_insert(demands)
    for demand, loan in loans:
        loan.demand_id = demand.pk
    bulk_insert([loan for _d, loan in loans])
    return [loan for _d, loan in loans]


def _months(start: date, end: date):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _balances(rng, today, loans) -> None:
    rows = []
    for loan in loans:
        term = max(1, (loan.matures_on - loan.granted_on).days // 30)
        late = rng.random() < 0.06
        bad = late and rng.random() < 0.3
        for k, month in enumerate(_months(loan.granted_on, today)):
            left = (loan.amount * Decimal(max(0, term - k)) / Decimal(term)).quantize(Decimal("0.01"))
            if left <= 0:
                break
            overdue = rng.randint(31, 180) if late and k >= term // 2 else 0
            rows.append(LoanBalance(loan_id=loan.pk, period=month, balance=left, overdue_days=overdue,
                                    five_class=FiveClass.SUBSTANDARD if bad and overdue else
                                    FiveClass.ATTENTION if overdue else FiveClass.NORMAL, area_path=loan.area_path))
    bulk_insert(rows, batch_size=5000)


def _confirm(year: int) -> None:
    """A finance officer confirmed the villages the rules proposed, then the towns."""
    now = clock.now()
    proposed = [f for f in village_figures(villages(), year) if f.meets]
    CreditDesignation.objects.bulk_create([
        CreditDesignation(area=f.village, level=CreditDesignation.Level.VILLAGE, year=year, area_path=f.village.path,
                          figures=f.as_dict(), confirmed_at=now) for f in proposed])
    towns = Area.objects.filter(path__in={f.village.path[:12] for f in proposed})
    CreditDesignation.objects.bulk_create([
        CreditDesignation(area=t.town, level=CreditDesignation.Level.TOWN, year=year, area_path=t.town.path,
                          figures=t.as_dict(), confirmed_at=now) for t in town_figures(towns, year) if t.meets])


def history_figures() -> dict:
    year = clock.today().year
    return {"finance_demands": Demand.objects.count(), "finance_loans": Loan.objects.count(),
            "credit_households": Rating.objects.filter(year=year, creditworthy=True).count(),
            "credit_villages": CreditDesignation.objects.filter(year=year, level="village").count(),
            "credit_towns": CreditDesignation.objects.filter(year=year, level="town").count()}


def history_summary(figures: dict) -> str:
    return (f"金融需求 {figures['finance_demands']} 条，贷款 {figures['finance_loans']} 笔，信用户 "
            f"{figures['credit_households']} 户，信用村 {figures['credit_villages']} 个，信用乡镇 "
            f"{figures['credit_towns']} 个")


def city_staff(build) -> None:
    """Generated accounts: a finance officer for each banner (district) and a finance
    assistant for each town (street) that has villages."""
    from wangge.accounts.models import Role
    from wangge.demo.staff import staff_accounts

    plan = [(f"jr{a.code}", Role.FINANCE_OFFICER, a.id, None)
            for a in Area.objects.filter(kind=AreaKind.DISTRICT).order_by("path")]
    plan += [(f"jz{a.code}", Role.FINANCE_ASSISTANT, a.id, None)
             for a in Area.objects.filter(kind=AreaKind.STREET).order_by("path")]
    build.stats.figures["finance_accounts"] = len(staff_accounts(build, "finance-staff", plan))

"""Red property in the demo city: two companies per district, estates in all three
management modes, committees (some with terms ending soon) and a year of monthly fees.
Bulk rows, no services: the build is one transaction and must stay fast."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from wangge.areas.models import Area, AreaKind, Estate
from wangge.core import clock
from wangge.property.credit_code import check_character
from wangge.property.models import (
    CommitteeKind,
    EstateProfile,
    FeeRecord,
    ManagementMode,
    OpinionEntry,
    OwnersCommittee,
    PropertyCompany,
    ReplyBy,
    SatisfactionRating,
)

OPINIONS = ("楼道灯不亮", "电梯经常停运", "垃圾清运不及时", "绿化带缺少修剪", "地下车库积水")
MODES = (ManagementMode.COMPANY, ManagementMode.COMPANY, ManagementMode.SELF, ManagementMode.NONE)


def _code(n: int) -> str:
    first17 = f"9115020{n:010d}"
    return first17 + check_character(first17)


def city_populate(build) -> None:
    rng = random.Random(build.seed + 31)
    today = clock.today()
    estates = list(Estate.objects.order_by("id"))
    if not estates:
        return
    districts = list(Area.objects.filter(kind=AreaKind.DISTRICT).order_by("path"))
    # 红色物业: most companies' party branch sits under the city's 物业行业党委 (party demo).
    from wangge.party.models import Industry, PartyOrg

    branches = list(PartyOrg.objects.filter(industry=Industry.PROPERTY, level="branch").order_by("path"))
    companies = PropertyCompany.objects.bulk_create([
        PropertyCompany(area=d, area_path=d.path, name=f"{d.name}{k}号物业服务有限公司",
                        credit_code=_code(i * 2 + k), contact_name="物业联系人", created_at=clock.now(),
                        party_org=branches[(i * 2 + k) % len(branches)] if branches and k == 1 else None)
        for i, d in enumerate(districts) for k in (1, 2)
    ])
    by_district = {}
    for company in companies:
        by_district.setdefault(company.area_path, []).append(company)
    profiles, committees, fees = [], [], []
    months = [(today.replace(day=1) - timedelta(days=31 * k)).replace(day=1) for k in range(12)]
    for n, estate in enumerate(estates):
        mode = MODES[n % len(MODES)]
        options = by_district.get(estate.area_path[:8]) or companies
        company = rng.choice(options) if mode == ManagementMode.COMPANY else None
        households = rng.randint(80, 600)
        profiles.append(EstateProfile(
            estate=estate, area_path=estate.area_path, mode=mode, company=company,
            fee_per_m2=Decimal(rng.choice(["0.80", "1.20", "1.50", "2.10"])) if company else None,
            households=households, delivered_percent=rng.choice([40, 80, 100, 100]),
            manager_name="项目经理" if company else "", manager_in_committees=bool(company and n % 3 == 0),
        ))
        if n % 3 != 2:
            elected = today - timedelta(days=rng.choice([200, 900, 1790, 1800]))
            committees.append(OwnersCommittee(
                estate=estate, area_path=estate.area_path,
                kind=CommitteeKind.OWNERS if n % 5 else CommitteeKind.MANAGEMENT,
                elected_on=elected, term_years=5, term_ends=elected.replace(year=elected.year + 5)
                if not (elected.month == 2 and elected.day == 29) else date(elected.year + 5, 2, 28),
                members=rng.choice([5, 7, 9]), chair_name="业委会主任", party_members=rng.randint(1, 4),
                filed_on=elected + timedelta(days=rng.randint(3, 28)),
            ))
        if company:
            fee = profiles[-1].fee_per_m2 * 90
            for month in months:
                paid_households = int(households * rng.uniform(0.6, 0.97))
                fees.append(FeeRecord(
                    estate=estate, area_path=estate.area_path, period=month,
                    amount_due=fee * households, amount_paid=fee * paid_households,
                    households_due=households, households_paid=paid_households,
                ))
    now = clock.now()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    opinions, ratings = [], []
    for n, profile in enumerate(profiles):
        if profile.company is None:
            continue
        if n % 4 == 0:
            written = now - timedelta(days=rng.randint(1, 60))
            replied = written + timedelta(hours=rng.choice([6, 30, 90, 200])) if n % 8 == 0 else None
            opinions.append(OpinionEntry(
                estate=profile.estate, area_path=profile.area_path, text=rng.choice(OPINIONS),
                created_at=written, reply_due=written + timedelta(days=5),
                reply="已安排处理，感谢监督。" if replied else "", reply_by=ReplyBy.COMPANY if replied else "",
                replied_at=replied,
            ))
        ratings.extend(
            SatisfactionRating(company=profile.company, estate=profile.estate, area_path=profile.area_path,
                               quarter=quarter, voter_key=f"demo{profile.estate.pk}-{k}",
                               score=rng.choice([3, 4, 4, 5, 5, 2]), at=now)
            for k in range(2)
        )
    EstateProfile.objects.bulk_create(profiles, batch_size=1000)
    OpinionEntry.objects.bulk_create(opinions, batch_size=1000)
    SatisfactionRating.objects.bulk_create(ratings, batch_size=2000)
    OwnersCommittee.objects.bulk_create(committees, batch_size=1000)
    FeeRecord.objects.bulk_create(fees, batch_size=2000)
    Estate.objects.filter(property_profile__mode__in=[ManagementMode.COMPANY, ManagementMode.SELF]).update(
        has_property_management=True
    )
    build.stats.figures["property_companies"] = len(companies)
    build.stats.figures["fee_records"] = len(fees)


# ---------------------------------------------------------------- history


HISTORY_KEY = "demo-h-opinion"
HISTORY_TEXTS = ("单元门禁坏了", "楼道堆放杂物", "电梯按钮失灵", "小区路灯不亮", "绿化带需要修剪", "垃圾桶满溢")
HISTORY_REPLIES = ("已安排维修人员处理，感谢反映。", "已清理，今后加强巡查。", "已报修，两日内修复。")


def history_exists() -> bool:
    return OpinionEntry.objects.filter(client_key__startswith=HISTORY_KEY).exists()


def history_start(world) -> None:
    """The opinion book of the focus community's managed estates over the year: residents
    write (no account), the company's staff (the ``wuye`` login where it is theirs) or the
    community reply, most within the deadline, some late."""
    community = world.focus["community"]
    estates = list(Estate.objects.filter(area_path__startswith=community.path,
                                         property_profile__company__isnull=False).order_by("id")[:6])
    for n, estate in enumerate(estates):
        world.spawn(world.start + timedelta(days=2 + n), _opinion_book(world, estate, n))
    world.spawn(world.until - timedelta(minutes=1), _link_cases(world))


def _link_cases(world):
    """What the periodic task would have done over the year: store each property case's
    estate."""
    from wangge.property.services import link_property_cases

    world.count("property_cases_linked", link_property_cases(days=world.stats.days + 1))
    return
    yield


def _opinion_book(world, estate, n):
    from wangge.accounts.models import Role, User
    from wangge.property.permissions import company_ids_of
    from wangge.property.services import opinion_reply, opinion_write

    rng = world.rng("property-opinions", estate.pk)
    community = world.focus["community"]
    company_user = User.objects.filter(username=DEMO_LOGIN).first()
    staff = world.people.by_area.get((Role.COMMUNITY_STAFF, community.path), [])
    company_id = EstateProfile.objects.filter(estate=estate).values_list("company_id", flat=True).first()
    k = 0
    while True:
        k += 1
        entry = opinion_write(actor=None, estate=estate, text=rng.choice(HISTORY_TEXTS),
                              client_key=f"{HISTORY_KEY}-{estate.pk}-{k}")
        world.count("opinion_entries")
        if rng.random() < 0.9:
            yield world.later(rng, 2, 24 * rng.choice([1, 2, 4, 9]))
            replier = (company_user if company_user is not None and company_id in company_ids_of(company_user)
                       and rng.random() < 0.7 else world.people.pick(staff, rng))
            if replier is not None:
                opinion_reply(actor=replier, entry_id=entry.pk, reply=rng.choice(HISTORY_REPLIES))
                world.count("opinion_replies")
        yield world.later(rng, 24 * 10, 24 * 30)


def history_figures() -> dict:
    rows = OpinionEntry.objects.filter(client_key__startswith=HISTORY_KEY)
    return {"opinion_entries": rows.count(), "opinion_replies": rows.filter(replied_at__isnull=False).count()}


def history_summary(figures: dict) -> str:
    return f"{figures['opinion_entries']} 条意见簿留言（{figures['opinion_replies']} 条已答复）"


# ---------------------------------------------------------------- demo logins

DEMO_LOGIN = "wuye"


def _demo_company() -> PropertyCompany | None:
    """The company managing the first managed estate of the demo accounts' community (the
    first community of the first street of the first district), else any with estates."""
    district = Area.objects.filter(depth=2).order_by("path").first()
    if district is None:
        return None
    street = Area.objects.filter(depth=3, path__startswith=district.path).order_by("path").first()
    community = Area.objects.filter(depth=4, path__startswith=street.path).order_by("path").first() if street else None
    profiles = EstateProfile.objects.filter(company__isnull=False).select_related("company")
    first = profiles.filter(area_path__startswith=community.path).order_by("area_path", "id").first() if community else None
    first = first or profiles.order_by("area_path", "id").first()
    return first.company if first else None


def demo_accounts() -> list[tuple]:
    """A property company's customer-service login, on the company's registered area (the
    role's scope is the company's estates, never that area)."""
    from wangge.accounts.models import Role

    company = _demo_company()
    # A city without companies still gets the login (every role has one); it sees nothing.
    area = company.area if company else Area.objects.order_by("depth", "path").first()
    if area is None:
        return []
    return [(DEMO_LOGIN, "物业客服 李娜", Role.PROPERTY_STAFF, area, None)]


def demo_accounts_ready(users: dict) -> None:
    from wangge.property.models import CompanyStaff

    user, company = users.get(DEMO_LOGIN), _demo_company()
    if user is None or company is None:
        return
    if not CompanyStaff.objects.filter(user=user, until__isnull=True).exists():
        CompanyStaff.objects.create(user=user, company=company, since=clock.today() - timedelta(days=400))


def city_staff(build) -> None:
    """A customer-service account for each property company, working for it (generated,
    activated later like every generated account)."""
    from wangge.accounts.models import Role
    from wangge.demo.staff import staff_accounts
    from wangge.property.models import CompanyStaff, PropertyCompany

    companies = list(PropertyCompany.objects.order_by("pk"))
    plan = [(f"wy{company.pk}", Role.PROPERTY_STAFF, company.area_id, None) for company in companies]
    ids = staff_accounts(build, "property-staff", plan)
    since = clock.today() - timedelta(days=365)
    CompanyStaff.objects.bulk_create(
        [CompanyStaff(user_id=ids[f"wy{company.pk}"], company=company, since=since) for company in companies]
    )
    build.stats.figures["property_accounts"] = len(ids)

"""New-employment groups in the demo city (found by wangge.demo's discovery of ``<app>.demo``).

The city gets a census in the seed's proportions (Alxa: 47 companies, 1,962 couriers,
riders and drivers, 5 branches founded with an instructor each), scaled to the city; the
first district gets an express-and-take-away party alliance (Qingshan's 红速小哥). The
history adds care packages, legal aid, job and training referrals, rest-station visits
(station logs) and reports made by workers through the ordinary report flow."""

from __future__ import annotations

import random
from datetime import timedelta

from wangge.areas.models import Area, AreaKind
from wangge.core import clock

from .models import (
    Branch,
    Company,
    Industry,
    Instructor,
    ServiceKind,
    ServiceRecord,
    StationVisit,
    Worker,
    WorkerReport,
    WorkerType,
)
from .validation import make_credit_code

# The seed's census (Alxa League, about a tenth of the full demo city's population).
SEED_COMPANIES, SEED_WORKERS, SEED_BRANCHES = 47, 1962, 5
FULL_SCALE_SHARE = 10  # the full city is about ten seed leagues
PLATFORMS = {
    Industry.EXPRESS: ["顺丰速运", "中通快递", "圆通速递", "韵达快递", "京东物流", "邮政EMS", "极兔速递"],
    Industry.TAKEAWAY: ["美团外卖", "饿了么"],
    Industry.RIDE_HAILING: ["滴滴出行", "曹操出行", "T3出行"],
    Industry.FREIGHT: ["货拉拉", "满帮"],
}
INDUSTRY_WEIGHTS = {Industry.EXPRESS: 40, Industry.TAKEAWAY: 30, Industry.RIDE_HAILING: 15, Industry.FREIGHT: 15}
TYPE_OF = {Industry.EXPRESS: WorkerType.COURIER, Industry.TAKEAWAY: WorkerType.RIDER,
           Industry.RIDE_HAILING: WorkerType.DRIVER, Industry.FREIGHT: WorkerType.TRUCKER}
PROVIDERS = {
    ServiceKind.CARE_PACKAGE: ["区总工会", "区委组织部", "区市场监管局"],
    ServiceKind.LEGAL_AID: ["区司法局法律援助中心", "区人社局劳动监察大队"],
    ServiceKind.JOB_REFERRAL: ["区人社局就业服务中心"],
    ServiceKind.TRAINING_REFERRAL: ["区人社局职业技能培训中心", "区总工会"],
}
REPORTS = ["路口井盖缺失，电动车容易摔倒", "小区门口道路积水严重", "路灯不亮，夜间送餐不安全",
           "人行道被占道经营堵塞", "共享单车乱停放堵住消防通道", "绿化带树枝遮挡交通信号灯"]


def _counts(scale: float) -> tuple[int, int, int]:
    companies = max(8, round(SEED_COMPANIES * FULL_SCALE_SHARE * scale))
    workers = round(companies * SEED_WORKERS / SEED_COMPANIES)
    branches = max(2, round(companies * SEED_BRANCHES / SEED_COMPANIES))
    return companies, workers, branches


def _alliance(district: Area, orgs):
    from wangge.party.models import Alliance

    alliance = Alliance.objects.create(name=f"{district.name}快递外卖行业党建联盟", area=district,
                                       area_path=district.path, industry="express")
    alliance.orgs.set(orgs)
    return alliance


def _branches(rng, streets: list[Area], n: int, today):
    """New branches in the party tree under the streets' working committees."""
    from wangge.party.models import PartyOrg

    made = []
    for k in range(n):
        street = streets[k % len(streets)]
        parent = PartyOrg.objects.filter(area_id=street.pk, kind="street").order_by("path").first()
        if parent is None:
            continue
        node = PartyOrg(code=f"PX{street.code}{k + 1:02d}", name=f"{street.name}新就业群体联合党支部{k + 1}",
                        level="joint_branch", kind="two_new", industry="express", area_id=street.pk,
                        area_path=street.path, joint_units=rng.randint(3, 8), committee_size=3,
                        term_started=today - timedelta(days=rng.randrange(30, 500)))
        # A fresh parent (its numchild) for treebeard.
        org = PartyOrg.objects.add_child(PartyOrg.objects.get(pk=parent.pk), instance=node)
        made.append(org)
    return made


def city_populate(build) -> None:
    rng = random.Random(f"wangge-city:{build.seed}:employment")
    today = clock.today()
    district = Area.objects.filter(kind=AreaKind.DISTRICT).order_by("path").first()
    if district is None:
        return
    streets = list(Area.objects.filter(kind=AreaKind.STREET).order_by("path").only("id", "code", "name", "path"))
    grids: dict[str, list[Area]] = {}
    for grid in Area.objects.filter(kind=AreaKind.GRID).order_by("path").only("id", "path"):
        grids.setdefault(grid.path[:12], []).append(grid)
    streets = [s for s in streets if grids.get(s.path)]
    if not streets:
        return
    n_companies, n_workers, n_branches = _counts(build.scale)
    home = [s for s in streets if s.path.startswith(district.path)] or streets
    founded = _branches(rng, home, n_branches, today)
    alliance = _alliance(district, founded)
    industries = list(INDUSTRY_WEIGHTS)
    companies = []
    for k in range(n_companies):
        industry = rng.choices(industries, [INDUSTRY_WEIGHTS[i] for i in industries])[0]
        # Half the census lies in the alliance's district (the demo logins' district).
        street = rng.choice(home if k % 2 == 0 else streets)
        platform = rng.choice(PLATFORMS[industry])
        companies.append(Company(
            name=f"{platform}{street.name}{'站' if industry == Industry.TAKEAWAY else '营业部'}", platform=platform,
            outlet=f"{street.name}{k + 1}号站点", industry=industry,
            credit_code=make_credit_code(f"91{street.code[:6]}MA{k + 1:07d}"[:17].ljust(17, "0")),
            address=f"{street.name}{rng.randint(1, 300)}号", area_id=street.pk, area_path=street.path,
            alliance=alliance if street.path.startswith(district.path) and industry in (
                Industry.EXPRESS, Industry.TAKEAWAY) else None,
            surveyed_on=today - timedelta(days=rng.randrange(60, 400)),
        ))
    Company.objects.bulk_create(companies)
    from wangge.demo.names import person_name

    workers = []
    weights = [max(1.0, rng.gauss(1.0, 0.5)) for _c in companies]
    for company in rng.choices(companies, weights, k=n_workers):
        grid = rng.choice(grids[company.area_path])
        consent = rng.random() < 0.85
        party = rng.random() < 0.06
        worker = Worker(
            name=person_name(rng, rng.random() < 0.9) if consent else "",
            worker_type=TYPE_OF[company.industry] if rng.random() < 0.95 else WorkerType.OTHER,
            company=company, station=company.outlet, work_area_id=grid.pk, area_path=grid.path,
            consent_on=company.surveyed_on if consent else None, is_party_member=party,
            membership_held_at=rng.choice(["户籍地村党支部", "原单位党支部", "流动党员党支部"]) if party else "",
            surveyed_on=company.surveyed_on,
        )
        if consent:
            worker.set_phone(f"1{rng.choice('3578')}{rng.randrange(10 ** 9):09d}")
        workers.append(worker)
    Worker.objects.bulk_create(workers, batch_size=2000)
    for org in founded:
        branch = Branch.objects.create(org=org, area_path=org.area_path,
                                       founded_on=org.term_started or today)
        branch.companies.set([c for c in companies if c.area_path == org.area_path][:6])
        Instructor.objects.create(branch=branch, area_path=branch.area_path, name=person_name(rng, rng.random() < 0.6),
                                  unit="区委组织部", since=branch.founded_on)
    build.stats.figures["employment_companies"] = len(companies)
    build.stats.figures["employment_workers"] = len(workers)
    build.say(f"  新业态企业 {len(companies):,} 家，新就业群体 {len(workers):,} 人，新建党组织 {len(founded)} 个")


# ---------------------------------------------------------------- history


def history_exists() -> bool:
    return ServiceRecord.objects.exists()


def history_prepare(world) -> None:
    """Services over the history's days, in bulk: care packages at the festivals, legal
    aid cases, job and training referrals — per worker where known, per company otherwise."""
    rng = world.rng("employment-services")
    companies = list(Company.objects.all())
    workers = list(Worker.objects.filter(consent_on__isnull=False).only("id", "company_id", "area_path"))
    if not companies:
        return
    span = max(1, (world.today - world.start_day).days)
    rows = []
    for kind, per_company in ((ServiceKind.CARE_PACKAGE, 2), (ServiceKind.LEGAL_AID, 0.3),
                              (ServiceKind.JOB_REFERRAL, 0.5), (ServiceKind.TRAINING_REFERRAL, 0.6)):
        for _k in range(round(len(companies) * per_company)):
            day = world.start_day + timedelta(days=rng.randrange(span))
            if workers and rng.random() < 0.5:
                worker = rng.choice(workers)
                rows.append(ServiceRecord(kind=kind, worker_id=worker.pk, company_id=worker.company_id,
                                          area_path=worker.area_path, date=day, people=1,
                                          provider=rng.choice(PROVIDERS[kind]),
                                          closed_on=day + timedelta(days=rng.randint(5, 40))
                                          if kind == ServiceKind.LEGAL_AID else None))
            else:
                company = rng.choice(companies)
                rows.append(ServiceRecord(kind=kind, company=company, area_path=company.area_path, date=day,
                                          people=rng.randint(5, 60), provider=rng.choice(PROVIDERS[kind])))
    ServiceRecord.objects.bulk_create(rows, batch_size=2000)
    world.count("employment_services", len(rows))


def history_start(world) -> None:
    world.spawn(world.start + timedelta(days=2, hours=12), _visits(world))
    world.spawn(world.start + timedelta(days=3, hours=10), _reports(world))


def _visits(world):
    """Every few days riders and couriers drop in at the rest stations (station logs)."""
    from wangge.facilities.models import Facility, ServiceLog

    rng = world.rng("employment-visits")
    stations = list(Facility.objects.filter(facility_type__code="rest_station", active=True)
                    .prefetch_related("services")[:60])
    offered = {s.pk: [x for x in s.services.all() if x.code in ("rest", "charging", "water", "microwave", "toilet")]
               or list(s.services.all()) for s in stations}
    stations = [s for s in stations if offered[s.pk]]
    workers = list(Worker.objects.filter(consent_on__isnull=False).only("id", "company_id", "worker_type", "area_path"))
    while stations:
        logs, visits = [], []
        for station in rng.sample(stations, min(len(stations), 20)):
            around = [w for w in workers if w.area_path[:12] == station.area_path[:12]]
            for _k in range(rng.randint(1, 4)):
                worker = rng.choice(around) if around and rng.random() < 0.5 else None
                log = ServiceLog(facility=station, area_path=station.area_path, service=rng.choice(offered[station.pk]),
                                 date=world.now.date(), people=1)
                logs.append(log)
                visits.append((log, station, worker, worker.worker_type if worker else rng.choice(
                    [WorkerType.RIDER, WorkerType.COURIER, WorkerType.DRIVER])))
        ServiceLog.objects.bulk_create(logs)
        StationVisit.objects.bulk_create([
            StationVisit(log=log, facility=station, area_path=station.area_path, worker=worker, worker_type=kind,
                         company_id=worker.company_id if worker else None, date=log.date)
            for log, station, worker, kind in visits
        ])
        world.count("employment_visits", len(visits))
        yield world.now + timedelta(days=rng.choice([3, 4]))


def _reports(world):
    """红速小哥: workers report what they see through the ordinary report flow; the case
    lives its life in the closed loop and is credited to the worker."""
    from wangge.cases.models import Category, Source
    from wangge.cases.services import case_report

    from .credit import credit_case

    rng = world.rng("employment-reports")
    workers = list(Worker.objects.filter(consent_on__isnull=False, consent_withdrawn_on__isnull=True)
                   .exclude(phone_enc="").select_related("work_area").order_by("pk")[:400])
    leaves = getattr(world, "leaves", None) or {}
    categories = [c for group in sorted(leaves) for c in leaves[group]][:40] or list(
        Category.objects.filter(active=True, depth__gt=1).order_by("code")[:40])
    follow = world.hooks.get("case_follow")
    while workers and categories:
        worker = rng.choice(workers)
        grid = worker.work_area
        place, lat, lng = world.place(grid, rng)
        case = case_report(actor=None, category=rng.choice(categories), description=rng.choice(REPORTS),
                           source=Source.RESIDENT, lat=lat, lng=lng, address=place, grid=grid,
                           reporter_name=worker.name, reporter_phone=worker.phone)
        if credit_case(case) is not None:
            world.count("employment_reports")
        if follow is not None:
            follow(case.pk, rng, reporter_kind="public")
        yield world.now + timedelta(hours=rng.uniform(20, 60))


def history_figures() -> dict:
    return {
        "employment_services": ServiceRecord.objects.count(),
        "employment_visits": StationVisit.objects.count(),
        "employment_reports": WorkerReport.objects.count(),
    }


def history_summary(figures: dict) -> str:
    return (f"{figures['employment_services']} 条新就业群体关爱服务，{figures['employment_visits']} 人次驿站来访，"
            f"{figures['employment_reports']} 件从业人员上报")


# ---------------------------------------------------------------- demo logins


def _first_station():
    from wangge.facilities.models import Facility

    return (Facility.objects.filter(facility_type__code="rest_station", active=True)
            .select_related("area").order_by("area_path", "pk").first())


def demo_accounts() -> list[tuple]:
    """The district's new-employment officer; the keeper of the first rest station
    (community staff of its community: facilities' log roles)."""
    from wangge.accounts.models import Role

    district = Area.objects.filter(kind=AreaKind.DISTRICT).order_by("path").first()
    if district is None:
        return []
    rows = [("employment", "新就业群体专员 白雪", Role.EMPLOYMENT_STAFF, district, None)]
    station = _first_station()
    if station is not None:
        area = station.area
        if area.kind in (AreaKind.GRID, AreaKind.MICROGRID):
            area = Area.objects.filter(kind=AreaKind.COMMUNITY, path=area.path[:16]).first() or area
        rows.append(("stationkeeper", "驿站站长 乌云", Role.COMMUNITY_STAFF, area, None))
    return rows


def city_staff(build) -> None:
    """An employment officer for each street (generated accounts, activated later)."""
    from wangge.accounts.models import Role
    from wangge.demo.staff import staff_accounts

    streets = Area.objects.filter(kind=AreaKind.STREET).order_by("path")
    plan = [(f"xj{street.code}", Role.EMPLOYMENT_STAFF, street.id, None) for street in streets]
    build.stats.figures["employment_accounts"] = len(staff_accounts(build, "employment-staff", plan))

"""The party module's part of the demo city and its history (found by wangge.demo).

City: an organisation tree (city committee → street working committees → community /
village committees → one branch per grid, all but ~0.25 % of grids), ten industry
committees with 两新 branches, alliances, ~6 % of adults as members (tied to their
resident row: same encryption), mobile members, transfers in flight, 双报到, 党员中心户,
communities' 一肩挑 and workers. History: 三会一课 records with realistic gaps over the
history's days (cheap: only branches with members).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count

from wangge.accounts.models import Role
from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.core.lookups import PATH_ALPHABET
from wangge.demo.names import person_name
from wangge.party.models import (
    Alliance,
    AllianceActivity,
    CentralHousehold,
    CommunityProfile,
    CommunityWorker,
    DualRegistration,
    FlowOut,
    Industry,
    Meeting,
    Member,
    OrgOfficer,
    PartyOrg,
    ServiceHours,
    ServicePost,
    Transfer,
)
from wangge.people.models import Resident

MEMBER_SHARE = 0.06
MISSING_GRID_SHARE = 0.0025
WORKER_POSTS = ["社区党委书记", "社区居委会主任", "党建专干", "民政专干", "网格长", "综治专干", "文化专干"]
INDUSTRY_UNITS = {
    "social_org": "社会组织", "property": "物业服务企业", "taxi": "出租车公司", "express": "快递网点",
    "lawyer": "律师事务所", "internet": "互联网企业", "logistics": "物流企业", "catering": "餐饮企业",
    "private_edu": "民办学校", "health": "民营医院",
}


def _key(n: int) -> str:
    out = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        out = PATH_ALPHABET[r] + out
    return out


class _Tree:
    """Organisations with treebeard paths computed in code order (bulk insert)."""

    def __init__(self):
        self.rows: list[PartyOrg] = []
        self.children: dict[str, int] = {}

    def add(self, parent: PartyOrg | None, **fields) -> PartyOrg:
        base = parent.path if parent else ""
        self.children[base] = self.children.get(base, 0) + 1
        org = PartyOrg(path=base + _key(self.children[base]), depth=len(base) // 4 + 1, numchild=0, **fields)
        if parent is not None:
            parent.numchild += 1
        self.rows.append(org)
        return org


def city_populate(build) -> None:
    rng = random.Random(f"wangge-city:{build.seed}:party")
    today = clock.today()
    areas = {a.code: a for a in Area.objects.filter(kind__in=("city", "street", "community", "grid"))}
    tree = _Tree()
    by_area: dict[str, PartyOrg] = {}

    def org(parent, code, name, level, kind, area, **extra):
        term = today - timedelta(days=rng.randrange(0, 5 * 365 + 200))
        row = tree.add(parent, code=code, name=name, level=level, kind=kind, area_id=area.id,
                       area_path=area.path, secretary_name="" if rng.random() < 0.01 else person_name(rng, rng.random() < 0.5),
                       term_started=term, **extra)
        return row

    plan = sorted(build.plan, key=lambda node: node.path)
    city = next(areas[n.code] for n in plan if n.kind == AreaKind.CITY)
    root = org(None, "P" + city.code, "中共" + city.name + "委员会", "committee", "government", city, committee_size=9)
    grids = [n for n in plan if n.kind == AreaKind.GRID]
    missing = set(rng.sample(range(1, len(grids)), round(len(grids) * MISSING_GRID_SHARE))) if len(grids) > 1 else set()
    grid_index = {n.code: i for i, n in enumerate(grids)}
    for node in plan:
        area = areas.get(node.code)
        if node.kind == AreaKind.STREET:
            by_area[node.code] = org(root, "P" + node.code, node.name + "党工委", "working_committee", "street", area, committee_size=5)
        elif node.kind == AreaKind.COMMUNITY:
            village = node.name.endswith(("村", "嘎查"))
            by_area[node.code] = org(by_area[node.parent.code], "P" + node.code, node.name + "党委", "committee",
                                     "village" if village else "community", area, committee_size=rng.choice([5, 5, 7]))
        elif node.kind == AreaKind.GRID and grid_index[node.code] not in missing:
            by_area[node.code] = org(by_area[node.parent.code], "P" + node.code, node.name + "党支部", "branch",
                                     "grid", area, committee_size=rng.choice([0, 0, 3, 5]))
    industry_branches = []
    for n, (value, label) in enumerate(Industry.choices, start=1):
        committee = org(root, f"PI{n:02d}", f"{city.name}{label}行业党委", "committee", "industry", city, industry=value, committee_size=5)
        for k in range(1, 3):
            industry_branches.append(org(committee, f"PI{n:02d}{k:02d}", f"{INDUSTRY_UNITS[value]}{k}党支部", "branch",
                                         "two_new", city, industry=value, unit_name=f"{INDUSTRY_UNITS[value]}{k}", committee_size=0))
    PartyOrg.objects.bulk_create(tree.rows, batch_size=2000)
    saved = {o.code: o for o in PartyOrg.objects.all()}
    build.stats.figures["party_orgs"] = len(saved)
    _alliances(rng, saved, areas, plan)
    _communities(rng, plan, areas)
    _members(build, rng, saved, areas, industry_branches)
    build.say(f"  党组织 {len(saved):,} 个，党员 {build.stats.figures['party_members']:,} 名")


def _alliances(rng, saved, areas, plan) -> None:
    streets = [n for n in plan if n.kind == AreaKind.STREET][:20]
    for node in streets:
        alliance = Alliance.objects.create(name=f"{node.name}党建联盟", area=areas[node.code], area_path=areas[node.code].path)
        members = [o for c, o in saved.items() if c.startswith("P" + node.code) and o.level != "branch"][:6]
        alliance.orgs.set(members + [saved["PI0201"], saved["PI0401"]])
        AllianceActivity.objects.create(alliance=alliance, date=clock.today() - timedelta(days=rng.randrange(10, 200)),
                                        title="联盟共建活动", orgs_taking_part=len(members))
    city = areas[next(n.code for n in plan if n.kind == AreaKind.CITY)]
    express = Alliance.objects.create(name="快递行业党建联盟", area=city, area_path=city.path, industry="express")
    express.orgs.set([saved["PI04"], saved["PI0401"], saved["PI0402"]])


def _communities(rng, plan, areas) -> None:
    profiles, workers = [], []
    for node in plan:
        if node.kind != AreaKind.COMMUNITY:
            continue
        area = areas[node.code]
        village = node.name.endswith(("村", "嘎查"))
        profiles.append(CommunityProfile(community=area, area_path=area.path, is_village=village,
                                         secretary_is_director=rng.random() < 0.85,
                                         secretary_heads_collective=village and rng.random() < 0.7))
        for post in WORKER_POSTS[: rng.randint(4, 7)]:
            workers.append(CommunityWorker(community=area, area_path=area.path, name=person_name(rng, rng.random() < 0.5), post=post,
                                           is_member=rng.random() < 0.6))
    CommunityProfile.objects.bulk_create(profiles, batch_size=2000)
    CommunityWorker.objects.bulk_create(workers, batch_size=2000)


def _members(build, rng, saved, areas, industry_branches) -> None:
    today = clock.today()
    adult = date(today.year - 18, today.month, 1)
    grid_org = {o.area_id: o for o in saved.values() if o.kind == "grid"}
    community_org = {o.area_id: o for o in saved.values() if o.kind in ("community", "village")}
    grid_parent = {a.id: a.path[:16] for a in areas.values() if a.kind == "grid"}
    community_by_path = {a.path: a for a in areas.values() if a.kind == "community"}
    rows = []
    residents = Resident.objects.filter(birth_date__lte=adult).values_list(
        "id", "name", "gender", "birth_date", "id_number_enc", "id_number_index", "phone_enc", "household__grid_id",
        "household_id")
    households_of: dict[int, list[int]] = {}
    for rid, name, gender, birth, id_enc, id_index, phone_enc, grid_id, household_id in residents.iterator():
        households_of.setdefault(grid_id, []).append(household_id)
        if rng.random() >= MEMBER_SHARE:
            continue
        community = community_by_path[grid_parent[grid_id]]
        org = grid_org.get(grid_id) or community_org[community.id]
        if rng.random() < 0.05:
            org = rng.choice(industry_branches)
        admitted = min(today - timedelta(days=30),
                       max(birth + timedelta(days=18 * 366), today - timedelta(days=rng.randrange(30, 50 * 365))))
        probationary = admitted > today - timedelta(days=365)
        status = rng.choices(["normal", "flowed_out", "lost"], [0.955, 0.04, 0.005])[0]
        in_service = rng.random() < 0.4
        rows.append(Member(
            resident_id=rid, name=name, gender=gender, birth_date=birth, id_number_enc=id_enc,
            id_number_index=id_index, phone_enc=phone_enc, admitted_on=admitted,
            stage="probationary" if probationary else "full",
            probation_ends=admitted + timedelta(days=365) if probationary else None,
            full_on=None if probationary else admitted + timedelta(days=365), status=status,
            lost_contact_on=today - timedelta(days=200) if status == "lost" else None,
            dues_paid_until=f"{today.year}-{rng.randint(1, today.month):02d}",
            org_id=org.id, org_path=org.path, area_path=org.area_path,
            residence_id=community.id, in_service=in_service, work_unit="某单位" if in_service else "",
            last_org_life_on=today - timedelta(days=rng.randrange(5, 250)),
        ))
    members = Member.objects.bulk_create(rows, batch_size=2000)
    build.stats.figures["party_members"] = len(members)
    _member_stories(rng, members, saved, households_of, areas)


def _member_stories(rng, members, saved, households_of, areas) -> None:
    today = clock.today()
    members = list(Member.objects.filter(id__in=[m.id for m in members]).select_related("resident__household"))
    flows = [FlowOut(member=m, area_path=m.area_path, destination=rng.choice(["北京市", "鄂尔多斯市", "呼和浩特市", "天津市"]),
                     unit="务工", since=today - timedelta(days=rng.randrange(60, 900)), reason="外出务工",
                     last_contact_on=today - timedelta(days=rng.randrange(10, 500)), last_contact_by="支部书记")
             for m in members if m.status == "flowed_out"]
    FlowOut.objects.bulk_create(flows)
    branches = [o for o in saved.values() if o.level == "branch"]
    transfers = []
    for m in rng.sample(members, min(len(members), max(2, len(members) // 150))):
        target = rng.choice(branches)
        if target.id == m.org_id or m.status != "normal":
            continue
        issued = today - timedelta(days=rng.choice([5, 12, 20, 45, 70]))
        transfers.append(Transfer(member=m, scope="inside", from_org_id=m.org_id, to_org=target, area_path=m.area_path,
                                  to_area_path=target.area_path, letter_no=f"ZZ{today.year}{len(transfers) + 1:05d}",
                                  issued_on=issued, valid_until=issued + timedelta(days=30)))
        m.status = "transferring"
    Member.objects.filter(id__in=[t.member_id for t in transfers]).update(status="transferring")
    moving = {t.member_id for t in transfers}
    places = ["呼和浩特市", "鄂尔多斯市", "北京市", "赤峰市"]
    candidates = [m for m in members if m.id not in moving and m.status == "normal"]
    for k, m in enumerate(rng.sample(candidates, min(len(candidates), max(3, len(members) // 400)))):
        moving.add(m.id)
        if k % 3 != 2:  # two in three arrived from outside the city (received when handed in)
            issued = today - timedelta(days=rng.randrange(30, 700))
            transfers.append(Transfer(member=m, scope="in", to_org_id=m.org_id, area_path=m.area_path,
                                      to_area_path=m.area_path, outside_org=f"{rng.choice(places)}某党支部",
                                      letter_no=f"WR{issued.year}{len(transfers) + 1:05d}", issued_on=issued,
                                      valid_until=issued + timedelta(days=30), status="received",
                                      closed_on=issued + timedelta(days=rng.randrange(1, 20))))
        else:  # a letter out of the city, not yet confirmed
            issued = today - timedelta(days=rng.choice([8, 25, 40]))
            transfers.append(Transfer(member=m, scope="out", from_org_id=m.org_id, area_path=m.area_path,
                                      outside_org=f"{rng.choice(places)}某党支部",
                                      letter_no=f"ZC{today.year}{len(transfers) + 1:05d}", issued_on=issued,
                                      valid_until=issued + timedelta(days=30)))
            Member.objects.filter(pk=m.id).update(status="transferring")
            m.status = "transferring"
    Transfer.objects.bulk_create(transfers)
    posts: dict[int, list[ServicePost]] = {}
    area_by_id = {a.id: a for a in areas.values()}
    regs, centrals = [], []
    for m in members:
        if m.in_service and m.status == "normal" and rng.random() < 0.6:
            if m.residence_id not in posts:
                area = area_by_id[m.residence_id]
                posts[m.residence_id] = ServicePost.objects.bulk_create(
                    [ServicePost(community_id=area.id, area_path=area.path, title=t) for t in ("文明劝导岗", "助老服务岗", "环境整治项目")])
            regs.append(DualRegistration(member=m, community_id=m.residence_id, area_path=area_by_id[m.residence_id].path,
                                         registered_on=today - timedelta(days=rng.randrange(20, 700)),
                                         report_h1=rng.random() < 0.7))
        elif not m.in_service and m.status == "normal" and rng.random() < 0.05 and m.resident_id:
            centrals.append(m)
    regs = DualRegistration.objects.bulk_create(regs)
    hours = [ServiceHours(registration=r, date=today - timedelta(days=rng.randrange(1, 300)),
                          hours=Decimal(rng.choice(["1.5", "2.0", "3.0", "4.0"])), confirmed=rng.random() < 0.8)
             for r in regs for _ in range(rng.randint(0, 4))]
    ServiceHours.objects.bulk_create(hours, batch_size=2000)
    for m in centrals:
        household = m.resident.household
        row = CentralHousehold.objects.create(member=m, household=household, area_path=household.area_path,
                                              contact_enc=m.phone_enc, since=today - timedelta(days=rng.randrange(30, 900)))
        neighbours = [h for h in households_of.get(household.grid_id, []) if h != household.id]
        row.linked.set(rng.sample(sorted(set(neighbours)), min(len(set(neighbours)), rng.randint(5, 15))))


def city_staff(build) -> None:
    """Accounts for the party roles, in bulk with an unusable password like every generated
    account (activated by the security admin): a secretary for each branch that has members
    (with its office), party staff for each street."""
    from django.contrib.auth.hashers import make_password

    from wangge.accounts.models import RoleAssignment, User
    from wangge.demo.bulk import next_id

    rng = random.Random(f"wangge-city:{build.seed}:party-staff")
    now, today, unusable = clock.now(), clock.today(), make_password(None)
    user_id, assignment_id = next_id(User), next_id(RoleAssignment)
    users, assignments, offices = [], [], []
    branches = PartyOrg.objects.filter(level="branch", members__isnull=False).distinct().order_by("path")
    streets = Area.objects.filter(kind=AreaKind.STREET).order_by("path")
    plan = [(f"ds{org.code}", Role.PARTY_SECRETARY, org.area_id, org) for org in branches]
    plan += [(f"dw{street.code}", Role.PARTY_STAFF, street.id, None) for street in streets]
    for username, role, area_id, org in plan:
        users.append(User(id=user_id, username=username, display_name=person_name(rng, rng.random() < 0.5),
                          password=unusable, is_staff=True, is_active=True, date_joined=now))
        assignments.append(RoleAssignment(id=assignment_id, user_id=user_id, role=role, area_id=area_id, created_at=now))
        if org is not None:
            offices.append(OrgOfficer(user_id=user_id, org=org, since=today - timedelta(days=rng.randrange(30, 900))))
        user_id += 1
        assignment_id += 1
    User.objects.bulk_create(users, batch_size=2000)
    RoleAssignment.objects.bulk_create(assignments, batch_size=2000)
    OrgOfficer.objects.bulk_create(offices, batch_size=2000)
    build.wrote([User, RoleAssignment])
    build.stats.figures["party_accounts"] = len(users)


# ---------------------------------------------------------------- history


def history_exists() -> bool:
    return Meeting.objects.exists()


def history_prepare(world) -> None:
    """三会一课 over the history's days, in bulk: most branches keep to the rules, some
    skip a month's theme day or a quarter's lecture, a few hold a members' meeting
    without a majority (recorded, invalid); December holds the year's organisational-life
    meeting and democratic appraisal."""
    rng = world.rng("party-meetings")
    start, end = world.start_day, world.today
    orgs = list(PartyOrg.objects.filter(level__in=("branch", "joint_branch"), members__isnull=False).distinct())
    sizes = dict(
        Member.objects.filter(org__in=orgs, status="normal").values("org_id").annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    rows = []
    for org in orgs:
        habit = rng.choice([0.97, 0.9, 0.8, 0.55])
        n = sizes.get(org.id, 1)
        month = date(start.year, start.month, 1)
        while month <= end:
            plan = [("theme_day", 10), ("committee", 5)] if org.committee_size >= 3 else [("theme_day", 10)]
            if month.month % 3 == 0:
                plan += [("assembly", 20), ("lecture", 25)]
            if month.month == 12:  # the year's 组织生活会 and 民主评议党员
                plan += [("life", 15), ("appraisal", 22)]
            for kind, day in plan:
                on = month.replace(day=min(day, 28))
                if on < start or on > end or rng.random() > habit:
                    continue
                attended = max(0, min(n, round(n * rng.uniform(0.35, 1.0))))
                valid = kind != "assembly" or attended * 2 > n
                rows.append(Meeting(org=org, org_path=org.path, area_path=org.area_path, kind=kind, date=on,
                                    topic={"theme_day": "主题党日", "committee": "支委会", "assembly": "支部党员大会",
                                           "lecture": "党课", "life": "组织生活会", "appraisal": "民主评议党员"}[kind],
                                    expected=n, attended=attended, voting_expected=n, voting_attended=attended,
                                    valid=valid))
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    Meeting.objects.bulk_create(rows, batch_size=2000)


def history_figures() -> dict:
    return {"party_meetings": Meeting.objects.count(), "party_invalid": Meeting.objects.filter(valid=False).count()}


def history_summary(figures: dict) -> str:
    return f"{figures['party_meetings']} 次三会一课记录（其中 {figures['party_invalid']} 次党员大会未过半数）"


# ---------------------------------------------------------------- demo logins


def demo_accounts() -> list[tuple]:
    """The branch secretary of the first branch that has members; party staff of its street."""
    member = Member.objects.filter(org__level="branch", org__kind="grid").order_by("org_path").first()
    if member is not None:
        area = Area.objects.get(pk=member.org.area_id)
    else:
        area = Area.objects.filter(kind=AreaKind.GRID).order_by("path").first()
    street = Area.objects.get(path=area.path[:12]) if area is not None else None
    return [
        ("partysec", "党支部书记 吴刚", Role.PARTY_SECRETARY, area, None),
        ("partystaff", "街道党务 郑红", Role.PARTY_STAFF, street, None),
    ]


def demo_accounts_ready(users: dict) -> None:
    user = users.get("partysec")
    member = Member.objects.filter(org__level="branch", org__kind="grid").order_by("org_path").first()
    if user is None or member is None:
        return
    if not OrgOfficer.objects.filter(user=user, until__isnull=True).exists():
        OrgOfficer.objects.create(user=user, org=member.org, since=clock.today() - timedelta(days=400))


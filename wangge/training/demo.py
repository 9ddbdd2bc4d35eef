"""Cadre training in the demo city: member units (every district department and every
street office), their cadres (30,000 at full scale), and in the history two years of
courses, classes, check-ins, leave, ratings, needs and online learning records — written
in bulk (found by wangge.demo's discovery of ``<app>.demo``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.demo.bulk import apportion
from wangge.demo.names import person_name

from .models import (
    Cadre,
    ClassKind,
    ClassRating,
    Course,
    CreditRecord,
    CreditSource,
    Enrolment,
    LevelGroup,
    Need,
    NeedCategory,
    TrainingClass,
    TrainingUnit,
)

FULL_CADRES = 30_000
TOPICS = [
    "习近平新时代中国特色社会主义思想专题", "党的二十大精神解读", "基层治理现代化", "网格化服务管理实务",
    "依法行政与法治政府建设", "数字政府与数据治理", "应急管理与突发事件处置", "乡村振兴战略实践",
    "铸牢中华民族共同体意识", "优化营商环境", "生态文明建设", "群众工作方法",
    "廉洁从政警示教育", "公文写作与调查研究", "红色文化与革命传统", "财政预算与绩效管理",
]
PLACES = ["市委党校", "区委党校", "乌兰夫纪念馆", "包钢展览馆", "线上直播"]
NEEDS = ["希望增加案例教学", "想学习数据分析工具", "需要应急处置演练", "基层治理经验交流",
         "法律法规更新解读", "群众工作沟通技巧", "红色教育现场教学", "网络课程希望更短更实用"]


def city_populate(build) -> None:
    """Units and cadres, in bulk."""
    streets = [n for n in build.plan if n.kind == AreaKind.STREET]
    paths = dict(Area.objects.filter(kind__in=[AreaKind.DISTRICT, AreaKind.STREET]).values_list("id", "path"))
    units = [
        TrainingUnit(name=d.name, area_id=d.area_id, department_id=d.pk, area_path=paths[d.area_id])
        for d in build.departments
        if d.area_id in paths
    ]
    units += [
        TrainingUnit(name=f"{s.name}办事处", area_id=build.area_ids[s.code],
                     area_path=paths[build.area_ids[s.code]])
        for s in streets
    ]
    units = TrainingUnit.objects.bulk_create(units)
    if not units:
        return
    import random

    rng = random.Random(f"wangge-city:{build.seed}:training")
    total = max(2 * len(units), round(FULL_CADRES * build.scale))
    cadres = []
    groups = [LevelGroup.TOWNSHIP] * 8 + [LevelGroup.COUNTY] + [LevelGroup.SECRETARY]
    for unit, n in zip(units, apportion(total, [1.0] * len(units), minimum=2), strict=True):
        for _k in range(n):
            cadres.append(Cadre(
                code=f"GB{len(cadres) + 1:06d}", name=person_name(rng, rng.random() < 0.5), unit=unit,
                area_path=unit.area_path, group=rng.choice(groups), is_party_member=rng.random() < 0.85,
            ))
    Cadre.objects.bulk_create(cadres, batch_size=2000)
    build.stats.figures["training_units"] = len(units)
    build.stats.figures["cadres"] = len(cadres)


def history_exists() -> bool:
    return TrainingClass.objects.exists()


def history_prepare(world) -> None:
    history_write(rng=world.rng("training"), today=world.today)


def history_write(*, rng, today: date, online_per_cadre: int = 6) -> dict:
    """Two years of training up to ``today`` (also used by bench/training.py)."""
    city = Area.objects.filter(kind=AreaKind.CITY).order_by("path").first()
    cadre_rows = list(Cadre.objects.values_list("pk", "area_path", "unit_id"))
    if city is None or not cadre_rows:
        return {}
    if not NeedCategory.objects.exists():
        # The defaults migration 0002 seeds (gone after a test's flush): the same rows.
        from importlib import import_module

        from django.apps import apps as django_apps

        import_module("wangge.training.migrations.0002_defaults").seed(django_apps, None)
    categories = list(NeedCategory.objects.all())
    lecturers = rng.sample(cadre_rows, min(4, len(cadre_rows)))
    courses = Course.objects.bulk_create([
        Course(topic=topic, category=categories[k % len(categories)], lecturer=person_name(rng, k % 2 == 0),
               lecturer_cadre_id=lecturers[k % len(lecturers)][0] if k % 4 == 0 else None,
               hours=Decimal(rng.choice([3, 4, 6])), excellent=k % 5 == 0)
        for k, topic in enumerate(TOPICS)
    ])
    first = date(today.year - 1, 1, 1)
    classes = []
    day = first + timedelta(days=10)
    while day + timedelta(days=7) < today:
        course = rng.choice(courses)
        kind = rng.choice([ClassKind.CLASSROOM, ClassKind.CLASSROOM, ClassKind.RED_TRIP, ClassKind.ONLINE])
        length = rng.choice([1, 2, 5])
        full_time = length >= 5
        classes.append(TrainingClass(
            title=f"{course.topic}{'培训班' if full_time else '专题班'}", course=course, kind=kind, start=day,
            end=day + timedelta(days=length - 1), place=PLACES[4] if kind == ClassKind.ONLINE else rng.choice(PLACES[:4]),
            full_time=full_time, hours=Decimal(length * 6 if full_time else course.hours),
            days_held=length, area_path=city.path,
        ))
        day += timedelta(days=rng.randint(9, 16))
    classes = TrainingClass.objects.bulk_create(classes)
    enrolments = []
    per_class = max(5, len(cadre_rows) // 12)
    for training_class in classes:
        held = training_class.end < today
        for pk, path, _unit in rng.sample(cadre_rows, min(per_class, len(cadre_rows))):
            checked = held and rng.random() < 0.92
            at = datetime.combine(training_class.start, time(8, 50), tzinfo=clock.LOCAL_TZ)
            leave = Decimal(rng.choice([0, 0, 0, 0, 2, 3])) if checked and training_class.full_time else Decimal(0)
            enrolments.append(Enrolment(
                training_class=training_class, cadre_id=pk, area_path=path,
                by=Enrolment.By.SELF if rng.random() < 0.2 else Enrolment.By.UNIT,
                first_check_in=at if checked else None, leave_hours=leave,
            ))
    enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    ratings = [
        ClassRating(enrolment=e, class_stars=rng.choice([3, 4, 4, 5, 5]), lecturer_stars=rng.choice([4, 5, 5]),
                    at=e.first_check_in + timedelta(days=1))
        for e in enrolments if e.first_check_in and rng.random() < 0.3
    ]
    ClassRating.objects.bulk_create(ratings, batch_size=2000)
    records = []
    span = (today - first).days
    for pk, path, _unit in cadre_rows:
        for k in range(rng.randint(online_per_cadre // 2, online_per_cadre * 3 // 2)):
            records.append(CreditRecord(
                cadre_id=pk, area_path=path, source=CreditSource.ONLINE, date=first + timedelta(days=rng.randrange(span)),
                title=rng.choice(TOPICS), minutes=rng.choice([10, 20, 35, 45, 60]), external_id=f"OL{pk}-{k}",
            ))
        if rng.random() < 0.3:
            records.append(CreditRecord(cadre_id=pk, area_path=path, source=CreditSource.UNIT,
                                        date=first + timedelta(days=rng.randrange(span)), title="单位集中学习",
                                        hours=Decimal(rng.choice([4, 8, 16]))))
    CreditRecord.objects.bulk_create(records, batch_size=5000)
    now = clock.now()
    needs = [
        Need(category=categories[k % len(categories)], text=NEEDS[k % len(NEEDS)],
             source=Need.Source.QUESTIONNAIRE if k % 3 else Need.Source.MEETING,
             cadre_id=cadre_rows[k % len(cadre_rows)][0], area_path=cadre_rows[k % len(cadre_rows)][1],
             course=courses[k % len(courses)] if k % 2 else None, created_at=now)
        for k in range(min(60, 4 * len(categories) * 4))
    ]
    Need.objects.bulk_create(needs)
    return {"classes": len(classes), "enrolments": len(enrolments), "online": len(records)}


def history_figures() -> dict:
    return {
        "training_classes": TrainingClass.objects.count(),
        "training_trainees": Enrolment.objects.filter(first_check_in__isnull=False).count(),
    }


def history_summary(figures: dict) -> str:
    return f"{figures['training_classes']} 期干部培训班，{figures['training_trainees']} 人次参训"


def _demo_unit():
    from wangge.accounts.models import Department

    unit = TrainingUnit.objects.filter(department__isnull=False).order_by("pk").first()
    if unit is None:
        department = Department.objects.select_related("area").order_by("pk").first()
        if department is None:
            return None
        unit = TrainingUnit.objects.create(name=department.name, area=department.area,
                                           department=department, area_path=department.area.path)
    if not unit.cadres.exists():
        Cadre.objects.create(code="DEMO0001", name="马骏", unit=unit, area_path=unit.area_path)
    return unit


def demo_accounts() -> list[tuple]:
    """The demo logins of training: a unit's training officer and a cadre of that unit."""
    from wangge.accounts.models import Role

    unit = _demo_unit()
    if unit is None:
        return []
    return [
        ("trainingofficer", "培训专管员 高峰", Role.TRAINING_OFFICER, None, unit.department),
        ("cadre", "干部 马骏", Role.CADRE, unit.area, None),
    ]


def demo_accounts_ready(users: dict) -> None:
    """The cadre login is the demo unit's first cadre."""
    user = users.get("cadre")
    unit = _demo_unit()
    if user is None or unit is None or Cadre.objects.filter(user=user).exists():
        return
    cadre = Cadre.objects.filter(unit=unit, user__isnull=True).order_by("pk").first()
    if cadre is not None:
        cadre.user = user
        cadre.save(update_fields=["user"])


def city_staff(build) -> None:
    """Accounts for the training roles, in bulk with an unusable password like every
    generated account: a training officer for each unit (on its department, or on its
    street), and an account for each unit's first cadre."""
    import random

    from django.contrib.auth.hashers import make_password

    from wangge.accounts.models import Role, RoleAssignment, User
    from wangge.demo.bulk import next_id

    rng = random.Random(f"wangge-city:{build.seed}:training-staff")
    now, unusable = clock.now(), make_password(None)
    user_id, assignment_id = next_id(User), next_id(RoleAssignment)
    users, assignments, linked = [], [], []
    first_cadres = {}
    for cadre in Cadre.objects.order_by("unit_id", "pk").only("pk", "unit_id", "name"):
        first_cadres.setdefault(cadre.unit_id, cadre)
    for unit in TrainingUnit.objects.order_by("pk"):
        plan = [(f"px{unit.pk}", person_name(rng, rng.random() < 0.5), Role.TRAINING_OFFICER,
                 None if unit.department_id else unit.area_id, unit.department_id)]
        cadre = first_cadres.get(unit.pk)
        if cadre is not None:
            plan.append((f"gb{cadre.code}", cadre.name, Role.CADRE, unit.area_id, None))
            cadre.user_id = user_id + 1
            linked.append(cadre)
        for username, name, role, area_id, department_id in plan:
            users.append(User(id=user_id, username=username, display_name=name, password=unusable,
                              is_staff=True, is_active=True, date_joined=now))
            assignments.append(RoleAssignment(id=assignment_id, user_id=user_id, role=role,
                                              area_id=area_id, department_id=department_id,
                                              created_at=now))
            user_id += 1
            assignment_id += 1
    User.objects.bulk_create(users, batch_size=2000)
    RoleAssignment.objects.bulk_create(assignments, batch_size=2000)
    Cadre.objects.bulk_update(linked, ["user"], batch_size=2000)
    build.wrote([User, RoleAssignment])
    build.stats.figures["training_accounts"] = len(users)

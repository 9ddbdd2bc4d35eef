"""The city's morning peak hour, from the seed's figures (bench/README.md, "The load model").

Each role has the number of people in the full city and, for the busiest hour (08:30–09:30),
how many times the city as a whole does each task. The load run scales the counts by the
city's ``--scale`` and by the load multiplier (1 = the estimated peak, 3, 5, …), and spreads
them over the simulated users of the role (``plan``).

Seed figures (/work/shared/seed/article.txt, and the generated city at scale 1.0): 279
communities, 2,814 grids, 32,000 grid workers, 2,886 community workers, ≈ 2.7 M residents
in ≈ 1.0 M households; "每日巡查走访" (a patrol every working day), care households visited
monthly and everybody else quarterly (≈ 12 M visits a year, bench/visits.py); ≈ 1 M cases a
year (bench/cases.py: 55 % reported by grid workers, 25 % by residents).
"""

import math

WORKING_DAYS = 250
CASES_PER_YEAR = 1_000_000
VISITS_PER_YEAR = 12_000_000
CASES_PER_WORKING_DAY = CASES_PER_YEAR / WORKING_DAYS  # 4,000
# Share of the day's work that falls into the peak hour.
OPENING_SHARE = 0.5  # workers who sign in and open the app between 08:30 and 09:30
WORK_SHARE = 0.2  # visits, patrols and reports: one of five busy hours
STAFF_SHARE = 1.0  # staff and leaders all sign in at the start of the day (09:00)

GRID_WORKERS = 32_000
COMMUNITY_STAFF = 2_886
STREET_STAFF = 80 * 5  # 80 streets, the generator's 5 per street
DEPARTMENT_HANDLERS = 180  # ≈ 60 departments × 3 (the generator)
LEADERS = 9 * 3 + 5  # district officers (3 per district) and city officers

# role → {task: count in the city's peak hour}. A task is one or a few requests (locustfile).
PEAK_HOUR: dict[str, dict[str, float]] = {
    "grid_worker": {
        # sign in (login page, password, second factor), the app page, session, today's list
        "open_day": GRID_WORKERS * OPENING_SHARE,
        # the list again after the outbox sent something (the app reloads it)
        "sync_today": GRID_WORKERS * OPENING_SHARE,
        "household": GRID_WORKERS * OPENING_SHARE,
        "visit": VISITS_PER_YEAR / WORKING_DAYS * WORK_SHARE,  # 9,600
        "patrol": GRID_WORKERS * WORK_SHARE,  # start, then end with its track points
        "finding": CASES_PER_WORKING_DAY * 0.55 * WORK_SHARE,  # 440, each with a photo
    },
    "resident": {
        "report": CASES_PER_WORKING_DAY * 0.25 * WORK_SHARE,  # 200 signed-in reports
        "track": CASES_PER_WORKING_DAY * 0.25 * WORK_SHARE * 3,  # 我的上报, three looks each
        "rate": CASES_PER_WORKING_DAY * 0.6 * WORK_SHARE / 2,  # half the closed cases rated
        "report_page": CASES_PER_WORKING_DAY * 0.25 * WORK_SHARE,  # the public form
    },
    "community_staff": {
        "open_day": COMMUNITY_STAFF * STAFF_SHARE,
        "work_list": COMMUNITY_STAFF * 4,
        "case_page": COMMUNITY_STAFF * 2,
        "accept": CASES_PER_WORKING_DAY * WORK_SHARE,  # the hour's new cases accepted
        "dispatch": CASES_PER_WORKING_DAY * WORK_SHARE,  # … and dispatched
        "registry_search": COMMUNITY_STAFF * 2,
        "household_page": COMMUNITY_STAFF,
        "import": 30,  # a few small resident imports
    },
    "street_staff": {
        "open_day": STREET_STAFF * STAFF_SHARE,
        "work_list": STREET_STAFF * 4,
        "case_page": STREET_STAFF * 2,
        "registry_search": STREET_STAFF,
        "dashboard": STREET_STAFF,
    },
    "department_handler": {
        "open_day": DEPARTMENT_HANDLERS * STAFF_SHARE,
        "work_list": DEPARTMENT_HANDLERS * 6,
        "case_page": DEPARTMENT_HANDLERS * 3,
        "sign": CASES_PER_WORKING_DAY * WORK_SHARE,
        "resolve": CASES_PER_WORKING_DAY * WORK_SHARE,
    },
    "leader": {
        "open_day": LEADERS * STAFF_SHARE,
        "dashboard": LEADERS * 2,
        "briefing": LEADERS,
        "map": LEADERS,
        "live_map": LEADERS * 4,
    },
}

# Requests per task (for the request mix and rates printed by load.py).
REQUESTS_PER_TASK: dict[str, dict[str, float]] = {
    "grid_worker": {"open_day": 7, "patrol": 2},
    "community_staff": {"open_day": 5, "accept": 2, "dispatch": 2, "import": 3},
    "street_staff": {"open_day": 5, "dashboard": 2},
    "department_handler": {"open_day": 3, "sign": 2, "resolve": 2},
    "leader": {"open_day": 3, "dashboard": 2, "map": 2},
    "resident": {"report": 1},
}
# Resident accounts sign in on their first task (a password, no second factor).


def requests_per_hour(role: str) -> float:
    extra = REQUESTS_PER_TASK.get(role, {})
    return sum(count * extra.get(task, 1) for task, count in PEAK_HOUR[role].items())


def plan(*, scale: float, multiplier: float, accounts: dict[str, int], max_users: int) -> dict:
    """Users per role and each user's task rate (tasks per second) for a run.

    The role's tasks per second = peak-hour count × scale × multiplier / 3600. The users are
    the people active in the hour at that scale (at least one), bounded by the accounts
    available and by ``max_users`` (each simulated user then stands for several people)."""
    roles = {}
    for role, tasks in PEAK_HOUR.items():
        rate = sum(tasks.values()) * scale * multiplier / 3600
        if rate <= 0:
            continue
        people = tasks.get("open_day", 0) or max(tasks.values()) / 3
        wanted = max(1, math.ceil(people * scale * min(multiplier, 1)))
        users = max(1, min(wanted, accounts.get(role, 0) or 1, max_users))
        roles[role] = {
            "users": users,
            "tasks_per_second_per_user": rate / users,
            "requests_per_second": requests_per_hour(role) * scale * multiplier / 3600,
            "weights": tasks,
        }
    return roles


def signins_per_second(*, scale: float, multiplier: float) -> float:
    """The peak hour's sign-ins per second (every role's ``open_day``) at this scale and load."""
    return sum(tasks.get("open_day", 0) for tasks in PEAK_HOUR.values()) * scale * multiplier / 3600

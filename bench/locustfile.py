"""Locust users for the city's morning peak (run by bench/load.py; see bench/README.md).

One class per role; ``bench/load.py`` writes the plan (``WANGGE_LOAD_PLAN``, JSON): the
host (127.0.0.1 only), the accounts file, users per role, each user's task rate and the
task weights from ``bench/loadmodel.py``. Every write goes through ``LoadUser.write``:
it carries an ``Idempotency-Key`` (API writes) and a marker in its text, is retried with
the same key after a timeout, a dropped connection, 429 or 5xx (as the phone's outbox
does), is sometimes sent once more after it was acknowledged (an answer lost on the way),
and is logged to ``<writes>.<pid>.jsonl`` with whether it was acknowledged.
``bench/reconcile.py`` checks the log against the database afterwards.

The client plays the reverse proxy: plain HTTP to gunicorn with ``X-Forwarded-Proto:
https`` and an ``X-Forwarded-For`` per simulated phone. Production's cookies are Secure,
so the client keeps them itself instead of a cookie jar.
"""

import contextlib
import itertools
import json
import os
import random
import re
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from gevent.lock import Semaphore
from locust import constant_throughput, events
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import RescheduleTask

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.loadhelpers import (
    csrf_field,
    hidden_value,
    multipart,
    photo,
    resident_workbook,
    select_values,
    totp,
)
from bench.loadhelpers import marker as new_marker  # noqa: E402

PLAN = json.loads(Path(os.environ["WANGGE_LOAD_PLAN"]).read_text())
ACCOUNTS = json.loads(Path(PLAN["accounts"]).read_text())
ORIGIN = "https://127.0.0.1"
TIMEOUT = float(PLAN.get("timeout", 10))
RESEND_SHARE = float(PLAN.get("resend_share", 0.05))  # acknowledged writes sent once more
RETRIES = int(PLAN.get("retries", 4))
_log_lock = Semaphore()
_log = open(f"{PLAN['writes']}.{os.getpid()}.jsonl", "a", buffering=1)  # noqa: SIM115


PHOTO = photo()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_last_step: dict[str, int] = {}


def _accounts(role: str):
    if role == "leader":
        rows = ACCOUNTS["roles"].get("district_officer", []) + ACCOUNTS["roles"].get("city_officer", [])
    else:
        rows = ACCOUNTS["roles"].get(role, [])
    return itertools.cycle(rows) if rows else None


_pools: dict[str, itertools.cycle] = {}
_tokens = list(ACCOUNTS.get("rate_tokens", []))
random.Random(os.getpid()).shuffle(_tokens)


class LoadUser(FastHttpUser):
    abstract = True
    role = ""
    host = PLAN["host"]
    network_timeout = TIMEOUT
    connection_timeout = TIMEOUT
    needs_account = True

    def on_start(self):
        if not self.host.startswith(("http://127.0.0.1", "http://localhost")):
            raise RuntimeError("the load test only talks to 127.0.0.1")
        self.cookies: dict[str, str] = {}
        self.outbox: list[dict] = []
        self.ip = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
        self.account = None
        if self.needs_account:
            pool = _pools.setdefault(self.role, _accounts(self.role))
            self.account = next(pool) if pool else None
        self.open_day()
        # A measured run (bench/load.py) signs everybody in during the ramp and starts the
        # day's tasks together when the measured minutes start, each user's first task at a
        # random point of its first period: the window sees the hour's rate from its first
        # second, not the ramp's sign-ins on top of it.
        start_at = PLAN.get("tasks_start_at")
        if start_at:
            time.sleep(max(0.0, start_at - time.time()) + random.uniform(0, 1 / _rate(self.role)))
        # locust's constant_throughput counts the first period from the user's creation, so
        # a user whose sign-in (and wait) took longer than one period ran its first two
        # tasks back to back: every user doubled its rate for its first period. The period
        # starts with the first task.
        self._cp_last_run = time.perf_counter()

    # ------------------------------------------------------------------ HTTP

    def _headers(self, extra: dict | None = None) -> dict:
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.ip,
            "Origin": ORIGIN,
            "Referer": ORIGIN + "/",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        headers.update(extra or {})
        return headers

    def _keep_cookies(self, response) -> None:
        headers = getattr(response, "headers", None)
        if not headers:
            return
        for value in headers.getlist("set-cookie") if hasattr(headers, "getlist") else []:
            name, _, rest = value.partition("=")
            val = rest.split(";", 1)[0]
            if "max-age=0" in value.lower() or val == '""':
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = val

    def call(self, method: str, path: str, name: str, *, ok=(200,), body=None, headers=None,
             json_body=None):
        """One request; a status outside ``ok`` (or a timeout) counts as a failure. A user
        whose session is gone (401, or sent to the login page) signs in again first."""
        if self.needs_account and not self.signed_in and not self._signing:
            self._signing = True
            try:
                self.open_day()
            finally:
                self._signing = False
            if not self.signed_in:
                # A phone that cannot sign in waits longer each time (no login storm).
                self._backoff = min(60.0, (self._backoff or 2.5) * 2)
                time.sleep(self._backoff * random.uniform(0.5, 1.0))
                raise RescheduleTask()
            self._backoff = 0.0
        extra = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body)
            extra.setdefault("Content-Type", "application/json")
        with self.client.request(method, path, name=name, data=body, headers=self._headers(extra),
                                 allow_redirects=False, catch_response=True) as response:
            self._keep_cookies(response)
            status = response.status_code or 0
            location = (response.headers or {}).get("location") or "" if status == 302 else ""
            if status == 401 or location.startswith("/login/"):
                self.signed_in = False
            if status in ok:
                response.success()
            else:
                response.failure(f"HTTP {status}")
        return response

    def page(self, path: str, name: str, ok=(200,)):
        return self.call("GET", path, name, ok=ok)

    def form(self, path: str, name: str, fields: dict, ok=(302,)):
        return self.call("POST", path, name, ok=ok, body=urlencode(fields),
                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                  "Referer": ORIGIN + path})

    # ------------------------------------------------------------------ sign in

    signed_in = False
    _signing = False
    _backoff = 0.0

    def sign_in(self) -> bool:
        """The login page, the password and (where the role needs it) the second factor."""
        self.signed_in = self._sign_in()
        return self.signed_in

    def _sign_in(self) -> bool:
        if self.account is None:
            return False
        self.cookies.clear()
        self._signing = True
        try:
            return self._password_and_code()
        finally:
            self._signing = False

    def _password_and_code(self) -> bool:
        response = self.page("/login/", "login page")
        token = csrf_field(response.text)
        if not token or "csrftoken" not in self.cookies:
            return False
        response = self.form("/login/", "login", {
            "csrfmiddlewaretoken": token,
            "username": self.account["username"],
            "password": ACCOUNTS["password"],
        })
        if response.status_code != 302:
            return False
        if self.account.get("otp_key"):
            response = self.page("/account/otp/", "otp page")
            token = csrf_field(response.text)
            if not token:
                return False
            username = self.account["username"]
            step = int(time.time() // 30)
            if _last_step.get(username, 0) >= step:  # each code works once per device
                # wait for the next code as a person does: some time into the next step,
                # not all at its first instant (that aligned every re-signing-in user's
                # code and the pages after it on the :00/:30 boundaries: run J's spikes)
                time.sleep(30 - time.time() % 30 + random.uniform(0.2, 29.5))
                step = int(time.time() // 30)
            _last_step[username] = step
            response = self.form("/account/otp/", "otp", {
                "csrfmiddlewaretoken": token, "token": totp(self.account["otp_key"], step)})
            if response.status_code != 302:
                return False
        return True

    def open_day(self):
        self.sign_in()

    # ------------------------------------------------------------------ writes

    def write(self, kind: str, path: str, name: str, *, json_body=None, form=None, files=None,
              marker: str = "", keyed: bool = True, ok=(200, 201), refused=(400, 403, 404, 409, 422)):
        """Send a write as the phone's outbox does; log it; return (acked, body).

        A keyed write that neither lands nor is refused after a few tries stays in this
        user's outbox and is resent, with the same key, before the user's next write and
        when the run ends; it is logged once it lands (or is still unsent at the end)."""
        self.flush_outbox()
        key = uuid.uuid4().hex if keyed else ""
        headers = {"Idempotency-Key": key} if keyed else {}
        if files:
            body, ctype = multipart(form or {}, files)
            headers["Content-Type"] = ctype
        elif form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body = None
        record = {"kind": kind, "path": path, "name": name, "json_body": json_body,
                  "body": body, "headers": headers, "ok": ok, "refused": refused, "key": key,
                  "marker": marker, "attempts": [], "acked": False, "refusal": False,
                  "answer": None}
        self._send(record, RETRIES if keyed else 1)
        if record["acked"] or record["refusal"] or not keyed:
            self._finish(record)
        else:
            self.outbox.append(record)
        return record["acked"], record["answer"]

    def _send(self, record: dict, tries: int) -> None:
        for attempt in range(tries):
            response = self.call("POST", record["path"], record["name"],
                                 ok=record["ok"] + record["refused"], body=record["body"],
                                 headers=record["headers"], json_body=record["json_body"])
            status = response.status_code or 0
            record["attempts"].append(status)
            if status in record["ok"]:
                record["acked"] = True
                try:
                    record["answer"] = response.json()
                except (ValueError, TypeError):
                    record["answer"] = None
                return
            if status in record["refused"]:
                record["refusal"] = True
                return
            if attempt + 1 < tries:
                time.sleep(min(8, 0.5 * 2 ** attempt))  # timeout, 429, 5xx: the outbox waits

    def flush_outbox(self) -> None:
        for record in list(getattr(self, "outbox", [])):
            self._send(record, 1)
            if record["acked"] or record["refusal"]:
                self.outbox.remove(record)
                self._finish(record)

    def on_stop(self):
        self.flush_outbox()
        for record in getattr(self, "outbox", []):
            self._finish(record)  # still unsent: logged as not acknowledged
        self.outbox = []

    def _finish(self, record: dict) -> None:
        answer, replay = record["answer"], None
        if record["acked"] and record["key"] and random.random() < RESEND_SHARE:
            # The answer "got lost": the phone sends the same record again, and like any
            # outbox entry once more after a timeout, 429 or 5xx (a database restarting
            # answers 503 "try again"), until it gets an answer or gives up.
            for attempt in range(RETRIES):
                response = self.call("POST", record["path"], f"{record['name']} (resend)",
                                     ok=record["ok"] + record["refused"], body=record["body"],
                                     headers=record["headers"], json_body=record["json_body"])
                status = response.status_code or 0
                if status and status != 429 and status < 500:
                    break
                if attempt + 1 < RETRIES:
                    time.sleep(min(8, 0.5 * 2 ** attempt))
            try:
                replay = {"status": response.status_code, "same": response.json() == answer}
            except (ValueError, TypeError):
                replay = {"status": response.status_code, "same": False}
        row = {
            "t": time.time(), "kind": record["kind"], "role": self.role, "path": record["path"],
            "user": (self.account or {}).get("username", ""),
            "user_id": (self.account or {}).get("user_id"),
            "key": record["key"], "marker": record["marker"], "attempts": record["attempts"],
            "acked": record["acked"], "refused": record["refusal"], "replay": replay,
            "answer": answer if isinstance(answer, dict) and len(json.dumps(answer)) < 4000 else
            ({k: answer.get(k) for k in ("id", "case_id", "number", "client_ref")}
             if isinstance(answer, dict) else None),
        }
        with _log_lock:
            _log.write(json.dumps(row, ensure_ascii=False) + "\n")


def _rate(role: str) -> float:
    return PLAN["roles"].get(role, {}).get("tasks_per_second_per_user", 0.01) or 0.01


def _weighted(role: str, tasks: dict):
    """Task weights from the model (counts per peak hour), scaled to integers."""
    weights = PLAN["roles"].get(role, {}).get("weights", {})
    out = {}
    for name, function in tasks.items():
        weight = weights.get(name, 0)
        if weight > 0:
            out[function] = max(1, round(weight * 100 / max(weights.values())))
    return out


# ====================================================================== grid workers


class GridWorker(LoadUser):
    role = "grid_worker"
    wait_time = constant_throughput(_rate("grid_worker"))
    fixed_count = PLAN["roles"].get("grid_worker", {}).get("users", 0)

    def open_day(self):
        self.today = None
        if self.sign_in():
            self.page("/patrols/app/", "app page")
            self.page("/api/patrols/session", "api session")
            self.sync_today()

    def sync_today(self):
        response = self.page("/api/patrols/today", "api today")
        with contextlib.suppress(ValueError, TypeError):
            self.today = response.json()

    def _due(self) -> list:
        today = self.today or {}
        return today.get("overdue", []) + today.get("due_today", []) + today.get("due_this_week", [])

    def household(self):
        due = self._due()
        if due:
            item = random.choice(due)
            self.page(f"/api/patrols/households/{item['household_id']}", "api household",
                      ok=(200, 404))

    def visit(self):
        due = self._due()
        if not due:
            return
        item = random.choice(due)
        marker = new_marker()
        self.write("visit", "/api/patrols/visits", "api visit", marker=marker, json_body={
            "household_id": item["household_id"], "mode": "in_person", "outcome": "normal",
            "notes": f"入户走访，情况正常 {marker}", "duty": "resident_service",
        })

    def _point(self):
        lat, lng = random.choice(ACCOUNTS["points"])[1:]
        return lat, lng

    def patrol(self):
        grids = (self.today or {}).get("grids") or []
        if not grids:
            return
        ref = "lt-" + uuid.uuid4().hex[:20]
        acked, _ = self.write("patrol_start", "/api/patrols/patrols/start", "api patrol start",
                              marker=ref, json_body={"client_ref": ref, "grid_id": grids[0]["id"],
                                                     "duties": ["resident_service"]})
        if not acked:
            return
        lat, lng = self._point()
        now = time.time()
        points = [{"lat": lat + i * 1e-5, "lng": lng + i * 1e-5,
                   "at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now - 60 + i))}
                  for i in range(60)]
        self.write("patrol_end", "/api/patrols/patrols/end", "api patrol end", marker=ref,
                   json_body={"client_ref": ref, "points": points, "notes": ""})

    def finding(self):
        grids = (self.today or {}).get("grids") or []
        categories = (self.today or {}).get("categories") or []
        if not grids or not categories:
            return
        lat, lng = self._point()
        marker = new_marker()
        self.write("finding", "/api/patrols/findings", "api finding (photo)", marker=marker,
                   form={"grid_id": grids[0]["id"], "category_id": random.choice(categories)["id"],
                         "description": f"巡查发现问题 {marker}", "lat": lat, "lng": lng},
                   files={"photo": ("photo.jpg", PHOTO, "image/jpeg")})

    tasks = _weighted("grid_worker", {
        "open_day": open_day, "sync_today": sync_today, "household": household, "visit": visit,
        "patrol": patrol, "finding": finding,
    })


# ====================================================================== residents


class Resident(LoadUser):
    role = "resident"
    wait_time = constant_throughput(_rate("resident"))
    fixed_count = PLAN["roles"].get("resident", {}).get("users", 0)

    def open_day(self):
        self.mine: list[int] = []
        self.signed_in = self.sign_in()

    def report(self):
        if not self.signed_in:
            return
        gid, lat, lng = random.choice(ACCOUNTS["points"])
        marker = new_marker()
        acked, answer = self.write("case_report", "/api/cases", "api case report", marker=marker,
                                   json_body={"category_id": random.choice(ACCOUNTS["categories"]),
                                              "description": f"楼下路灯不亮 {marker}",
                                              "lat": lat, "lng": lng})
        if acked and isinstance(answer, dict) and answer.get("id"):
            self.mine.append(answer["id"])

    def track(self):
        if self.mine:
            self.page(f"/api/cases/{random.choice(self.mine)}", "api case (own)")
        elif ACCOUNTS.get("track_tokens"):
            self.page(f"/api/cases/track/{random.choice(ACCOUNTS['track_tokens'])}", "api track")

    def rate(self):
        if not _tokens:
            return
        token = _tokens.pop()
        marker = new_marker()
        self.write("rate", f"/api/cases/track/{token}/evaluate", "api evaluate", keyed=False,
                   marker=marker, json_body={"rating": "satisfied", "comment": f"满意 {marker}"},
                   ok=(200,))

    def report_page(self):
        self.page("/cases/report/", "report page")

    tasks = _weighted("resident", {"report": report, "track": track, "rate": rate,
                                   "report_page": report_page})


# ====================================================================== staff


class Staff(LoadUser):
    abstract = True
    accept_box = "to_accept"

    def open_day(self):
        if self.sign_in():
            self.page("/", "home")

    def work_list(self):
        self.page(f"/cases/?box={self.accept_box}", "work list page")

    def _cases(self, box: str) -> list:
        response = self.page(f"/api/cases?box={box}", "api work list")
        try:
            return response.json().get("items", [])
        except (ValueError, TypeError, AttributeError):
            return []

    def case_page(self):
        cases = self._cases(self.accept_box)
        if cases:
            self.page(f"/cases/{random.choice(cases)['id']}/", "case page", ok=(200, 404))

    def act(self, box: str, action: str, status: str, body: dict) -> None:
        cases = [c for c in self._cases(box) if c.get("status") == status]
        if not cases:
            return
        case = random.choice(cases[:5])
        marker = new_marker()
        text = {k: f"{v} {marker}" for k, v in body.items()}
        self.write(f"case_{action}", f"/api/cases/{case['id']}/{action}", f"api case {action}",
                   marker=marker, json_body=text)

    def registry_search(self):
        surname = random.choice("王李张刘陈杨赵黄周吴")
        self.page(f"/residents/?name={surname}", "registry search", ok=(200, 429))

    def household_page(self):
        self.page("/households/", "household list", ok=(200, 429))

    def dashboard(self):
        response = self.page("/dashboard/", "dashboard", ok=(200, 302))
        location = response.headers.get("location") if response.headers else None
        if location and location.startswith("/"):
            self.page(location, "dashboard area")


class CommunityStaff(Staff):
    role = "community_staff"
    wait_time = constant_throughput(_rate("community_staff"))
    fixed_count = PLAN["roles"].get("community_staff", {}).get("users", 0)

    def accept(self):
        self.act("to_accept", "accept", "reported", {"note": "立案"})

    def dispatch(self):
        self.act("to_dispatch", "dispatch", "accepted", {"note": "派遣"})

    def import_residents(self):
        """A small resident import, as the office sends it: the page, the upload (the
        preview: every row checked, nothing written) and the confirmation that applies it.
        The confirmation is not resent (its token is used up once applied); reconcile.py
        then finds all of the file's rows or none, never a part, never twice."""
        page = self.page("/people/import/?kind=residents", "import page")
        token, grids = csrf_field(page.text), select_values(page.text, "default_grid")
        if not token or not grids:
            return
        mark = new_marker()
        fields = {"csrfmiddlewaretoken": token, "kind": "residents", "mode": "valid_rows",
                  "default_grid": random.choice(grids)}
        body, ctype = multipart(fields, {"file": ("居民.xlsx", resident_workbook(mark), XLSX)})
        preview = self.call("POST", "/people/import/", "import preview", body=body,
                            headers={"Content-Type": ctype, "Referer": ORIGIN + "/people/import/"})
        confirm = hidden_value(preview.text, "token") if preview.status_code == 200 else ""
        if not confirm:
            return
        self.write("import", "/people/import/", "import confirm", keyed=False, marker=mark, ok=(200,),
                   refused=(400,), form={**fields, "csrfmiddlewaretoken": csrf_field(preview.text) or token,
                                         "token": confirm})

    tasks = _weighted("community_staff", {
        "open_day": Staff.open_day, "work_list": Staff.work_list, "case_page": Staff.case_page,
        "accept": accept, "dispatch": dispatch, "registry_search": Staff.registry_search,
        "household_page": Staff.household_page, "import": import_residents,
    })


class StreetStaff(Staff):
    role = "street_staff"
    wait_time = constant_throughput(_rate("street_staff"))
    fixed_count = PLAN["roles"].get("street_staff", {}).get("users", 0)
    tasks = _weighted("street_staff", {
        "open_day": Staff.open_day, "work_list": Staff.work_list, "case_page": Staff.case_page,
        "registry_search": Staff.registry_search, "dashboard": Staff.dashboard,
    })


class DepartmentHandler(Staff):
    role = "department_handler"
    accept_box = "my_unit_open"
    wait_time = constant_throughput(_rate("department_handler"))
    fixed_count = PLAN["roles"].get("department_handler", {}).get("users", 0)

    def sign(self):
        self.act("my_unit_open", "sign", "dispatched", {"note": "已签收"})

    def resolve(self):
        self.act("my_unit_open", "resolve", "in_progress", {"result": "已处置完毕"})

    tasks = _weighted("department_handler", {
        "open_day": Staff.open_day, "work_list": Staff.work_list, "case_page": Staff.case_page,
        "sign": sign, "resolve": resolve,
    })


class Leader(Staff):
    role = "leader"
    wait_time = constant_throughput(_rate("leader"))
    fixed_count = PLAN["roles"].get("leader", {}).get("users", 0)

    def open_day(self):
        self.code = ""
        if self.sign_in():
            response = self.page("/dashboard/", "dashboard", ok=(200, 302))
            location = (response.headers.get("location") if response.headers else "") or ""
            found = re.match(r"^/dashboard/([^/]+)/$", location)
            self.code = found[1] if found else ""

    def board(self):
        if self.code:
            self.page(f"/dashboard/{self.code}/", "dashboard area")

    def briefing(self):
        if self.code:
            self.page(f"/dashboard/{self.code}/briefing/", "briefing")

    def area_map(self):
        if self.code:
            self.page(f"/dashboard/{self.code}/map/", "map page")
            self.page(f"/dashboard/{self.code}/map.json", "map data")

    def live_map(self):
        self.page("/cases/live-map.json", "live map data", ok=(200, 403, 404))

    tasks = _weighted("leader", {"open_day": open_day, "dashboard": board, "briefing": briefing,
                                 "map": area_map, "live_map": live_map})


for _cls in (GridWorker, Resident, CommunityStaff, StreetStaff, DepartmentHandler, Leader):
    if not _cls.fixed_count:
        _cls.weight = 0
del _cls


@events.quitting.add_listener
def _close_log(environment, **kwargs):
    _log.flush()


__all__ = ["CommunityStaff", "DepartmentHandler", "GridWorker", "Leader", "Resident",
           "StreetStaff"]

"""How a case lives in the demo history: intake, dispatch, signing, resolution, the check
on site, the reporter's verdict and the follow-up; returns, extensions, suspensions,
supervision and summonses on the way (``wangge.cases.demo.CaseDesk`` mixes it in)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from wangge.accounts.models import User
from wangge.cases.demo_texts import (
    COMMENTS,
    ESCALATE_REASONS,
    REJECT_REASONS,
    RESULTS,
    RETURN_REASONS,
    SUPERVISE_NOTES,
    VERIFY_FAIL_NOTES,
)
from wangge.cases.models import Case, Priority, Satisfaction, Status
from wangge.cases.services import (
    ACTIVE_STATUSES,
    SUMMONS_STATUSES,
    case_evaluate,
    cases_close_after_followup,
    followup_window,
    summons_check_in,
    summons_issue,
    summons_rate,
)
from wangge.demo.history import Story


class CaseLife:
    def _fast(self, case: Case) -> bool:
        return case.priority in (Priority.URGENT, Priority.HIGH)

    def _step_after(
        self, case: Case, rng: random.Random, slow: tuple[float, float], fast=(0.05, 0.5)
    ) -> datetime:
        if self._fast(case):
            return self.later(rng, *fast, office=False)
        return self.later(rng, *slow)

    def _life(self, case_id: int, rng: random.Random, *, reporter_kind: str) -> Story:
        """From intake to closure, as far as the clock has got."""
        case = self._load(case_id)
        # The demo street's units are busier: their queues and checks wait longer, so the
        # demo accounts find work waiting whenever the demo is opened.
        busy = case.area_path.startswith(self.focus["street"].path)
        plan = self._fate(rng, reporter_kind, busy=busy)
        # Intake: the dispatcher accepts (立案) or rejects (作废), sometimes after a while.
        if plan["stall"]:
            yield self.later(rng, 30, 130)
        else:
            yield self._step_after(case, rng, (0.3, 8), (0.05, 0.4))
        case = self._load(case_id)
        if plan["reject"]:
            self._act(
                self._dispatcher(case, rng), case_id, "reject", reason=rng.choice(REJECT_REASONS)
            )
            return
        if plan["escalate"] and self.node[case.dispatcher_area_id].depth == 4:
            # 上报: the community hands it up; the street has accepted it with that.
            case = self._act(
                self._dispatcher(case, rng), case_id, "escalate", reason=ESCALATE_REASONS[0]
            )
            yield self._step_after(case, rng, (1, 20))
        elif plan["accept_first"]:
            case = self._act(self._dispatcher(case, rng), case_id, "accept")
            yield self._step_after(case, rng, (20, 90) if plan["stall"] else (0.2, 6))
        if plan["summons"]:
            self.spawn(
                self._step_after(case, rng, (0.5, 4)),
                self._summons(case_id, random.Random(rng.getrandbits(64))),
            )
        case = self._load(case_id)
        case = self._act(self._dispatcher(case, rng), case_id, "dispatch", **self._unit(case, rng))
        returned = reworked = second_round = False
        while True:
            # The handler signs for it (签收), or says it is not theirs (退回).
            if plan["late_sign"] and not second_round:
                yield self.office(case.sign_due_at + timedelta(hours=rng.uniform(1, 20)), rng)
            else:
                target = self.now + (case.sign_due_at - self.now) * rng.uniform(0.05, 0.8)
                yield target if self._fast(case) else self.office(target, rng)
            case = self._load(case_id)
            if plan["return"] and not returned:
                returned = True
                case = yield from self._return_and_redispatch(case, rng)
                continue
            handler = self._handler(case, rng)
            case = self._act(handler, case_id, "sign")
            if not second_round and not self._fast(case):
                if plan["extension"]:
                    yield from self._extension(case, handler, rng)
                if plan["suspend"]:
                    yield from self._suspension(case, handler, rng)
            # Resolution, then the check on site; a failed check sends it back (返工).
            rework = False
            while True:
                case = self._load(case_id)
                yield from self._resolve(case, plan, rng, rework=rework, first=not second_round)
                case = self._load(case_id)
                if case.grid_id == self.focus["grid"].pk and not self._fast(case):
                    # The demo grid's worker checks fixes on a round every few days.
                    yield self.later(rng, 48, 150)
                elif busy and rng.random() < 0.6:
                    yield self.later(rng, 30, 90)
                else:
                    yield self._step_after(case, rng, (4, 40), (0.3, 3))
                if plan["rework"] and not reworked:
                    reworked = rework = True
                    self._act(
                        self._verifier(case, rng),
                        case_id,
                        "verify",
                        passed=False,
                        note=rng.choice(VERIFY_FAIL_NOTES),
                    )
                    continue
                break
            # The reporter's verdict (问效), before or after the check; unsatisfied reopens.
            rating = (
                plan["rating"]
                if not second_round
                else rng.choice([Satisfaction.SATISFIED, Satisfaction.BASIC, None])
            )
            if case.private:
                rating = None  # a visit's need: no reporter holds a token to rate it with
            if rating is not None and rng.random() < 0.3:
                yield self.later(rng, 1, 20, office=False)
                case = self._evaluate(case, rating, rng)
                if case.status == Status.DISPATCHED:
                    second_round = True
                    continue
                yield self._step_after(case, rng, (1, 20), (0.2, 2))
                self._act(self._verifier(self._load(case_id), rng), case_id, "verify", passed=True)
                return
            case = self._act(self._verifier(case, rng), case_id, "verify", passed=True)
            if rating is not None:
                yield self.later(rng, 2, 96, office=False)
                case = self._evaluate(case, rating, rng)
                if case.status == Status.DISPATCHED:
                    second_round = True
                    continue
                return
            if plan["manual_close"]:
                # The dispatcher's follow-up call (回访) closes it; otherwise the nightly
                # job does when the follow-up window ends.
                yield self.later(rng, 20, 72)
                case = self._load(case_id)
                if case.status == Status.VERIFIED:
                    self._act(
                        self._dispatcher(case, rng),
                        case_id,
                        "close",
                        note="电话回访，群众认可处理结果。",
                    )
            return

    @staticmethod
    def _fate(rng: random.Random, reporter_kind: str, *, busy: bool) -> dict:
        rate_share = 0.75 if reporter_kind == "public" else 0.25
        return {
            "reject": rng.random() < 0.06,
            "stall": rng.random() < (0.25 if busy else 0.04),
            "escalate": rng.random() < 0.08,
            "return": rng.random() < 0.08,
            "summons": rng.random() < 0.08,
            "late_sign": rng.random() < 0.1,
            "extension": rng.random() < 0.05,
            "suspend": rng.random() < 0.025,
            "slow": rng.random() < 0.12,
            "stuck": rng.random() < 0.025,
            "rework": rng.random() < 0.07,
            "accept_first": rng.random() < 0.75,
            "rating": (
                rng.choices(
                    [Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED],
                    [66, 22, 12],
                )[0]
                if rng.random() < rate_share
                else None
            ),
            "manual_close": rng.random() < 0.4,
        }

    def _return_and_redispatch(self, case: Case, rng: random.Random):
        """退回: the handler sends it back; the dispatcher (the street, after a community
        has handed it up) sends it to another unit, sometimes only days later."""
        previous = (
            self.department[case.handler_department_id]
            if case.handler_department_id
            else self.node[case.handler_area_id]
        )
        self._act(self._handler(case, rng), case.pk, "return", reason=rng.choice(RETURN_REASONS))
        if rng.random() < 0.35:
            yield self.later(rng, 30, 200)
        else:
            yield self._step_after(case, rng, (1, 24))
        case = self._load(case.pk)
        if self.node[case.dispatcher_area_id].depth == 4:
            self._act(self._dispatcher(case, rng), case.pk, "escalate", reason=ESCALATE_REASONS[1])
            yield self.later(rng, 0.5, 8)
            case = self._load(case.pk)
        unit = self._unit(case, rng, instead_of=previous)
        return self._act(self._dispatcher(case, rng), case.pk, "dispatch", **unit)

    def _extension(self, case: Case, handler: User, rng: random.Random):
        yield self.later(rng, 2, 30)
        self._act(
            handler,
            case.pk,
            "extend_request",
            days=rng.randint(3, 10),
            reason="需协调产权单位，申请延期办理。",
        )
        yield self.later(rng, 1, 20)
        self._act(self._dispatcher(self._load(case.pk), rng), case.pk, "extend_approve")

    def _suspension(self, case: Case, handler: User, rng: random.Random):
        yield self.later(rng, 10, 60)
        self._act(
            handler, case.pk, "suspend_request", reason="涉及历史遗留问题，需纳入年度改造计划。"
        )
        yield self.later(rng, 2, 24)
        dispatcher = self._dispatcher(self._load(case.pk), rng)
        self._act(dispatcher, case.pk, "suspend")
        yield self.later(rng, 240, 900)
        self._act(dispatcher, case.pk, "resume", note="具备办理条件，恢复办理。")

    def _resolve(self, case: Case, plan: dict, rng: random.Random, *, rework: bool, first: bool):
        """办结: mostly within the deadline; a slow unit is supervised (督办) once late."""
        due = case.resolve_due_at
        if rework:
            finish = self.later(rng, 20, 90) if not self._fast(case) else self.later(rng, 1, 6)
        elif plan["stuck"] and first:
            finish = due + timedelta(days=rng.uniform(20, 60))
        elif plan["slow"] and first:
            finish = due + (due - case.dispatched_at) * rng.uniform(0.1, 0.9)
        else:
            finish = self.now + max(due - self.now, timedelta(0)) * rng.uniform(0.15, 0.85)
        if not self._fast(case):
            finish = self.office(finish, rng)
        if finish > due:
            supervise_at = due + timedelta(hours=rng.uniform(2, 30))
            if not self._fast(case):
                supervise_at = self.office(supervise_at, rng)
            if supervise_at < finish:
                yield max(supervise_at, self.now)
                if self._load(case.pk).status in ACTIVE_STATUSES:
                    self._act(
                        self._supervisor(case, rng),
                        case.pk,
                        "supervise",
                        note=rng.choice(SUPERVISE_NOTES),
                    )
        yield max(finish, self.now)
        current = self._load(case.pk)
        self._act(self._handler(current, rng), case.pk, "resolve", result=rng.choice(RESULTS))

    def _evaluate(self, case: Case, rating: str, rng: random.Random) -> Case:
        """The reporter rates it, unless they let the follow-up window pass."""
        case = self._load(case.pk)
        if case.resolved_at is None or self.now > case.resolved_at + followup_window():
            return case
        return case_evaluate(token=case.token, rating=rating, comment=rng.choice(COMMENTS[rating]))

    def _summons(self, case_id: int, rng: random.Random) -> Story:
        """吹哨报到: the street calls departments in, they check in, the street rates them."""
        case = self._load(case_id)
        if case.status not in SUMMONS_STATUSES:
            return
        street_staff = self._street_staff(case, rng)
        chosen = [self.departments[f"{self.city.code}-CG"]]
        other = self._department(rng.choice(["district", "city"]), rng.choice(["ZJ", "GA"]), case)
        if other is not None and rng.random() < 0.6:
            chosen.append(other)
        if rng.random() < 0.25:
            chosen = chosen[1:] or chosen
        urgent = rng.random() < 0.3
        summons = summons_issue(
            actor=street_staff,
            case_id=case_id,
            departments=chosen,
            urgent=urgent,
            reason="涉及多部门职责，需联合处置。",
        )
        issued = self.now
        plans = []
        for response in summons.responses.select_related("department").order_by("id"):
            roll = rng.random()
            if urgent:
                delay = timedelta(
                    minutes=rng.uniform(5, 25) if roll < 0.75 else rng.uniform(35, 120)
                )
                at = issued + delay
            elif roll < 0.8:
                at = self.office(issued + timedelta(hours=rng.uniform(1, 20)), rng)
            else:
                at = self.office(response.due_at + timedelta(hours=rng.uniform(2, 60)), rng)
            if rng.random() < 0.1:
                at = None  # never reports in
            plans.append((at, response))
        for at, response in sorted(plans, key=lambda p: (p[0] is None, p[0] or issued, p[1].pk)):
            if at is None:
                continue
            yield at
            handler = self.people.pick(
                self.people.by_department.get(response.department_id, []), rng
            )
            summons_check_in(actor=handler, response_id=response.pk, note="已到现场报到。")
        yield self.later(rng, 72, 200)
        for at, response in plans:
            response.refresh_from_db()
            if at is None and self.now < response.due_at + timedelta(days=2):
                continue
            if at is None:
                stars = 1
            elif at <= response.due_at:
                stars = rng.choice([4, 5, 5])
            else:
                stars = rng.choice([2, 3])
            summons_rate(actor=street_staff, response_id=response.pk, rating=stars)

    def nightly(self) -> Story:
        """The scheduled job: verified cases whose follow-up window ended are closed."""
        while True:
            cases_close_after_followup()
            yield self.now + timedelta(days=1)

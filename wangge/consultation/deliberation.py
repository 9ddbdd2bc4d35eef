"""四议两公开: a village matter's six steps, in order, each with its attendance and votes.

The thresholds (docs/domain.md, after the Organic Law of Villagers' Committees):
- step 2, the two committees: more than half of those present approve;
- step 3, the party members' meeting: at least 2/3 of the members present, more than half
  of those present approve;
- step 4, the villagers' meeting: more than half of the adult villagers present and more
  than half of those present approve; the villagers' representatives' meeting: at least
  2/3 of the representatives present and more than half of all representatives approve;
- steps 1, 5 and 6 are recorded (a date and a note); step 6 needs the resolution done.
A step whose threshold is missed cannot be passed, and no step may be skipped.
"""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.areas.models import Area
from wangge.audit.services import audit_record
from wangge.consultation.models import Deliberation, DeliberationStep, ResolutionStatus, Step
from wangge.consultation.permissions import can_write_in
from wangge.consultation.services import _check_write, _community, _text, resolution_create
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden


def step_threshold_error(
    step: int, *, expected: int, present: int, approve: int, representatives: bool = False
) -> str | None:
    """Why the votes do not carry the step, or None when they do."""
    if present > expected or approve > present:
        return _("实到人数不能多于应到人数，赞成票不能多于实到人数")
    if step == Step.COMMITTEES and not approve * 2 > present:
        return _("两委会商议须经到会成员过半数同意")
    if step == Step.MEMBERS:
        if not present * 3 >= expected * 2 or expected == 0:
            return _("党员大会须有三分之二以上党员到会")
        if not approve * 2 > present:
            return _("党员大会须经到会党员过半数同意")
    if step == Step.VILLAGERS:
        if representatives:
            if not present * 3 >= expected * 2 or expected == 0:
                return _("村民代表会议须有三分之二以上代表到会")
            if not approve * 2 > expected:
                return _("村民代表会议须经全体代表过半数同意")
        else:
            if not present * 2 > expected:
                return _("村民会议须有过半数村民到会")
            if not approve * 2 > present:
                return _("村民会议须经到会人员过半数同意")
    return None


@transaction.atomic
def deliberation_start(*, actor, community: Area, title: str, request=None) -> Deliberation:
    community = _community(community)
    _check_write(actor, community.path)
    row = Deliberation.objects.create(
        community=community, area_path=community.path,
        title=_text(title, 150, "title", _("事项")), created_at=clock.now(),
    )
    audit_record(action="consultation_deliberation_start", actor=actor, request=request, obj=row)
    return row


@transaction.atomic
def deliberation_step_record(
    *, actor, deliberation_id: int, step: int, held_on: date, expected: int = 0,
    present: int = 0, approve: int = 0, representatives: bool = False, note: str = "",
    owner: str = "", due_date: date | None = None, request=None,
) -> DeliberationStep:
    row = Deliberation.objects.select_for_update().filter(pk=deliberation_id).first()
    if row is None or not can_write_in(actor, row.area_path):
        raise NotFoundOrForbidden()
    done = set(row.steps.values_list("step", flat=True))
    if step not in Step.values:
        raise ApplicationError(_("未知的步骤"), field="step")
    if step in done:
        raise ApplicationError(_("该步骤已记录"), code="conflict", field="step")
    expected_next = max(done, default=0) + 1
    if step != expected_next:
        raise ApplicationError(
            _("须按顺序进行，下一步是：%(step)s") % {"step": Step(expected_next).label},
            code="out_of_order", field="step",
        )
    error = step_threshold_error(
        step, expected=expected, present=present, approve=approve, representatives=representatives
    )
    if error:
        raise ApplicationError(error, code="threshold", field="present")
    if step == Step.VILLAGERS and not (owner and due_date):
        raise ApplicationError(_("形成决议须填写责任人和完成时限"), field="owner")
    if step == Step.PUBLISH_RESULT and (
        row.resolution is None or row.resolution.status != ResolutionStatus.DONE
    ):
        raise ApplicationError(_("决议事项完成后才能公开实施结果"), field="step")
    record = DeliberationStep.objects.create(
        deliberation=row, step=step, held_on=held_on, expected=expected, present=present,
        approve=approve, representatives=representatives, note=_text(note, 300, "note", "", required=False),
        actor=actor,
    )
    if step == Step.VILLAGERS:
        row.resolution = resolution_create(
            actor=actor, community=row.community, title=row.title, owner=owner,
            due_date=due_date, request=request,
        )
        row.save(update_fields=["resolution"])
    audit_record(
        action="consultation_deliberation_step", actor=actor, request=request, obj=row,
        detail={"step": step, "present": present, "approve": approve},
    )
    return record


def next_step(deliberation: Deliberation) -> int | None:
    done = max(deliberation.steps.values_list("step", flat=True), default=0)
    return done + 1 if done < Step.PUBLISH_RESULT else None

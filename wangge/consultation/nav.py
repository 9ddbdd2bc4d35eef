from django.utils.translation import gettext_lazy as _

from wangge.consultation import permissions
from wangge.consultation.models import ProposalStatus, Resolution, ResolutionStatus
from wangge.consultation.selectors import proposals_visible_to
from wangge.core import clock
from wangge.core.nav import MenuItem, PublicLink, Tile

MENU = [MenuItem(_("协商议事"), "consultation:meeting_list", permissions.can_read_consultation, order=100)]


def _overdue(user) -> int:
    return Resolution.objects.filter_to_scope(user, roles=permissions.READ_ROLES).filter(
        due_date__lt=clock.today(),
        status__in=[ResolutionStatus.PLANNED, ResolutionStatus.IN_PROGRESS],
    ).count()


WORKBENCH = [
    Tile(_("待上会议题"), "consultation:proposal_list?status=agenda",
         lambda user: proposals_visible_to(user, status=ProposalStatus.AGENDA).count(),
         permissions.can_read_consultation, tone="warn", order=320),
    Tile(_("逾期决议事项"), "consultation:resolution_list?overdue=on", _overdue,
         permissions.can_read_consultation, tone="danger", order=330),
]
PUBLIC = [PublicLink(_("居民议事"), "consultation:public_index", _("提议题、附议、看决议公示"), order=95)]
AUDIT_LABELS = {
    "consultation_proposal_raise": _("提出议题"),
    "consultation_proposal_support": _("附议"),
    "consultation_proposal_merge": _("合并议题"),
    "consultation_meeting_create": _("安排会议"),
    "consultation_agenda_add": _("添加议程"),
    "consultation_meeting_record": _("记录会议纪要"),
    "consultation_check_in": _("会议签到"),
    "consultation_meeting_photo": _("上传会议照片"),
    "consultation_resolution_create": _("形成决议事项"),
    "consultation_resolution_update": _("更新决议进度"),
    "consultation_resolution_case": _("决议转事件"),
    "consultation_deliberation_start": _("发起四议两公开"),
    "consultation_deliberation_step": _("记录四议两公开步骤"),
}

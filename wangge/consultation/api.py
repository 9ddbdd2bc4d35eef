from datetime import date

from ninja import Router, Schema

from wangge.consultation.permissions import can_read_consultation
from wangge.consultation.selectors import resolutions_visible_to
from wangge.core.errors import PermissionRefused

API_PREFIX = "/consultation"
router = Router(tags=["协商议事"])


class ResolutionOut(Schema):
    id: int
    title: str
    owner: str
    due_date: date
    status: str
    progress: int


@router.get("/resolutions/", response=list[ResolutionOut], summary="我范围内的决议事项")
def resolution_list(request, status: str = "", overdue: bool = False):
    if not can_read_consultation(request.user):
        raise PermissionRefused()
    return list(resolutions_visible_to(request.user, status=status[:20], overdue=overdue)[:200])

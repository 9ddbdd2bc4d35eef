from ninja import Router, Schema

from wangge.core.errors import PermissionRefused
from wangge.property.permissions import can_read_property
from wangge.property.selectors import estates_visible_to

API_PREFIX = "/property"
router = Router(tags=["红色物业"])


class EstateOut(Schema):
    id: int
    name: str
    mode: str


@router.get("/estates/", response=list[EstateOut], summary="我范围内的小区及管理模式")
def estate_list(request, mode: str = "", q: str = ""):
    if not can_read_property(request.user):
        raise PermissionRefused()
    rows = estates_visible_to(request.user, mode=mode[:10], q=q[:50])[:200]
    return [
        {"id": e.id, "name": e.name,
         "mode": getattr(getattr(e, "property_profile", None), "mode", "none")}
        for e in rows
    ]

"""The people registry's import kinds, found by the import engine (wangge.imports)."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wangge.imports.registry import Kind
from wangge.people.exporting import EXPORT_KINDS
from wangge.people.import_places import BuildingHandler, HouseholdHandler
from wangge.people.import_residents import ResidentHandler
from wangge.people.permissions import can_export, can_import

REGISTER_HINT = _(
    "也可直接上传社区自己的花名册：表头上方的标题行会被跳过，"
    "“公民身份号码”“手机”“现住址”“户号”等常用列名都能识别；"
    "没有户编号时按住址和“与户主关系”分户。"
)

IMPORT_KINDS = [
    Kind(
        key="residents",
        label=_("居民"),
        handler=ResidentHandler,
        permission=can_import,
        hint=REGISTER_HINT,
        preview_hint=_("（居民导入还列出将新建的户）"),
        result_template="people/_import_households.html",
    ),
    Kind(key="households", label=_("户"), handler=HouseholdHandler, permission=can_import),
    Kind(key="buildings", label=_("楼栋"), handler=BuildingHandler, permission=can_import),
]


def PAGE_LINKS(user) -> list[tuple[str, str]]:  # noqa: N802 — an extension-point name
    """The registry's exports, offered beside its imports."""
    if not can_export(user):
        return []
    return [
        (gettext("导出%(label)s") % {"label": gettext(label)}, reverse("people:export", args=[kind]))
        for kind, label in EXPORT_KINDS.items()
    ]

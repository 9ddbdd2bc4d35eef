"""What the people import kinds share: the words registers use for choices, the
template's example values, and the refusal of keys registered outside the user's scope."""

import re
from typing import Any

from django.utils.translation import gettext, gettext_noop

from wangge.accounts.scope import path_in_scope
from wangge.core.identity import id_check_char
from wangge.imports.cells import cell_text, choice_map, limit
from wangge.imports.kinds import KindHandler, Row
from wangge.people.models import DocType, Gender, Relation, ResidenceStatus
from wangge.people.permissions import REGISTRY_WRITE_ROLES
from wangge.people.services import HOUSEHOLD_CODE_UNUSABLE, ID_NUMBER_UNUSABLE

_TAG_SEPARATORS = re.compile(r"[,，、;；\s]+")  # not "/": 低保/低收入 is one tag

GENDERS = choice_map(Gender.choices, {"男性": Gender.MALE, "女性": Gender.FEMALE})
DOC_TYPES = choice_map(
    DocType.choices,
    {
        "身份证": DocType.ID_CARD,
        "二代身份证": DocType.ID_CARD,
        "港澳居民来往内地通行证": DocType.HK_MACAO_TW,
        "台湾居民来往大陆通行证": DocType.HK_MACAO_TW,
        "港澳台居民居住证": DocType.HK_MACAO_TW,
        "外国人永久居留证": DocType.FOREIGN_PR,
    },
)
RELATIONS = choice_map(
    Relation.choices,
    {
        "本人": Relation.SELF,
        "妻子": Relation.SPOUSE,
        "丈夫": Relation.SPOUSE,
        "妻": Relation.SPOUSE,
        "夫": Relation.SPOUSE,
        "儿子": Relation.CHILD,
        "女儿": Relation.CHILD,
        "父亲": Relation.PARENT,
        "母亲": Relation.PARENT,
        "祖父母": Relation.GRANDPARENT,
        "外祖父母": Relation.GRANDPARENT,
        "孙子女": Relation.GRANDCHILD,
        "外孙子女": Relation.GRANDCHILD,
        "兄弟": Relation.SIBLING,
        "姐妹": Relation.SIBLING,
    }
    # The words registers use (GB/T 4761 family relation names and their everyday forms).
    | dict.fromkeys(("户主本人", "本人户主"), Relation.SELF)
    | dict.fromkeys(("配偶", "爱人", "老伴", "夫妻"), Relation.SPOUSE)
    | dict.fromkeys(
        (
            "子",
            "女",
            "独生子",
            "独生女",
            "养子",
            "养女",
            "继子",
            "继女",
            *(f"{order}{child}" for order in "长次三四五六" for child in "子女"),
        ),
        Relation.CHILD,
    )
    | dict.fromkeys(("父", "母", "父母", "养父", "养母", "继父", "继母"), Relation.PARENT)
    | dict.fromkeys(
        ("祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "姥爷", "姥姥", "外公", "外婆"),
        Relation.GRANDPARENT,
    )
    | dict.fromkeys(
        ("孙子", "孙女", "外孙", "外孙子", "外孙女", "孙", "孙子女"), Relation.GRANDCHILD
    )
    | dict.fromkeys(
        ("兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟姐妹"), Relation.SIBLING
    )
    | dict.fromkeys(
        ("儿媳", "女婿", "岳父", "岳母", "公公", "婆婆", "侄子", "侄女", "外甥", "外甥女"),
        Relation.OTHER,
    ),
)
RESIDENCE_STATUSES = choice_map(
    ResidenceStatus.choices,
    {"常住人口": ResidenceStatus.PERMANENT, "流动人口": ResidenceStatus.FLOATING},
)


# Example values in the templates; a row that still carries one is refused.
EXAMPLE_ID_NUMBER = "11010119900307123" + id_check_char("11010119900307123")
EXAMPLE_HOUSEHOLD_CODE = "示例户0001"
EXAMPLE_BUILDING_NAME = "1号楼（示例）"

CREATED_LABELS = {"residents": "居民", "households": "户", "buildings": "楼栋", "estates": "小区"}


class PeopleHandler(KindHandler):
    """A people kind: rows refused because their ID number or household code is
    registered outside the user's scope are told only to ask
    (services.ID_NUMBER_UNUSABLE), and the engine audits the attempt."""

    created_labels = CREATED_LABELS
    write_roles = REGISTRY_WRITE_ROLES
    REGISTERED_MESSAGES = {"id_number": gettext_noop("该证件号码已登记"), "code": gettext_noop("该户编号已存在")}
    UNUSABLE_MESSAGES = {"id_number": ID_NUMBER_UNUSABLE, "code": HOUSEHOLD_CODE_UNUSABLE}

    def _fail_registered(self, row: Row, key: str, area_path: str) -> None:
        if path_in_scope(self.user, area_path):
            row.fail(key, gettext(self.REGISTERED_MESSAGES[key]))
        else:
            self.registered_elsewhere += 1
            row.fail(key, gettext(self.UNUSABLE_MESSAGES[key]))


def _address_key(address: str) -> str:
    """Addresses group rows into households whatever their spacing."""
    return "".join(address.split())


def _ethnicity(value: Any) -> str:
    text = "".join(cell_text(value).split())
    if text and not text.endswith("族") and len(text) <= 3:
        text += "族"  # 汉 → 汉族, 蒙古 → 蒙古族
    return limit(text, 20, "民族")

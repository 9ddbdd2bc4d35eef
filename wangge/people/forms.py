"""Forms of the registry pages: the resident filter, households and residents."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import filter_to_scope
from wangge.areas.models import Area, AreaKind
from wangge.core.inputs import SafeDateField
from wangge.people.models import (
    CareTag,
    DocType,
    Gender,
    Relation,
    ResidenceStatus,
    choice_words,
)
from wangge.people.permissions import REGISTRY_WRITE_ROLES

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"]


class ResidentFilterForm(forms.Form):
    area = forms.CharField(label=_("区域编码"), required=False, max_length=20)
    name = forms.CharField(label=_("姓名"), required=False, max_length=50)
    id_number = forms.CharField(label=_("证件号码（精确）"), required=False, max_length=30)
    care_tag = forms.ChoiceField(label=_("关爱标签"), required=False)
    residence_status = forms.ChoiceField(
        label=_("居住状态"), required=False, choices=[("", _("全部")), *choice_words(ResidenceStatus.choices)]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["care_tag"].choices = [("", _("全部"))] + [
            (tag.code, tag.name) for tag in CareTag.objects.all()
        ]

    def clean_area(self):
        code = self.cleaned_data["area"].strip()
        if not code:
            return None
        area = filter_to_scope(Area.objects.filter(code=code), self.user, field="path").first()
        if area is None:
            raise forms.ValidationError(_("该区域编码不存在或不在您的管辖范围内"))
        return area


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=choice_words(Gender.choices))
    doc_type = forms.ChoiceField(label=_("证件类型"), choices=choice_words(DocType.choices))
    id_number = forms.CharField(label=_("证件号码"), max_length=30)
    birth_date = SafeDateField(label=_("出生日期"), required=False, input_formats=DATE_INPUT_FORMATS,
                               widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("可留空，身份证号会自动推算"))
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    relation = forms.ChoiceField(label=_("与户主关系"), choices=choice_words(Relation.choices))
    residence_status = forms.ChoiceField(label=_("居住状态"), choices=choice_words(ResidenceStatus.choices))
    ethnicity = forms.CharField(label=_("民族"), max_length=20, initial="汉族")
    care_tags = forms.ModelMultipleChoiceField(
        label=_("关爱标签"), queryset=CareTag.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The ID number is fixed once registered: shown masked elsewhere, not editable.
            del self.fields["id_number"]
            del self.fields["doc_type"]


class HouseholdForm(forms.Form):
    grid = forms.CharField(label=_("网格编码"), max_length=20)
    code = forms.CharField(label=_("户编号"), max_length=40)
    address = forms.CharField(label=_("住址"), max_length=200)
    room = forms.CharField(label=_("门牌/房号"), max_length=30, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_grid(self):
        code = self.cleaned_data["grid"].strip()
        grid = filter_to_scope(
            Area.objects.filter(code=code, kind__in=[AreaKind.GRID, AreaKind.MICROGRID]),
            self.user, field="path", roles=REGISTRY_WRITE_ROLES,
        ).first()
        if grid is None:
            raise forms.ValidationError(_("该网格编码不存在或不在您的管辖范围内"))
        return grid


class HouseholdMoveForm(HouseholdForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("code", "address", "room"):
            del self.fields[name]
        self.fields["grid"].label = _("迁入网格编码")

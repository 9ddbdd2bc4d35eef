"""Forms of the consultation pages (field errors in Chinese, phone-friendly inputs)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import scope_q
from wangge.areas.models import Area, AreaKind
from wangge.consultation.models import (
    MeetingKind,
    ParticipantRole,
    ProposalSource,
    ProposalStatus,
    ResolutionStatus,
    Step,
)
from wangge.consultation.permissions import WRITE_ROLES
from wangge.core.forms import MultiplePhotoField

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def communities_for(user, roles=WRITE_ROLES):
    condition = scope_q(user, field="path", roles=roles)
    if condition is None:
        return Area.objects.none()
    return Area.objects.filter(condition, kind=AreaKind.COMMUNITY).order_by("path")


class CommunityField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _Scoped(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if "community" in self.fields:
            self.fields["community"].queryset = communities_for(user)


class PublicProposalForm(forms.Form):
    title = forms.CharField(label=_("议题"), max_length=100)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    body = forms.CharField(label=_("具体内容"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    raiser_name = forms.CharField(label=_("姓名（可不填）"), max_length=50, required=False)
    raiser_phone = forms.CharField(
        label=_("手机号码（可不填，填写后计为您的附议）"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class SupportForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号码（每个号码附议一次，不公开）"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class StaffProposalForm(_Scoped):
    community = CommunityField(label=_("社区/村"), queryset=Area.objects.none())
    title = forms.CharField(label=_("议题"), max_length=100)
    body = forms.CharField(label=_("具体内容"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    source = forms.ChoiceField(
        label=_("来源"), choices=[c for c in ProposalSource.choices if c[0] != ProposalSource.PUBLIC]
    )
    source_ref = forms.CharField(label=_("来源编号（事件编号等）"), max_length=40, required=False)


class ProposalFilter(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + ProposalStatus.choices)


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("合并到议题编号"), min_value=1)


class MeetingForm(_Scoped):
    community = CommunityField(label=_("社区/村"), queryset=Area.objects.none())
    kind = forms.ChoiceField(label=_("会议类型"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("会议名称"), max_length=100)
    date = forms.DateField(label=_("会议日期"), widget=DATE)
    place = forms.CharField(label=_("地点"), max_length=100)
    expected = forms.IntegerField(label=_("应到人数"), min_value=0, max_value=10000, initial=0,
                                  help_text=_("填写了各身份应到人数时，可留 0，按各身份之和计"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in ParticipantRole.choices:
            self.fields[f"expected_{value}"] = forms.IntegerField(
                label=_("应到：%(role)s") % {"role": label}, min_value=0, max_value=10000, required=False)

    def clean(self):
        data = super().clean()
        data["expected_by_role"] = {
            value: data.pop(f"expected_{value}") for value, _label in ParticipantRole.choices
            if data.get(f"expected_{value}") is not None
        }
        for value, _label in ParticipantRole.choices:
            data.pop(f"expected_{value}", None)
        return data


class MeetingFilter(forms.Form):
    kind = forms.ChoiceField(label=_("会议类型"), required=False, choices=[("", _("全部"))] + MeetingKind.choices)
    held = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), ("1", _("已召开")), ("0", _("未召开"))])


class AgendaForm(forms.Form):
    text = forms.CharField(label=_("新增议程"), max_length=200, required=False)
    case_number = forms.CharField(label=_("或填事件编号（列入本社区的事件）"), max_length=20, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("text") and not data.get("case_number"):
            self.add_error("text", _("请填写议程或事件编号"))
        return data


class PhotoForm(forms.Form):
    photos = MultiplePhotoField(
        label=_("会议照片"), help_text=_("可多选，每张不超过 5 MB"),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("会议纪要"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class CheckInForm(forms.Form):
    name = forms.CharField(label=_("姓名或单位"), max_length=50)
    role = forms.ChoiceField(label=_("参会身份"), choices=ParticipantRole.choices)
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class ResolutionForm(forms.Form):
    title = forms.CharField(label=_("决议事项"), max_length=150)
    owner = forms.CharField(label=_("责任人/单位"), max_length=50, help_text=_("填写单位或职务，将在公示页显示"))
    due_date = forms.DateField(label=_("完成时限"), widget=DATE)
    parent = forms.IntegerField(label=_("上级事项编号（可不填）"), required=False, min_value=1)


class ResolutionFilter(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + ResolutionStatus.choices)
    overdue = forms.BooleanField(label=_("仅看逾期"), required=False)


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("进度(%)"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("按进度自动"))] + ResolutionStatus.choices)
    note = forms.CharField(label=_("进展说明"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class OpenCaseForm(forms.Form):
    category = forms.ChoiceField(label=_("事件类别"))
    description = forms.CharField(label=_("事件描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        from wangge.cases.forms import category_choices

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


class DeliberationForm(_Scoped):
    community = CommunityField(label=_("村"), queryset=Area.objects.none())
    title = forms.CharField(label=_("事项"), max_length=150)


class StepForm(forms.Form):
    step = forms.TypedChoiceField(label=_("步骤"), choices=Step.choices, coerce=int)
    held_on = forms.DateField(label=_("日期"), widget=DATE)
    expected = forms.IntegerField(label=_("应到人数"), min_value=0, initial=0)
    present = forms.IntegerField(label=_("实到人数"), min_value=0, initial=0)
    approve = forms.IntegerField(label=_("赞成票"), min_value=0, initial=0)
    representatives = forms.BooleanField(label=_("以村民代表会议决议（第四步）"), required=False)
    owner = forms.CharField(label=_("决议责任人/单位（第四步）"), max_length=50, required=False)
    due_date = forms.DateField(label=_("决议完成时限（第四步）"), required=False, widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class MonthForm(forms.Form):
    month = forms.CharField(label=_("月份"), required=False, widget=forms.TextInput(attrs={"type": "month"}))



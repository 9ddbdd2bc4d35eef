from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wangge.core import clock
from wangge.core.forms import MultiplePhotoField
from wangge.party.models import (
    Industry,
    MeetingKind,
    Member,
    MemberStatus,
    OrgKind,
    OrgLevel,
    PartyOrg,
    Stage,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrgFilterForm(forms.Form):
    q = forms.CharField(label=_("名称"), required=False, max_length=50)
    level = forms.ChoiceField(label=_("组织类别"), required=False, choices=[("", _("全部")), *OrgLevel.choices])
    kind = forms.ChoiceField(label=_("组织类型"), required=False, choices=[("", _("全部")), *OrgKind.choices])


class MemberFilterForm(forms.Form):
    name = forms.CharField(label=_("姓名"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *MemberStatus.choices])
    stage = forms.ChoiceField(label=_("党员类别"), required=False, choices=[("", _("全部")), *Stage.choices])


class MemberForm(forms.ModelForm):
    id_number = forms.CharField(label=_("身份证号码"), required=False, max_length=18)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)

    class Meta:
        model = Member
        fields = ["name", "gender", "birth_date", "admitted_on", "stage", "probation_ends",
                  "full_on", "post", "status", "lost_contact_on", "dues_paid_until",
                  "in_service", "work_unit"]
        widgets = {f: DATE for f in ("birth_date", "admitted_on", "probation_ends", "full_on", "lost_contact_on")}

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].widget = forms.Select(choices=[("", "—"), ("male", _("男")), ("female", _("女"))])
        self.fields["dues_paid_until"].widget.attrs["placeholder"] = "2026-06"
        if editing:
            del self.fields["id_number"]

    def clean_dues_paid_until(self):
        value = self.cleaned_data["dues_paid_until"].strip()
        if value and not (len(value) == 7 and value[4] == "-" and value.replace("-", "").isdigit()):
            raise forms.ValidationError(_("请按“年-月”填写，如 2026-06"))
        return value

    def clean(self):
        data = super().clean()
        if data.get("stage") == Stage.PROBATIONARY and not data.get("probation_ends"):
            self.add_error("probation_ends", _("预备党员须填写预备期满日期"))
        if data.get("status") == MemberStatus.LOST and not data.get("lost_contact_on"):
            self.add_error("lost_contact_on", _("失联党员须填写失联日期"))
        admitted = data.get("admitted_on")
        if admitted and admitted > clock.today():
            self.add_error("admitted_on", _("入党日期不能晚于今天"))
        return data


class TransferForm(forms.Form):
    letter_no = forms.CharField(label=_("介绍信编号"), max_length=40)
    to_org_code = forms.CharField(label=_("接收党组织编码"), required=False, max_length=30,
                                  help_text=_("市内转接填写接收党组织编码"))
    outside_org = forms.CharField(label=_("市外党组织"), required=False, max_length=100,
                                  help_text=_("转出市外时填写"))
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        code = (data.get("to_org_code") or "").strip()
        data["to_org"] = None
        if code:
            data["to_org"] = PartyOrg.objects.filter(code=code, dissolved_on__isnull=True).first()
            if data["to_org"] is None:
                self.add_error("to_org_code", _("没有这个党组织编码"))
        elif not (data.get("outside_org") or "").strip():
            self.add_error("to_org_code", _("请填写接收党组织编码或市外党组织"))
        return data


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("会议类型"), choices=MeetingKind.choices)
    date = forms.DateField(label=_("日期"), widget=DATE)
    topic = forms.CharField(label=_("主题"), max_length=200)
    attendees = forms.MultipleChoiceField(label=_("出席党员"), required=False, widget=forms.CheckboxSelectMultiple)
    minutes = forms.CharField(label=_("会议记录"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    photos = MultiplePhotoField(label=_("会议照片"), required=False, help_text=_("可多选，每张不超过 5 MB"))
    client_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [
            (m.id, gettext("%(name)s（%(stage)s）") % {"name": m.name, "stage": m.get_stage_display()})
            for m in members
        ]

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > clock.today():
            raise forms.ValidationError(_("会议日期不能晚于今天"))
        return value


class FlowContactForm(forms.Form):
    date = forms.DateField(label=_("联系日期"), widget=DATE)
    note = forms.CharField(label=_("情况"), required=False, max_length=200)


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100, required=False)
    quarter = forms.ChoiceField(label=_("季度"), required=False,
                                choices=[("", _("本季度")), ("1", "Q1"), ("2", "Q2"), ("3", "Q3"), ("4", "Q4"),
                                         ("year", _("全年"))])


class FlowOutForm(forms.Form):
    destination = forms.CharField(label=_("流入地"), max_length=100)
    unit = forms.CharField(label=_("流入单位"), required=False, max_length=100)
    certificate_no = forms.CharField(label=_("流动党员证编号"), required=False, max_length=40)
    contact = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    reason = forms.CharField(label=_("外出原因"), required=False, max_length=100)
    since = forms.DateField(label=_("外出日期"), widget=DATE)

    def clean_since(self):
        value = self.cleaned_data["since"]
        if value > clock.today():
            raise forms.ValidationError(_("外出日期不能晚于今天"))
        return value


class OrgForm(forms.Form):
    """A party organisation, created under a parent (the tree) or edited in place."""

    code = forms.CharField(label=_("组织编码"), max_length=30)
    name = forms.CharField(label=_("组织名称"), max_length=100)
    level = forms.ChoiceField(label=_("组织类别"), choices=OrgLevel.choices)
    kind = forms.ChoiceField(label=_("组织类型"), choices=OrgKind.choices)
    industry = forms.ChoiceField(label=_("行业"), required=False, choices=[("", "—"), *Industry.choices])
    area_code = forms.CharField(label=_("所服务区域编码"), max_length=30,
                                help_text=_("网格党支部、党小组填写所在网格的编码"))
    unit_name = forms.CharField(label=_("所在单位"), required=False, max_length=100)
    joint_units = forms.IntegerField(label=_("联合单位数"), min_value=1, max_value=5, initial=1,
                                     help_text=_("联合党支部最多由 5 个单位组成"))
    secretary_name = forms.CharField(label=_("书记"), required=False, max_length=50)
    committee_size = forms.IntegerField(label=_("委员人数"), min_value=0, max_value=15, initial=0)
    term_started = forms.DateField(label=_("本届起始"), required=False, widget=DATE)
    dissolved_on = forms.DateField(label=_("撤销日期"), required=False, widget=DATE)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
        else:
            del self.fields["dissolved_on"]

    def clean_area_code(self):
        from wangge.areas.models import Area

        code = self.cleaned_data["area_code"].strip()
        area = Area.objects.filter(code=code).first()
        if area is None:
            raise forms.ValidationError(_("没有这个区域编码"))
        return area

    def clean(self):
        data = super().clean()
        if data.get("kind") == OrgKind.INDUSTRY and not data.get("industry"):
            self.add_error("industry", _("行业党委须选择行业"))
        if data.get("level") != OrgLevel.JOINT_BRANCH and (data.get("joint_units") or 1) > 1:
            self.add_error("joint_units", _("只有联合党支部由多个单位组成"))
        started = data.get("term_started")
        if started and started > clock.today():
            self.add_error("term_started", _("本届起始日期不能晚于今天"))
        return data


class TransferInForm(forms.Form):
    """市外转入: the letter and the member it brings."""

    letter_no = forms.CharField(label=_("介绍信编号"), max_length=40)
    outside_org = forms.CharField(label=_("市外党组织"), max_length=100, help_text=_("开具介绍信的党组织"))
    issued_on = forms.DateField(label=_("开具日期"), widget=DATE)
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), required=False, max_length=18)
    gender = forms.ChoiceField(label=_("性别"), required=False, choices=[("", "—"), ("male", _("男")), ("female", _("女"))])
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    admitted_on = forms.DateField(label=_("入党日期"), widget=DATE)
    stage = forms.ChoiceField(label=_("党员类别"), choices=Stage.choices, initial=Stage.FULL)
    probation_ends = forms.DateField(label=_("预备期满"), required=False, widget=DATE)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("stage") == Stage.PROBATIONARY and not data.get("probation_ends"):
            self.add_error("probation_ends", _("预备党员须填写预备期满日期"))
        admitted = data.get("admitted_on")
        if admitted and admitted > clock.today():
            self.add_error("admitted_on", _("入党日期不能晚于今天"))
        return data


class MeetingPhotoForm(forms.Form):
    photos = MultiplePhotoField(
        label=_("会议照片"), help_text=_("可多选，每张不超过 5 MB"),
    )


class DualRegisterForm(forms.Form):
    community_code = forms.CharField(label=_("居住社区编码"), max_length=30)
    registered_on = forms.DateField(label=_("报到日期"), widget=DATE)

    def clean_community_code(self):
        from wangge.areas.models import Area, AreaKind

        area = Area.objects.filter(code=self.cleaned_data["community_code"].strip(), kind=AreaKind.COMMUNITY).first()
        if area is None:
            raise forms.ValidationError(_("没有这个社区编码"))
        return area


class DualClaimForm(forms.Form):
    posts = forms.MultipleChoiceField(label=_("认领岗位"), required=False, widget=forms.CheckboxSelectMultiple)
    report_h1 = forms.BooleanField(label=_("上半年报告"), required=False)
    report_h2 = forms.BooleanField(label=_("下半年报告"), required=False)

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts"].choices = [(p.id, p.title) for p in posts]


class HoursForm(forms.Form):
    date = forms.DateField(label=_("服务日期"), widget=DATE)
    hours = forms.DecimalField(label=_("服务时长（小时）"), min_value=0.5, max_value=24, decimal_places=1)
    post = forms.TypedChoiceField(label=_("岗位"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [("", "—"), *[(p.id, p.title) for p in posts]]

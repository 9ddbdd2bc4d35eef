from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import filter_to_scope
from wangge.areas.models import Area, AreaKind

from .models import Industry, ServiceKind, WorkerType
from .permissions import WRITE_ROLES

DATE = forms.DateInput(attrs={"type": "date"})
AREA_KINDS = (AreaKind.STREET, AreaKind.COMMUNITY)


def areas_for_write(user):
    return filter_to_scope(Area.objects.filter(kind__in=AREA_KINDS), user, field="path",
                           roles=WRITE_ROLES).order_by("path").only("id", "name", "code", "path")


class _AreaField:
    def clean_area(self):
        area = filter_to_scope(Area.objects.filter(code=self.cleaned_data["area"]), self.user, field="path",
                               roles=WRITE_ROLES).first()
        if area is None:
            raise forms.ValidationError(_("该区域不存在或不在您的管辖范围内"))
        return area


class CompanyForm(_AreaField, forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=100)
    platform = forms.CharField(label=_("平台/品牌"), max_length=50)
    outlet = forms.CharField(label=_("网点/站点"), max_length=100, required=False)
    industry = forms.ChoiceField(label=_("行业"), choices=Industry.choices)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=18)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    area = forms.ChoiceField(label=_("所在区域"))
    alliance = forms.ChoiceField(label=_("党建联盟"), required=False)

    def __init__(self, *args, user, alliances=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].choices = [(a.code, a.name) for a in areas_for_write(user)]
        self.fields["alliance"].choices = [("", "—")] + [(a.pk, a.name) for a in alliances]


class WorkerForm(_AreaField, forms.Form):
    company = forms.ChoiceField(label=_("所属企业"))
    worker_type = forms.ChoiceField(label=_("从业类型"), choices=WorkerType.choices)
    station = forms.CharField(label=_("所在站点"), max_length=100, required=False)
    area = forms.ChoiceField(label=_("工作区域"))
    consent_on = forms.DateField(label=_("本人同意日期"), required=False, widget=DATE,
                                 help_text=_("未取得本人同意的，只登记类型和企业，不登记姓名和联系方式"))
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False)
    is_party_member = forms.BooleanField(label=_("党员"), required=False)
    membership_held_at = forms.CharField(label=_("组织关系所在"), max_length=100, required=False)

    def __init__(self, *args, user, companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["company"].choices = [(c.pk, f"{c.platform} · {c.name}") for c in companies]
        self.fields["area"].choices = [(a.code, a.name) for a in areas_for_write(user)]


class BranchForm(forms.Form):
    org = forms.ChoiceField(label=_("党组织（党组织树中已建立）"))
    founded_on = forms.DateField(label=_("成立日期"), widget=DATE)
    companies = forms.MultipleChoiceField(label=_("覆盖企业"), required=False)

    def __init__(self, *args, orgs=(), companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, o.name) for o in orgs]
        self.fields["companies"].choices = [(c.pk, c.name) for c in companies]


class InstructorForm(forms.Form):
    branch = forms.ChoiceField(label=_("党组织"))
    name = forms.CharField(label=_("党建指导员"), max_length=50)
    unit = forms.CharField(label=_("派出单位"), max_length=100, required=False)
    since = forms.DateField(label=_("选派日期"), widget=DATE)

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [(b.pk, b.org.name) for b in branches]


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("服务类型"), choices=ServiceKind.choices)
    company = forms.ChoiceField(label=_("企业"))
    worker = forms.IntegerField(label=_("从业人员编号（知道时填写）"), required=False, min_value=1)
    date = forms.DateField(label=_("日期"), widget=DATE)
    people = forms.IntegerField(label=_("人次"), min_value=1, max_value=100000, initial=1)
    provider = forms.CharField(label=_("提供部门"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].choices = [(c.pk, f"{c.platform} · {c.name}") for c in companies]

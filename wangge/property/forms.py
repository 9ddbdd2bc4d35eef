"""Forms of the red property pages (field errors in Chinese, phone-friendly inputs)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import scope_q
from wangge.areas.models import Area, AreaKind
from wangge.property.models import CommitteeKind, ManagementMode, ReplyBy
from wangge.property.permissions import WRITE_ROLES

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
TEL = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})


class NamedChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def property_party_orgs():
    """Open party organisations of the property industry (the 物业行业党委 and its branches)."""
    from wangge.party.models import Industry, PartyOrg

    return PartyOrg.objects.filter(industry=Industry.PROPERTY, dissolved_on__isnull=True).order_by("path")


class PartyLinkForm(forms.Form):
    party_org = NamedChoice(label=_("公司党组织"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_org"].queryset = property_party_orgs()


class StaffForm(forms.Form):
    username = forms.CharField(label=_("账号（须有“物业公司人员”角色）"), max_length=150)


class EstateFilter(forms.Form):
    q = forms.CharField(label=_("小区名称"), required=False)
    mode = forms.ChoiceField(label=_("管理模式"), required=False, choices=[("", _("全部"))] + ManagementMode.choices)
    committee = forms.ChoiceField(
        label=_("业委会"), required=False,
        choices=[("", _("全部")), ("1", _("已成立")), ("0", _("未成立"))],
    )
    company = forms.CharField(required=False, widget=forms.HiddenInput)


class ProfileForm(forms.Form):
    mode = forms.ChoiceField(label=_("管理模式"), choices=ManagementMode.choices)
    company = NamedChoice(label=_("物业公司"), queryset=None, required=False)
    fee_per_m2 = forms.DecimalField(label=_("物业费标准(元/㎡·月)"), required=False, min_value=0, max_digits=6, decimal_places=2)
    households = forms.IntegerField(label=_("户数"), min_value=0, initial=0)
    delivered_percent = forms.IntegerField(label=_("交付比例(%)"), min_value=0, max_value=100, initial=100)
    manager_name = forms.CharField(label=_("物业项目经理"), max_length=50, required=False)
    manager_in_committees = forms.BooleanField(label=_("经理兼任社区两委委员"), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies


class CompanyForm(forms.Form):
    area = NamedChoice(label=_("登记区域"), queryset=None)
    name = forms.CharField(label=_("公司名称"), max_length=100)
    credit = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=18)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False, widget=TEL)
    party_org = NamedChoice(label=_("公司党组织"), queryset=None, required=False,
                            help_text=_("物业行业党委下的党组织；没有可不选"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_org"].queryset = property_party_orgs()
        condition = scope_q(user, field="path", roles=WRITE_ROLES)
        areas = Area.objects.none()
        if condition is not None:
            areas = Area.objects.filter(
                condition, kind__in=[AreaKind.STREET, AreaKind.COMMUNITY]
            ).order_by("path")[:300]
        self.fields["area"].queryset = Area.objects.filter(pk__in=[a.pk for a in areas]).order_by("path")


class CompanyFilter(forms.Form):
    q = forms.CharField(label=_("名称或代码"), required=False)


class CommitteeForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=CommitteeKind.choices)
    elected_on = forms.DateField(label=_("成立日期"), widget=DATE)
    term_years = forms.IntegerField(label=_("任期(年)"), min_value=1, max_value=5, initial=5)
    members = forms.IntegerField(label=_("委员人数"), min_value=1, max_value=99)
    chair_name = forms.CharField(label=_("主任"), max_length=50)
    party_members = forms.IntegerField(label=_("党员人数"), min_value=0, initial=0)
    filed_on = forms.DateField(label=_("备案日期"), required=False, widget=DATE)


class CommitteeFilter(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部"))] + CommitteeKind.choices)
    expiring = forms.BooleanField(label=_("三个月内届满"), required=False)


class FeeFilter(forms.Form):
    month = forms.CharField(label=_("月份"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    estate = forms.CharField(required=False, widget=forms.HiddenInput)


class OpinionFilter(forms.Form):
    state = forms.ChoiceField(
        label=_("答复情况"), required=False,
        choices=[("", _("全部")), ("open", _("待答复")), ("overdue", _("超期未答复")), ("replied", _("已答复"))],
    )


class ReplyForm(forms.Form):
    reply_by = forms.ChoiceField(label=_("答复方"), choices=ReplyBy.choices)
    reply = forms.CharField(label=_("答复内容（公开）"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, as_company: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if as_company:  # a company's staff answer as the company
            del self.fields["reply_by"]


class ToProposalForm(forms.Form):
    title = forms.CharField(label=_("议题"), max_length=100)


class ToCaseForm(forms.Form):
    category = forms.ChoiceField(label=_("事件类别"))

    def __init__(self, *args, **kwargs):
        from wangge.cases.forms import category_choices

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("意见或建议"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))
    author_name = forms.CharField(label=_("称呼（可不填，不公开）"), max_length=50, required=False)
    author_phone = forms.CharField(label=_("手机号码（可不填，不公开）"), max_length=20, required=False, widget=TEL)
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("满意度"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("非常满意")), (4, _("满意")), (3, _("一般")), (2, _("不满意")), (1, _("非常不满意"))],
    )
    phone = forms.CharField(label=_("手机号码（每户每季度一次，不公开）"), max_length=20, widget=TEL)

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import filter_to_scope
from wangge.areas.models import Area
from wangge.audit.models import Outcome
from wangge.audit.services import ACTION_LABELS
from wangge.core.inputs import SafeDateField
from wangge.people.models import CareTag, ResidenceStatus


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, max_length=128)


class ResidentFilterForm(forms.Form):
    area = forms.CharField(label="区域编码", required=False, max_length=20)
    name = forms.CharField(label="姓名", required=False, max_length=50)
    id_number = forms.CharField(label="证件号码（精确）", required=False, max_length=30)
    care_tag = forms.ChoiceField(label="关爱标签", required=False)
    residence_status = forms.ChoiceField(
        label="居住状态", required=False, choices=[("", "全部")] + list(ResidenceStatus.choices)
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["care_tag"].choices = [("", "全部")] + [
            (tag.code, tag.name) for tag in CareTag.objects.all()
        ]

    def clean_area(self):
        code = self.cleaned_data["area"].strip()
        if not code:
            return None
        area = filter_to_scope(Area.objects.filter(code=code), self.user, field="path").first()
        if area is None:
            raise forms.ValidationError("该区域编码不存在或不在您的管辖范围内")
        return area


class AuditFilterForm(forms.Form):
    username = forms.CharField(label="账号", required=False, max_length=150)
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "全部")] + list(ACTION_LABELS.items())
    )
    outcome = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部")] + list(Outcome.choices)
    )
    date_from = SafeDateField(label="开始日期", required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    date_to = SafeDateField(label="结束日期", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Department, Role
from wangge.areas.models import Area


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("账号或姓名"), required=False, max_length=150)
    role = forms.ChoiceField(label=_("角色"), required=False,
                             choices=[("", _("全部"))] + list(Role.choices))
    area = forms.CharField(label=_("区域编码"), required=False, max_length=20)
    is_active = forms.ChoiceField(label=_("状态"), required=False,
                                  choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))])


class RoleGrantForm(forms.Form):
    """Area by its code, department from a list; the service checks the combination."""

    role = forms.ChoiceField(label=_("角色"), choices=[("", _("请选择"))] + list(Role.choices))
    area = forms.CharField(label=_("区域编码"), required=False, max_length=20,
                           help_text=_("区域或部门二选一；三类管理员可留空（全局）"))
    department = forms.ModelChoiceField(label=_("职能部门"), required=False,
                                        queryset=Department.objects.order_by("name"),
                                        empty_label=_("（不选）"))
    valid_from = forms.DateField(label=_("生效日期"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("留空为立即生效"))
    valid_until = forms.DateField(label=_("失效日期"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("留空为长期有效；当天仍有效"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].error_messages["required"] = _("请选择角色")
        self.fields["role"].error_messages["invalid_choice"] = _("未知角色")
        self.fields["department"].error_messages["invalid_choice"] = _("该部门不存在")
        for name in ("valid_from", "valid_until"):
            self.fields[name].error_messages["invalid"] = _("请输入有效的日期")

    def clean_area(self):
        code = self.cleaned_data["area"].strip()
        if not code:
            return None
        area = Area.objects.filter(code=code).first()
        if area is None:
            raise forms.ValidationError(_("该区域编码不存在"))
        return area


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput, max_length=128)
    new_password1 = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, max_length=128)
    new_password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput,
                                    max_length=128)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = _("此项不能为空")

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") and (
            data["new_password1"] != data["new_password2"]
        ):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


class OtpForm(forms.Form):
    token = forms.CharField(label=_("动态口令"), max_length=10,
                            widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                          "autocomplete": "one-time-code",
                                                          "autofocus": True}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].error_messages["required"] = _("请输入 6 位动态口令")

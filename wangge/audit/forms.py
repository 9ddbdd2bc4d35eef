from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.audit.labels import action_choices
from wangge.audit.models import Outcome
from wangge.core.inputs import SafeDateField


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("账号"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False)
    outcome = forms.ChoiceField(
        label=_("结果"), required=False, choices=[("", _("全部"))] + list(Outcome.choices)
    )
    date_from = SafeDateField(label=_("开始日期"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    date_to = SafeDateField(label=_("结束日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every app's actions, in words, grouped by the app that writes them.
        self.fields["action"].choices = action_choices()

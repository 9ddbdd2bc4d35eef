from django import forms

from wangge.audit.labels import action_choices
from wangge.audit.models import Outcome
from wangge.core.inputs import SafeDateField


class AuditFilterForm(forms.Form):
    username = forms.CharField(label="账号", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False)
    outcome = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部")] + list(Outcome.choices)
    )
    date_from = SafeDateField(label="开始日期", required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    date_to = SafeDateField(label="结束日期", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every app's actions, in words, grouped by the app that writes them.
        self.fields["action"].choices = action_choices()

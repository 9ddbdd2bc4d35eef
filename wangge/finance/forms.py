from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Guarantee, Purpose

DATE = forms.DateInput(attrs={"type": "date"})
NUMBER = {"inputmode": "decimal"}


def add_error(form, exc) -> None:
    """An ApplicationError on its field (or above the form when it names none)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


class DemandForm(forms.Form):
    village = forms.ChoiceField(label=_("村（嘎查）"))
    collective = forms.BooleanField(label=_("村集体需求（不填户）"), required=False)
    household = forms.CharField(label=_("户编号"), max_length=40, required=False)
    purpose = forms.ChoiceField(label=_("用途"), choices=[("", "—")] + list(Purpose.choices))
    amount = forms.CharField(label=_("需求金额(万元)"), max_length=12, widget=forms.TextInput(attrs=NUMBER))
    term_months = forms.CharField(label=_("期限(月)"), max_length=4, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    guarantee = forms.ChoiceField(label=_("担保方式"), choices=[("", "—")] + list(Guarantee.choices), required=False)
    description = forms.CharField(label=_("需求说明"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.pk, v.name) for v in villages]


class MatchForm(forms.Form):
    product = forms.ChoiceField(label=_("对接产品"))
    purpose = forms.ChoiceField(label=_("用途"), choices=[("", "—")] + list(Purpose.choices), required=False)
    amount = forms.CharField(label=_("需求金额(万元)"), max_length=12, required=False,
                             widget=forms.TextInput(attrs=NUMBER))
    term_months = forms.CharField(label=_("期限(月)"), max_length=4, required=False)

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "—")] + [
            (p.pk, f"{p.institution.name} · {p.name}（≤{p.ceiling}万）") for p in products]


class GrantForm(forms.Form):
    contract = forms.CharField(label=_("合同编号"), max_length=40)
    amount = forms.CharField(label=_("放款金额(万元)"), max_length=12, widget=forms.TextInput(attrs=NUMBER))
    granted_on = forms.DateField(label=_("放款日期"), widget=DATE)
    matures_on = forms.DateField(label=_("到期日期"), widget=DATE, required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("未获贷原因"), max_length=200)


class ConsentForm(forms.Form):
    given_on = forms.DateField(label=_("授权日期"), widget=DATE)
    evidence = forms.CharField(label=_("授权凭证"), max_length=120, help_text=_("如：授权书编号、签字扫描件编号"))


class RatingForm(forms.Form):
    group = forms.CharField(label=_("评议小组"), max_length=200, help_text=_("村评议小组成员"))
    evidence = forms.CharField(label=_("评定依据"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        for c in criteria:
            self.fields[f"c{c.pk}"] = forms.CharField(
                label=_("%(name)s（权重 %(weight)s%%）") % {"name": c.name, "weight": c.weight},
                help_text=c.guidance, max_length=6, widget=forms.TextInput(attrs=NUMBER))
        self.order_fields([f"c{c.pk}" for c in criteria] + ["group", "evidence"])

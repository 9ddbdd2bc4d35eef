from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Role, User
from wangge.accounts.scope import filter_to_scope, scope_paths
from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.core.errors import ApplicationError
from wangge.patrols.periods import Period, month_of, period_parse
from wangge.patrols.permissions import ASSIGN_ROLES, SUPERVISE_ROLES
from wangge.people.models import Household


def _areas_in_scope(user, roles, kinds) -> list[Area]:
    return list(
        filter_to_scope(Area.objects.filter(kind__in=kinds), user, field="path", roles=roles)
        .order_by("path")
        .only("id", "name", "code", "kind", "path")
    )


class ReportFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("区域"), required=False)
    month = forms.CharField(
        label=_("月份"), required=False, max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )

    def __init__(self, *args, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today
        self.fields["month"].initial = month_of(today).code
        kinds = [AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY]
        self.fields["area"].choices = [("", _("全部（我的范围）"))] + [
            (a.code, f"{a.get_kind_display().split('/')[0].strip()} · {a.name}")
            for a in _areas_in_scope(user, SUPERVISE_ROLES, kinds)
        ]

    def clean_area(self) -> Area | None:
        code = self.cleaned_data["area"]
        if not code:
            return None
        area = filter_to_scope(
            Area.objects.filter(code=code), self.user, field="path", roles=SUPERVISE_ROLES
        ).first()
        if area is None:
            raise forms.ValidationError(_("该区域不存在或不在您的管辖范围内"))
        return area

    def clean_month(self) -> Period:
        value = self.cleaned_data["month"].strip()
        if not value:
            return month_of(self.today)
        try:
            period = period_parse(value)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc
        if period.kind != "month":
            raise forms.ValidationError(_("请选择月份"))
        if period.start > self.today:
            raise forms.ValidationError(_("不能统计未来的月份"))
        return period


def worker_choices(user) -> list[User]:
    """Grid workers holding the role somewhere inside the user's assigning scope."""
    paths = scope_paths(user, ASSIGN_ROLES)
    if not paths:
        return []
    condition = Q()
    for path in paths:
        condition |= Q(
            role_assignments__role=Role.GRID_WORKER, role_assignments__area__path__startswith=path
        )
    today = clock.today()  # a role counts from its first to its last day
    condition &= Q(role_assignments__valid_from__isnull=True) | Q(
        role_assignments__valid_from__lte=today
    )
    condition &= Q(role_assignments__valid_until__isnull=True) | Q(
        role_assignments__valid_until__gte=today
    )
    return list(User.objects.filter(condition, is_active=True).distinct().order_by("username"))


class _AssignForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        workers = worker_choices(user)
        self.workers = {str(w.pk): w for w in workers}
        choices = [("", _("请选择"))] + [(str(w.pk), f"{w} ({w.username})") for w in workers]
        for name in ("worker", "from_worker", "to_worker"):
            if name in self.fields:
                self.fields[name].choices = choices
        if "grid" in self.fields:
            self.fields["grid"].choices = [("", _("请选择"))] + [
                (str(g.pk), _("%(name)s（%(code)s）") % {"name": g.name, "code": g.code})
                for g in _areas_in_scope(user, ASSIGN_ROLES, [AreaKind.GRID])
            ]

    def _worker(self, name: str) -> User:
        return self.workers[self.cleaned_data[name]]

    def clean_grid(self) -> Area:
        grid = filter_to_scope(
            Area.objects.filter(pk=self.cleaned_data["grid"], kind=AreaKind.GRID),
            self.user,
            field="path",
            roles=ASSIGN_ROLES,
        ).first()
        if grid is None:
            raise forms.ValidationError(_("该网格不存在或不在您的管辖范围内"))
        return grid


class GridAssignForm(_AssignForm):
    grid = forms.ChoiceField(label=_("网格"))
    worker = forms.ChoiceField(label=_("网格员"))

    def clean_worker(self) -> User:
        return self._worker("worker")


class GridReassignForm(_AssignForm):
    grid = forms.ChoiceField(label=_("网格"))
    from_worker = forms.ChoiceField(label=_("原网格员"))
    to_worker = forms.ChoiceField(label=_("接手网格员"))

    def clean_from_worker(self) -> User:
        return self._worker("from_worker")

    def clean_to_worker(self) -> User:
        return self._worker("to_worker")


class HouseholdAssignForm(_AssignForm):
    household = forms.CharField(label=_("户编号"), max_length=40)
    worker = forms.ChoiceField(label=_("包户网格员"))

    def clean_worker(self) -> User:
        return self._worker("worker")

    def clean_household(self) -> Household:
        household = filter_to_scope(
            Household.objects.filter(code=self.cleaned_data["household"].strip()),
            self.user,
            roles=ASSIGN_ROLES,
        ).first()
        if household is None:
            raise forms.ValidationError(_("该户不存在或不在您的管辖范围内"))
        return household

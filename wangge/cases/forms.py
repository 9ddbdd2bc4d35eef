"""Forms of the case pages. They parse and check input; every rule of the workflow stays in
``wangge.cases.services``, which the views call with the cleaned values."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from wangge.accounts.models import Department
from wangge.areas.models import Area, AreaKind
from wangge.areas.services import area_locate_point
from wangge.cases import permissions as perms
from wangge.cases.actions import ACTION_BY_NAME, ACTIONS, Action, Text
from wangge.cases.models import Case, Category, Priority, Satisfaction, Status
from wangge.cases.places import grid_for_place
from wangge.cases.selectors import category_tree
from wangge.cases.services import MAX_NOTE, case_route
from wangge.core.errors import ApplicationError

COORD_SYSTEMS = [("wgs84", "WGS84"), ("gcj02", "GCJ-02"), ("bd09", "BD-09")]


def category_choices(categories=None) -> list:
    """Classes as option groups with their sub-classes; a class without sub-classes is an
    option of its own (in the group "其他")."""
    rows = list(categories if categories is not None else category_tree())
    children: dict[str, list[Category]] = {}
    for category in rows:
        if category.depth > 1:
            children.setdefault(category.path[: Category.steplen], []).append(category)
    grouped, single = [], []
    for category in rows:
        if category.depth != 1:
            continue
        subs = children.get(category.path)
        if subs:
            grouped.append((category.name, [(str(sub.pk), sub.name) for sub in subs]))
        else:
            single.append((str(category.pk), category.name))
    return [("", gettext("请选择问题类别"))] + grouped + ([(gettext("其他"), single)] if single else [])


def community_choices() -> list:
    streets: dict[str, str] = {}
    groups: dict[str, list] = {}
    areas = Area.objects.filter(kind__in=[AreaKind.STREET, AreaKind.COMMUNITY]).order_by("path")
    for area in areas.only("pk", "path", "kind", "name"):
        if area.kind == AreaKind.STREET:
            streets[area.path] = area.name
            groups[area.path] = []
        else:
            groups.setdefault(area.path[: Area.steplen * 3], []).append((str(area.pk), area.name))
    choices = [("", gettext("请选择（未在地图上选点时必选）"))]
    for path, options in groups.items():
        if options:
            choices.append((streets.get(path, gettext("其他")), options))
    return choices


class ReportForm(forms.Form):
    """The resident's report: what, where (a tapped point, or a community and an address),
    a photo, and how to reach them unless they stay anonymous."""

    category = forms.ChoiceField(label=gettext_lazy("问题类别"))
    description = forms.CharField(
        label=gettext_lazy("问题描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": gettext_lazy("请描述问题的情况、位置和发现时间")}),
    )
    photo = forms.FileField(
        label=gettext_lazy("现场照片"),
        required=False,
        help_text=gettext_lazy("可选，JPEG、PNG 或 WebP，不超过 5 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    coord_system = forms.ChoiceField(
        required=False, choices=COORD_SYSTEMS, widget=forms.HiddenInput, initial="wgs84"
    )
    # The grid of the estate or building picked from the search (views_residents).
    place_grid = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    community = forms.ChoiceField(label=gettext_lazy("所在社区"), required=False)
    address = forms.CharField(
        label=gettext_lazy("详细地址"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：幸福路 12 号楼东侧")}),
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("匿名上报（不留姓名和电话，办理人员看不到上报人）"), required=False
    )
    reporter_name = forms.CharField(label=gettext_lazy("联系人"), required=False, max_length=50)
    reporter_phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["community"].choices = community_choices()
        self.fields["coord_system"].initial = settings.WANGGE_MAP_COORD_SYSTEM

    def clean_category(self) -> Category:
        category = Category.objects.filter(pk=self.cleaned_data["category"], active=True).first()
        if category is None:
            raise forms.ValidationError(gettext("请选择有效的问题类别"))
        return category

    def clean_community(self) -> Area | None:
        value = self.cleaned_data.get("community")
        if not value:
            return None
        area = Area.objects.filter(pk=value, kind=AreaKind.COMMUNITY).first()
        if area is None:
            raise forms.ValidationError(gettext("请选择有效的社区"))
        return area

    def clean(self):
        data = super().clean()
        lat, lng = data.get("lat"), data.get("lng")
        # A place picked from the search stands in for the community select.
        community = data.get("community") or grid_for_place(data.get("place_grid"))
        data["grid"] = None
        if (lat is None) != (lng is None):
            lat = lng = data["lat"] = data["lng"] = None
        if lat is not None:
            system = data.get("coord_system") or "wgs84"
            try:
                located = area_locate_point(lat=lat, lng=lng, system=system)
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from exc
            if located is None:
                if community is None:
                    self.add_error(
                        "community", gettext("所选位置不在本市网格范围内，请重新选点或选择所在社区")
                    )
                data["grid"] = community
        elif "community" not in self.errors:
            if community is None:
                self.add_error("community", gettext("请在地图上点选位置，或选择所在社区"))
            if not data.get("address"):
                self.add_error("address", gettext("未在地图上选点时，请填写详细地址"))
            data["grid"] = community
        if data.get("anonymous"):
            data["reporter_name"] = data["reporter_phone"] = ""
        return data


class TrackForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("案件编号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    token = forms.CharField(
        label=gettext_lazy("查询码"),
        max_length=40,
        help_text=gettext_lazy("上报成功后页面显示的查询码（也包含在跟踪链接中）"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class EvaluationForm(forms.Form):
    rating = forms.ChoiceField(
        label=gettext_lazy("您对办理结果是否满意"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("意见建议"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": gettext_lazy("可选")}),
    )


class WorkListFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("编号/关键词"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=[("", gettext_lazy("全部"))] + list(Status.choices)
    )
    category = forms.ChoiceField(label=gettext_lazy("类别"), required=False)
    priority = forms.ChoiceField(
        label=gettext_lazy("紧急程度"), required=False, choices=[("", gettext_lazy("全部"))] + list(Priority.choices)
    )
    # The cases behind a dashboard figure (wangge.cases.kpi_slices): kept while filtering.
    area = forms.SlugField(required=False, max_length=30, widget=forms.HiddenInput)
    kpi = forms.SlugField(required=False, max_length=20, widget=forms.HiddenInput)
    month = forms.RegexField(
        regex=r"^\d{4}-\d{2}$", required=False, max_length=7, widget=forms.HiddenInput
    )
    department = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = list(category_tree())
        self.fields["category"].choices = [("", gettext("全部"))] + [
            (str(c.pk), (gettext("　") * (c.depth - 1)) + c.name) for c in rows
        ]

    def clean_category(self) -> int | None:
        value = self.cleaned_data.get("category")
        return int(value) if value else None


# --------------------------------------------------------------------------- actions

# Labels of the workflow actions as buttons (from the one table, ``actions.ACTIONS``).
ACTION_LABELS = {action.name: action.button_label for action in ACTIONS}


def dispatch_targets(user, case: Case) -> list[tuple[str, str]]:
    """The units this dispatcher may send this case to: ``("d:<id>", name)`` for
    departments, ``("a:<id>", name)`` for areas; the routed unit first."""
    routed = case_route(category=case.category, area_path=case.area_path)
    choices: list[tuple[str, str]] = []
    if routed is not None:
        prefix = "d" if isinstance(routed, Department) else "a"
        choices.append(("", gettext("按分派规则：{name}").format(name=routed.name)))
    else:
        choices.append(("", gettext("请选择承办单位")))
    seen = {f"{prefix}:{routed.pk}"} if routed is not None else set()
    departments = [
        department
        for department in Department.objects.select_related("area").order_by("area__path", "code")
        if f"d:{department.pk}" not in seen
        and perms.can_dispatch_to(user, case, department=department, routed=routed)
    ]
    base = case.dispatcher_area
    areas = []
    if base is not None:
        areas = [
            area
            for area in Area.objects.filter(
                path__startswith=base.path, depth__lte=base.depth + 2
            ).order_by("path")
            if f"a:{area.pk}" not in seen
            and perms.can_dispatch_to(user, case, area=area, routed=routed)
        ]
    # Only units somebody can handle: the service refuses the others.
    staffed_departments, staffed_areas = perms.staffed_units(departments=departments, areas=areas)
    choices += [(f"d:{d.pk}", d.name) for d in departments if d.pk in staffed_departments]
    choices += [
        (f"a:{a.pk}", f"{a.get_kind_display()} · {a.name}") for a in areas if a.pk in staffed_areas
    ]
    return choices


class ActionForm(forms.Form):
    """One workflow action's parameters, built from its entry in ``actions.ACTIONS``."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, action: str | Action, user=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        spec = action if isinstance(action, Action) else ACTION_BY_NAME[action]
        self.spec = spec
        self.action = spec.name
        self.params = spec.params
        self.label = spec.button_label
        self.danger = spec.danger
        if spec.unit:
            self.fields["target"] = forms.ChoiceField(
                label=gettext("承办单位"), required=False, choices=dispatch_targets(user, case)
            )
        if spec.passed:
            self.fields["passed"] = forms.ChoiceField(
                label=gettext("核查结果"),
                choices=[("yes", gettext("通过")), ("no", gettext("不通过（返工）"))],
                widget=forms.RadioSelect,
            )
        if spec.days is not None:
            self.fields["days"] = forms.IntegerField(
                label=gettext("延期工作日"), min_value=1, max_value=60, required=spec.days
            )
        if spec.result is not None:
            self.fields["result"] = self._text(spec.result, rows=3)
        if spec.photos:
            self.fields["photo"] = forms.FileField(
                label=gettext("处置照片"),
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/jpeg,image/png,image/webp"}
                ),
            )
        for name in ("reason", "note"):
            text = getattr(spec, name)
            if text is not None:
                self.fields[name] = self._text(text, rows=2)

    @staticmethod
    def _text(text: Text, *, rows: int) -> forms.CharField:
        return forms.CharField(
            label=text.label,
            max_length=MAX_NOTE,
            required=text.required,
            widget=forms.Textarea(attrs={"rows": rows}),
        )

    def service_params(self) -> dict:
        """The cleaned values as ``case_transition`` keyword arguments."""
        data = self.cleaned_data
        out: dict = {}
        if "target" in self.fields:
            target = data.get("target") or ""
            kind, _, pk = target.partition(":")
            if kind == "d":
                out["handler_department"] = int(pk)
            elif kind == "a":
                out["handler_area"] = int(pk)
        if "passed" in self.fields:
            out["passed"] = data["passed"] == "yes"
        if "days" in self.fields and data.get("days") is not None:
            out["days"] = data["days"]
        if "result" in self.fields:
            out["result"] = data["result"]
        if "photo" in self.fields and data.get("photo"):
            out["photos"] = [data["photo"]]
        for name in ("reason", "note"):
            if name in self.fields:
                out[name] = data.get(name, "")
        return out


class SummonsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    departments = forms.MultipleChoiceField(label=gettext_lazy("吹哨部门"), widget=forms.CheckboxSelectMultiple)
    urgent = forms.BooleanField(label=gettext_lazy("紧急（30 分钟内报到）"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("吹哨事由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        street_path = case.area_path[: Area.steplen * 3]
        # Departments anchored on the case's street or above it, or inside the street.
        ancestors = [
            case.area_path[:i] for i in range(Area.steplen, len(street_path) + 1, Area.steplen)
        ]
        departments = Department.objects.select_related("area").order_by("area__path", "code")
        self.fields["departments"].choices = [
            (str(d.pk), d.name)
            for d in departments
            if d.area.path in ancestors or d.area.path.startswith(street_path)
        ]


class CheckInForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("报到说明"), required=False, max_length=2000)


class SummonsRateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("评分"), coerce=int, choices=[(str(i), "★" * i) for i in range(5, 0, -1)]
    )
    note = forms.CharField(label=gettext_lazy("评价说明"), required=False, max_length=2000)

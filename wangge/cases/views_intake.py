"""Staff intake (上报事件): a problem that reaches the office by phone (热线), at the counter
(来访), on a patrol (巡查) or in a letter (来信) is entered by staff on this form — not the
citizen form. The place is found by the same estate/building search and map as the public
page; it must lie in the staff member's own area scope. The case is opened by the one
intake service, ``case_report``."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods

from wangge.accounts.guards import guarded
from wangge.accounts.permissions import has_any_role
from wangge.areas.models import Area, AreaKind
from wangge.areas.services import area_locate_point
from wangge.cases import permissions as perms
from wangge.cases.forms import COORD_SYSTEMS, category_choices
from wangge.cases.models import Category, Source
from wangge.cases.places import grid_for_place
from wangge.cases.services import case_report
from wangge.cases.views.common import form_error
from wangge.cases.views.public import map_center
from wangge.core.basemap import basemap_url
from wangge.core.errors import ApplicationError
from wangge.core.forms import MultiplePhotoField

CHANNELS = [
    (Source.HOTLINE, gettext_lazy("热线来电")),
    (Source.WALK_IN, gettext_lazy("群众来访")),
    (Source.PATROL, gettext_lazy("巡查发现")),
    (Source.LETTER, gettext_lazy("群众来信")),
]
OUT_OF_SCOPE = gettext_lazy("该位置不在您负责的区域内，请核对位置，或转交所属社区/街道录入")


def can_take_intake(user) -> bool:
    """Staff with an area scope: grid workers, community and street staff, officers."""
    return has_any_role(user, perms.CASE_AREA_READ_ROLES)


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("来源渠道"), choices=CHANNELS, widget=forms.RadioSelect)
    reporter_name = forms.CharField(label=gettext_lazy("反映人姓名"), required=False, max_length=50)
    reporter_phone = forms.CharField(
        label=gettext_lazy("反映人电话"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    category = forms.ChoiceField(label=gettext_lazy("问题类别"))
    description = forms.CharField(
        label=gettext_lazy("问题描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultiplePhotoField(label=gettext_lazy("现场照片"), required=False, help_text=gettext_lazy("可多选，每张不超过 5 MB"))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    coord_system = forms.ChoiceField(
        required=False, choices=COORD_SYSTEMS, widget=forms.HiddenInput, initial="wgs84"
    )
    place_grid = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    area = forms.ChoiceField(label=gettext_lazy("所在社区/网格"), required=False)
    address = forms.CharField(label=gettext_lazy("详细地址"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"].choices = category_choices()
        self.fields["coord_system"].initial = settings.WANGGE_MAP_COORD_SYSTEM
        self.fields["area"].choices = [("", gettext("请选择（未搜索或选点时必选）"))] + [
            (str(area.pk), f"{area.get_kind_display()} · {area.name}")
            for area in self._areas_in_scope()
        ]

    def _areas_in_scope(self):
        """Communities and grids the user may file into (for a short list: at most 300)."""
        q = perms.scope_q(self.user, field="path", roles=perms.CASE_AREA_READ_ROLES)
        if q is None:
            return []
        kinds = [AreaKind.COMMUNITY, AreaKind.GRID]
        return list(Area.objects.filter(q, kind__in=kinds).order_by("path")[:300])

    def clean_category(self) -> Category:
        category = Category.objects.filter(pk=self.cleaned_data["category"], active=True).first()
        if category is None:
            raise forms.ValidationError(gettext("请选择有效的问题类别"))
        return category

    def clean(self):
        data = super().clean()
        lat, lng = data.get("lat"), data.get("lng")
        if (lat is None) != (lng is None):
            lat = lng = data["lat"] = data["lng"] = None
        area = None
        if lat is not None:
            try:
                area = area_locate_point(
                    lat=lat, lng=lng, system=data.get("coord_system") or "wgs84"
                )
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from exc
        area = area or grid_for_place(data.get("place_grid"))
        if area is None and data.get("area"):
            area = Area.objects.filter(
                pk=data["area"], kind__in=[AreaKind.COMMUNITY, AreaKind.GRID]
            ).first()
        if area is None:
            self.add_error("area", gettext("请搜索小区或楼栋、在地图上选点，或选择所在社区/网格"))
        elif lat is None and not data.get("address"):
            self.add_error("address", gettext("未在地图上选点时，请填写详细地址"))
        data["grid"] = area
        return data


@require_http_methods(["GET", "POST"])
@guarded(can_take_intake)
def intake(request):
    form = IntakeForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            if not perms.can_report_into(request.user, data["grid"]):
                form.add_error(None, OUT_OF_SCOPE)
                status = 403
            else:
                try:
                    case = case_report(
                        actor=request.user,
                        category=data["category"],
                        description=data["description"],
                        source=data["channel"],
                        lat=data.get("lat"),
                        lng=data.get("lng"),
                        coord_system=data.get("coord_system") or "wgs84",
                        address=data.get("address", ""),
                        grid=data["grid"],
                        reporter_name=data.get("reporter_name", ""),
                        reporter_phone=data.get("reporter_phone", ""),
                        photos=data.get("photos") or [],
                        request=request,
                    )
                except ApplicationError as exc:
                    form_error(
                        form, exc, {"phone": "reporter_phone", "grid": "area", "location": "area"}
                    )
                else:
                    messages.success(request, gettext("已录入，案件编号 {number}").format(number=case.number))
                    return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/intake.html",
        {"form": form, "tile_url": settings.WANGGE_MAP_TILE_URL, "basemap_url": basemap_url(), "map": map_center()},
        status=status,
    )

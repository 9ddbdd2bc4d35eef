from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import filter_to_scope
from wangge.areas.models import Area, AreaKind
from wangge.core import clock

from .models import ChangeKind, Facility, FacilityType, Service
from .permissions import READ_ROLES, WRITE_ROLES

COORD_CHOICES = [("wgs84", _("WGS-84（GPS）")), ("gcj02", _("GCJ-02（高德、腾讯）")), ("bd09", _("BD-09（百度）"))]
KIND_WORDS = {AreaKind.DISTRICT: _("区"), AreaKind.STREET: _("街道"), AreaKind.COMMUNITY: _("社区"), AreaKind.GRID: _("网格")}


def areas_in_scope(user, roles, kinds):
    return filter_to_scope(Area.objects.filter(kind__in=kinds), user, field="path", roles=roles).order_by("path")


def _area_choices(user, roles, kinds):
    return [(a.code, f"{KIND_WORDS.get(a.kind, '')} · {a.name}") for a in areas_in_scope(user, roles, kinds)
            .only("id", "name", "code", "kind", "path")]


class _AreaField:
    def clean_area(self):
        code = self.cleaned_data["area"]
        if not code:
            return None
        area = filter_to_scope(Area.objects.filter(code=code), self.user, field="path", roles=self.roles).first()
        if area is None:
            raise forms.ValidationError(_("该区域不存在或不在您的管辖范围内"))
        return area


class FacilityFilterForm(_AreaField, forms.Form):
    roles = READ_ROLES
    q = forms.CharField(label=_("名称或地址"), required=False, max_length=50)
    facility_type = forms.ModelChoiceField(FacilityType.objects.filter(active=True), label=_("阵地类型"),
                                           required=False, empty_label=_("全部类型"))
    area = forms.ChoiceField(label=_("区域"), required=False)
    active = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), ("1", _("运营中")), ("0", _("已停用"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].choices = [("", _("全部（我的范围）"))] + _area_choices(
            user, READ_ROLES, [AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY])


class FacilityForm(_AreaField, forms.Form):
    roles = WRITE_ROLES
    facility_type = forms.ModelChoiceField(FacilityType.objects.filter(active=True), label=_("阵地类型"),
                                           error_messages={"required": _("请选择阵地类型")})
    name = forms.CharField(label=_("名称"), max_length=100, error_messages={"required": _("请填写名称")})
    area = forms.ChoiceField(label=_("所属区域"), error_messages={"required": _("请选择所属区域")})
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    coord_system = forms.ChoiceField(label=_("坐标系"), choices=COORD_CHOICES, initial="wgs84")
    lat = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90,
                           error_messages={"required": _("请填写纬度或在地图上点选"), "invalid": _("纬度应为数字")})
    lng = forms.FloatField(label=_("经度"), min_value=-180, max_value=180,
                           error_messages={"required": _("请填写经度或在地图上点选"), "invalid": _("经度应为数字")})
    opening_hours = forms.CharField(label=_("开放时间"), max_length=100, required=False,
                                    help_text=_("例如：周一至周日 8:00-20:00"))
    opens_at = forms.TimeField(label=_("每日开门"), required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                               error_messages={"invalid": _("时间格式应为 时:分")})
    closes_at = forms.TimeField(label=_("每日关门"), required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                                error_messages={"invalid": _("时间格式应为 时:分")})
    contact = forms.CharField(label=_("联系方式"), max_length=50, required=False)
    operator = forms.CharField(label=_("运营单位"), max_length=100, required=False)
    services = forms.ModelMultipleChoiceField(Service.objects.all(), label=_("服务项目"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    photo = forms.ImageField(label=_("照片"), required=False,
                             error_messages={"invalid_image": _("请上传图片文件")})
    active = forms.BooleanField(label=_("运营中"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].choices = [("", "—")] + _area_choices(
            user, WRITE_ROLES, [AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID])

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["opens_at"] >= data["closes_at"]:
            self.add_error("closes_at", _("关门时间应晚于开门时间"))
        return data

    @staticmethod
    def initial_of(facility: Facility) -> dict:
        return {
            "facility_type": facility.facility_type_id, "name": facility.name, "area": facility.area.code,
            "address": facility.address, "coord_system": "wgs84", "lat": facility.lat, "lng": facility.lng,
            "opening_hours": facility.opening_hours, "opens_at": facility.opens_at, "closes_at": facility.closes_at,
            "contact": facility.contact, "operator": facility.operator, "active": facility.active,
            "services": list(facility.services.values_list("pk", flat=True)), "version": facility.version,
        }


class ServiceLogForm(forms.Form):
    service = forms.ModelChoiceField(Service.objects.none(), label=_("服务项目"),
                                     error_messages={"required": _("请选择服务项目")})
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": _("请填写日期"), "invalid": _("日期格式不正确")})
    people = forms.IntegerField(label=_("服务人次"), min_value=0, max_value=100000,
                                error_messages={"required": _("请填写服务人次"), "invalid": _("请填写整数"),
                                                "min_value": _("人次不能为负")})
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, facility, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = facility.services.all()
        self.fields["date"].initial = clock.today()


class GapForm(_AreaField, forms.Form):
    roles = READ_ROLES
    facility_type = forms.ModelChoiceField(FacilityType.objects.filter(active=True), label=_("阵地类型"),
                                           required=False, empty_label=None)
    area = forms.ChoiceField(label=_("区域"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].choices = [("", _("全部（我的范围）"))] + _area_choices(
            user, READ_ROLES, [AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY])


class ScenarioForm(_AreaField, forms.Form):
    roles = WRITE_ROLES
    name = forms.CharField(label=_("方案名称"), max_length=100, error_messages={"required": _("请填写方案名称")})
    facility_type = forms.ModelChoiceField(FacilityType.objects.filter(active=True), label=_("阵地类型"),
                                           error_messages={"required": _("请选择阵地类型")})
    area = forms.ChoiceField(label=_("区域"), error_messages={"required": _("请选择区域")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].choices = [("", "—")] + _area_choices(
            user, WRITE_ROLES, [AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY])


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("变更"), choices=ChangeKind.choices)
    facility = forms.ModelChoiceField(Facility.objects.none(), label=_("服务阵地"), required=False)
    name = forms.CharField(label=_("名称"), max_length=100, required=False)
    lat = forms.FloatField(label=_("纬度"), required=False, error_messages={"invalid": _("纬度应为数字")})
    lng = forms.FloatField(label=_("经度"), required=False, error_messages={"invalid": _("经度应为数字")})

    def __init__(self, *args, scenario, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.filter(
            facility_type=scenario.facility_type, area_path__startswith=scenario.area_path)

    def clean(self):
        data = super().clean()
        if data.get("kind") in (ChangeKind.ADD, ChangeKind.MOVE):
            for name in ("lat", "lng"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("请填写坐标或在地图上点选"))
        return data


class NearForm(forms.Form):
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180)
    coord_system = forms.ChoiceField(choices=COORD_CHOICES, required=False)
    q = forms.CharField(label=_("地址或小区"), required=False, max_length=50)

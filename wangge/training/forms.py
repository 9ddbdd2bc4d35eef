from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ClassKind, CreditMode, CreditSource, LevelGroup, Need, NeedCategory

DATE = forms.DateInput(attrs={"type": "date"})


class ClassForm(forms.Form):
    title = forms.CharField(label=_("班次名称"), max_length=120)
    course = forms.ChoiceField(label=_("课程"), required=False)
    kind = forms.ChoiceField(label=_("形式"), choices=ClassKind.choices)
    start = forms.DateField(label=_("开班日期"), widget=DATE)
    end = forms.DateField(label=_("结业日期"), widget=DATE)
    hours = forms.DecimalField(label=_("学时"), min_value=0.5, max_value=500, decimal_places=1)
    credit_mode = forms.ChoiceField(label=_("学时计算"), choices=CreditMode.choices)
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    target_group = forms.ChoiceField(label=_("培训对象"), required=False,
                                     choices=[("", _("不限"))] + list(LevelGroup.choices))
    full_time = forms.BooleanField(label=_("脱产培训"), required=False)
    self_selectable = forms.BooleanField(label=_("允许自主选学"), required=False, initial=True)
    units = forms.MultipleChoiceField(label=_("选学单位（不选为全部单位）"), required=False)

    def __init__(self, *args, courses=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", _("（专题班，无课程）"))] + [(c.pk, c.topic) for c in courses]
        self.fields["units"].choices = [(u.pk, u.name) for u in units]


class CourseForm(forms.Form):
    topic = forms.CharField(label=_("课程主题"), max_length=120)
    category = forms.ModelChoiceField(label=_("类别"), queryset=NeedCategory.objects.all())
    lecturer = forms.CharField(label=_("授课人"), max_length=50)
    lecturer_cadre = forms.IntegerField(label=_("授课领导干部编号（选填）"), required=False, min_value=1)
    hours = forms.DecimalField(label=_("学时"), min_value=0.5, max_value=500, decimal_places=1)


class NeedForm(forms.Form):
    category = forms.ModelChoiceField(label=_("需求类别"), queryset=NeedCategory.objects.all())
    text = forms.CharField(label=_("需求内容"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    unit = forms.ChoiceField(label=_("单位（座谈会收集）"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        if units:
            self.fields["unit"].choices = [(u.pk, u.name) for u in units]
            self.fields["unit"].required = True
        else:
            del self.fields["unit"]

    @property
    def source(self) -> str:
        return Need.Source.MEETING if "unit" in self.fields else Need.Source.QUESTIONNAIRE


class CreditForm(forms.Form):
    source = forms.ChoiceField(
        label=_("学时来源"),
        choices=[(v, label) for v, label in CreditSource.choices if v != CreditSource.ORGANISED],
    )
    date = forms.DateField(label=_("日期"), widget=DATE)
    title = forms.CharField(label=_("内容"), max_length=150)
    hours = forms.DecimalField(label=_("学时"), required=False, min_value=0.5, max_value=500, decimal_places=1)
    minutes = forms.IntegerField(label=_("学习分钟数（网络学习）"), required=False, min_value=1, max_value=10000)


class LeaveForm(forms.Form):
    hours = forms.DecimalField(label=_("请假学时"), min_value=0.5, max_value=500, decimal_places=1)
    reason = forms.CharField(label=_("请假事由"), max_length=200)
    key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)


class RatingForm(forms.Form):
    STARS = [(n, "★" * n) for n in range(5, 0, -1)]
    class_stars = forms.TypedChoiceField(label=_("班次评分"), choices=STARS, coerce=int)
    lecturer_stars = forms.TypedChoiceField(label=_("授课人评分"), choices=STARS, coerce=int)
    comment = forms.CharField(label=_("意见建议"), max_length=300, required=False)

"""The cadre's phone pages: my hours and classes, check-in by the class's QR code, leave,
self-selection and rating."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.guards import guarded
from wangge.core import clock
from wangge.core.errors import ApplicationError

from . import permissions as perms
from . import selectors, services
from .forms import LeaveForm, RatingForm
from .ledger import cadre_ledger
from .models import CreditSource, TrainingClass


@guarded(perms.is_cadre)
def mine(request):
    cadre = request.user.cadre
    this = clock.today().year
    (year,) = cadre_ledger(cadre=cadre, years=[this])
    enrolments = (cadre.enrolments.select_related("training_class", "rating")
                  .order_by("-training_class__start")[:30])
    enrolled = cadre.enrolments.values("training_class_id")
    open_classes = (selectors.classes_visible_to(request.user)
                    .filter(self_selectable=True, end__gte=clock.today())
                    .exclude(pk__in=enrolled).order_by("start")[:20])
    return render(request, "training/mine.html", {
        "cadre": cadre, "y": year, "sources": CreditSource.choices, "enrolments": enrolments,
        "open_classes": open_classes,
    })


@guarded(perms.is_cadre)
def my_class(request, class_id: int):
    cadre = request.user.cadre
    enrolment = (cadre.enrolments.select_related("training_class").filter(training_class_id=class_id).first())
    if enrolment is None:
        return redirect("training:class_detail", class_id=class_id)
    leave_form = LeaveForm(prefix="leave")
    rating_form = RatingForm(prefix="rate")
    if request.method == "POST":
        if "leave-hours" in request.POST:
            leave_form = LeaveForm(request.POST, prefix="leave")
            if leave_form.is_valid():
                data = leave_form.cleaned_data
                try:
                    services.leave_request(actor=request.user, class_id=class_id, hours=data["hours"],
                                           reason=data["reason"], key=data["key"])
                except ApplicationError as exc:
                    leave_form.add_error("hours" if exc.field == "hours" else None, exc.message)
                else:
                    messages.success(request, _("已提交请假"))
                    return redirect("training:my_class", class_id=class_id)
        else:
            rating_form = RatingForm(request.POST, prefix="rate")
            if rating_form.is_valid():
                data = rating_form.cleaned_data
                try:
                    services.class_rate(actor=request.user, class_id=class_id, **data)
                except ApplicationError as exc:
                    rating_form.add_error(None, exc.message)
                else:
                    messages.success(request, _("感谢您的评价"))
                    return redirect("training:my_class", class_id=class_id)
    import secrets

    leave_form.initial.setdefault("key", secrets.token_hex(8))
    return render(request, "training/my_class.html", {
        "e": enrolment, "c": enrolment.training_class, "leave_form": leave_form,
        "rating_form": rating_form, "leaves": enrolment.leaves.order_by("-created_at"),
        "days": enrolment.attendances.count(),
    })


@require_POST
@guarded(perms.is_cadre)
def enrol_self(request, class_id: int):
    try:
        services.enrol_self(actor=request.user, class_id=class_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已报名"))
    return redirect("training:mine")


@guarded(perms.is_cadre)
def check_in(request, token: str):
    """The page the class's QR code opens: one tap to check in."""
    training_class = TrainingClass.objects.filter(token=token[:40]).first()
    error = None
    done = None
    if training_class is None:
        error = _("二维码无效")
    elif request.method == "POST":
        try:
            done = services.check_in(actor=request.user, token=token, request=request)
        except ApplicationError as exc:
            error = exc.message
    return render(request, "training/check_in.html", {"c": training_class, "error": error, "done": done},
                  status=404 if training_class is None else 200)

from django.http import HttpResponse
from django.shortcuts import render

from wangge.accounts.guards import guarded
from wangge.accounts.scope import filter_to_scope

from .models import Bench
from .permissions import can_read_benches


def benches_in_scope(user):
    return filter_to_scope(Bench.objects.all(), user, field="area_path").order_by("name", "id")


@guarded(can_read_benches)
def bench_list(request):
    names = "、".join(bench.name for bench in benches_in_scope(request.user))
    return HttpResponse(f"长椅：{names}", content_type="text/plain; charset=utf-8")


def bench_report(request):
    """The public page the front door's 长椅报修 leads to (no account needed)."""
    return render(request, "exampledomain/report.html")

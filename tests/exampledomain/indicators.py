"""The example domain's figures: benches per area and the share that is broken. Found by
``wangge.indicators.definitions.discover`` like any app's indicators.py; no shared file
names it."""

from django.db.models import Count, Q

from wangge.indicators.definitions import Source, count_of, rate, register_source

GROUP_BENCHES = "公共设施（示例）"

PANELS = {
    "headline": {"broken_bench_share": 200},
    "ranking": {"broken_bench_share": 200},
}


def _benches():
    from tests.exampledomain.models import Bench

    return Bench.objects.all()


register_source(
    Source(
        key="benches",
        label="长椅",
        queryset=_benches,
        measures=lambda: {"benches": Count("id"), "broken": Count("id", filter=Q(broken=True))},
    )
)
count_of("benches", "长椅数", "Benches", "张", GROUP_BENCHES, "benches.benches")
rate(
    "broken_bench_share",
    "长椅损坏率",
    "Broken benches",
    GROUP_BENCHES,
    "benches.broken",
    "benches.benches",
    higher_is_better=False,
)

"""The demo city's party: organisations for all but a few grids, members, letters inside,
into and out of the city, and the health page's grids that need a 党小组."""

from datetime import datetime

from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.demo.city import city_generate
from wangge.party import rules
from wangge.party.models import Member, PartyOrg, Transfer

NOW = datetime(2026, 11, 25, 15, 30, tzinfo=clock.LOCAL_TZ)


def test_the_demo_city_has_a_believable_party(db):
    with clock.simulated(lambda: NOW):
        city_generate(scale=0.005, seed=5, districts=["150206"])
    assert Member.objects.exists() and PartyOrg.objects.filter(kind="industry").count() == 10
    assert set(Transfer.objects.values_list("scope", flat=True)) == {"inside", "in", "out"}
    arrived = Transfer.objects.filter(scope="in").first()
    assert arrived.status == "received" and arrived.from_org_id is None and arrived.member.org_id == arrived.to_org_id
    assert not Transfer.objects.filter(scope="out", status="issued").exclude(member__status="transferring").exists()
    grids = Area.objects.filter(kind=AreaKind.GRID)
    bare = grids.exclude(id__in=PartyOrg.objects.values("area_id"))
    listed = rules.bare_grids_with_counts(bare)
    assert len(listed) == bare.count() and all(g.needs_group == (g.members >= 3) for g in listed)

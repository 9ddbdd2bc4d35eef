"""The party figures per area, computed by the indicator engine from the party rows."""

from wangge.areas.models import Area
from wangge.indicators.periods import Period
from wangge.indicators.selectors import area_figures
from wangge.party import services
from wangge.party.models import CommunityProfile, Member
from wangge.testing import Role, make_user

CODES = ["party_grid_coverage", "party_members", "party_branches_too_small",
         "party_transfers_open", "party_dual_role_rate", "party_orgs"]


def test_party_figures_per_area(world):
    Member.objects.filter(name="乙党员0").update(stage="probationary")
    member = Member.objects.filter(org=world.branch_a).first()
    services.transfer_issue(actor=world.secretary_a, member=member, letter_no="L", to_org=world.branch_b)
    community = Area.objects.get(path=world.grid_a.path[:16])
    CommunityProfile.objects.create(community=community, area_path=community.path, secretary_is_director=True)
    city = Area.objects.get(depth=1)
    officer = make_user(Role.CITY_OFFICER, city)
    figures = area_figures(user=officer, area=city, period=Period(2026, 6), codes=CODES)
    assert figures.total == {
        "party_grid_coverage": 12.5, "party_members": 7, "party_branches_too_small": 1,
        "party_transfers_open": 1, "party_dual_role_rate": 100.0, "party_orgs": 5,
    }

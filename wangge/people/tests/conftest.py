import pytest

from wangge.accounts.models import Role
from wangge.areas.models import Area, AreaKind
from wangge.testing import grids, make_user


@pytest.fixture
def setting(city):
    """A community staff member of the first community (2 grids); one grid outside."""
    community = Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path").first()
    mine = list(Area.objects.filter(kind=AreaKind.GRID, path__startswith=community.path))
    outside = grids()[-1]
    staff = make_user(Role.COMMUNITY_STAFF, community, username="staff1")
    return {"staff": staff, "grid": mine[0], "grid2": mine[1], "outside": outside}

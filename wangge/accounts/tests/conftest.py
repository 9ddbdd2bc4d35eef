import pytest

from wangge.accounts.models import Role
from wangge.accounts.tests.admin_support import node
from wangge.areas.models import Area, AreaKind
from wangge.testing import make_user


@pytest.fixture
def tree(city):
    """Street 1 of district 1 (grids g1–g4, communities c1 = g1, g2 and c2 = g3, g4) and a
    grid of the other district."""
    street = node(AreaKind.STREET, 0)
    g1, g2, g3, g4 = Area.objects.filter(kind=AreaKind.GRID, path__startswith=street.path)
    far = Area.objects.filter(kind=AreaKind.GRID).order_by("path").last()
    assert not far.path.startswith(street.path[: 2 * Area.steplen])  # another district
    return {
        "street": street,
        "g1": g1,
        "g2": g2,
        "g3": g3,
        "g4": g4,
        "far": far,
        "street_staff": make_user(Role.STREET_STAFF, street, username="jd1"),
    }

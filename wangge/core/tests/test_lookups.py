from hypothesis import given
from hypothesis import strategies as st

from wangge.areas.models import Area
from wangge.core.lookups import PATH_ALPHABET, path_successor

paths = st.text(alphabet=PATH_ALPHABET, min_size=1, max_size=12)


@given(prefix=paths, other=paths)
def test_range_is_exactly_the_prefix_set(prefix, other):
    upper = path_successor(prefix)
    in_range = other >= prefix and (upper is None or other < upper)
    assert in_range == other.startswith(prefix)


def test_successor_carries_past_z():
    assert path_successor("0001") == "0002"
    assert path_successor("000Z") == "001"
    assert path_successor("ZZ") is None


def test_under_lookup_selects_the_subtree(city):
    street = Area.objects.filter(kind="street").order_by("path").first()
    expected = set(Area.objects.filter(path__startswith=street.path).values_list("id", flat=True))
    assert set(Area.objects.filter(path__under=street.path).values_list("id", flat=True)) == expected
    assert len(expected) == 7


def test_any_lookup_matches_in_and_binds_one_array_on_postgresql(city):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    codes = list(Area.objects.order_by("path").values_list("code", flat=True)[:5]) + ["no-such-code"]
    expected = set(Area.objects.filter(code__in=codes).values_list("id", flat=True))
    with CaptureQueriesContext(connection) as queries:
        found = set(Area.objects.filter(code__any=codes).values_list("id", flat=True))
    assert found == expected and len(found) == 5
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries[0]["sql"]
    assert not Area.objects.filter(code__any=[]).exists()

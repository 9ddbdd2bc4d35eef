"""Categories and the routing table as every report reads them: from the process-local
reference cache (``core.refcache``), not one query each per report."""

from dataclasses import dataclass

from wangge.areas.models import Area
from wangge.cases.models import Category, RoutingRule
from wangge.core.refcache import RefCache


@dataclass(frozen=True)
class _Categories:
    by_id: dict[int, Category]
    by_code: dict[str, Category]


def _load_categories() -> _Categories:
    rows = list(Category.objects.all())
    return _Categories({c.pk: c for c in rows}, {c.code: c for c in rows})


# (category path, area path) → (handler department id, handler area id)
def _load_routing() -> dict[tuple[str, str], tuple[int | None, int | None]]:
    return {
        (category_path, area_path): (department_id, area_id)
        for category_path, area_path, department_id, area_id in RoutingRule.objects.values_list(
            "category__path", "area__path", "handler_department_id", "handler_area_id"
        )
    }


_categories = RefCache("categories", _load_categories, models=[Category])
_routing = RefCache("routing", _load_routing, models=[RoutingRule, Category, Area])


def category_by_id(pk: int) -> Category | None:
    return _categories.get().by_id.get(pk)


def category_by_code(code: str) -> Category | None:
    return _categories.get().by_code.get(code)


def ancestor_paths(path: str, steplen: int) -> list[str]:
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def routing_rule_for(*, category: Category, area_path: str) -> tuple[int | None, int | None] | None:
    """(department id, area id) of the rule for this category at this place, or None.

    The deepest area wins, then the deepest category (a sub-class's rule beats its class's).
    """
    rules = _routing.get()
    if not rules:
        return None
    categories = ancestor_paths(category.path, Category.steplen)[::-1]
    for place in ancestor_paths(area_path, Area.steplen)[::-1]:
        for kind in categories:
            rule = rules.get((kind, place))
            if rule is not None:
                return rule
    return None

"""Pages of personal records count toward the reader's hourly bulk-read budget."""

from typing import Any

from wangge.accounts.ratelimit import bulk_read_charge
from wangge.core.inputs import Pages


class BulkReadPagination(Pages):
    """Page-number pagination that charges the rows of each page to the user
    (accounts.ratelimit), pages bounded like every other: past the budget the API answers 429."""

    def __init__(self, *, what: str = "resident", **kwargs: Any) -> None:
        self.what = what
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        result = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(result[self.items_attribute])
        bulk_read_charge(user=request.user, rows=len(items), request=request, what=self.what)
        result[self.items_attribute] = items
        return result

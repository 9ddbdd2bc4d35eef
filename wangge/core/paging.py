"""One page of a list for the server-rendered pages."""

from django.core.paginator import Paginator

from wangge.core.inputs import page_number

PAGE_SIZE = 20


def paginate(request, queryset, *, page_size: int = PAGE_SIZE):
    """The requested page (a bad number means the first) and the query string without
    ``page`` (for the pagination links)."""
    paginator = Paginator(queryset, page_size)
    page = paginator.get_page(page_number(request.GET.get("page")))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()

from ninja import Router, Schema

from .views import benches_in_scope

API_PREFIX = "/benches"
router = Router(tags=["长椅（示例）"])


class BenchOut(Schema):
    id: int
    name: str
    broken: bool


@router.get("/", response=list[BenchOut], summary="我范围内的长椅")
def bench_list(request):
    return list(benches_in_scope(request.user))

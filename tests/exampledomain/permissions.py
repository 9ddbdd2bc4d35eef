"""Who may do what with benches: the example domain's role sets, next to its code.

It adds no role of its own; a domain that needs one declares it on its AppConfig
(``roles = [("BENCH_KEEPER", "bench_keeper", "长椅管护员")]``, see wangge/accounts/roles.py)
and names it here as ``Role.BENCH_KEEPER``."""

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role

BENCH_READ_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF})
# Who may import benches (the import engine asks each kind; rows must lie in this scope).
BENCH_WRITE_ROLES = frozenset({Role.COMMUNITY_STAFF})


def can_read_benches(user) -> bool:
    return has_any_role(user, BENCH_READ_ROLES)


def can_import_benches(user) -> bool:
    return has_any_role(user, BENCH_WRITE_ROLES)

"""Extension point: kinds of need a household may raise besides a case.

A grid worker's visit (wangge.patrols) records the needs a household raised; by default
each becomes a case in the closed loop. A domain that keeps its own list of needs (rural
finance's demand list) registers a kind here from its AppConfig.ready, and the visit hands
such a need to that domain's handler instead. The registry lives in the people registry,
which both sides may import, so neither names the other (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NeedKind:
    key: str
    label: str
    # handler(*, actor, household, description, visit_id) → the domain's row. It is
    # called inside the visit's transaction after the visit's own checks (the actor is a
    # grid worker of the household's grid); it raises ApplicationError to refuse.
    handler: Callable


NEED_KINDS: dict[str, NeedKind] = {}


def register_need_kind(kind: NeedKind) -> None:
    NEED_KINDS[kind.key] = kind


def need_kind(key: str) -> NeedKind | None:
    return NEED_KINDS.get(key)


def need_kinds() -> list[NeedKind]:
    return list(NEED_KINDS.values())

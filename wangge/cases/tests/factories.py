"""Moved to the shared test builders: wangge.testing.cases and wangge.testing.worlds.
This path stays importable for tests written against it."""

from wangge.testing.cases import (  # noqa: F401
    JPEG,
    PNG,
    WEBP,
    CaseFactory,
    anonymous_report_form,
    grid_point,
    image_bytes,
)
from wangge.testing.worlds import World, build_world  # noqa: F401

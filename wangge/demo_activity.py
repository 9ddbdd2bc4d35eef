"""Old import path of the demo history, kept for callers not yet moved.

The history is ``wangge.demo.history`` (engine) plus each app's ``demo.py``.
"""

from wangge.demo.history import DEFAULT_DAYS, ActivityStats, activity_exists, activity_generate

__all__ = ["DEFAULT_DAYS", "ActivityStats", "activity_exists", "activity_generate"]

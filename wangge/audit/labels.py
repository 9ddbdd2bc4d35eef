"""Audit rows in words: every app declares the labels of its own actions and objects next
to its code, in its ``nav.py`` (collected here; audit imports no domain app):

- ``AUDIT_LABELS = {"case_report": "上报事件", …}`` — actions;
- ``AUDIT_OBJECTS = {"people.import": "人口信息导入", …}`` — object types that are not a
  model (a model's verbose name is used otherwise); a value may be a callable
  ``object_id -> str`` to put the id in words too;
- ``AUDIT_PAGES = {"cases:detail": "事件 {case_id}"}`` — pages (URL names) a denial row
  names, formatted with the URL's arguments.
"""

from functools import cache

from django.apps import apps
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from wangge.core.nav import app_modules_by_config


@cache
def _action_groups() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    groups = []
    for config, module in app_modules_by_config("nav"):
        labels = getattr(module, "AUDIT_LABELS", None)
        if labels:
            groups.append((config.verbose_name, tuple(labels.items())))
    return tuple(groups)


@cache
def _merged(attribute: str) -> dict:
    merged = {}
    for _config, module in app_modules_by_config("nav"):
        merged.update(getattr(module, attribute, None) or {})
    return merged


def action_labels() -> dict[str, str]:
    """Every action code → its words, from every app."""
    return _merged("AUDIT_LABELS")


def action_choices() -> list:
    """The audit page's action filter: grouped by the app that writes the action."""
    return [("", _("全部"))] + [(group, list(items)) for group, items in _action_groups()]


def action_label(code: str) -> str:
    return action_labels().get(code, code)


def _page_label(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return _("页面 %(path)s") % {"path": path}
    template = _merged("AUDIT_PAGES").get(match.view_name)
    if template is None:
        return _("页面 %(path)s") % {"path": path}
    try:
        return template.format(**match.kwargs)
    except (KeyError, IndexError, ValueError):
        return _("页面 %(path)s") % {"path": path}


def object_label(object_type: str, object_id: str) -> str:
    """"用户 3280" rather than "accounts.user 3280", "居民导入" rather than
    "people.import residents"; unknown types stay as stored."""
    if not object_type:
        return ""
    if object_type == "page":
        return _page_label(object_id)
    known = _merged("AUDIT_OBJECTS").get(object_type)
    if callable(known):
        return known(object_id)
    if known is not None:
        return f"{known} {object_id}".strip()
    try:
        kind = str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        kind = object_type
    return f"{kind} {object_id}".strip()

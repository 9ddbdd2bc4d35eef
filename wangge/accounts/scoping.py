"""The base of every scoped row: ``area_path`` and "only what this user may see".

A scoped row belongs to a node of the area tree (usually a grid) and carries a copy of
that node's materialised path in ``area_path``. A user's scope is the subtrees of the
nodes their roles sit on (``wangge.accounts.scope``), so "everything this user may see"
is one range filter per subtree root on ``area_path`` — served by an index whose leading
column is ``area_path``. ``ScopedModel`` gives that index by default (``db_index=True``);
a table whose composite index already leads with ``area_path`` (Case: case_scope_status)
redeclares the field without it, and the system check below refuses a scoped table that
has neither.

Which roles count is the domain's business, never a default: ``filter_to_scope`` takes
``roles`` as a required keyword, so a new domain that forgets to say which of its roles
see its rows fails with TypeError instead of silently inheriting another domain's roles.
"""

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import filter_to_scope as _filter_to_scope


class ScopedQuerySet(models.QuerySet):
    def filter_to_scope(self, user, *, roles, field: str = "area_path"):
        """Rows under the area nodes where ``user`` holds one of ``roles``; none if none."""
        return _filter_to_scope(self, user, field=field, roles=roles)


class ScopedModel(models.Model):
    """Abstract: a row that lives on an area node. Subclasses set ``area_path`` from the
    node's ``path`` when they write it (and when the node moves)."""

    area_path = models.CharField(max_length=255, db_index=True, verbose_name=_("区域路径"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class TenureModel(models.Model):
    """Abstract: someone is given something from ``since`` until the day before ``until``
    (open if null), recorded by ``created_by``. Ending a tenure sets ``until``; a new one
    is a new row, so the history stays."""

    since = models.DateField(_("起始日期"))
    until = models.DateField(_("结束日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("指派人"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        abstract = True


def _leads_with_area_path(model) -> bool:
    field = model._meta.get_field("area_path")
    if field.db_index or field.unique:
        return True
    return any(
        index.fields and index.fields[0] == "area_path" and index.condition is None
        for index in model._meta.indexes
    )


def scoped_index_errors(models) -> list[checks.Error]:
    return [
        checks.Error(
            f"{model._meta.label} has no index leading with area_path.",
            hint="Keep ScopedModel's db_index or add Meta.indexes "
            "[Index(fields=['area_path', ...])].",
            obj=model,
            id="wangge.E101",
        )
        for model in models
        if issubclass(model, ScopedModel) and not _leads_with_area_path(model)
    ]


@checks.register(checks.Tags.models)
def check_scoped_models_indexed(app_configs=None, **kwargs):
    """Every scoped table finds a subtree's rows from an index on ``area_path``."""
    return scoped_index_errors(apps.get_models())

"""Precomputed figures (rollups): the measures of every source for every area node and month.

A city dashboard computed from a million cases and millions of visits takes seconds; read from
here it takes milliseconds. ``rollups.rollup_refresh`` rebuilds a month from the records in one
pass; a dashboard reads a month's rollup only while its ``RollupRun`` is younger than
``settings.WANGGE_INDICATOR_ROLLUP_MAX_AGE_MINUTES`` (the running month, default 30) or
``WANGGE_INDICATOR_ROLLUP_PAST_MAX_AGE_HOURS`` (closed months, default 26) and otherwise
computes live, so a figure is never older than that (the page says when it was computed).
"""

from django.db import models


class RollupRun(models.Model):
    """One rebuild of one month's rollup."""

    period = models.DateField("统计月份（月初）", unique=True)
    computed_at = models.DateTimeField("计算时间")
    seconds = models.FloatField("耗时（秒）")
    rows = models.PositiveIntegerField("行数")

    class Meta:
        verbose_name = "指标预计算"
        verbose_name_plural = "指标预计算"

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} @ {self.computed_at:%Y-%m-%d %H:%M}"


class Rollup(models.Model):
    """A source's measures for the subtree of ``area_path`` in ``period``."""

    period = models.DateField()
    source = models.CharField(max_length=30)
    area_path = models.CharField(max_length=255)
    measures = models.JSONField(default=dict)

    class Meta:
        verbose_name = "指标预计算值"
        verbose_name_plural = "指标预计算值"
        constraints = [
            models.UniqueConstraint(fields=["period", "area_path", "source"], name="rollup_unique")
        ]


class DepartmentRollup(models.Model):
    """A source's measures for one department's cases inside ``area_path`` in ``period``
    (the department ranking of every node)."""

    period = models.DateField()
    source = models.CharField(max_length=30)
    area_path = models.CharField(max_length=255)
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.CASCADE, related_name="+"
    )
    measures = models.JSONField(default=dict)

    class Meta:
        verbose_name = "部门指标预计算值"
        verbose_name_plural = "部门指标预计算值"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "area_path", "source", "department"],
                name="department_rollup_unique",
            )
        ]

from django.db import models

from wangge.accounts.scoping import ScopedModel
from wangge.areas.models import Area


class Bench(ScopedModel):
    """A park bench a grid looks after: the example domain's one scoped row."""

    grid = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=50)
    broken = models.BooleanField("损坏", default=False)

    class Meta:
        verbose_name = "长椅"
        verbose_name_plural = "长椅"

    def __str__(self) -> str:
        return self.name

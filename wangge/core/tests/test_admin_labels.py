"""The back office speaks Chinese: every field an admin page can show has a Chinese label,
every row a name, and choice fields show their labels (issue 10: no `normal`, no
"Handler department")."""

import re

from django.contrib import admin
from django.db import models

# treebeard's own bookkeeping columns (never shown on a form).
TREE_FIELDS = {"path", "depth", "numchild"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_admin_model_field_has_a_chinese_label():
    missing = []
    for model in admin.site._registry:
        for field in model._meta.get_fields():
            if field.auto_created or field.name in TREE_FIELDS or not hasattr(field, "verbose_name"):
                continue
            if not CHINESE.search(str(field.verbose_name)):
                missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []


def test_every_admin_model_names_its_rows():
    unnamed = [
        model._meta.label
        for model in admin.site._registry
        if model.__str__ is models.Model.__str__
    ]
    assert unnamed == []


def test_category_default_priority_shows_its_label(db):
    from wangge.cases.models import Category

    category = Category.objects.filter(default_priority="normal").first()
    assert category is not None and category.get_default_priority_display() == "一般"

"""Django admin is the back office, scoped exactly like the pages and the API.

Who: the system, security and audit administrators and the officers who keep the
configuration (categories, routing rules) and correct the registry above the community
(street staff and up). Grid workers and community staff do their registry work on the
pages, where the services apply; the back office refuses them (``BACK_OFFICE_ROLES``).

Every ModelAdmin derives from ``ScopedModelAdmin`` or ``RoleGatedModelAdmin`` (a test
checks it), so each of them

- lists and accepts in its foreign-key and many-to-many fields (select, raw id,
  autocomplete) only objects inside the user's write scope, checked by the form's
  field on the server, not only by the widget;
- writes an audit row for every add, change, delete and action: who, which object and
  the changed fields before and after, personal values masked;
- filters its list only on what the list offers (its list filters, its date hierarchy
  within sane years, the id, and the popups' lookups): a query string cannot probe a
  hidden field such as a case's tracking token by halving (400, audited).
"""

import datetime
import decimal
import json
import re
from functools import wraps

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db import models

from wangge.accounts.models import Department, Role
from wangge.accounts.permissions import has_any_role
from wangge.accounts.scope import filter_to_scope, path_in_scope
from wangge.areas.models import Area, AreaKind
from wangge.audit.models import Outcome
from wangge.audit.services import audit_event, audit_record
from wangge.core.inserts import insert_row
from wangge.core.masking import mask_id_number, mask_phone

# Roles whose work includes the back office. Grid workers and community staff are not
# among them: their registry work is on the pages. Department handlers and the
# organisation department have no admin module at all.
BACK_OFFICE_ROLES = frozenset(
    {
        Role.STREET_STAFF,
        Role.DISTRICT_OFFICER,
        Role.CITY_OFFICER,
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
    }
)

GRID_KINDS = (AreaKind.GRID, AreaKind.MICROGRID)


class WanggeAdminSite(admin.AdminSite):
    site_header = "网格化基层治理平台 · 后台管理"
    site_title = "网格后台"
    index_title = "后台管理"

    def has_permission(self, request):
        """Only users with at least one module: the menu shows the link on the same test."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        cached = getattr(request, "_wangge_admin_allowed", None)
        if cached is None:
            cached = any(
                model_admin.has_module_permission(request)
                for model_admin in self._registry.values()
            )
            request._wangge_admin_allowed = cached
        return cached

    def autocomplete_view(self, request):
        return ScopedAutocompleteJsonView.as_view(admin_site=self)(request)

    def password_change(self, request, extra_context=None):
        """One's own password, from the admin's top bar: audited like the other writes."""
        response = super().password_change(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            _audit(
                request,
                action="update",
                obj=request.user,
                detail={"changes": {"password": "******"}},
            )
        return response


class ScopedAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete lists what the *source* field accepts, not all its admin can read."""

    def get_queryset(self):
        queryset = super().get_queryset()
        source_admin = self.admin_site._registry.get(self.source_field.model)
        if isinstance(source_admin, AuditedScopedChoicesMixin):
            queryset = source_admin.limit_related_queryset(
                self.request, self.source_field, queryset
            )
        return queryset


def admin_link_visible(request) -> bool:
    """The menu's 后台管理 link: shown exactly to those the admin site lets in."""
    return admin.site.has_permission(request)


# --- audit of admin writes -------------------------------------------------------------

_SECRET_NAME = re.compile(r"password|secret|token|_enc$|_index$|_hash$|key", re.IGNORECASE)
_ID_NAME = re.compile(r"id_number|id_card|身份证", re.IGNORECASE)
_PHONE_NAME = re.compile(r"phone|mobile|tel$", re.IGNORECASE)
# Values inside free text (notes, addresses) that look like an ID number or a phone.
_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{6}(?:19|20)[0-9]{2}[0-9]{7}[0-9Xx](?![0-9Xx])")
_PHONE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9])")
_MAX_TEXT = 200


def audit_value(name: str, value):
    """A field's value as the audit row keeps it: JSON-safe, short, personal data masked."""
    if value is None or isinstance(value, bool):
        return value
    if _SECRET_NAME.search(name):
        return "******"
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (models.QuerySet, list, tuple, set, frozenset)):
        items = [audit_value(name, item) for item in value]
        return sorted(items, key=str)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (datetime.date, datetime.time, decimal.Decimal)):
        return str(value)
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    if _ID_NAME.search(name):
        return mask_id_number(text)
    if _PHONE_NAME.search(name):
        return mask_phone(text)
    if name == "email" and "@" in text:
        local, _, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group()), text)
    text = _PHONE_IN_TEXT.sub(lambda m: mask_phone(re.sub(r"[- ]", "", m.group())), text)
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "…"


def form_changes(form) -> dict:
    """{field: {"before": …, "after": …}} of a bound, valid model form, masked."""
    changes = {}
    for name in form.changed_data:
        field = form.fields.get(name)
        before = form.initial.get(name, field.initial if field is not None else None)
        changes[name] = {
            "before": audit_value(name, before),
            "after": audit_value(name, form.cleaned_data.get(name)),
        }
    return changes


def _audit(request, *, action: str, obj=None, detail: dict | None = None, **fields):
    return audit_record(
        action=action, request=request, obj=obj, detail={"via": "admin", **(detail or {})}, **fields
    )


class AuditedScopedChoicesMixin:
    """Shared by both base classes: scoped related choices and the audit of every write."""

    # Related fields whose choices are not cut to the scope (e.g. a routing rule may hand
    # cases to a department above the editor's subtree).
    unscoped_related_fields: tuple = ()

    def related_scope_roles(self, request):
        """Roles whose scope limits the objects a related field accepts; None: unscoped."""
        return None

    # --- choices ---------------------------------------------------------------------

    def limit_related_queryset(self, request, db_field, queryset):
        """Only objects inside the user's write scope (and grids for a ``grid`` field)."""
        model = queryset.model
        if issubclass(model, Area) and db_field.name == "grid":
            queryset = queryset.filter(kind__in=GRID_KINDS)
        roles = self.related_scope_roles(request)
        if roles is None or db_field.name in self.unscoped_related_fields:
            return queryset
        field = _scope_field_of(model)
        if field is None:
            return queryset
        return filter_to_scope(queryset, request.user, field=field, roles=roles)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._scope_formfield(request, db_field, formfield)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._scope_formfield(request, db_field, formfield)

    def _scope_formfield(self, request, db_field, formfield):
        # The field's queryset is what the form accepts on POST (a forged id is
        # "not one of the available choices") and what a select lists.
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = self.limit_related_queryset(request, db_field, formfield.queryset)
        return formfield

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return _audit_refused_choices(form, request, self.model)

    def get_formset(self, request, obj=None, **kwargs):  # inlines
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _audit_refused_choices(formset.form, request, self.model)
        return formset

    # --- list filters ----------------------------------------------------------------

    def lookup_allowed(self, lookup, value, request=None):
        """Only the lookups the changelist itself offers; anything else is a probe."""
        if not _lookup_offered(self, lookup, value, request):
            if request is not None:
                audit_record(
                    action="access_denied",
                    request=request,
                    outcome=Outcome.DENIED,
                    object_type=self.model._meta.label_lower,
                    detail={"via": "admin", "refused_lookup": lookup[:100]},
                )
            return False
        return super().lookup_allowed(lookup, value, request)

    # --- audit -----------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        changes = form_changes(form)
        self.write_object(request, obj, form, change)
        _audit(
            request, action="update" if change else "create", obj=obj, detail={"changes": changes}
        )

    def write_object(self, request, obj, form, change):
        """Persist the edited object: a plain save unless the admin has a service for it."""
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        rows = [(f, form_changes(f)) for f in formset.forms if f.has_changed()]
        self.write_formset(request, form, formset, change)
        audit_inline_rows(request, form.instance, formset, rows)

    def write_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        _audit(request, action="delete", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        objects = list(queryset)
        for obj in objects:
            insert_row(
                audit_event(action="delete", request=request, obj=obj, detail={"via": "admin"})
            )
        super().delete_queryset(request, queryset)

    def get_actions(self, request):
        actions = super().get_actions(request)
        return {
            name: (
                func if name == "delete_selected" else _audited_action(func, name),
                action_name,
                description,
            )
            for name, (func, action_name, description) in actions.items()
        }


def audit_inline_rows(request, parent, formset, rows) -> None:
    deleted = {id(obj) for obj in getattr(formset, "deleted_objects", [])}
    for inline_form, changes in rows:
        obj = inline_form.instance
        if id(obj) in deleted or formset._should_delete_form(inline_form):
            action, detail = "delete", {}
        elif not inline_form.initial:
            action, detail = "create", {"changes": changes}
        else:
            action, detail = "update", {"changes": changes}
        _audit(
            request,
            action=action,
            obj=obj if obj.pk else None,
            object_type=obj._meta.label_lower,
            object_id=obj.pk or "",
            detail={"parent": f"{parent._meta.label_lower}:{parent.pk}", **detail},
        )


def _audited_action(func, name):
    @wraps(func)
    def run(modeladmin, request, queryset):
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)[:1000]]
        response = func(modeladmin, request, queryset)
        _audit(
            request,
            action="admin_action",
            object_type=queryset.model._meta.label_lower,
            detail={"action": name, "ids": ids},
        )
        return response

    return run


# What a list filter's own links put after the field path (choices, booleans, all
# values, dates, empty-or-not, related objects by their key).
_FILTER_SUFFIXES = frozenset({"exact", "isnull", "in", "gte", "lt", "isempty"})
_RELATED_KEYS = frozenset({"id", "pk"})
_DATE_PARTS = {"year": (1900, 2100), "month": (1, 12), "day": (1, 31)}


def _lookup_offered(model_admin, lookup: str, value, request) -> bool:
    """Is ``lookup=value`` one the changelist offers? Its list filters (field paths and
    simple filters' parameters), its date hierarchy with a year in 1900..2100, the
    primary key, and the lookups of a raw id popup (``limit_choices_to``)."""
    opts = model_admin.model._meta
    for fk_lookup in opts.related_fkey_lookups:  # raw id popups, as Django allows them
        if callable(fk_lookup):
            fk_lookup = fk_lookup()
        if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
            return True
    path, _, suffix = lookup.rpartition("__")
    if not path:
        path, suffix = lookup, "exact"
    if path in {"pk", "id", opts.pk.name}:
        return suffix in _FILTER_SUFFIXES
    hierarchy = model_admin.date_hierarchy
    if hierarchy and path == hierarchy and suffix in _DATE_PARTS:
        low, high = _DATE_PARTS[suffix]
        try:
            return low <= int(str(value)) <= high
        except ValueError:
            return False
    filter_list = model_admin.get_list_filter(request) if request is not None else ()
    for item in filter_list:
        if isinstance(item, (tuple, list)):
            item = item[0]
        if isinstance(item, str):
            field_path = item
        elif isinstance(item, type) and hasattr(item, "parameter_name"):
            if lookup == item.parameter_name:  # a SimpleListFilter
                return True
            continue
        else:
            continue
        if path == field_path and suffix in _FILTER_SUFFIXES:
            return True
        head, _, key = path.rpartition("__")
        if head == field_path and key in _RELATED_KEYS | {_target_name(opts, field_path)}:
            return suffix in _FILTER_SUFFIXES
    return False


def _target_name(opts, field_path: str) -> str | None:
    from django.contrib.admin.utils import get_fields_from_path

    try:
        field = get_fields_from_path(opts.model, field_path)[-1]
    except Exception:  # noqa: BLE001 - a list filter that is no field: nothing to add
        return None
    target = getattr(field, "target_field", None)
    return target.name if target is not None else None


def _scope_field_of(model) -> str | None:
    if issubclass(model, Area):
        return "path"
    if issubclass(model, Department):
        return "area__path"
    if any(field.name == "area_path" for field in model._meta.concrete_fields):
        return "area_path"
    return None


def _audit_refused_choices(form_class, request, model):
    """A related id outside the scope is refused by the field; say so in the audit log."""

    class AuditedForm(form_class):
        def clean(self):
            cleaned = super().clean()
            refused = sorted(
                name
                for name, field in self.fields.items()
                if hasattr(field, "queryset") and self.has_error(name, "invalid_choice")
            )
            if refused:
                audit_record(
                    action="access_denied",
                    request=request,
                    outcome=Outcome.DENIED,
                    object_type=model._meta.label_lower,
                    object_id=self.instance.pk or "",
                    detail={"via": "admin", "refused_fields": refused},
                )
            return cleaned

    AuditedForm.__name__ = form_class.__name__
    AuditedForm.__qualname__ = form_class.__qualname__
    return AuditedForm


# --- the two base classes ---------------------------------------------------------------


class ScopedModelAdmin(AuditedScopedChoicesMixin, admin.ModelAdmin):
    """Rows filtered to the user's subtrees; role predicates replace Django model perms.

    ``read_roles`` and ``write_roles`` are cut to ``BACK_OFFICE_ROLES`` plus the domain
    roles this admin admits itself (``domain_back_office_roles``, e.g. the party's staff
    on the party's own tables only): a user who is also a grid worker somewhere gets
    only the scope of their back-office roles here."""

    scope_field = "area_path"
    # Every subclass names its roles (its domain's permissions.py): no default to inherit.
    read_roles: frozenset
    write_roles: frozenset
    # Domain roles admitted to this admin only (not to the rest of the back office).
    domain_back_office_roles: frozenset = frozenset()
    allow_add = True
    allow_delete = False

    @property
    def _admitted_roles(self):
        return BACK_OFFICE_ROLES | frozenset(self.domain_back_office_roles)

    @property
    def admin_read_roles(self):
        return frozenset(self.read_roles) & self._admitted_roles

    @property
    def admin_write_roles(self):
        return frozenset(self.write_roles) & self._admitted_roles

    def related_scope_roles(self, request):
        return self.admin_write_roles

    def get_queryset(self, request):
        return filter_to_scope(
            super().get_queryset(request),
            request.user,
            field=self.scope_field,
            roles=self.admin_read_roles,
        )

    def _object_path(self, obj) -> str:
        value = obj
        for part in self.scope_field.split("__"):
            value = getattr(value, part)
        return value

    def has_module_permission(self, request):
        return request.user.is_active and has_any_role(request.user, self.admin_read_roles)

    def has_view_permission(self, request, obj=None):
        if not has_any_role(request.user, self.admin_read_roles):
            return False
        return obj is None or path_in_scope(
            request.user, self._object_path(obj), self.admin_read_roles
        )

    def has_change_permission(self, request, obj=None):
        if not has_any_role(request.user, self.admin_write_roles):
            return False
        return obj is None or path_in_scope(
            request.user, self._object_path(obj), self.admin_write_roles
        )

    def has_add_permission(self, request):
        return self.allow_add and has_any_role(request.user, self.admin_write_roles)

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and self.has_change_permission(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk action deletes from the list, which shows the read scope.
        if any(not self.has_delete_permission(request, obj) for obj in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)


class RoleGatedModelAdmin(AuditedScopedChoicesMixin, admin.ModelAdmin):
    """Whole-table admin for configuration that only certain roles may touch."""

    roles: frozenset = frozenset()
    read_only = False

    def has_module_permission(self, request):
        return request.user.is_active and has_any_role(
            request.user, frozenset(self.roles) & BACK_OFFICE_ROLES
        )

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return not self.read_only and self.has_module_permission(request)

    def has_add_permission(self, request):
        return not self.read_only and self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedInlineMixin(AuditedScopedChoicesMixin):
    """For inlines: related choices scoped like the parent admin's (the audit of inline
    rows is done by the parent's ``save_formset``)."""

    def related_scope_roles(self, request):
        parent = self.admin_site._registry.get(self.parent_model)
        return parent.related_scope_roles(request) if parent is not None else None


class ReferenceDataAdminMixin:
    """Admin of data that workers keep a copy of (core.refcache): say when an edit
    reaches every worker, so nobody wonders why another screen still shows the old."""

    def _say_when_it_applies(self, request) -> None:
        self.message_user(
            request,
            f"修改已生效于本服务进程；其他服务进程最迟 {settings.WANGGE_REFCACHE_CHECK_SECONDS}"
            " 秒后使用新设置。",
            messages.INFO,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._say_when_it_applies(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._say_when_it_applies(request)

"""Back office: city officers and system administrators keep the institutions, the
products catalogue, the scoring model (criteria, weights, grade bands) and the credit
rules; district and city officers keep the postings of their subtree. Demand lists, loans and
credit data are not in the back office at all: only the finance roles see them, on the
pages, in scope."""

from django.contrib import admin

from wangge.accounts.backoffice import RoleGatedModelAdmin, ScopedInlineMixin, ScopedModelAdmin

from .models import CreditRules, Criterion, GradeBand, Institution, Posting, Product, ScoringModel
from .permissions import CONFIG_ROLES, POSTING_ROLES


@admin.register(Institution)
class InstitutionAdmin(RoleGatedModelAdmin):
    roles = CONFIG_ROLES
    list_display = ["code", "name", "kind", "active"]
    search_fields = ["code", "name"]


@admin.register(Product)
class ProductAdmin(RoleGatedModelAdmin):
    roles = CONFIG_ROLES
    list_display = ["name", "institution", "purpose", "rate_min", "rate_max", "term_months", "ceiling", "applicant",
                    "active"]
    list_filter = ["purpose", "applicant", "active"]
    list_select_related = ["institution"]
    search_fields = ["name"]


class CriterionInline(ScopedInlineMixin, admin.TabularInline):
    model = Criterion
    extra = 0


class GradeBandInline(ScopedInlineMixin, admin.TabularInline):
    model = GradeBand
    extra = 0


@admin.register(ScoringModel)
class ScoringModelAdmin(RoleGatedModelAdmin):
    roles = CONFIG_ROLES
    list_display = ["name", "active", "created_at"]
    inlines = [CriterionInline, GradeBandInline]


@admin.register(CreditRules)
class CreditRulesAdmin(RoleGatedModelAdmin):
    roles = CONFIG_ROLES
    list_display = ["rated_share", "no_arrears_share", "bad_loan_ratio", "town_village_share", "created_at"]


@admin.register(Posting)
class PostingAdmin(ScopedModelAdmin):
    # The banner's and city's officers keep who is posted where in their subtree.
    read_roles = POSTING_ROLES
    write_roles = POSTING_ROLES
    list_display = ["name", "kind", "area", "organisation", "since", "until"]
    list_filter = ["kind"]
    list_select_related = ["area"]
    search_fields = ["name", "organisation"]
    raw_id_fields = ["area", "institution", "user"]

    def save_model(self, request, obj, form, change):
        obj.area_path = obj.area.path
        super().save_model(request, obj, form, change)

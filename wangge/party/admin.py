"""Back office for party rows, scoped like the pages (area subtree of the user's
``PARTY_STAFF`` / ``ORG_DEPT`` assignments; the rest of the back office stays closed to
them: ``domain_back_office_roles`` admits them to these tables only).

Kept here (no page of their own): alliances and their activities, the 党员中心户 links,
communities' 一肩挑 profiles and worker rosters, the service posts of 双报到. Organisations,
members, transfers and meetings are read-only here: their writes go through the pages
and services (version checks, audit, the one-membership rule). Party secretaries (scoped
by the organisation tree, not the area tree) and grid workers reach none of it."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from wangge.accounts.backoffice import ScopedInlineMixin, ScopedModelAdmin
from wangge.party.models import (
    Alliance,
    AllianceActivity,
    CentralHousehold,
    CommunityProfile,
    CommunityWorker,
    Meeting,
    Member,
    PartyOrg,
    ServicePost,
    Transfer,
)
from wangge.party.permissions import AREA_PARTY_ROLES


class PartyAdmin(ScopedModelAdmin):
    read_roles = AREA_PARTY_ROLES
    write_roles = AREA_PARTY_ROLES
    domain_back_office_roles = AREA_PARTY_ROLES
    # The area a row serves; its path is copied into area_path on every save.
    area_field = "area"

    def write_object(self, request, obj, form, change):
        served = getattr(obj, self.area_field)
        obj.area_path = served.path if hasattr(served, "path") else served.area_path
        super().write_object(request, obj, form, change)


class ReadOnlyPartyAdmin(PartyAdmin):
    write_roles = frozenset()
    allow_add = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PartyOrg)
class PartyOrgAdmin(ReadOnlyPartyAdmin):
    list_display = ["code", "name", "level", "kind", "secretary_name", "term_started"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    exclude = ["path", "depth", "numchild"]


@admin.register(Member)
class MemberAdmin(ReadOnlyPartyAdmin):
    list_display = ["name", "stage", "status", "org", "admitted_on"]
    list_select_related = ["org"]
    list_filter = ["stage", "status"]
    exclude = ["id_number_enc", "id_number_index", "phone_enc"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyPartyAdmin):
    list_display = ["letter_no", "member", "from_org", "to_org", "issued_on", "valid_until", "status"]
    list_select_related = ["member", "from_org", "to_org"]
    list_filter = ["status", "scope"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyPartyAdmin):
    list_display = ["date", "org", "kind", "topic", "attended", "expected", "valid"]
    list_select_related = ["org"]
    list_filter = ["kind", "valid"]
    date_hierarchy = "date"


# ---------------------------------------------------------------- maintained here


class AllianceActivityInline(ScopedInlineMixin, admin.TabularInline):
    model = AllianceActivity
    extra = 1

    def _may(self, request, obj):
        parent = self.admin_site._registry[Alliance]
        return parent.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[Alliance].has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)


@admin.register(Alliance)
class AllianceAdmin(PartyAdmin):
    list_display = ["name", "area", "industry"]
    list_select_related = ["area"]
    list_filter = ["industry"]
    search_fields = ["name"]
    fields = ["name", "area", "industry", "orgs"]
    raw_id_fields = ["area"]
    autocomplete_fields = ["orgs"]
    inlines = [AllianceActivityInline]


class CentralHouseholdForm(forms.ModelForm):
    contact = forms.CharField(label=_("联系电话"), required=False, max_length=20,
                              help_text=_("留空则不修改"))

    class Meta:
        model = CentralHousehold
        fields = ["member", "household", "linked", "since"]

    def clean(self):
        data = super().clean()
        linked = data.get("linked")
        low, high = settings.WANGGE_PARTY_CENTRAL_LINKS
        if linked is not None and not low <= len(linked) <= high:
            self.add_error("linked", _gettext("联系户须为 %(low)s–%(high)s 户") % {"low": low, "high": high})
        household = data.get("household")
        if household is not None and linked is not None and household in linked:
            self.add_error("linked", _gettext("中心户本身不能是联系户"))
        return data


@admin.register(CentralHousehold)
class CentralHouseholdAdmin(PartyAdmin):
    form = CentralHouseholdForm
    area_field = "household"
    list_display = ["member", "household", "since"]
    list_select_related = ["member", "household"]
    raw_id_fields = ["member", "household", "linked"]

    def write_object(self, request, obj, form, change):
        contact = form.cleaned_data.get("contact")
        if contact:
            from wangge.core import crypto

            obj.contact_enc = crypto.encrypt(contact.strip())
        super().write_object(request, obj, form, change)


@admin.register(CommunityProfile)
class CommunityProfileAdmin(PartyAdmin):
    area_field = "community"
    list_display = ["community", "is_village", "secretary_is_director", "secretary_heads_collective"]
    list_select_related = ["community"]
    list_filter = ["is_village", "secretary_is_director"]
    fields = ["community", "is_village", "secretary_is_director", "secretary_heads_collective"]
    raw_id_fields = ["community"]


@admin.register(CommunityWorker)
class CommunityWorkerAdmin(PartyAdmin):
    area_field = "community"
    list_display = ["name", "post", "community", "is_member"]
    list_select_related = ["community"]
    list_filter = ["is_member"]
    search_fields = ["name"]
    fields = ["community", "name", "post", "is_member"]
    raw_id_fields = ["community"]


@admin.register(ServicePost)
class ServicePostAdmin(PartyAdmin):
    area_field = "community"
    list_display = ["title", "community", "open"]
    list_select_related = ["community"]
    list_filter = ["open"]
    fields = ["community", "title", "open"]
    raw_id_fields = ["community"]

"""The party figures for the dashboards (found by wangge.indicators.definitions.discover):
grid coverage, organisations, members by status, rule breaches (branches below the
minimum of full members), 三会一课 records, 双报到 rate and hours, mobile-member contact
rate, open and expired transfers, 一肩挑 rate, community workers per 10,000 residents.
Each drills down to the party page behind it (party roles only)."""

from datetime import timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from wangge.core import clock
from wangge.indicators.definitions import (
    Indicator,
    Source,
    average,
    count_of,
    rate,
    ratio,
    register,
    register_source,
)
from wangge.party.permissions import can_read_party
from wangge.party.rules import rule

GROUP_PARTY = "党建引领"
# The unit words shown through pgettext("unit", …) (wangge.indicators.labels) that the
# indicators catalogue does not carry yet.
UNIT_HOURS = "小时"
CATALOGUE_WORDS = [pgettext_lazy("unit", "小时")]  # for makemessages only

# Not on the headline (the monthly briefing's sentence is the headline's): the figures
# are listed in the catalogue and ranked.
PANELS = {
    "ranking": {"party_grid_coverage": 300, "party_dual_rate": 310},
}


def _drill(url_name: str, query: str = ""):
    def url(area, period, department=None) -> str:
        return reverse(url_name) + query

    return url


def _orgs():
    from wangge.party.models import COUNTED_STATUSES, Member, PartyOrg

    full = (
        Member.objects.filter(org=OuterRef("pk"), status__in=COUNTED_STATUSES, stage="full")
        .order_by()
        .values("org")
        .annotate(n=Count("id"))
        .values("n")
    )
    return PartyOrg.objects.filter(dissolved_on__isnull=True).annotate(
        full_members=Coalesce(Subquery(full, output_field=IntegerField()), 0)
    )


def _org_measures():
    branch = Q(level__in=("branch", "joint_branch", "temporary"))
    return {
        "orgs": Count("id"),
        "grid_orgs": Count("id", filter=Q(kind="grid")),
        "branches": Count("id", filter=branch),
        "industry_committees": Count("id", filter=Q(kind="industry", level="committee")),
        "too_small": Count("id", filter=branch & Q(full_members__lt=rule("branch_min"))),
    }


def _members():
    from wangge.party.models import Member

    return Member.objects.all()


def _member_measures():
    return {
        "members": Count("id", filter=Q(status__in=("normal", "flowed_out", "flowed_in", "transferring", "lost"))),
        "flowed_out": Count("id", filter=Q(status="flowed_out")),
        "lost": Count("id", filter=Q(status="lost")),
        "probationary": Count("id", filter=Q(stage="probationary", status="normal")),
    }


def _residing():
    from wangge.party.models import Member

    return Member.objects.filter(residence__isnull=False, in_service=True, status="normal")


def _hours():
    from wangge.party.models import ServiceHours

    return ServiceHours.objects.filter(confirmed=True)


def _flows():
    from wangge.party.models import FlowOut

    return FlowOut.objects.filter(returned_on__isnull=True)


def _transfers():
    from wangge.party.models import Transfer

    return Transfer.objects.filter(status="issued")


def _meetings():
    from wangge.party.models import Meeting

    return Meeting.objects.filter(valid=True)


def _profiles():
    from wangge.party.models import CommunityProfile

    return CommunityProfile.objects.all()


def _workers():
    from wangge.party.models import CommunityWorker

    return CommunityWorker.objects.all()


register_source(Source(key="party_orgs", label="党组织", queryset=_orgs, measures=_org_measures))
register_source(Source(key="party_members", label="党员", queryset=_members, measures=_member_measures))
register_source(Source(
    key="party_dual", label="在职党员（按居住社区）", queryset=_residing, path_field="residence__path",
    measures=lambda: {"in_service": Count("id"), "registered": Count("id", filter=Q(dual__isnull=False))},
))
register_source(Source(
    key="party_hours", label="双报到服务时长", queryset=_hours, path_field="registration__area_path",
    measures=lambda: {"hours": Sum("hours")},
))
register_source(Source(
    key="party_flows", label="流动党员", queryset=_flows, path_field="member__area_path",
    measures=lambda: {
        "flows": Count("id"),
        "contacted": Count("id", filter=Q(
            last_contact_on__gte=clock.today() - timedelta(days=30 * rule("mobile_contact_months")))),
    },
))
register_source(Source(
    key="party_transfers", label="组织关系转接", queryset=_transfers,
    measures=lambda: {"open": Count("id"), "expired": Count("id", filter=Q(valid_until__lt=clock.today()))},
))
register_source(Source(
    key="party_meetings", label="三会一课", queryset=_meetings, period_field="date", period_is_date=True,
    measures=lambda: {"meetings": Count("id"), "assemblies": Count("id", filter=Q(kind="assembly"))},
))
register_source(Source(
    key="party_profiles", label="社区一肩挑", queryset=_profiles,
    measures=lambda: {"communities": Count("id"), "dual_role": Count("id", filter=Q(secretary_is_director=True))},
))
register_source(Source(
    key="party_workers", label="社区工作者", queryset=_workers, measures=lambda: {"workers": Count("id")},
))

_read = {"drill_allowed": lambda user, *args, **kwargs: can_read_party(user)}

rate("party_grid_coverage", "网格党组织覆盖率", "Grids with a party organisation", GROUP_PARTY,
     "party_orgs.grid_orgs", "areas.grids", drill=_drill("party:health", "#bare-grids"), **_read)
count_of("party_orgs", "党组织数", "Party organisations", "个", GROUP_PARTY, "party_orgs.orgs",
         drill=_drill("party:org_list"), **_read)
count_of("party_branches", "党支部数", "Party branches", "个", GROUP_PARTY, "party_orgs.branches",
         drill=_drill("party:org_list", "?level=branch"), **_read)
count_of("party_industry_committees", "行业党委数", "Industry party committees", "个", GROUP_PARTY,
         "party_orgs.industry_committees", drill=_drill("party:org_list", "?kind=industry"), **_read)
count_of("party_branches_too_small", "正式党员不足3人的党支部", "Branches below the minimum of full members",
         "个", GROUP_PARTY, "party_orgs.too_small", higher_is_better=False,
         drill=_drill("party:health"), **_read)
count_of("party_members", "党员数", "Party members", "人", GROUP_PARTY, "party_members.members",
         drill=_drill("party:member_list"), **_read)
count_of("party_members_flowed_out", "流出党员数", "Members flowed out", "人", GROUP_PARTY,
         "party_members.flowed_out", drill=_drill("party:member_list", "?status=flowed_out"), **_read)
count_of("party_members_lost", "失联党员数", "Members out of contact", "人", GROUP_PARTY,
         "party_members.lost", higher_is_better=False,
         drill=_drill("party:member_list", "?status=lost"), **_read)
count_of("party_meetings", "三会一课记录数", "Party meetings recorded", "次", GROUP_PARTY,
         "party_meetings.meetings", drill=_drill("party:compliance"), **_read)
rate("party_dual_rate", "在职党员双报到率", "In-service members registered where they live", GROUP_PARTY,
     "party_dual.registered", "party_dual.in_service", **_read)
average("party_hours_per_member", "双报到人均服务时长", "Service hours per registered member", UNIT_HOURS,
        GROUP_PARTY, "party_hours.hours", "party_dual.registered")
rate("party_mobile_contact_rate", "流动党员联系率", "Mobile members contacted within a year", GROUP_PARTY,
     "party_flows.contacted", "party_flows.flows", drill=_drill("party:mobile"), **_read)
count_of("party_transfers_open", "未办结组织关系转接", "Open transfers", "件", GROUP_PARTY,
         "party_transfers.open", drill=_drill("party:transfer_list"), **_read)
count_of("party_transfers_expired", "介绍信已过期", "Expired transfer letters", "件", GROUP_PARTY,
         "party_transfers.expired", higher_is_better=False,
         drill=_drill("party:transfer_list", "?show=expired"), **_read)
rate("party_dual_role_rate", "社区书记一肩挑比例", "Community secretaries also heading the committee",
     GROUP_PARTY, "party_profiles.dual_role", "party_profiles.communities")
register(Indicator(
    "party_workers_per_10k", "每万居民社区工作者数", "Community workers per 10,000 residents", "人",
    GROUP_PARTY, ("party_workers.workers", "residents.residents"),
    ratio("party_workers.workers", "residents.residents", scale=10_000.0), decimals=1,
))
average("party_workers_per_grid", "网格平均社区工作者数", "Community workers per grid", "人", GROUP_PARTY,
        "party_workers.workers", "areas.grids")

"""A probation ending soon tells the member's branch secretary, once, and nobody else."""

from datetime import date

from wangge.notifications.models import Notice
from wangge.notifications.services import notices_scan_deadlines
from wangge.party.models import Member


def test_probation_due_tells_the_branch_secretary_once(world):
    Member.objects.filter(name="甲党员0").update(stage="probationary", probation_ends=date(2026, 7, 1))
    Member.objects.filter(name="乙党员0").update(stage="probationary", probation_ends=date(2026, 12, 1))
    notices_scan_deadlines()
    notices_scan_deadlines()
    assert list(Notice.objects.values_list("recipient__username", "kind")) == [
        ("sec_a", "party_probation_due")]

"""The census: the credit code's check digit, consent before personal data, masking, the
audited reveal, and the party ledger link."""

from datetime import date

import pytest
from django.urls import reverse

from wangge.audit.models import AuditEvent
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused
from wangge.employment import services
from wangge.employment.models import Company, Worker
from wangge.employment.validation import credit_code_error, make_credit_code
from wangge.party.models import Member
from wangge.testing.people import valid_id_number

from .conftest import DAY, credit_code


def test_credit_code_check_digit():
    # A published example (GB 32100-2015 annex) and one made here.
    assert credit_code_error("91350100M000100Y43") is None
    good = make_credit_code("91150204MA0000001")
    assert credit_code_error(good) is None
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert credit_code_error(wrong) == "统一社会信用代码校验位不正确"
    assert credit_code_error("91150204MA00000I1X") is not None  # I is not in the alphabet
    assert credit_code_error("123") == "统一社会信用代码应为 18 位"


def test_company_with_bad_code_is_refused_on_its_field(ew):
    with pytest.raises(ApplicationError) as raised:
        services.company_create(actor=ew.staff_a, name="x", platform="y", credit_code=credit_code(3)[:17] + "Z",
                                area=ew.grid_a)
    assert raised.value.field == "credit_code"
    with pytest.raises(ApplicationError) as raised:
        services.company_create(actor=ew.staff_a, name="x", platform="y", credit_code=credit_code(1), area=ew.grid_a)
    assert raised.value.message == "该统一社会信用代码已登记"


def test_no_consent_no_personal_data(ew):
    with pytest.raises(ApplicationError) as raised:
        services.worker_register(actor=ew.staff_a, company=ew.company_a, worker_type="rider", work_area=ew.grid_a,
                                 name="王五", phone="13700000000")
    assert raised.value.field == "consent_on"
    counted = services.worker_register(actor=ew.staff_a, company=ew.company_a, worker_type="rider",
                                       work_area=ew.grid_a)
    assert counted.name == "" and counted.phone_enc == "" and counted.consent_on is None
    assert Worker.objects.count() == 3


def test_phone_encrypted_indexed_and_masked(ew):
    worker = Worker.objects.get(pk=ew.worker_a.pk)
    assert "13912345678" not in worker.phone_enc and worker.phone_index
    assert worker.phone_masked == "139****5678"
    assert worker.phone == "13912345678"


def test_withdrawing_consent_erases_personal_data(ew):
    services.worker_withdraw_consent(actor=ew.staff_a, worker=ew.worker_a)
    worker = Worker.objects.get(pk=ew.worker_a.pk)
    assert (worker.name, worker.phone_enc, worker.phone_index, worker.id_number_enc) == ("", "", "", "")
    assert worker.consent_withdrawn_on == DAY
    with pytest.raises(NotFoundOrForbidden):
        services.worker_withdraw_consent(actor=ew.staff_a, worker=ew.worker_b)


def test_reveal_is_audited_and_refused_out_of_scope(ew):
    value = services.worker_reveal(actor=ew.staff_a, worker=ew.worker_a, field="phone")
    assert value == "13912345678"
    assert AuditEvent.objects.filter(action="employment_worker_reveal", outcome="success").count() == 1
    with pytest.raises(PermissionRefused):
        services.worker_reveal(actor=ew.staff_b, worker=ew.worker_a, field="phone")
    assert AuditEvent.objects.filter(action="employment_worker_reveal", outcome="denied").count() == 1
    # Party staff read the census masked but may not reveal.
    with pytest.raises(PermissionRefused):
        services.worker_reveal(actor=ew.party_staff_a, worker=ew.worker_a, field="phone")


def test_reveal_page_shows_the_full_phone_once_audited(client, ew):
    client.force_login(ew.staff_a)
    page = client.get(reverse("employment:worker", args=[ew.worker_a.pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    answer = client.post(reverse("employment:worker_reveal", args=[ew.worker_a.pk, "phone"]))
    assert "13912345678" in answer.content.decode()
    client.force_login(ew.staff_b)
    assert client.post(reverse("employment:worker_reveal", args=[ew.worker_a.pk, "phone"])).status_code == 404


def test_party_member_linked_to_the_ledger(ew):
    number = valid_id_number()
    member = Member(name="赵六", admitted_on=date(2010, 7, 1), org=ew.org, org_path=ew.org.path,
                    area_path=ew.org.area_path)
    member.set_id_number(number)
    member.save()
    worker = services.worker_register(actor=ew.staff_a, company=ew.company_a, worker_type="courier",
                                      work_area=ew.grid_a, name="赵六", id_number=number, consent_on=DAY,
                                      is_party_member=True)
    assert worker.party_member_id == member.pk
    assert worker.membership_held_at == "快递外卖联合党支部"
    assert worker.id_number_masked.startswith("150") and "*" in worker.id_number_masked


def test_branch_and_instructor(ew):
    branch = services.branch_found(actor=ew.staff_a, org=ew.org, founded_on=DAY, companies=[ew.company_a])
    instructor = services.instructor_assign(actor=ew.staff_a, branch=branch, name="孙老师", unit="区委组织部")
    assert instructor.area_path == ew.org.area_path
    with pytest.raises(NotFoundOrForbidden):
        services.instructor_assign(actor=ew.staff_b, branch=branch, name="x")
    with pytest.raises(ApplicationError):
        services.branch_found(actor=ew.staff_a, org=ew.org)


def test_company_create_denied_out_of_scope_leaves_nothing(ew):
    with pytest.raises(NotFoundOrForbidden):
        services.company_create(actor=ew.staff_b, name="x", platform="y", credit_code=credit_code(9), area=ew.grid_a)
    assert not Company.objects.filter(credit_code=credit_code(9)).exists()

"""Pages, API and back office: scoped reads and writes, field errors, nothing personal on
the public catalogue, a grid worker never sees a credit score."""

import json
from datetime import date

from wangge.accounts.models import Role
from wangge.audit.models import AuditEvent
from wangge.finance.models import (
    Consent,
    Demand,
    DemandStatus,
    Posting,
    PostingKind,
    Purpose,
    Rating,
)
from wangge.finance.services_credit import consent_record, rating_save
from wangge.finance.services_demand import demand_collect
from wangge.testing.users import make_user


def _demand(fw, actor=None, village=None, household=None):
    return demand_collect(actor=actor or fw.assistant, village_id=(village or fw.village).pk,
                          household_id=(household or fw.households[0]).pk, purpose=Purpose.HERDING,
                          amount="8", term_months=24)


def test_phone_page_collects_a_need_with_field_errors(fw, client):
    client.force_login(fw.assistant)
    page = client.get("/finance/demands/new/").content.decode()
    assert fw.village.name in page and fw.other_village.name not in page
    form = {"village": fw.village.pk, "household": "H003", "purpose": "herding", "amount": "abc",
            "term_months": "24", "guarantee": "credit"}
    answer = client.post("/finance/demands/new/", form).content.decode()
    assert "金额应为数字" in answer and not Demand.objects.exists()
    answer = client.post("/finance/demands/new/", form | {"amount": "6", "household": "X001"}).content.decode()
    assert "本村没有此户编号" in answer and not Demand.objects.exists()
    response = client.post("/finance/demands/new/", form | {"amount": "6"})
    demand = Demand.objects.get()
    assert response.status_code == 302 and demand.household == fw.households[3]
    # Another village is not offered and not accepted.
    client.post("/finance/demands/new/", form | {"amount": "6", "village": fw.other_village.pk})
    assert Demand.objects.count() == 1


def test_demand_pages_scoped_and_assistant_matches(fw, client):
    mine = _demand(fw)
    theirs = _demand(fw, actor=fw.other_assistant, village=fw.other_village, household=fw.other_household)
    client.force_login(fw.assistant)
    listing = client.get("/finance/demands/").content.decode()
    assert f"/finance/demands/{mine.pk}/" in listing and f"/finance/demands/{theirs.pk}/" not in listing
    assert client.get(f"/finance/demands/{theirs.pk}/").status_code == 404
    client.post(f"/finance/demands/{theirs.pk}/", {"action": "match", "product": fw.product.pk})
    theirs.refresh_from_db()
    assert theirs.status == DemandStatus.COLLECTED
    client.post(f"/finance/demands/{mine.pk}/", {"action": "match", "product": fw.product.pk})
    client.post(f"/finance/demands/{mine.pk}/", {"action": "grant", "contract": "HT-9", "amount": "8",
                                                  "granted_on": "2026-06-10"})
    mine.refresh_from_db()
    assert mine.status == DemandStatus.GRANTED and mine.loans.get().contract == "HT-9"
    page = client.get(f"/finance/demands/{mine.pk}/").content.decode()
    assert "HT-9" in page


def test_grid_worker_and_visitor_see_no_finance_data(fw, client):
    consent_record(actor=fw.assistant, household_id=fw.households[0].pk, given_on=date(2026, 3, 1), evidence="授权书")
    rating_save(actor=fw.assistant, household_id=fw.households[0].pk, year=2026,
                scores={str(k): 90 for k in range(1, 100)}, evidence="纪要", group="评议小组")
    _demand(fw)
    for user in (fw.w.grid_worker, fw.w.community_staff):
        client.force_login(user)
        for url in ("/finance/", "/finance/demands/", f"/finance/villages/{fw.village.pk}/",
                    f"/finance/households/{fw.households[0].pk}/rating/", "/finance/credit/"):
            assert client.get(url).status_code in (302, 403, 404), (user, url)
        assert client.get(f"/api/finance/villages/{fw.village.pk}/ratings?year=2026").status_code in (403, 404)
    client.logout()
    page = client.get("/finance/products/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "富农贷" in text and "H000" not in text and "90" not in text.split("富农贷")[1][:20]
    assert client.get("/api/finance/products").status_code == 200
    assert "H000" not in client.get("/api/finance/products").content.decode()
    assert client.get("/finance/demands/").status_code in (302, 403)


def test_rating_page_shows_scores_to_finance_roles_and_audits_api_reveal(fw, client):
    client.force_login(fw.assistant)
    household = fw.households[2]
    url = f"/finance/households/{household.pk}/rating/?year=2026"
    client.post(url, {"action": "consent", "given_on": "2026-06-01", "evidence": "授权书 001"})
    assert Consent.objects.filter(household=household).exists()
    page = client.get(url).content.decode()
    assert "rating-form" in page
    from wangge.finance.credit import model_in_force

    scores = {f"c{c.pk}": "85" for c in model_in_force().criteria.all()}
    bad = client.post(url, scores | {f"c{model_in_force().criteria.first().pk}": "120", "action": "rate",
                                     "group": "评议小组", "evidence": "纪要"}).content.decode()
    assert "0–100" in bad and not Rating.objects.exists()
    client.post(url, scores | {"action": "rate", "group": "评议小组", "evidence": "纪要"})
    assert Rating.objects.get().grade == "AAA"
    village = client.get(f"/finance/villages/{fw.village.pk}/?year=2026").content.decode()
    assert "AAA" in village
    assert AuditEvent.objects.filter(action="finance_reveal", object_id=str(fw.village.pk)).exists()
    answer = client.get(f"/api/finance/villages/{fw.village.pk}/ratings?year=2026").json()
    assert answer[0]["grade"] == "AAA"
    assert AuditEvent.objects.filter(action="finance_reveal").exists()
    client.force_login(fw.other_assistant)
    assert client.get(url).status_code == 404
    assert client.get(f"/finance/villages/{fw.village.pk}/").status_code == 404
    assert client.get(f"/api/finance/villages/{fw.village.pk}/ratings?year=2026").status_code == 404


def test_api_scoped_writes_with_field_errors(fw, client):
    client.force_login(fw.assistant)
    body = {"village_id": fw.village.pk, "household_id": fw.households[0].pk, "purpose": "nothing",
            "amount": "5", "term_months": 12}
    answer = client.post("/api/finance/demands", json.dumps(body), content_type="application/json")
    assert answer.status_code in (400, 422) and "purpose" in answer.content.decode()
    answer = client.post("/api/finance/demands", json.dumps(body | {"purpose": "herding"}),
                         content_type="application/json")
    assert answer.status_code == 201
    other = body | {"purpose": "herding", "village_id": fw.other_village.pk, "household_id": fw.other_household.pk}
    answer = client.post("/api/finance/demands", json.dumps(other), content_type="application/json")
    assert answer.status_code == 404 and Demand.objects.count() == 1
    theirs = _demand(fw, actor=fw.other_assistant, village=fw.other_village, household=fw.other_household)
    answer = client.post(f"/api/finance/demands/{theirs.pk}/decline", json.dumps({"reason": "x"}),
                         content_type="application/json")
    assert answer.status_code == 404
    assert [d["id"] for d in client.get("/api/finance/demands").json()] != [] and \
        theirs.pk not in [d["id"] for d in client.get("/api/finance/demands").json()]
    assert client.get(f"/api/finance/areas/{fw.town.pk}/balances").status_code == 404  # a village's assistant
    client.force_login(fw.officer)
    assert client.get(f"/api/finance/areas/{fw.town.pk}/balances").status_code == 200


def test_admin_postings_scoped(fw, client):
    other_district = fw.w.other_district
    officer = make_user(Role.DISTRICT_OFFICER, fw.w.district, username="do_f")
    officer.is_staff = True
    officer.save()
    mine = Posting.objects.create(kind=PostingKind.ASSISTANT, area=fw.village, area_path=fw.village.path,
                                  name="李金融", since=date(2026, 1, 1))
    from wangge.areas.models import Area

    far = Area.objects.filter(path__startswith=other_district.path, depth=4).first()
    theirs = Posting.objects.create(kind=PostingKind.ASSISTANT, area=far, area_path=far.path, name="王金融",
                                    since=date(2026, 1, 1))
    client.force_login(officer)
    listing = client.get("/admin/finance/posting/")
    if listing.status_code == 302:  # the back office asks for a second factor
        from wangge.testing.users import otp_device_ensure, otp_login

        otp_login(client, officer, otp_device_ensure(officer))
        listing = client.get("/admin/finance/posting/")
    text = listing.content.decode()
    assert "李金融" in text and "王金融" not in text
    assert client.get(f"/admin/finance/posting/{theirs.pk}/change/").status_code in (302, 403, 404)
    client.post(f"/admin/finance/posting/{theirs.pk}/change/", {"name": "改名"})
    theirs.refresh_from_db()
    assert theirs.name == "王金融" and mine.name == "李金融"


def test_officer_pages_render_and_confirm(fw, client):
    from wangge.finance.services_credit import consent_record as consent

    for household in fw.households[:7]:
        consent(actor=fw.assistant, household_id=household.pk, given_on=date(2026, 3, 1), evidence="授权书")
        rating_save(actor=fw.assistant, household_id=household.pk, year=2026,
                    scores={str(k): 75 for k in range(1, 100)}, evidence="纪要", group="评议小组")
    Posting.objects.create(kind=PostingKind.FIRST_SECRETARY, area=fw.village, area_path=fw.village.path,
                           name="赵书记", organisation="市人民银行", since=date(2026, 1, 1))
    client.force_login(fw.officer)
    for url in ("/finance/", f"/finance/?area={fw.village.pk}", "/finance/demands/?status=all", "/finance/villages/",
                "/finance/credit/", "/finance/postings/", "/finance/products/", "/finance/demands/new/"):
        assert client.get(url).status_code == 200, url
    assert "赵书记" in client.get("/finance/postings/").content.decode()
    credit = client.get("/finance/credit/").content.decode()
    assert "确认为信用村" in credit
    client.post("/finance/credit/?year=2026", {"area": fw.village.pk})
    assert "已确认" in client.get("/finance/credit/").content.decode()
    client.force_login(fw.assistant)  # sees the proposal, cannot confirm
    assert client.get("/finance/credit/").status_code == 200
    assert client.get(f"/finance/?area={fw.town.pk}").status_code == 200  # falls back to their village

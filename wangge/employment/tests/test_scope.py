"""Reads and writes across areas: pages, API, imports and the back office. A district's
officer sees and writes only their district; denied writes leave no trace; nothing
personal on anonymous requests."""

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from wangge.accounts.models import Role
from wangge.areas.models import Area
from wangge.employment.models import Company, ServiceRecord, Worker
from wangge.imports.engine import import_run
from wangge.testing.users import make_user

from .conftest import credit_code


def xlsx(head, rows) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(head)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("census.xlsx", buffer.getvalue())


def test_pages_show_only_the_officers_district(client, ew):
    client.force_login(ew.staff_a)
    listing = client.get(reverse("employment:workers")).content.decode()
    assert "张*" in listing and "李*" not in listing and "13912345678" not in listing
    assert client.get(reverse("employment:worker", args=[ew.worker_b.pk])).status_code == 404
    assert client.get(reverse("employment:company", args=[ew.company_b.pk])).status_code == 404
    companies = client.get(reverse("employment:companies")).content.decode()
    assert "顺丰青山营业部" in companies and "美团东河站" not in companies


def test_page_write_out_of_scope_is_refused_and_leaves_nothing(client, ew):
    client.force_login(ew.staff_a)
    before = ServiceRecord.objects.count()
    client.post(reverse("employment:services"), {"kind": "care_package", "company": ew.company_b.pk,
                                                 "date": "2026-06-01", "people": 3})
    assert ServiceRecord.objects.count() == before
    answer = client.post(reverse("employment:worker_withdraw", args=[ew.worker_b.pk]))
    assert answer.status_code == 404
    assert Worker.objects.get(pk=ew.worker_b.pk).name == "李强"


def test_page_registers_a_worker_with_field_errors(client, ew):
    client.force_login(ew.staff_a)
    url = reverse("employment:workers")
    # The form offers streets and communities.
    form = {"company": ew.company_a.pk, "worker_type": "rider", "name": "王五", "phone": "13700001111"}
    community = Area.objects.get(path=ew.grid_a.path[:16])
    form["area"] = community.code
    page = client.post(url, form).content.decode()
    assert "未记录本人同意" in page and not Worker.objects.filter(name="王五").exists()
    answer = client.post(url, {**form, "consent_on": "2026-06-01"})
    assert answer.status_code == 302 and Worker.objects.get(name="王五").phone_masked == "137****1111"


def test_party_staff_read_masked_but_do_not_write(client, ew):
    client.force_login(ew.party_staff_a)
    page = client.get(reverse("employment:workers")).content.decode()
    assert "张*" in page and "登记从业人员" not in page
    assert client.post(reverse("employment:worker_withdraw", args=[ew.worker_a.pk])).status_code == 404


def test_api_reads_in_scope_masked(client, ew):
    client.force_login(ew.staff_a)
    rows = client.get("/api/employment/workers").json()
    assert [r["id"] for r in rows["items"]] == [ew.worker_a.pk]
    assert rows["items"][0]["phone_masked"] == "139****5678" and "phone" not in rows["items"][0]
    assert client.get(f"/api/employment/workers/{ew.worker_b.pk}").status_code == 404
    outsider = make_user(Role.GRID_WORKER, ew.grid_a)
    client.force_login(outsider)
    assert client.get("/api/employment/workers").status_code == 403


def test_api_writes_with_field_errors_and_scope(client, ew):
    client.force_login(ew.staff_a)
    post = lambda path, body: client.post(path, json.dumps(body), content_type="application/json")  # noqa: E731
    answer = post("/api/employment/workers", {"company_id": ew.company_a.pk, "worker_type": "rider",
                                               "work_area_code": ew.grid_a.code, "name": "赵七"})
    assert answer.status_code == 400
    assert answer.json()["detail"][0]["loc"] == ["body", "consent_on"]
    answer = post("/api/employment/workers", {"company_id": ew.company_b.pk, "worker_type": "rider",
                                               "work_area_code": ew.grid_b.code})
    assert answer.status_code == 404
    answer = post("/api/employment/companies", {"name": "x", "platform": "y", "credit_code": "91150204MA00000091",
                                                 "area_code": ew.grid_a.code})
    assert answer.status_code == 400 and answer.json()["detail"][0]["loc"] == ["body", "credit_code"]
    answer = post("/api/employment/services", {"kind": "legal_aid", "worker_id": ew.worker_a.pk})
    assert answer.status_code == 201 and ServiceRecord.objects.get().company_id == ew.company_a.pk
    assert post(f"/api/employment/workers/{ew.worker_a.pk}/reveal", {"field": "phone"}).json() == {
        "value": "13912345678"}


def test_imports_in_scope_with_row_report(ew):
    head = ["企业名称", "平台/品牌", "网点/站点", "行业", "统一社会信用代码", "地址", "所在区域编码"]
    upload = xlsx(head, [
        ["中通青山网点", "中通", "", "快递", credit_code(11), "", ew.grid_a.code],
        ["别区网点", "中通", "", "快递", credit_code(12), "", ew.grid_b.code],
        ["坏代码", "中通", "", "快递", credit_code(13)[:17] + "Y" if credit_code(13)[17] != "Y" else "0", "",
         ew.grid_a.code],
    ])
    result = import_run(actor=ew.staff_a, kind="employment_companies", mode="valid_rows", upload=upload)
    assert result.created == {"companies": 1}
    assert [(e.row, e.column) for e in result.errors] == [(3, "所在区域编码"), (4, "统一社会信用代码")]
    head = ["所属企业统一社会信用代码", "从业类型", "工作区域编码", "本人同意日期", "姓名", "联系电话"]
    upload = xlsx(head, [
        [credit_code(11), "外卖骑手", ew.grid_a.code, "2026-05-01", "钱八", "13600001111"],
        [credit_code(11), "快递员", ew.grid_a.code, "", "孙九", ""],
        [credit_code(2), "外卖骑手", ew.grid_a.code, "", "", ""],
        [credit_code(11), "快递员", ew.grid_a.code, "", "", ""],
    ])
    result = import_run(actor=ew.staff_a, kind="employment_workers", mode="valid_rows", upload=upload)
    assert result.created == {"workers": 2}
    assert [(e.row, e.column) for e in result.errors] == [(3, "本人同意日期"), (4, "所属企业统一社会信用代码")]
    imported = Worker.objects.get(name="钱八")
    assert imported.phone_masked == "136****1111" and "13600001111" not in imported.phone_enc
    assert not Worker.objects.filter(name="孙九").exists()


def test_import_all_or_nothing_writes_nothing_on_an_error(ew):
    head = ["企业名称", "平台/品牌", "行业", "统一社会信用代码", "所在区域编码"]
    upload = xlsx(head, [["甲", "中通", "快递", credit_code(21), ew.grid_a.code],
                         ["乙", "中通", "快递", credit_code(22), ew.grid_b.code]])
    import_run(actor=ew.staff_a, kind="employment_companies", mode="all_or_nothing", upload=upload)
    assert not Company.objects.filter(credit_code__in=[credit_code(21), credit_code(22)]).exists()


def test_admin_is_read_only_and_scoped(client, ew):
    officer = make_user(Role.DISTRICT_OFFICER, ew.district_a)
    client.force_login(officer)
    listing = client.get("/admin/employment/worker/")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "张*" in text and "李*" not in text and "13912345678" not in text
    assert client.get(f"/admin/employment/company/{ew.company_b.pk}/change/").status_code in (302, 404)
    assert client.get("/admin/employment/company/add/").status_code == 403
    client.force_login(ew.staff_a)
    assert client.get("/admin/employment/worker/").status_code in (302, 403, 404)


def test_anonymous_sees_nothing(client, ew):
    for name, args in [("employment:home", []), ("employment:workers", []),
                       ("employment:worker", [ew.worker_a.pk]), ("employment:station", [ew.station.pk])]:
        answer = client.get(reverse(name, args=args))
        assert answer.status_code == 302 and "13912345678" not in answer.content.decode()
    assert client.get("/api/employment/workers").status_code == 401

from wangge.accounts.models import Role
from wangge.areas.models import Area
from wangge.audit.models import AuditEvent
from wangge.people.models import Household, Resident
from wangge.testing import grids, make_household, make_resident, make_user, valid_id_number


def test_worker_registers_a_household_and_a_resident(client, city):
    grid = grids()[0]
    client.force_login(make_user(Role.GRID_WORKER, grid))
    # when the worker adds a household in their grid
    response = client.post(
        "/households/new/",
        {"grid": grid.code, "code": "H001", "address": "幸福小区3号楼2单元", "room": "501"},
    )
    household = Household.objects.get(code="H001")
    assert response.status_code == 302 and household.area_path == grid.path
    # and registers a resident with an ID number (birth date and gender derived from it)
    number = valid_id_number(birth="19560315", seq=12)
    response = client.post(
        f"/households/{household.id}/residents/new/",
        {
            "name": "王秀英",
            "gender": "male",
            "doc_type": "id_card",
            "id_number": number,
            "phone": "139 0000 1111",
            "relation": "self",
            "residence_status": "permanent",
            "ethnicity": "汉族",
            "care_tags": [],
        },
    )
    assert response.status_code == 302
    resident = Resident.objects.get(name="王秀英")
    assert resident.id_number == number and resident.phone == "13900001111"
    assert str(resident.birth_date) == "1956-03-15" and resident.gender == "female"
    assert AuditEvent.objects.filter(action="create", object_type="people.resident").count() == 1


def test_bad_input_gets_field_errors_in_chinese_and_saves_nothing(client, city):
    grid = grids()[0]
    client.force_login(make_user(Role.GRID_WORKER, grid))
    household = make_household(grid)
    response = client.post(
        f"/households/{household.id}/residents/new/",
        {
            "name": "李四",
            "gender": "male",
            "doc_type": "id_card",
            "id_number": "110105194912310021",
            "phone": "12345",
            "relation": "self",
            "residence_status": "permanent",
            "ethnicity": "汉族",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "校验位不正确" in page
    assert Resident.objects.count() == 0
    other_grid = grids()[-1]
    response = client.post(
        "/households/new/", {"grid": other_grid.code, "code": "H9", "address": "x"}
    )
    assert "不在您的管辖范围内" in response.content.decode()
    assert not Household.objects.filter(code="H9").exists()


def test_duplicate_id_number_is_refused(client, city):
    grid = grids()[0]
    client.force_login(make_user(Role.GRID_WORKER, grid))
    existing = make_resident(make_household(grid))
    household = make_household(grid)
    response = client.post(
        f"/households/{household.id}/residents/new/",
        {
            "name": "重复",
            "gender": "male",
            "doc_type": "id_card",
            "id_number": existing.id_number,
            "relation": "self",
            "residence_status": "permanent",
            "ethnicity": "汉族",
        },
    )
    assert "该证件号码已登记" in response.content.decode()
    assert Resident.objects.count() == 1


def test_editing_keeps_the_phone_when_the_masked_value_is_untouched(client, city):
    grid = grids()[0]
    client.force_login(make_user(Role.COMMUNITY_STAFF, Area.objects.get_parent(grid)))
    resident = make_resident(make_household(grid), phone="13812345678")
    response = client.post(
        f"/residents/{resident.id}/edit/",
        {
            "name": "张三丰",
            "gender": "male",
            "phone": "138****5678",
            "relation": "self",
            "residence_status": "floating",
            "ethnicity": "汉族",
        },
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.name == "张三丰" and resident.residence_status == "floating"
    assert resident.phone == "13812345678"


def test_moving_a_household_moves_its_residents_scope(client, city):
    first, second = grids()[0], grids()[1]
    client.force_login(make_user(Role.COMMUNITY_STAFF, Area.objects.get_parent(first)))
    resident = make_resident(make_household(first))
    response = client.post(f"/households/{resident.household_id}/move/", {"grid": second.code})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.area_path == second.path and resident.household.grid == second
    # a worker of the old grid no longer sees them
    worker = make_user(Role.GRID_WORKER, first)
    client.force_login(worker)
    assert client.get(f"/residents/{resident.id}/").status_code == 404


def test_district_officer_cannot_edit(client, city):
    grid = grids()[0]
    resident = make_resident(make_household(grid))
    district = Area.objects.get_ancestors(grid)[1]
    client.force_login(make_user(Role.DISTRICT_OFFICER, district))
    assert client.get(f"/residents/{resident.id}/edit/").status_code == 404
    response = client.post(f"/residents/{resident.id}/edit/", {"name": "改名"})
    assert response.status_code == 404
    resident.refresh_from_db()
    assert resident.name == "张三"

"""The registry in English: labels, choices and messages translated; Excel sheets keep
their Chinese words (cells are read in Chinese whatever the page language)."""

from django.utils import translation

from wangge.people.importing import ImportKind, ImportMode, people_import
from wangge.people.models import Gender, Resident
from wangge.people.tests.importkit import xlsx
from wangge.testing import make_household, make_resident, valid_id_number


def test_registry_pages_in_english(client, setting):
    # given a resident in the staff member's grid
    resident = make_resident(make_household(setting["grid"]))
    Resident.objects.filter(pk=resident.pk).update(gender=Gender.FEMALE)
    client.force_login(setting["staff"])
    # when the staff member switches to English
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    listing = client.get("/residents/").content.decode()
    detail = client.get(f"/residents/{resident.pk}/").content.decode()
    # then headings, columns and choices are English
    assert "<th>Gender</th>" in listing and "<th>Residence status</th>" in listing
    assert "Female" in listing and "性别" not in listing
    assert "Relation to head of household" in detail and "View household" in detail


def test_import_while_english_reads_chinese_words_and_answers_in_english(setting):
    # given a sheet with Chinese choice words and one unknown gender
    good = valid_id_number(birth="19800101", seq=1)
    bad = valid_id_number(birth="19900101", seq=3)
    upload = xlsx([
        ["李明", "男", "", good, "", setting["grid"].code, "H-001", "1号楼101", ""],
        ["周六", "未知", "", bad, "", setting["grid"].code, "H-001", "1号楼101", ""],
    ])
    # when it is imported while the page language is English
    with translation.override("en"):
        result = people_import(actor=setting["staff"], kind=ImportKind.RESIDENTS,
                               mode=ImportMode.VALID_ROWS, upload=upload)
    # then the Chinese word 男 is read, and the refusal is English naming the sheet's words
    assert Resident.objects.get(name="李明").gender == Gender.MALE
    assert [(e.row, e.reason) for e in result.errors] == [
        (3, '"未知" is not an allowed value; use one of: 男、女'),
    ]

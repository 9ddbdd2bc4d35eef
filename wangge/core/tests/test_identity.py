import pytest

from wangge.core import crypto
from wangge.core.errors import ApplicationError
from wangge.core.identity import normalize_id_number, normalize_phone
from wangge.core.masking import mask_id_number, mask_phone


def test_gb11643_check_digit_accepts_valid_and_rejects_wrong_digit():
    # given the published GB 11643 example number
    valid = "11010519491231002X"
    # then
    assert normalize_id_number(valid.lower()) == valid
    with pytest.raises(ApplicationError, match="校验位"):
        normalize_id_number("110105194912310021")


@pytest.mark.parametrize("raw, message", [
    ("", "不能为空"),
    ("1234", "18 位"),
    ("110105194913310020", "出生日期"),
    ("11010549123100", "18 位"),
])
def test_bad_id_numbers_get_chinese_reasons(raw, message):
    with pytest.raises(ApplicationError, match=message):
        normalize_id_number(raw)


def test_legacy_15_digit_and_passport_are_accepted_with_their_type():
    assert normalize_id_number("110105491231002") == "110105491231002"
    assert normalize_id_number("e12345678", "passport") == "E12345678"
    with pytest.raises(ApplicationError):
        normalize_id_number("bad passport!", "passport")


def test_masks_show_first_three_and_last_four():
    assert mask_id_number("150203198001010013") == "150***********0013"
    assert mask_phone("13812345678") == "138****5678"


def test_phone_formats_people_type():
    assert normalize_phone("+86 138 1234 5678") == "13812345678"
    assert normalize_phone("0472-1234567") == "0472-1234567"
    with pytest.raises(ApplicationError, match="电话号码格式"):
        normalize_phone("12345")


def test_encryption_round_trip_is_randomised_and_index_is_deterministic():
    first, second = crypto.encrypt("13812345678"), crypto.encrypt("13812345678")
    assert first != second and "13812345678" not in first
    assert crypto.decrypt(first) == "13812345678"
    assert crypto.blind_index("x12", purpose="id") == crypto.blind_index("X12 ", purpose="id")
    assert crypto.blind_index("x12", purpose="id") != crypto.blind_index("x12", purpose="phone")

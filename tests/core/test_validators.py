import pytest
from django.core.exceptions import ValidationError

from core.validators import (
    credit_code_check_character,
    mask_mobile,
    normalize_mobile,
    validate_credit_code,
    validate_mobile,
)

# The first is the example code printed in many registration guides; the second a Putuo-style code.
VALID_CODES = ["91350100M000100Y43", "52310107MJ4928110T"]


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)
    validate_credit_code(code.lower())  # case does not matter


def test_check_character_matches_the_standard_example():
    # 91350100M000100Y4 → 3 (the example code printed in many registration guides)
    assert credit_code_check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M000100Y433", "credit_code_length"),
        ("91350100M000100Y4O", "credit_code_characters"),  # O never appears
        ("91350100M000100Y44", "credit_code_checksum"),
        ("52310107MJ4928110A", "credit_code_checksum"),
    ],
)
def test_invalid_credit_codes_are_refused_with_a_clear_reason(code, error_code):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert excinfo.value.code == error_code


@pytest.mark.parametrize("number", ["13812345678", "+86 138 1234 5678", "0086-13812345678", "19912345678"])
def test_mainland_mobiles_are_accepted(number):
    validate_mobile(number)
    assert normalize_mobile(number) in {"13812345678", "19912345678"}


@pytest.mark.parametrize("number", ["12812345678", "1381234567", "021-62345678", "abcdefghijk", ""])
def test_other_numbers_are_refused(number):
    with pytest.raises(ValidationError):
        validate_mobile(number)


def test_mask_mobile_keeps_only_prefix_and_last_four():
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("+86 138 1234 5678") == "138****5678"
    assert mask_mobile("garbage") == "****"


@pytest.mark.parametrize(
    "typed",
    [
        "１３９１２３４５６７８",
        "＋８６ １３９－１２３４－５６７８",
        "139１２３45678",
        "（+86）139 1234 5678",
        "0086１３９１２３４５６７８",
    ],
)
def test_full_width_mobiles_are_normalised_to_ascii_digits(typed):
    validate_mobile(typed)
    assert normalize_mobile(typed) == "13912345678"


@pytest.mark.parametrize("typed", ["139123٤٥٦٧٨", "１３９१२३४५६७८", "①３９１２３４５６７８", "139１２３４５６７𝟖"])
def test_other_non_ascii_digits_are_refused_with_a_clear_message(typed):
    with pytest.raises(ValidationError) as error:
        validate_mobile(typed)
    assert error.value.code == "mobile_digits"
    assert "0–9" in str(error.value.messages[0])

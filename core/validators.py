"""Validators for Chinese identifiers used across the portal."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_code_check_character(first17):
    """The 18th character of a unified social credit code for its first 17 characters."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value):
    """A unified social credit code: 18 characters whose last one is the GB 32100-2015 check digit."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="credit_code_length",
            params={"count": len(code)},
        )
    if not CREDIT_CODE_RE.match(code):
        raise ValidationError(
            _("The code contains characters that cannot appear in a unified social credit code "
              "(letters I, O, S, V and Z are never used)."),
            code="credit_code_characters",
        )
    if credit_code_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The check digit does not match: please check the code against the registration certificate."),
            code="credit_code_checksum",
        )


# [0-9], not \d: \d also matches other scripts' digits (“139123٤٥٦٧٨”), which no phone can dial.
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


# Chinese input methods often type full-width characters: ０-９, ＋, －, （）, and the ideographic space.
FULL_WIDTH = str.maketrans({**{chr(0xFF10 + n): str(n) for n in range(10)}, "＋": "+", "－": "-", "（": "(", "）": ")"})


def normalize_mobile(value):
    """Strip spaces, dashes and a +86/0086 prefix from a mainland mobile number; full-width digits become 0-9."""
    digits = re.sub(r"[\s\-()]", "", (value or "").translate(FULL_WIDTH))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    return digits


def validate_mobile(value):
    """A mainland China mobile number: 11 digits starting with 13–19."""
    number = normalize_mobile(value)
    if any(char.isdigit() and not char.isascii() for char in number):
        # Another script's digits (Arabic-Indic ٤٥٦, Devanagari, circled ①…): no phone dials them.
        raise ValidationError(
            _("Please type the number with the digits 0–9 only; it contains other digits (%(digits)s)."),
            code="mobile_digits",
            params={"digits": "".join(sorted({char for char in number if char.isdigit() and not char.isascii()}))},
        )
    if not MOBILE_RE.match(number):
        raise ValidationError(
            _("Enter a valid mainland China mobile number (11 digits, e.g. 13812345678)."),
            code="mobile",
        )


# A mainland landline with or without its area code (021-62981234, 6298 1234), a 400/800 service number, or a
# mobile; an extension may follow (转 123, ext. 123, -123).
LANDLINE_RE = re.compile(r"^(?:0[0-9]{2,3})?[2-9][0-9]{6,7}$|^[48]00[0-9]{7}$")
EXTENSION_RE = re.compile(r"(?:转|ext\.?|x|#|-)([0-9]{1,5})$", re.IGNORECASE)


def validate_phone(value):
    """A contact phone: a mainland mobile or landline number (an extension may follow)."""
    number = normalize_mobile(value)
    if MOBILE_RE.match(number) or LANDLINE_RE.match(number):
        return
    extension = EXTENSION_RE.search(number)
    if extension and LANDLINE_RE.match(number[: extension.start()]):
        return
    raise ValidationError(
        _("Enter a mainland China phone number: a mobile (13812345678) or a landline (021-62981234)."),
        code="phone",
    )


def mask_mobile(value):
    """138****5678: how a mobile number appears in lists."""
    number = normalize_mobile(value)
    if len(number) != 11:
        return "****"
    return f"{number[:3]}****{number[-4:]}"

"""Normalising what people type: names, phone numbers, ID numbers and vehicle plates.

The form, the staff search and the importers all go through these functions, so that a value is
stored one way and found however it was typed.
"""

import re
import unicodedata

import phonenumbers


def fold_name(text: str) -> str:
    """Lower case, accents removed, spaces collapsed: ``Nguyễn  Văn Ánh`` -> ``nguyen van anh``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return " ".join(bare.lower().split())


def clean_spaces(text: str) -> str:
    """Collapse runs of white space, drop control characters, and compose accents (NFC: what
    ``truyvet.middleware.ComposedTextMiddleware`` does for what is typed, for files)."""
    printable = "".join(
        char for char in text if unicodedata.category(char)[0] != "C" or char in " \t\n"
    )
    return unicodedata.normalize("NFC", " ".join(printable.split()))


MOBILE_PREFIXES = ("03", "05", "07", "08", "09")
NATIONAL_NUMBER = re.compile(r"0[0-9]{9}")


def normalize_phone(text: str) -> str | None:
    """A Vietnamese mobile number in national form (``0912345678``); a foreign mobile number,
    written with its country code (``+86 138 0013 8000``, ``0086…``), in international form
    (``+8613800138000``): a traveller through a border gate may have no Vietnamese number; or
    None if it is neither.

    Accepts spaces, dots and dashes, and the international forms ``+84 912 345 678`` and
    ``84912345678``.
    """
    digits = re.sub(r"[\s.\-()]", "", text or "")
    if NATIONAL_NUMBER.fullmatch(digits):
        # The form nearly everyone types: what parsing would give, at a fraction of the cost.
        return digits if digits.startswith(MOBILE_PREFIXES) else None
    return _parsed_phone(digits) or _foreign_phone(digits)


FOREIGN_MOBILE = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def _foreign_phone(digits: str) -> str | None:
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+"):
        return None
    try:
        number = phonenumbers.parse(digits, None)
    except phonenumbers.NumberParseException:
        return None
    if number.country_code == 84 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in FOREIGN_MOBILE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _parsed_phone(digits: str) -> str | None:
    if digits.startswith("84") and len(digits) == 11:
        digits = "+" + digits
    try:
        number = phonenumbers.parse(digits, "VN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 84:
        return None
    national = "0" + str(number.national_number)
    if len(national) != 10 or not national.startswith(MOBILE_PREFIXES):
        return None
    return national


CCCD = re.compile(r"^\d{12}$")
CMND = re.compile(r"^\d{9}$")
PASSPORT = re.compile(r"^[A-Z]{1,2}\d{6,8}$")


def normalize_id_number(text: str) -> str | None:
    """A CCCD (12 digits), CMND (9 digits) or passport number (e.g. ``C1234567``), or None."""
    value = re.sub(r"[\s.\-]", "", text or "").upper()
    if CCCD.match(value) or CMND.match(value) or PASSPORT.match(value):
        return value
    return None


PLATE = re.compile(r"^(\d{2})([A-Z]{1,2}\d??)(\d{4,5})$")


def normalize_plate(text: str) -> str | None:
    """A vehicle plate in the usual written form, or None: ``25b01234`` -> ``25B-012.34``.

    Five-digit serials are written ``012.34``, four-digit ones as they are (``29A-1234``).
    """
    compact = re.sub(r"[\s.\-]", "", text or "").upper()
    match = PLATE.match(compact)
    if not match:
        return None
    province, series, serial = match.groups()
    if len(serial) == 5:
        serial = f"{serial[:3]}.{serial[3:]}"
    return f"{province}{series}-{serial}"

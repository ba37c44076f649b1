"""Lookup codes (mã tra cứu): the one place that generates, formats and parses them.

A code is 8 characters of Crockford base32, stored without the dash and shown as ``XXXX-XXXX``.
That alphabet has no I, L, O or U; new codes also leave out 0 and 1 (``DRAWN``: 30 characters,
39 random bits from `secrets`), so that no code shows a character that could be read as another.
When parsing, O is read as 0 and I or L as 1, so codes drawn with 0 or 1 before still work.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # what a stored code may hold
DRAWN = ALPHABET.replace("0", "").replace("1", "")  # what a new code is drawn from
LENGTH = 8

_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-–—._]+")
_STAFF_LINK = re.compile(r"/c/([^/?#\s]+)/?", re.IGNORECASE)


def generate_code() -> str:
    """Return a new random code (not yet checked for uniqueness: the database does that): one
    draw from `secrets`, written in the ``DRAWN`` characters."""
    number = secrets.randbelow(len(DRAWN) ** LENGTH)
    chars = []
    for _ in range(LENGTH):
        number, digit = divmod(number, len(DRAWN))
        chars.append(DRAWN[digit])
    return "".join(chars)


POINT_TOKEN_BYTES = 12  # 96 bits: 16 URL-safe characters on a poster


def generate_point_token() -> str:
    """An unguessable token for a declaration point's QR link (``/q/<token>/``)."""
    return secrets.token_urlsafe(POINT_TOKEN_BYTES)


def format_code(code: str) -> str:
    """``K7QX3M9P`` -> ``K7QX-3M9P``."""
    return f"{code[:4]}-{code[4:]}"


def staff_path(code: str) -> str:
    """The staff page of a person: a public address, printed in every success page's QR."""
    return f"/c/{code}/"


class ShownByCode:
    """What pages show of a person by their ``lookup_code``: the code as printed and the staff
    page's address (``Person``, and the risk list's rows, ``tracing.risk_views.ListedPerson``)."""

    __slots__ = ()
    lookup_code: str

    @property
    def display_code(self) -> str:
        return format_code(self.lookup_code)

    @property
    def staff_path(self) -> str:
        return staff_path(self.lookup_code)


def parse_code(text: str) -> str | None:
    """Read a code as a person or a scanner typed it; return it in stored form, or None.

    Accepts any case, with or without the dash or spaces, O for 0 and I/L for 1, and the full
    ``https://…/c/<code>/`` link that the success page's QR holds.
    """
    if not text:
        return None
    link = _STAFF_LINK.search(text)
    if link:
        text = link.group(1)
    cleaned = _SEPARATORS.sub("", text).upper().translate(_LOOK_ALIKES)
    if len(cleaned) != LENGTH or any(char not in ALPHABET for char in cleaned):
        return None
    return cleaned

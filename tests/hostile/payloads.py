"""What a hostile or careless client sends: the values and the strategies that draw them.

The test modules of this folder post these to every form and search of the site. A page must
never answer with a server error, and markup sent in must come back escaped.
"""

import os
import string

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Markup that must never come back as it was sent: each is a complete tag a browser would run.
SCRIPT = "<script>alert('tv-xss')</script>"
IMG = "\"><img src=x onerror=alert('tv-xss')>"
SVG = "<svg/onload=alert('tv-xss')>"
MARKUP = (SCRIPT, IMG, SVG)
# The raw forms looked for in every page: no page of the site holds them legitimately.
RAW_MARKERS = ("<script>alert(", "<img src=x onerror", "<svg/onload")

SQL = ("' OR 1=1 --", "'; DROP TABLE declarations_person; --", '" OR ""="', "1) OR (1=1")
TEMPLATE_SYNTAX = ("{{ settings.SECRET_KEY }}", "{% debug %}", "%(full_name)s %s {0}")
CONTROL = ("\x00", "a\x00b", "\x1b[31m", "\u202eevil", "\ufeff", "\r\n\t", "\x7f\x85")
NUMBERS = (
    "-1",
    "0",
    "-2020",
    str(10**30),
    str(-(10**30)),
    "1e309",
    "NaN",
    "Infinity",
    "0x1F",
    "1_000",
    "²",  # a digit for str.isdigit(), not for int()
    "١٩٩٠",  # Arabic-Indic digits, which int() reads
    "１９９０",  # full-width digits
)
DATES = (
    "9999-99-99",
    "9999-12-31",
    "0001-01-01",
    "2021-02-30",
    "31/12/9999",
    "01/01/0001",
    "00/00/0000",
    "2021-13-01",
    "-2021-01-01",
    "today",
)
OTHER = (
    "",
    " ",
    "null",
    "None",
    "undefined",
    "true",
    "[]",
    "{}",
    "../../../etc/passwd",
    "javascript:alert(1)",
    "https://evil.example/",
    "//evil.example",
    "😷" * 3,
)
LONG = ("A" * 10_001, "Nguyễn " * 2_000, "<" * 5_000, "😷" * 5_000, "9" * 10_000)
FIXED = (*MARKUP, *SQL, *TEMPLATE_SYNTAX, *CONTROL, *NUMBERS, *DATES, *OTHER, *LONG)

# Text the HTTP layer can carry: every code point but the surrogates (not encodable in UTF-8).
ANY_CHAR = st.characters(blacklist_categories=("Cs",))

hostile_text = st.one_of(
    st.sampled_from(FIXED),
    st.text(ANY_CHAR, max_size=40),
    st.text(st.sampled_from(string.printable + "\x00ĐđÀÁẢ"), min_size=1, max_size=12),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(lambda day: day.isoformat()),
    st.builds(
        lambda marker, text: text + marker + text, st.sampled_from(MARKUP), st.text(max_size=5)
    ),
)
# A value of a field: one string, or the field repeated (a list), rarely absurdly often.
hostile_value = st.one_of(
    hostile_text,
    hostile_text,
    hostile_text,
    st.lists(hostile_text, min_size=2, max_size=4),
    st.just(["x"] * 1_200),  # more than DATA_UPLOAD_MAX_NUMBER_FIELDS
)

# Deterministic and quick in CI (each endpoint also gets the known hostile answers of
# test_forms.KNOWN); for a longer hunt: HOSTILE_EXAMPLES=200, and HOSTILE_RANDOM=1 for new
# examples at each run instead of the same ones.
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "10"))
HOSTILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("HOSTILE_RANDOM"),
    database=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def has_raw_markup(content: str) -> str | None:
    """The first raw (unescaped) marker found in a page, or None."""
    return next((marker for marker in RAW_MARKERS if marker in content), None)


# -- files, for the contact import ---------------------------------------------------------------


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value)[:32_000] for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(rows: list[list[str]]) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def broken_xlsx(cut: int, flip: int) -> bytes:
    """The real template, cut short or with one byte changed."""
    from tracing.contact_import import template_xlsx

    data = bytearray(template_xlsx())
    if flip:
        position = flip % len(data)
        data[position] = (data[position] + 1) % 256
    return bytes(data[: len(data) - cut % len(data)] if cut else data)


def zip_of(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return output.getvalue()


def with_bad_sheet(sheet: bytes) -> bytes:
    """A well-formed template whose first sheet is replaced by ``sheet``."""
    import io
    import zipfile

    from tracing.contact_import import template_xlsx

    members = {}
    with zipfile.ZipFile(io.BytesIO(template_xlsx())) as archive:
        for name in archive.namelist():
            members[name] = archive.read(name)
    members["xl/worksheets/sheet1.xml"] = sheet
    return zip_of(members)


def contact_headers() -> list[str]:
    from tracing.contact_import import COLUMNS

    return [column.header for column in COLUMNS]


cell_rows = st.lists(st.lists(hostile_text, min_size=1, max_size=13), min_size=1, max_size=4)
file_content = st.one_of(
    st.binary(max_size=2_000),
    cell_rows.map(lambda rows: csv_bytes([contact_headers(), *rows])),
    cell_rows.map(lambda rows: xlsx_bytes([contact_headers(), *rows])),
    cell_rows.map(csv_bytes),
    st.builds(broken_xlsx, st.integers(0, 5_000), st.integers(0, 50_000)),
    st.sampled_from(
        [
            b"",
            b"\xef\xbb\xbf",
            b"\xff\xfe" + "Họ và tên".encode("utf-16-le"),
            b"a\x00b,c\n" * 10,
            b"PK\x03\x04" + b"\x00" * 100,
            b"Ho va ten,Nam sinh\n" * 30_000,  # larger than allowed
            b'"unterminated,\n' * 5,
        ]
    ).map(bytes),
    st.binary(max_size=300).map(lambda junk: zip_of({"[Content_Types].xml": junk})),
    st.binary(max_size=300).map(with_bad_sheet),
    st.just(b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>").map(
        with_bad_sheet
    ),
)
file_name = st.sampled_from(
    [
        "danh-sach.xlsx",
        "danh-sach.csv",
        "DANH-SACH.CSV",
        "danh sách tiếp xúc.xlsx",
        "danh-sach.xls",
        "danh-sach.exe",
        "danh-sach",
        ".csv",
        "x" * 300 + ".csv",
        "../../../etc/passwd.csv",
        SCRIPT + ".csv",
    ]
)


def uploaded_file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


hostile_file = st.builds(uploaded_file, file_name, file_content)

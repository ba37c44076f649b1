"""Junk files at the contact import: each is refused with a message, never a server error."""

import io
import zipfile

import pytest
from django.test import Client

from tests.hostile.payloads import (
    IMG,
    SCRIPT,
    broken_xlsx,
    contact_headers,
    csv_bytes,
    has_raw_markup,
    uploaded_file,
    with_bad_sheet,
    xlsx_bytes,
    zip_of,
)
from tracing.contact_import import MAX_BYTES, template_xlsx

pytestmark = pytest.mark.django_db

GOOD_ROW = ["Giàng Thị Mỷ", "1995", "Nữ", "0977000111", "", "12", "106", "03390", "", "F1", "", ""]
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol4;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def _inflating_zip() -> bytes:
    """Small, but 25 MB once unzipped."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * 25_000_000)
    return output.getvalue()


def _without_sheets() -> bytes:
    members = {}
    with zipfile.ZipFile(io.BytesIO(template_xlsx())) as archive:
        for name in archive.namelist():
            if "worksheets" not in name:
                members[name] = archive.read(name)
    return zip_of(members)


JUNK = {
    "empty.csv": b"",
    "empty.xlsx": b"",
    "bom.csv": b"\xef\xbb\xbf",
    "random.xlsx": bytes(range(256)) * 20,
    "random.csv": bytes(range(256)) * 20,
    "utf16.csv": "Họ và tên,Năm sinh\nA,1990\n".encode("utf-16"),
    "latin1.csv": "Họ và tên,Năm sinh\nA,1990\n".encode("cp1258", errors="replace"),
    "nul.csv": csv_bytes([contact_headers(), [f"{cell}\x00" for cell in GOOD_ROW]]),
    "nul-cells.csv": csv_bytes([contact_headers(), ["\x00"] * len(GOOD_ROW)]),
    "headers-only.csv": csv_bytes([contact_headers()]),
    "headers-twice.csv": csv_bytes([contact_headers() + contact_headers(), GOOD_ROW + GOOD_ROW]),
    "too-many-rows.csv": csv_bytes([contact_headers(), *[GOOD_ROW] * 1_001]),
    "long-cells.csv": csv_bytes([contact_headers(), ["Đ" * 10_000] * len(GOOD_ROW)]),
    "markup.csv": csv_bytes(
        [contact_headers(), [SCRIPT, IMG, *GOOD_ROW[2:]], [IMG] * len(GOOD_ROW)]
    ),
    "too-big.csv": b"a," * (MAX_BYTES // 2 + 1),
    "unterminated.csv": b'"Ho va ten,Nam sinh\n' * 50,
    "truncated.xlsx": broken_xlsx(500, 0),
    "flipped.xlsx": broken_xlsx(0, 3_000),
    "bad-sheet.xlsx": with_bad_sheet(b"<worksheet><sheetData><row"),
    "not-xml-sheet.xlsx": with_bad_sheet(b"\x00\x01\x02 not xml at all"),
    "laughs.xlsx": with_bad_sheet(LAUGHS),
    "inflating.xlsx": _inflating_zip(),
    "no-sheets.xlsx": _without_sheets(),
    "zip-of-junk.xlsx": zip_of({"[Content_Types].xml": b"junk"}),
    "markup.xlsx": xlsx_bytes([contact_headers(), [SCRIPT, "1990", "Nữ", "0977000222"]]),
    "control.xlsx": xlsx_bytes(
        [contact_headers(), ["\x1b[31m Lò\u202e", "1990", "Nữ", "0977000333"]]
    ),
    "csv-named.xlsx": csv_bytes([contact_headers(), GOOD_ROW]),
    "xlsx-named.csv": xlsx_bytes([contact_headers(), GOOD_ROW]),
    f"{SCRIPT}.csv": csv_bytes([contact_headers(), GOOD_ROW]),
    "no-extension": csv_bytes([contact_headers(), GOOD_ROW]),
}


@pytest.mark.parametrize("name", list(JUNK), ids=lambda name: name[:30])
def test_a_junk_file_is_refused_or_checked_without_a_server_error(world, name):
    client = Client()
    client.force_login(world.users["health_worker"])
    case = world.case
    url = f"/y-te/ca-benh/{case.pk}/tiep-xuc/nhap/"
    response = client.post(url, {"file": uploaded_file(name, JUNK[name])})
    assert response.status_code == 200
    page = response.content.decode()
    assert has_raw_markup(page) is None
    if response.context.get("sha256"):  # the file is good: importing it works too
        confirm = client.post(f"{url}xac-nhan/", {"sha256": response.context["sha256"]})
        assert confirm.status_code == 302
        assert has_raw_markup(client.get(confirm["Location"]).content.decode()) is None

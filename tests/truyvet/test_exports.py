from io import BytesIO

import pytest
from openpyxl import load_workbook

from truyvet.exports import csv_response, safe_cell, xlsx_response


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+84912345678", "'+84912345678"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Nguyễn Văn A", "Nguyễn Văn A"),
        (1990, 1990),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(value, shown):
    assert safe_cell(value) == shown


def test_the_excel_file_holds_the_rows_as_text():
    response = xlsx_response("x.xlsx", ["Tên"], [["=1+1"], ["Lò Văn Minh"]])
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert [row[0] for row in sheet.values] == ["Tên", "'=1+1", "Lò Văn Minh"]


def test_the_csv_file_streams_with_a_bom_for_excel():
    response = csv_response("x.csv", ["Tên"], [["@cmd"], ["Hoà"]])
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffTên")
    assert "'@cmd" in text and "Hoà" in text


def test_the_excel_file_is_ready_to_read_dates_sort_and_the_header_stays(settings):
    from datetime import UTC, datetime

    found = datetime(2026, 12, 3, 9, 19, tzinfo=UTC)  # 16:19 in Việt Nam
    response = xlsx_response(
        "phat-hien.xlsx",
        ["Biển số", "Phát hiện lần cuối"],
        [["25B-012.34", found]],
        title="Chưa khai báo 07-11-2026–06-12-2026: a [very] long title",
    )
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.title == "Chưa khai báo 07-11-2026–06-12-"  # Excel's 31 characters
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width == len("Phát hiện lần cuối") + 2
    assert sheet["B2"].value == datetime(2026, 12, 3, 16, 19)  # a date cell, local time
    assert sheet["B2"].number_format == "DD/MM/YYYY HH:MM"

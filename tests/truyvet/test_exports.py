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

"""Spreadsheet downloads of personal data: safe cells, bounded memory, one place for both.

Every caller writes an audit entry (accounts.audit) for the export it serves.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """A cell that a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence], *, title: str = ""
) -> FileResponse:
    """An Excel file written row by row (openpyxl's write-only mode) to a temporary file: the
    sheet named ``title``, its header row bold and frozen, its columns as wide as their headers
    (within reason), and times written as real dates (``DD/MM/YYYY HH:MM``), which sort."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title or filename.rsplit(".", 1)[0]))
    for number, header in enumerate(headers, start=1):
        width = min(max(len(str(header)) + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, header) for header in headers])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)


MIN_WIDTH, MAX_WIDTH = 12, 40
SHEET_TITLE_LENGTH = 31  # Excel's limit
NOT_IN_SHEET_TITLES = str.maketrans({char: "-" for char in "[]:*?/\\"})


def _sheet_title(text: str) -> str:
    return str(text).translate(NOT_IN_SHEET_TITLES)[:SHEET_TITLE_LENGTH] or "Sheet"


def _header_cell(sheet, header) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=str(header))
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value):
    """A time as a date cell in the site's time zone (Excel knows no time zones); anything
    else made safe (``safe_cell``)."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY HH:MM"
        return cell
    return safe_cell(value)


def csv_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    """A CSV file streamed as it is written (UTF-8 with a BOM, so that Excel reads accents)."""

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow([str(header) for header in headers])
        for row in rows:
            writer.writerow([safe_cell(value) for value in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""Spreadsheet downloads of personal data: safe cells, bounded memory, one place for both.

Every caller writes an audit entry (accounts.audit) for the export it serves.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """A cell that a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> FileResponse:
    """An Excel file written row by row (openpyxl's write-only mode) to a temporary file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([str(header) for header in headers])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)


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

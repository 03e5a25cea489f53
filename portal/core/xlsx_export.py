"""Downloads as XLSX (openpyxl), from the same `ExportTable` as the CSV.

Formula-safe: openpyxl writes a string that starts with `=` as a formula, so every text cell
is written with the data type string explicitly, and one that a spreadsheet would read as a
formula (`= + - @`, tab, carriage return) is also given a leading apostrophe, as in the CSV.
Numbers and dates stay typed cells, so Excel can sum them.
"""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import save_workbook

from portal.core.csv_export import ExportTable, safe_cell

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A sheet title: at most 31 characters, none of []:*?/\
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(caption: str) -> str:
    return _SHEET_FORBIDDEN.sub(" ", caption).strip()[:31] or "Tabel"


def table_xlsx(table: ExportTable) -> bytes:
    """One sheet: the caption in A1 (bold), the headings in row 3, the rows below."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(table.caption)
    _text(sheet.cell(row=1, column=1), table.caption).font = Font(bold=True)
    for index, heading in enumerate(table.columns, start=1):
        _text(sheet.cell(row=3, column=index), heading).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(len(heading) + 2, 40))
    for row_number, row in enumerate(table.rows, start=4):
        for index, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=index)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float | date):
                _text(cell, str(value))
            else:
                cell.value = value
                if isinstance(value, date):
                    cell.number_format = "DD-MM-YYYY"
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    save_workbook(book, out)
    return out.getvalue()


def _text(cell, text: str):
    """Write `text` as a string cell, never a formula."""
    cell.value = safe_cell(text)
    cell.data_type = TYPE_STRING
    return cell

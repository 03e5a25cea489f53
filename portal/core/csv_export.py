"""Downloads as CSV in the house's two flavours, safe to open in a spreadsheet.

"CSV (Excel)" is for people: UTF-8 with a byte order mark and `;` between cells, which Dutch
Excel opens without an import wizard. "CSV" is plain RFC 4180 (UTF-8, `,`, CRLF) for
machines. In both, a cell that a spreadsheet would run as a formula (one that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading apostrophe.

A table a page shows is an `ExportTable` (caption, columns, rows of plain values): the same
object gives the CSV here and the XLSX in `xlsx_export.py`, so the two downloads never
differ. Numbers stay numbers in it; the Excel flavour writes them with a decimal comma and
no thousands separator (what Dutch Excel reads as a number), the RFC 4180 one with a dot.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Flavour(StrEnum):
    EXCEL = "excel"
    RFC4180 = "rfc4180"

    @property
    def label(self) -> str:
        return "CSV (Excel)" if self is Flavour.EXCEL else "CSV"


Cell = str | int | float | date | None


@dataclass(frozen=True)
class ExportTable:
    """A table as the page shows it: its caption (also the file's title), the column
    headings and rows of plain values (text, whole or decimal numbers, dates, None)."""

    caption: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"{self.caption}: a row has {len(row)} cells, not {len(self.columns)}"
                )


def cell_text(value: Cell, flavour: Flavour) -> str:
    """A plain value as CSV text: decimal comma and dd-mm-jjjj for people, dot and ISO dates
    for machines; booleans are not cells (say "ja"/"nee" in the table)."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if flavour is Flavour.EXCEL else text
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}" if flavour is Flavour.EXCEL else value.isoformat()
    return str(value)


def table_csv(table: ExportTable, flavour: Flavour = Flavour.EXCEL) -> bytes:
    """The whole table as one CSV download: the headings, then the rows. Text is neutralised
    against formulas; a number is ours, not typed by anyone, so -2 stays a number."""
    rows = [[safe_cell(heading) for heading in table.columns]]
    for row in table.rows:
        rows.append(
            [
                cell_text(cell, flavour)
                if isinstance(cell, int | float) and not isinstance(cell, bool)
                else safe_cell(cell_text(cell, flavour))
                for cell in row
            ]
        )
    return _encode(rows, flavour, first=True)


def safe_cell(value: object) -> str:
    """The cell's text, neutralised when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def encode_rows(rows: Iterable[Sequence[object]], flavour: Flavour, *, first: bool) -> bytes:
    """Rows as CSV bytes; `first` puts the byte order mark of the Excel flavour in front."""
    return _encode([[safe_cell(cell) for cell in row] for row in rows], flavour, first=first)


def _encode(rows: Iterable[Sequence[str]], flavour: Flavour, *, first: bool) -> bytes:
    out = io.StringIO()
    if flavour is Flavour.EXCEL:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    else:
        writer = csv.writer(out, delimiter=",", lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    text = out.getvalue()
    if first and flavour is Flavour.EXCEL:
        text = "\ufeff" + text
    return text.encode("utf-8")

"""Downloads as CSV in the house's two flavours, safe to open in a spreadsheet.

"CSV (Excel)" is for people: UTF-8 with a byte order mark and `;` between cells, which Dutch
Excel opens without an import wizard. "CSV" is plain RFC 4180 (UTF-8, `,`, CRLF) for
machines. In both, a cell that a spreadsheet would run as a formula (one that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from enum import StrEnum

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Flavour(StrEnum):
    EXCEL = "excel"
    RFC4180 = "rfc4180"

    @property
    def label(self) -> str:
        return "CSV (Excel)" if self is Flavour.EXCEL else "CSV"


def safe_cell(value: object) -> str:
    """The cell's text, neutralised when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def encode_rows(rows: Iterable[Sequence[object]], flavour: Flavour, *, first: bool) -> bytes:
    """Rows as CSV bytes; `first` puts the byte order mark of the Excel flavour in front."""
    out = io.StringIO()
    if flavour is Flavour.EXCEL:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    else:
        writer = csv.writer(out, delimiter=",", lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    text = out.getvalue()
    if first and flavour is Flavour.EXCEL:
        text = "\ufeff" + text
    return text.encode("utf-8")

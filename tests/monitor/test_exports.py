"""One ExportTable, two downloads: CSV for Dutch Excel and XLSX, both formula-safe."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from portal.core.csv_export import ExportTable, Flavour, table_csv
from portal.core.xlsx_export import table_xlsx

TABLE = ExportTable(
    "PIP binnen 10 weken: per gemeente",
    ["Gemeente", "Op tijd", "Aandeel (%)", "Peildatum"],
    [
        ["Gemeente Aa", 3, 81.5, date(2026, 6, 30)],
        ['=HYPERLINK("http://evil")', 0, None, None],
        ["+31 6 123", -2, 0.25, None],
        ["@SUM(A1)", 1234, 1234.5, None],
    ],
)


def _sheet(table: ExportTable):
    return load_workbook(io.BytesIO(table_xlsx(table))).active


def test_csv_for_dutch_excel_has_bom_semicolons_and_decimal_commas() -> None:
    text = table_csv(TABLE).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").split("\r\n")
    assert lines[0] == "Gemeente;Op tijd;Aandeel (%);Peildatum"
    assert lines[1] == "Gemeente Aa;3;81,5;30-06-2026"
    assert lines[3] == "'+31 6 123;-2;0,25;"
    # A thousands separator would make Excel read 1.234 as text or 1,234: none is written.
    assert lines[4] == "'@SUM(A1);1234;1234,5;"


def test_csv_for_machines_keeps_the_dot_and_iso_dates() -> None:
    text = table_csv(TABLE, Flavour.RFC4180).decode("utf-8")
    assert not text.startswith("\ufeff")
    assert "Gemeente Aa,3,81.5,2026-06-30" in text


def test_csv_neutralises_formulas() -> None:
    text = table_csv(TABLE).decode("utf-8")
    assert '\r\n"\'=HYPERLINK(""http://evil"")";0;;\r\n' in text


def test_xlsx_has_caption_headings_and_typed_cells() -> None:
    sheet = _sheet(TABLE)
    assert sheet["A1"].value == "PIP binnen 10 weken: per gemeente"
    assert sheet.title == "PIP binnen 10 weken  per gemeen"
    assert [c.value for c in sheet[3]] == list(TABLE.columns)
    assert sheet["A4"].value == "Gemeente Aa"
    assert sheet["B4"].value == 3 and sheet["B4"].data_type == "n"
    assert sheet["C4"].value == 81.5
    assert sheet["D4"].value.date() == date(2026, 6, 30)
    assert sheet["C5"].value is None


@pytest.mark.parametrize(
    "row, text", [(5, '=HYPERLINK("http://evil")'), (6, "+31 6 123"), (7, "@SUM(A1)")]
)
def test_xlsx_writes_a_formula_as_text(row: int, text: str) -> None:
    cell = _sheet(TABLE).cell(row=row, column=1)
    assert cell.data_type == "s"
    assert cell.value == "'" + text


def test_a_heading_that_looks_like_a_formula_is_text_too() -> None:
    sheet = _sheet(ExportTable("=caption", ["-kolom"], [[1]]))
    assert sheet["A1"].data_type == "s" and sheet["A1"].value == "'=caption"
    assert sheet["A3"].value == "'-kolom"


def test_rows_must_fit_the_columns() -> None:
    with pytest.raises(ValueError):
        ExportTable("t", ["a", "b"], [[1]])

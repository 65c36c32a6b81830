"""Tables as people read them: the words and numbers of the interface, never the code's.

Every table a person sees ("Bekijk als tabel", the manager's figures) goes through
`readable`: column names come from the translation table (``report.col.<name>``),
coded values (up/down/same, principle/blockade) become words, numbers get the
locale's decimal separator and one decimal, and an empty cell shows a dash.
"""

from __future__ import annotations

import re

import pandas as pd

from kringwijs_survey.core import i18n
from kringwijs_survey.core.formatting import format_number

EMPTY = "–"
# Columns that hold counts: shown as whole numbers, never "3,0".
COUNT_COLUMNS = {
    "count_1", "count_2", "count_3", "count_4", "count_5", "n", "n_dont_know", "n_discuss",
    "respondents", "residents_n", "teams", "teams_high", "rank",
}  # fmt: skip
# Columns whose values are codes with a word per language (report.value.<column>.<code>).
CODED_COLUMNS = {"direction", "outcome", "kind"}
# Columns that hold a difference: always with a sign ("+1,3", "−0,5").
SIGNED_COLUMNS = {"delta", "difference"}
_INTERNAL_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def column_label(name: object, lang: str) -> str:
    """The header of a column: its translation, or the name itself when it is already a
    readable value such as an item number ("AB1") or a quarter ("2026-Q3").

    An internal name without a translation fails loudly, so a test finds it before a user does."""
    text = str(name)
    key = f"report.col.{text}"
    if key in i18n.table(lang):
        return i18n.t(key, lang)
    if _INTERNAL_NAME.match(text):
        raise KeyError(f"no translation {key!r} for the table column {text!r}")
    return text


def _count(value: object) -> str:
    return EMPTY if value is None or pd.isna(value) else str(int(value))


def _number(value: object, decimal: str, sign: bool = False) -> str:
    return format_number(value, decimal, sign=sign) or EMPTY


def _cell(value: object, decimal: str) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return EMPTY
    if isinstance(value, float):
        return _number(value, decimal)
    return value


def readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A copy of `frame` in the interface language, every cell as the text a person reads."""
    decimal = i18n.t("chart.decimal", lang)
    shown = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        values = frame[name]
        if name in COUNT_COLUMNS:
            cells = values.map(_count)
        elif name in CODED_COLUMNS:
            cells = values.map(lambda code, column=name: EMPTY if code is None or pd.isna(code) else i18n.t(f"report.value.{column}.{code}", lang))
        elif name in SIGNED_COLUMNS:
            cells = values.map(lambda value: _number(value, decimal, sign=True))
        elif pd.api.types.is_float_dtype(values):
            cells = values.map(lambda value: _number(value, decimal))
        else:
            cells = values.map(lambda value: _cell(value, decimal))
        shown[column_label(name, lang)] = cells.astype(object)
    return shown.reset_index(drop=True)

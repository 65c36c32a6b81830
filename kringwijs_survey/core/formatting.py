"""Numbers as people read them: one decimal, the locale's separator, a real minus sign."""

from __future__ import annotations

import pandas as pd


def format_number(value, decimal: str = ".", digits: int = 1, sign: bool = False) -> str:
    """1 decimal, the given separator, a real minus sign; "" for a missing value."""
    if value is None or pd.isna(value):
        return ""
    rounded = round(float(value), digits)
    text = (
        f"{rounded:+.{digits}f}" if sign and rounded != 0 else f"{abs(rounded) if rounded == 0 else rounded:.{digits}f}"
    )
    return text.replace("-", "\u2212").replace(".", decimal)

"""Quarters: "2026-Q3", the current one, moving by whole quarters."""

from __future__ import annotations

import datetime as dt


def current_period(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def shift_period(period: str, quarters: int) -> str:
    index = int(period[:4]) * 4 + int(period[-1]) - 1 + quarters
    return f"{index // 4}-Q{index % 4 + 1}"


def nearby_periods(today: dt.date | None = None, back: int = 4, ahead: int = 1) -> list[str]:
    """Quarters to choose from when starting a round: a year back, the current one and the next."""
    now = current_period(today)
    return [shift_period(now, offset) for offset in range(-back, ahead + 1)]

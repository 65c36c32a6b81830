"""Checks shared by forms, use cases and the importer, so every door applies the same rules."""

from __future__ import annotations

import re
import unicodedata

from .settings import COMMENT_MAX, NAME_MAX

PERIOD_PATTERN = re.compile(r"^(19|20|21)\d\d-Q[1-4]$")
SCORE_MIN, SCORE_MAX = 1, 5


class InvalidInput(ValueError):
    """Input a person can fix; the message is plain Dutch and safe to show."""


class Refused(InvalidInput):
    """A refusal whose text comes from the translation tables, so a page can show it in the
    person's own language (ui.show_error); str() is the default language for the CLI and logs."""

    def __init__(self, key: str, **values: object) -> None:
        from . import i18n

        super().__init__(i18n.t(key, **values))
        self.key = key
        self.values = values


def _keep(char: str, multiline: bool) -> bool:
    if multiline and char in "\n\t":
        return True
    return unicodedata.category(char) not in {"Cc", "Cf"} or char == "\u200d"


def clean_text(value: str | None, *, max_length: int, multiline: bool = False) -> str:
    """Strip control characters, keep every letter, accent and emoji (including ZWJ sequences)."""
    if value is None:
        return ""
    text = "".join(char for char in value.replace("\r\n", "\n").replace("\r", "\n") if _keep(char, multiline))
    text = text.strip()
    if len(text) > max_length:
        raise InvalidInput(f"Deze tekst is te lang: {len(text)} tekens. Het mogen er {max_length} zijn.")
    return text


def clean_name(value: str | None, what: str = "De naam") -> str:
    name = " ".join(clean_text(value, max_length=NAME_MAX * 2).split())
    if not name:
        raise InvalidInput(f"{what} is leeg. Vul een naam in.")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"{what} is te lang: {len(name)} tekens. Het mogen er {NAME_MAX} zijn.")
    return name


def clean_comment(value: str | None) -> str | None:
    text = clean_text(value, max_length=COMMENT_MAX, multiline=True)
    return text or None


def check_period(value: str) -> str:
    period = (value or "").strip().upper()
    if not PERIOD_PATTERN.match(period):
        raise InvalidInput(f"'{value}' is geen kwartaal. Schrijf het zo: 2026-Q3.")
    return period


def check_score(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
        raise InvalidInput(f"Een score is een getal van 1 tot en met 5, of 'weet ik niet'. Niet: {value!r}.")
    return value

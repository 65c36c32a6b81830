"""Checks shared by forms, use cases and the importer, so every door applies the same rules."""

from __future__ import annotations

import re
import unicodedata

from kringwijs_survey.core.i18n import DEFAULT_LANGUAGE, Msg
from kringwijs_survey.core.settings import COMMENT_MAX, NAME_MAX

PERIOD_PATTERN = re.compile(r"^(19|20|21)\d\d-Q[1-4]$")
SCORE_MIN, SCORE_MAX = 1, 5


class InvalidInput(ValueError):
    """Input a person can fix: a key of the translation table and its values, safe to show.
    str() is the Dutch text (the command line); pages show text(lang)."""

    def __init__(self, key: str, **values: object) -> None:
        self.message = Msg(key, **values)
        super().__init__(self.message.text(DEFAULT_LANGUAGE))

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.message.text(lang)


class Refused(InvalidInput):
    """Not a typing mistake but something the person may not or cannot do (no invitation, not
    their team): told like every InvalidInput, from the translation tables in their language."""

    @property
    def key(self) -> str:
        return self.message.key

    @property
    def values(self) -> dict[str, object]:
        return self.message.values


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
        raise InvalidInput("error.text_too_long", length=len(text), maximum=max_length)
    return text


def clean_name(value: str | None, what: str = "name") -> str:
    """`what` names the field in the messages: a key under error.what.* (name, team_name, ...)."""
    name = " ".join(clean_text(value, max_length=NAME_MAX * 2).split())
    field = Msg(f"error.what.{what}")
    if not name:
        raise InvalidInput("error.name_empty", what=field)
    if len(name) > NAME_MAX:
        raise InvalidInput("error.name_too_long", what=field, length=len(name), maximum=NAME_MAX)
    return name


def clean_comment(value: str | None) -> str | None:
    text = clean_text(value, max_length=COMMENT_MAX, multiline=True)
    return text or None


def check_period(value: str) -> str:
    period = (value or "").strip().upper()
    if not PERIOD_PATTERN.match(period):
        raise InvalidInput("error.period", value=value)
    return period


def check_score(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
        raise InvalidInput("error.score", value=repr(value))
    return value

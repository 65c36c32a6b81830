"""The interface's words: one translation table per language (locales/<lang>.yaml)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

from kringwijs_survey.core.yaml_files import load_yaml

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


@functools.cache
def table(lang: str) -> dict[str, str]:
    with open(LOCALES_DIR / f"{lang}.yaml", encoding="utf-8") as handle:
        return {str(key): str(value) for key, value in (load_yaml(handle) or {}).items()}


# The value that decides between singular and plural ("1 inwoner", "3 inwoners").
COUNT_VALUES = ("count", "answered")


def template(key: str, lang: str, values: Mapping[str, object]) -> str:
    """The unfilled text for `key`; a missing key fails loudly so it is caught by the tests, not
    by users. When the count is 1 and the table has `key.one`, that singular text is used."""
    words = table(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    count = next((values[name] for name in COUNT_VALUES if name in values), None)
    return words[f"{key}.one"] if count == 1 and f"{key}.one" in words else words[key]


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for `key` with its values filled in (see template)."""
    text = template(key, lang, values)
    return text.format(**values) if values else text


class Msg:
    """A text told later, in the reader's language: a key and its values (values may be Msgs too).

    Logic that has something to say (an error, a note) returns a Msg instead of words, so the
    page can tell it in Dutch or English; str() gives the default language (the command line)."""

    def __init__(self, key: str, **values: object) -> None:
        self.key, self.values = key, values

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        values = {name: value.text(lang) if isinstance(value, Msg) else value for name, value in self.values.items()}
        return t(self.key, lang, **values)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, {self.values!r})"

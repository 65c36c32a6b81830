"""The interface's words: one translation table per language (locales/<lang>.yaml)."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


@functools.cache
def table(lang: str) -> dict[str, str]:
    with open(LOCALES_DIR / f"{lang}.yaml", encoding="utf-8") as handle:
        return {str(key): str(value) for key, value in (yaml.safe_load(handle) or {}).items()}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for `key`; a missing key fails loudly so it is caught by the tests, not by users."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    text = table(lang)[key]
    return text.format(**values) if values else text

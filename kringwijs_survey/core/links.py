"""Every link the app hands out (team pages, workshops, invitations, residents' cards), built in
one place from the configured BASE_URL. A link made in English carries the language along."""

from __future__ import annotations

from urllib.parse import urlencode

from kringwijs_survey.core.i18n import DEFAULT_LANGUAGE

RESIDENTS_PARAM = "inwoner"


def _link(base_url: str, page: str, lang: str | None, **query: str) -> str:
    if lang and lang != DEFAULT_LANGUAGE:
        query["lang"] = lang
    return f"{base_url.rstrip('/')}/{page}?{urlencode(query)}"


def team_link(base_url: str, key: str, lang: str | None = None) -> str:
    return _link(base_url, "team", lang, team=key)


def join_link(base_url: str, code: str, lang: str | None = None) -> str:
    """A workshop's join link (the six-character code on the projector)."""
    return _link(base_url, "join", lang, join=code)


def invitation_link(base_url: str, code: str, lang: str | None = None) -> str:
    return _link(base_url, "join", lang, invite=code)


def residents_link(base_url: str, code: str, lang: str | None = None) -> str:
    return _link(base_url, "residents", lang, **{RESIDENTS_PARAM: code})

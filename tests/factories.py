"""Test factories: respondents the way the app lets them in.

A team round takes answers only through personal invitations (issue 12); `submit` makes one
invitation per new respondent key, as a team hands out one link per person, so tests that
are about something else can keep calling one function."""

from __future__ import annotations

from kringwijs_survey import services
from kringwijs_survey.access import SYSTEM

_invitations: dict[tuple[str, int, str], str] = {}


def invitation_for(engine, round_id: int, respondent: str) -> str | None:
    """The invitation this respondent key answers with (made once per key), None for open rounds."""
    quarter = services.get_round(engine, round_id)
    if quarter is None or not quarter.invitation_only:
        return None
    key = (str(engine.url), round_id, respondent)
    if key not in _invitations:
        if quarter.status != "open":
            return None
        _invitations[key] = services.create_invitations(engine, round_id, 1, actor=SYSTEM)[0]
    return _invitations[key]


def submit(engine, round_id: int, respondent: str, answers, *, final: bool = True) -> int:
    """services.submit_response through an invitation of the respondent's own."""
    return services.submit_response(
        engine, round_id, respondent, answers, final=final, invitation=invitation_for(engine, round_id, respondent)
    )

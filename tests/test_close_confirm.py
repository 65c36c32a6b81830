"""Closing a round asks first, and says whether the round can open again: a round that closed
with enough answers to show results can never reopen (policy.may_reopen)."""

from __future__ import annotations

import pytest

from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.rules.content import get_frameworks

import factories
from app_helpers import open_page

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]


def team_with_open_round(engine, answered: int):
    team = teams.create_team(engine, "Wijkteam Sluiten")
    key = teams.issue_team_key(engine, team.id)
    survey_round = rounds.start_round(engine, team.id, "2026-Q4")
    for person in range(answered):
        factories.submit(engine, survey_round.id, f"p{person}", [responses.AnswerInput(item.id, 3) for item in FRAMEWORK.items])
    return key, survey_round


def click(app, label: str) -> None:
    next(button for button in app.button if button.label == label).click().run()
    assert not app.exception, app.exception


def warnings(app) -> str:
    return "\n".join(warning.value for warning in app.warning)


@pytest.mark.parametrize(("answered", "says"), [(3, "niet meer open"), (1, "weer openen")])
def test_closing_asks_first_and_says_whether_the_round_can_open_again(app_engine, answered, says):
    key, survey_round = team_with_open_round(app_engine, answered)
    app = open_page("pages/team.py", query={"team": key})

    click(app, "Ronde sluiten")

    assert "Weet je het zeker?" in warnings(app) and says in warnings(app)
    assert rounds.get_round(app_engine, survey_round.id).status == "open"  # asking changes nothing
    click(app, "Ja, ronde sluiten")
    assert rounds.get_round(app_engine, survey_round.id).status == "closed"
    assert "Weet je het zeker?" not in warnings(app)


def test_no_leaves_the_round_open_and_stops_asking(app_engine):
    key, survey_round = team_with_open_round(app_engine, 3)
    app = open_page("pages/team.py", query={"team": key})

    click(app, "Ronde sluiten")
    click(app, "Nee, nu niet")

    assert rounds.get_round(app_engine, survey_round.id).status == "open"
    assert "Weet je het zeker?" not in warnings(app)
    assert any(button.label == "Ronde sluiten" for button in app.button)


def test_the_question_speaks_english_too(app_engine):
    key, _ = team_with_open_round(app_engine, 4)
    app = open_page("pages/team.py", query={"team": key, "lang": "en"})

    click(app, "Close round")

    assert "cannot be opened again" in warnings(app)
    assert any(button.label == "Yes, close the round" for button in app.button)

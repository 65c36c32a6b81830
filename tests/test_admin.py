"""The administrator manages teams and answers privacy requests from the admin page."""

import json

import pytest

from kringwijs_survey.domain import privacy, responses, rounds, teams
from kringwijs_survey.rules.access import Principal, Role

import factories
from app_helpers import all_text, open_page

ADMIN = {"principal": Principal(Role.ADMIN)}


@pytest.fixture
def engine(app_engine):
    return app_engine


def team_with_answers(engine, name):
    team = teams.create_team(engine, name)
    survey_round = rounds.start_round(engine, team.id, "2026-Q1")
    for person in "abc":
        factories.submit(engine, survey_round.id, f"{name}-{person}", [responses.AnswerInput("AB1", 3)])
    return team


def test_admin_erases_a_team_only_after_typing_its_name(engine):
    team_with_answers(engine, "Wijkteam Weg")
    team_with_answers(engine, "Wijkteam Blijft")
    app = open_page("pages/admin.py", session=ADMIN)
    app.selectbox(key="admin_privacy_team").set_value("Wijkteam Weg").run()
    form_input = next(box for box in app.text_input if box.label == "Typ hier de naam van het team")
    form_input.input("Wijkteam Blijft")
    next(b for b in app.button if b.label == "Team en alle gegevens wissen").click().run()
    assert "De naam klopt niet. Er is niets gewist." in all_text(app)
    assert teams.find_team(engine, "Wijkteam Weg") is not None

    next(box for box in app.text_input if box.label == "Typ hier de naam van het team").input("Wijkteam Weg")
    next(b for b in app.button if b.label == "Team en alle gegevens wissen").click().run()
    assert not app.exception
    assert "is gewist" in all_text(app)
    assert teams.find_team(engine, "Wijkteam Weg") is None
    assert teams.find_team(engine, "Wijkteam Blijft") is not None


def test_admin_export_holds_one_team(engine):
    team_with_answers(engine, "Wijkteam Inzage")
    team_with_answers(engine, "Wijkteam Ander")
    exported = json.loads(privacy.team_export_json(engine, "Wijkteam Inzage"))
    assert "Wijkteam Inzage" in json.dumps(exported, ensure_ascii=False)
    assert "Wijkteam Ander" not in json.dumps(exported, ensure_ascii=False)
    app = open_page("pages/admin.py", session=ADMIN)
    assert any(button.label == "Alles van dit team downloaden (JSON)" for button in app.get("download_button"))

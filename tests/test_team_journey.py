"""A team runs a quarter and the next one: create, start, fill in, close, see, act, compare."""

import pytest

from kringwijs_survey.core import periods
from kringwijs_survey.domain import csv_io, notes, responses, rounds, teams
from kringwijs_survey.render import reports
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.rules.content import get_frameworks

import factories
from app_helpers import all_text, open_page

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]


@pytest.fixture
def engine(app_engine, monkeypatch):
    monkeypatch.setenv("SELF_SERVICE_TEAMS", "1")  # these teams make themselves on "Nieuw team"
    return app_engine


def create_team_in_the_app(name="Wijkteam Reis"):
    app = open_page("pages/new_team.py")
    app.text_input[0].input(name)
    app.button[0].click().run()
    link = app.code[0].value
    return link.split("team=")[1]


def start_round_in_the_app(key, period):
    app = open_page("pages/team.py", query={"team": key})
    app.selectbox[0].set_value(period)
    next(b for b in app.button if b.label == "Ronde starten").click().run()
    assert not app.exception
    return app


def submit(engine, round_id, person, scores):
    answers = [responses.AnswerInput(item.id, scores[index % len(scores)]) for index, item in enumerate(FRAMEWORK.items)]
    factories.submit(engine, round_id, person, answers)


def closed_round(engine, team, period, scores):
    """A round of `team` in `period` that each (person, score) of `scores` answered, closed."""
    survey_round = rounds.start_round(engine, team.id, period)
    for person, score in scores:
        submit(engine, survey_round.id, person, [score])
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    return survey_round


def results_text(key, round_id, view=None):
    app = open_page("pages/results.py", query={"team": key}, session={"results_round": round_id})
    assert not app.exception, app.exception
    if view:
        app.radio(key="results_view").set_value(view).run()
        assert not app.exception, app.exception
    return app, all_text(app)


def test_create_start_three_submit_and_results_appear(engine):
    key = create_team_in_the_app()
    period = periods.current_period()
    start_round_in_the_app(key, period)
    team = teams.team_by_key(engine, key)
    survey_round = rounds.list_rounds(engine, team.id)[0]
    team_page = all_text(open_page("pages/team.py", query={"team": key}))
    assert "**0** uitnodigingen, **0** ingevuld" in team_page and "0** mensen" in team_page
    for person, scores in (("a", [2]), ("b", [3]), ("c", [5])):
        submit(engine, survey_round.id, person, scores)
    _, text = results_text(key, survey_round.id)
    assert "nog open" in text and "3 mensen" in text  # live round: only the count
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    app, text = results_text(key, survey_round.id)
    assert "Gebaseerd op de antwoorden van 3 teamleden" in text
    assert len(app.get("vega_lite_chart")) == 2  # the radar and the members' dots
    assert "Het best gaat" in text
    for view in ("blockades", "spread", "changes"):
        app.radio(key="results_view").set_value(view).run()
        assert not app.exception and len(app.get("vega_lite_chart")) >= 1, view


def test_with_two_members_the_results_stay_hidden(engine):
    key = create_team_in_the_app("Wijkteam Klein")
    team = teams.team_by_key(engine, key)
    survey_round = closed_round(engine, team, "2026-Q1", [("a", 1), ("b", 5)])
    app, text = results_text(key, survey_round.id)
    assert "te weinig antwoorden" in text and "minstens 3" in text
    assert len(app.get("vega_lite_chart")) == 0


def test_the_delta_to_last_round_is_right(engine):
    key = create_team_in_the_app("Wijkteam Delta")
    team = teams.team_by_key(engine, key)
    closed_round(engine, team, "2026-Q1", [("a", 2), ("b", 2), ("c", 3)])
    second = closed_round(engine, team, "2026-Q2", [("d", 4), ("e", 4), ("f", 3)])
    app, text = results_text(key, second.id, view="changes")
    table = next(frame.value for frame in app.dataframe if "Verschil" in frame.value.columns)
    row = table[table["Nr."] == FRAMEWORK.items[0].id].iloc[0]
    assert row["Gemiddelde vorige ronde"] == "2,3" and row["Gemiddelde"] == "3,7"
    assert row["Verschil"] == "+1,3" and row["Wat dat betekent"] == "beter"
    assert "Verschil met de ronde van 2026-Q1" in text


def test_open_actions_reappear_next_round_and_closing_one_removes_it(engine):
    key = create_team_in_the_app("Wijkteam Actie")
    team = teams.team_by_key(engine, key)
    first = closed_round(engine, team, "2026-Q1", [(person, 3) for person in "abc"])
    app, _ = results_text(key, first.id, view="actions")
    form_inputs = [t for t in app.text_input if t.label == "Wat gaan jullie doen?"]
    form_inputs[0].input("Elke week een huisbezoek samen")
    next(b for b in app.button if b.label == "Actie toevoegen").click().run()
    assert notes.open_actions(engine, team.id)[0].what == "Elke week een huisbezoek samen"

    rounds.start_round(engine, team.id, "2026-Q2")
    team_page = open_page("pages/team.py", query={"team": key})
    assert "Elke week een huisbezoek samen" in all_text(team_page)
    radio = next(r for r in team_page.radio if r.key and r.key.startswith("action-"))
    radio.set_value("done")
    next(b for b in team_page.button if b.label == "Opslaan").click().run()
    assert notes.open_actions(engine, team.id) == []
    assert "Elke week een huisbezoek samen" not in all_text(open_page("pages/team.py", query={"team": key}))


def test_results_from_the_menu_open_the_newest_round_that_has_results(engine):
    key = create_team_in_the_app("Wijkteam Menu")
    team = teams.team_by_key(engine, key)
    first = closed_round(engine, team, "2026-Q1", [("a", 2), ("b", 2), ("c", 3)])
    rounds.start_round(engine, team.id, "2026-Q2")
    app = open_page("pages/results.py", query={"team": key})
    text = all_text(app)
    assert "nog open" in text and "Je ziet de uitkomsten van 2026-Q1" in text
    assert app.selectbox[0].value == first.id
    assert len(app.get("vega_lite_chart")) >= 1


NEW_LENSES = ["radicale-herorientatie", "eigen-kracht", "kringwijs-handelingsprincipes", "kringwijs-overheid"]


@pytest.mark.parametrize("lens", NEW_LENSES)
def test_a_round_on_a_new_lens_runs_from_start_to_results(engine, lens):
    """Every lens from the sources can be chosen when a round starts, answered and read back."""
    framework = get_frameworks()[lens]
    key = create_team_in_the_app(f"Wijkteam {lens}")
    app = open_page("pages/team.py", query={"team": key})
    app.selectbox[1].set_value(lens)
    next(b for b in app.button if b.label == "Ronde starten").click().run()
    assert not app.exception
    team = teams.team_by_key(engine, key)
    survey_round = rounds.list_rounds(engine, team.id)[0]
    assert survey_round.framework == lens and survey_round.scales == framework.scales_version
    assert framework.title.nl in all_text(open_page("pages/team.py", query={"team": key}))
    for person, scores in (("a", [2, 4]), ("b", [3]), ("c", [5, 1])):
        answers = [responses.AnswerInput(item.id, scores[i % len(scores)]) for i, item in enumerate(framework.items)]
        factories.submit(engine, survey_round.id, person, answers)
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    app, text = results_text(key, survey_round.id)
    assert "Gebaseerd op de antwoorden van 3 teamleden" in text
    assert framework.items[0].title.nl in text.replace("\\", "")
    for view in ("blockades", "spread", "changes", "agenda"):
        app.radio(key="results_view").set_value(view).run()
        assert not app.exception, view
    assert reports.team_report_pdf(engine, team.id, survey_round.id, min_group=3).startswith(b"%PDF")
    exported = csv_io.export_rows(engine)
    assert {row[3] for row in exported} == set(framework.item_ids)
    assert [row[3] for row in exported[: len(framework.items)]] == framework.item_ids  # in the lens's own order

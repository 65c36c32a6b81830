"""The residents' view: residents answer short statements with faces, on their own phone or on a
shared tablet, and the team sees its own view beside theirs once enough residents answered."""

from __future__ import annotations

import pandas as pd
import pytest

from kringwijs_survey.core.settings import load_settings
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.core.vocabulary import AUDIENCE_RESIDENTS
from kringwijs_survey.domain import csv_io, responses, rounds, teams
from kringwijs_survey.render import charts
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.stats.aggregation import Scope, summarize
from kringwijs_survey.store.database import get_engine
from kringwijs_survey.views import residents
from kringwijs_survey.web import signin

import factories
from app_helpers import all_text, open_page

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
STATEMENTS = FRAMEWORK.resident_statements
TEAM_SCORE = 4
# Five residents; for each the score they give to every statement (0 = "weet ik niet").
RESIDENT_SCORES = [2, 2, 3, 1, 0, 2]  # six residents, one chose "weet ik niet": five scores


@pytest.fixture
def world(app_engine):
    """A team with its key and a closed team round (three members, everyone scored 4)."""
    engine = app_engine
    team = teams.create_team(engine, "Wijkteam Bewoners")
    key = teams.issue_team_key(engine, team.id)
    survey_round = rounds.start_round(engine, team.id, "2026-Q3")
    for person in "abc":
        factories.submit(engine, survey_round.id, person, [responses.AnswerInput(item.id, TEAM_SCORE) for item in FRAMEWORK.items])
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    return engine, key, survey_round


def resident_radios(app):
    return [radio for radio in app.radio if radio.key and radio.key.startswith(signin.RESIDENT_ANSWER_PREFIX)]


def answer_as_resident(app, score: int) -> None:
    """One resident: a face for every statement, then "Versturen" (send)."""
    radios = resident_radios(app)
    assert len(radios) == len(STATEMENTS)
    for radio in radios:
        radio.set_value(score)
    next(button for button in app.button if button.label == "Versturen").click().run()
    assert not app.exception, app.exception


def next_resident(app) -> None:
    next(button for button in app.button if button.label == "Volgende inwoner").click().run()
    assert not app.exception, app.exception


def ask_residents_in_the_app(key: str, survey_round) -> str:
    """On the team page: "Inwoners vragen" opens a residents' round with its own code, link and QR."""
    app = open_page("pages/team.py", query={"team": key})
    next(button for button in app.button if button.label == "Inwoners vragen").click().run()
    assert not app.exception, app.exception
    residents_round = rounds.residents_round_of(services_engine(), survey_round)
    assert residents_round is not None and residents_round.audience == AUDIENCE_RESIDENTS and residents_round.status == "open"
    text = all_text(app)
    assert residents_round.join_code in text and f"/residents?inwoner={residents_round.join_code}" in text
    assert len(app.get("image")) == 1  # the QR code
    return residents_round.join_code


def services_engine():
    return get_engine(load_settings().database_url)


def close_residents_round_in_the_app(key: str) -> None:
    app = open_page("pages/team.py", query={"team": key})
    next(button for button in app.button if button.label == "Inwonersronde sluiten").click().run()
    assert any("Weet je het zeker?" in warning.value for warning in app.warning)
    next(button for button in app.button if button.label == "Ja, inwonersronde sluiten").click().run()
    assert not app.exception, app.exception


def residents_tab_text(key: str, survey_round) -> tuple[object, str]:
    app = open_page("pages/results.py", query={"team": key}, session={"results_round": survey_round.id})
    assert not app.exception, app.exception
    app.radio(key="results_view").set_value("residents").run()
    assert not app.exception, app.exception
    tab = app.main  # only the chosen view is drawn
    parts = [m.value for m in tab.markdown] + [c.value for c in tab.caption] + [s.value for s in tab.subheader]
    parts += [i.value for i in tab.info] + [w.value for w in tab.warning]
    return tab, "\n".join(parts)


# --- journeys ----------------------------------------------------------------------------------


def test_six_residents_on_one_tablet_then_both_views_side_by_side(world):
    engine, key, survey_round = world
    code = ask_residents_in_the_app(key, survey_round)

    tablet = open_page("pages/residents.py", query={"inwoner": code})
    assert "Wat vindt u van Wijkteam Bewoners?" in all_text(tablet)
    keys = set()
    for index, score in enumerate(RESIDENT_SCORES):
        keys.add(tablet.session_state["principal"].respondent)
        answer_as_resident(tablet, score)
        assert "Dank u wel!" in all_text(tablet)
        assert rounds.count_responses(engine, rounds.residents_round_of(engine, survey_round).id) == index + 1
        next_resident(tablet)
    assert len(keys) == 6  # every resident had their own random key

    _, text = residents_tab_text(key, survey_round)
    assert "nog open" in text and "**6** inwoners" in text  # still open: only the count

    close_residents_round_in_the_app(key)
    tab, text = residents_tab_text(key, survey_round)
    assert "Gebaseerd op de antwoorden van 6 inwoners" in text
    assert "Hier liggen team en inwoners het verst uit elkaar" in text
    assert "Team en inwoners zien dit anders. Waarom?" in text and "minder positief" not in text
    assert len(tab.get("vega_lite_chart")) == 1
    table = next(frame.value for frame in tab.dataframe)
    row = table[table["Nr."] == "AB1"].iloc[0]
    assert row["Team"] == f"{TEAM_SCORE},0" and row["Inwoners"] == "2,0" and row["Verschil"] == "\u22122,0"  # median of 1, 2, 2, 2, 3
    assert row["Antwoorden van inwoners"] == "5"  # "weet ik niet" is not a score


def test_with_four_residents_only_the_count_is_shown(world):
    engine, key, survey_round = world
    code = ask_residents_in_the_app(key, survey_round)
    tablet = open_page("pages/residents.py", query={"inwoner": code})
    for score in RESIDENT_SCORES[:4]:
        answer_as_resident(tablet, score)
        next_resident(tablet)
    close_residents_round_in_the_app(key)
    tab, text = residents_tab_text(key, survey_round)
    assert "**4** inwoners hebben meegedaan" in text and "vanaf 5 inwoners" in text
    assert len(tab.get("vega_lite_chart")) == 0 and len(tab.dataframe) == 0
    assert "antwoorden van 4 inwoners" not in text and "verschillen" not in text


def test_the_next_resident_on_a_shared_tablet_sees_nothing_of_the_previous_one(world):
    engine, key, survey_round = world
    residents_round = rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM)
    tablet = open_page("pages/residents.py", query={"inwoner": residents_round.join_code})
    first = tablet.session_state["principal"].respondent
    radios = resident_radios(tablet)
    for radio, score in zip(radios, [5, 4, 3, 2, 1, 0, 5, 4, 3]):
        radio.set_value(score)
    first_widget_keys = {radio.key for radio in radios}
    next(button for button in tablet.button if button.label == "Versturen").click().run()

    # The thank-you screen keeps nothing of the answers.
    assert "Dank u wel!" in all_text(tablet) and not resident_radios(tablet)
    assert not [k for k in tablet.session_state.to_dict() if str(k).startswith(signin.RESIDENT_ANSWER_PREFIX)]

    next_resident(tablet)
    second = tablet.session_state["principal"].respondent
    assert second != first and len(second) >= 24
    radios = resident_radios(tablet)
    assert len(radios) == len(STATEMENTS) and all(radio.value is None for radio in radios)
    assert not first_widget_keys & {radio.key for radio in radios}
    state = tablet.session_state.to_dict()
    answers = {k: v for k, v in state.items() if str(k).startswith(signin.RESIDENT_ANSWER_PREFIX)}
    assert set(answers) == {radio.key for radio in radios} and all(value is None for value in answers.values())
    assert first not in repr(state)  # the previous resident's key is gone from the session
    assert "me" not in tablet.query_params  # and was never in the URL or the browser history
    text = all_text(tablet)
    assert "Dank u wel!" not in text and "Wat vindt u van Wijkteam Bewoners?" in text

    stored = responses.load_own_response(engine, residents_round.id, first)
    assert stored.submitted and stored.answers["R1"].score == 5 and stored.answers["R6"].score is None
    assert responses.load_own_response(engine, residents_round.id, second) is None


def test_sending_nothing_is_refused_kindly(world):
    engine, _, survey_round = world
    residents_round = rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM)
    tablet = open_page("pages/residents.py", query={"inwoner": residents_round.join_code})
    next(button for button in tablet.button if button.label == "Versturen").click().run()
    assert "Kies eerst bij minstens één zin een gezichtje" in all_text(tablet)
    assert rounds.count_responses(engine, residents_round.id) == 0


def test_a_resident_may_skip_statements_and_double_sending_keeps_one_response(world):
    engine, _, survey_round = world
    residents_round = rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM)
    tablet = open_page("pages/residents.py", query={"inwoner": residents_round.join_code})
    resident_radios(tablet)[0].set_value(5)
    who = tablet.session_state["principal"]
    next(button for button in tablet.button if button.label == "Versturen").click().run()
    factories.submit(engine, residents_round.id, who.respondent, [responses.AnswerInput("R1", 5)])  # a double click
    assert rounds.count_responses(engine, residents_round.id) == 1
    assert list(responses.load_own_response(engine, residents_round.id, who.respondent).answers) == ["R1"]


# --- access ------------------------------------------------------------------------------------


def test_a_residents_code_never_opens_the_team_questionnaire(world):
    engine, _, survey_round = world
    residents_round = rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM)
    app = open_page("pages/join.py", query={"join": residents_round.join_code})
    text = all_text(app)
    assert "Deze code is voor inwoners" in text
    assert not [radio for radio in app.radio if radio.key and radio.key.startswith("score-")]
    assert "Vraag 1 van" not in text and app.session_state.get("principal") is None

    # Typed into the join page's form: refused too.
    app.text_input[0].input(residents_round.join_code)
    next(button for button in app.button if button.label == "Meedoen").click().run()
    assert not [radio for radio in app.radio if radio.key and radio.key.startswith("score-")]

    # A resident who wanders to the team questionnaire is sent back to the residents' page.
    tablet = open_page("pages/residents.py", query={"inwoner": residents_round.join_code})
    tablet.switch_page("pages/join.py").run()
    text = all_text(tablet)
    assert "Deze vragenlijst is alleen voor het team" in text
    assert not [radio for radio in tablet.radio if radio.key and radio.key.startswith("score-")]


def test_a_team_code_never_opens_the_residents_page(world):
    engine, _, survey_round = world
    team_round = rounds.start_round(engine, survey_round.team_id, "2026-Q4")
    app = open_page("pages/residents.py", query={"inwoner": team_round.join_code})
    assert "Deze code is voor de vragenlijst van het team" in all_text(app)
    assert not resident_radios(app)
    (invitation,) = rounds.create_invitations(engine, team_round.id, 1, actor=SYSTEM)
    member = open_page("pages/join.py", query={"invite": invitation})
    member.switch_page("pages/residents.py").run()
    assert "Deze pagina is alleen voor inwoners" in all_text(member) and not resident_radios(member)


def test_new_links_say_inwoner_and_printed_cards_with_bewoner_keep_working(world):
    """Links and QR codes say ?inwoner= (one word for the person supported); cards printed when
    they said ?bewoner= still open the residents' page and take answers."""
    engine, _, survey_round = world
    residents_round = rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM)
    link = signin.residents_link(residents_round.join_code)
    assert link.endswith(f"/residents?inwoner={residents_round.join_code}") and "bewoner" not in link
    for param in ("inwoner", "bewoner"):
        tablet = open_page("pages/residents.py", query={param: residents_round.join_code})
        assert tablet.session_state["principal"].round_id == residents_round.id, param
        assert len(resident_radios(tablet)) == len(STATEMENTS), param
        answer_as_resident(tablet, 4)
        assert "Dank u wel!" in all_text(tablet)
    assert rounds.count_responses(engine, residents_round.id) == 2
    # An unknown code is refused the same way whichever word the link uses.
    for param in ("inwoner", "bewoner"):
        app = open_page("pages/residents.py", query={param: "ZZZZZZ"})
        assert not resident_radios(app) and app.session_state.get("principal") is None


def test_a_resident_types_the_code_from_the_card(world):
    engine, _, survey_round = world
    residents_round = rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM)
    app = open_page("pages/residents.py")
    assert not resident_radios(app)
    app.text_input[0].input(residents_round.join_code.lower())
    next(button for button in app.button if button.label == "Beginnen").click().run()
    assert len(resident_radios(app)) == len(STATEMENTS)
    assert "Wijkteam Bewoners" in all_text(app)


def test_a_team_member_handing_over_the_tablet_is_signed_out(world):
    engine, key, survey_round = world
    residents_round = rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM)
    app = open_page("pages/team.py", query={"team": key})
    app.query_params["inwoner"] = residents_round.join_code
    app.switch_page("pages/residents.py").run()
    assert app.session_state["principal"].round_id == residents_round.id
    assert "team" not in app.query_params
    app.switch_page("pages/team.py").run()
    assert "Je hebt geen toegang" in all_text(app)


def test_a_closed_residents_round_takes_no_more_answers(world):
    engine, _, survey_round = world
    residents_round = rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM)
    tablet = open_page("pages/residents.py", query={"inwoner": residents_round.join_code})
    rounds.close_round(engine, residents_round.id, actor=SYSTEM)
    tablet.run()
    assert "Deze ronde is gesloten" in all_text(tablet) and not resident_radios(tablet)


# --- storage, aggregation, settings ------------------------------------------------------------


def test_resident_answers_are_stored_as_answers_with_statement_ids(world):
    engine, _, survey_round = world
    residents_round = rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM)
    assert rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM).id == residents_round.id  # asking again: same round
    assert (residents_round.team_id, residents_round.period, residents_round.framework) == (survey_round.team_id, survey_round.period, survey_round.framework)
    factories.submit(engine, residents_round.id, "bewoner-1", [responses.AnswerInput("R1", 2), responses.AnswerInput("R2", None)])
    with pytest.raises(InvalidInput, match="hoort niet bij deze vragenlijst"):
        factories.submit(engine, residents_round.id, "bewoner-2", [responses.AnswerInput("KR1", 3)])  # another framework
    with pytest.raises(InvalidInput, match="Alleen bij een beginsel"):
        factories.submit(engine, residents_round.id, "bewoner-2", [responses.AnswerInput("R1", 3, target=5)])
    team_round = rounds.start_round(engine, survey_round.team_id, "2026-Q4")
    with pytest.raises(InvalidInput, match="hoort niet bij deze vragenlijst"):
        factories.submit(engine, team_round.id, "lid", [responses.AnswerInput("R1", 3)])
    # Residents' rounds belong to a team round: the team's list shows team rounds only.
    assert [r.id for r in rounds.list_rounds(engine, survey_round.team_id)] == [team_round.id, survey_round.id]
    assert residents_round.id in [r.id for r in rounds.list_rounds(engine, survey_round.team_id, audience=None)]
    with pytest.raises(InvalidInput):
        rounds.open_residents_round(engine, residents_round.id, actor=SYSTEM)


def test_summarize_keeps_the_two_audiences_apart(world):
    engine, _, survey_round = world
    residents_round = rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM)
    for index, score in enumerate([1, 2, 2, 3, None]):
        factories.submit(engine, residents_round.id, f"bewoner-{index}", [responses.AnswerInput(s.id, score) for s in STATEMENTS])
    frame = summarize(engine, Scope.of(round_ids=[residents_round.id], audience=AUDIENCE_RESIDENTS), min_group=4)
    assert sorted(frame["item"]) == sorted(s.id for s in STATEMENTS)
    row = frame[frame["item"] == "R1"].iloc[0]
    assert (row["respondents"], row["n"], row["median"], row["n_dont_know"]) == (5, 4, 2.0, 1)
    assert summarize(engine, Scope.of(audience=AUDIENCE_RESIDENTS), min_group=6)["suppressed"].all()
    assert not set(summarize(engine, Scope.of(), min_group=3)["item"]) & {s.id for s in STATEMENTS}
    assert not {row[3] for row in csv_io.export_rows(engine)} & {s.id for s in STATEMENTS}  # csv stays team-only


def test_perspectives_pool_the_statements_of_one_principle(world):
    engine, _, survey_round = world
    residents_round = rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM)
    for index in range(5):
        answers = [responses.AnswerInput("R2", 1 + index), responses.AnswerInput("R3", [2, 2, 4, 4, 4][index])]
        answers.append(responses.AnswerInput("R1", 4))
        factories.submit(engine, residents_round.id, f"bewoner-{index}", answers)
    options = dict(min_group=3, min_group_residents=5, lang="nl")
    assert not residents.perspectives(engine, survey_round, **options).shown  # open: not released
    rounds.close_round(engine, residents_round.id, actor=SYSTEM)
    view = residents.perspectives(engine, survey_round, **options)
    assert view.shown and view.respondents == 5
    frame = view.frame.set_index("item")
    assert list(frame.index) == ["AB1", "AB2", "AB3", "AB4", "AB5", "AO1", "AO3", "AO5"]
    # AB2 has two statements (medians 3 and 4): 1 2 2 2 3 | 4 4 4 4 5 together -> the middle is 3.5
    assert frame.at["AB2", "residents_median"] == 3.5 and frame.at["AB2", "residents_n"] == 10
    assert frame.at["AB1", "difference"] == 0 and pd.isna(frame.at["AB3", "residents_median"])
    assert list(view.largest_differences()["item"]) == []  # nowhere 1 point or more
    assert not residents.perspectives(engine, survey_round, min_group=3, min_group_residents=6, lang="nl").shown


def test_min_group_residents_defaults_to_five_and_never_drops_below_three(monkeypatch):
    monkeypatch.delenv("MIN_GROUP_RESIDENTS", raising=False)
    assert load_settings().min_group_residents == 5
    monkeypatch.setenv("MIN_GROUP_RESIDENTS", "1")
    assert load_settings().min_group_residents == 3
    monkeypatch.setenv("MIN_GROUP_RESIDENTS", "8")
    assert load_settings().min_group_residents == 8


# --- the chart ---------------------------------------------------------------------------------

LABELS = {"no_data": "Niets", "team": "Ons team", "residents": "Bewoners", "difference": "Verschil", "decimal": ","}


def test_perspectives_chart_shows_both_medians_and_the_difference():
    frame = pd.DataFrame(
        {"item": ["AB1", "AB5"], "title": ["Respect", "Relatie"], "team_median": [4.0, 4.0], "residents_median": [4.0, 2.0]}
    )
    spec = charts.perspectives_chart(frame, labels=LABELS).to_dict()
    layers = {layer["name"]: layer for layer in spec["layer"]}
    assert {"medians", "values", "differences", "principle_titles"} <= set(layers)
    datasets = spec["datasets"]
    values = datasets[layers["values"]["data"]["name"]]
    assert sorted(row["value_text"] for row in values) == ["2,0", "4,0", "4,0", "4,0"]
    assert [row["text"] for row in datasets[layers["differences"]["data"]["name"]]] == ["0,0", "\u22122,0"]
    point = layers["medians"]["encoding"]
    assert point["color"]["scale"]["range"] == [charts.BLUE, charts.VERMILLION]
    assert point["shape"]["scale"]["range"] == ["circle", "square"]  # not colour only
    assert charts.chart_image(charts.perspectives_chart(frame, labels=LABELS))[:4] == b"\x89PNG"


def test_perspectives_chart_without_numbers_says_so():
    spec = charts.perspectives_chart(pd.DataFrame(), labels=LABELS).to_dict()
    assert "Niets" in str(spec)
    with pytest.raises(KeyError):
        charts.perspectives_chart(pd.DataFrame(), labels={"no_data": "Niets"})


def test_a_team_can_address_its_residents_with_jij_instead_of_u(world):
    engine, key, team_round = world
    residents_round = rounds.open_residents_round(engine, team_round.id, actor=SYSTEM)
    formal = all_text(open_page("pages/residents.py", query={"inwoner": residents_round.join_code}))
    assert "Wat vindt u van Wijkteam Bewoners?" in formal and "Bent u het eens met deze zin?" in formal
    assert " jij " not in formal and " je " not in formal

    team_page = open_page("pages/team.py", query={"team": key})
    next(toggle for toggle in team_page.toggle if toggle.label.startswith("Inwoners aanspreken met 'jij'")).set_value(True).run()
    assert not team_page.exception
    assert teams.get_team(engine, team_round.team_id).residents_informal

    informal = all_text(open_page("pages/residents.py", query={"inwoner": residents_round.join_code}))
    assert "Wat vind jij van Wijkteam Bewoners?" in informal and "Ben je het eens met deze zin?" in informal
    assert "wijkteam" not in informal.lower().replace("wijkteam bewoners", "")

"""Attacks on what may be shown (issue 12, part A), each tried as the attacker would, and shown
to fail: finding 5 (one score among "weet ik niet"), `summary` on open rounds, single sign-on
without a verified e-mail address, and counting teams from the welcome page."""

import json

import pandas as pd
import pytest
from policy_world import LONE_SCORE, NOTHING, OURS, PERIOD, fill, make_round, run_summary, table_on_page
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from kringwijs_survey.domain import responses, rounds, teams, workshop
from kringwijs_survey.render import tables
from kringwijs_survey.rules import access
from kringwijs_survey.rules.access import SYSTEM, Principal, Role
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.views import residents, workshop_results

import factories
from app_helpers import all_text, open_page

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
RESIDENT_STATEMENTS = [s for s in FRAMEWORK.resident_statements]


@pytest.fixture
def team(app_engine):
    ours = teams.create_team(app_engine, OURS, "Kringstad")
    return app_engine, ours, teams.issue_team_key(app_engine, ours.id)


def chart_data(app) -> list:
    """The data frames the charts on the page were drawn from: everything the browser receives,
    as Arrow datasets or as rows inside the Vega-Lite spec."""
    charts = app.get("vega_lite_chart")
    arrow = [convert_arrow_bytes_to_pandas_df(dataset.data.data) for chart in charts for dataset in chart.proto.datasets]
    inline = [pd.DataFrame(rows) for chart in charts for rows in json.loads(chart.proto.spec).get("datasets", {}).values()]
    return arrow + inline


def chart_rows(app, item_id: str) -> list[dict]:
    """Every data row any chart on the page holds about `item_id`."""
    rows = []
    for frame in chart_data(app):
        if "item" in frame:
            rows += frame[frame["item"] == item_id].to_dict("records")
    assert chart_data(app), "the page drew no chart data at all"
    return rows


# --- finding 5: five respondents, four chose "weet ik niet" on AB1 ------------------------


def test_finding_5_the_team_page_never_shows_the_one_score_among_dont_knows(team):
    engine, ours, key = team
    survey_round = make_round(engine, ours.id, "item below threshold")  # person 0 scored AB1 = 1, target 2
    app = open_page("pages/results.py", query={"team": key}, session={"results_round": survey_round.id})
    text = all_text(app)
    assert "Gebaseerd op de antwoorden van 5 teamleden" in text
    assert "Te weinig antwoorden om cijfers te laten zien bij: AB1" in text
    # The table behind the charts and the charts' own data: no median, mean, dot or target of AB1.
    table = table_on_page(app)
    assert (table.loc["AB1", ["median", "target_mean", "count_1", "count_2", "count_3", "count_4", "count_5"]] == NOTHING).all()
    for row in chart_rows(app, "AB1"):
        for field in ("median", "mean", "sd", "target_mean", "score", "count_1", "count_2", "count_3", "count_4", "count_5"):
            value = row.get(field)
            assert value is None or value != value, (field, row)  # missing or NaN
        assert not row.get("median_text") and not row.get("target_text")
    # Every other view of the round: spread, changes, agenda.
    for view in ("spread", "blockades", "changes", "agenda"):
        app.radio(key="results_view").set_value(view).run()
        assert not app.exception
        for index in range(len(app.dataframe)):
            if tables.column_label("item", "nl") not in app.dataframe[index].value.columns:
                continue  # the blockade pairs: AB1 answers no blockade
            table = table_on_page(app, index)
            checked = [column for column in ("median", "mean", "sd", "count_1", "lowest", "highest") if column in table]
            assert checked, view
            if "AB1" in table.index:
                assert (table.loc[["AB1"], checked] == NOTHING).all().all(), view


def test_finding_5_the_summary_command_never_shows_the_one_score(team):
    engine, ours, _ = team
    make_round(engine, ours.id, "item below threshold")
    ab1 = {row["item"]: row for row in run_summary(str(engine.url), "--team", OURS)}["AB1"]
    assert ab1["respondents"] == "5" and ab1["n"] == "1" and ab1["suppressed"] == "true"
    assert [ab1[column] for column in ("mean", "median", "sd", "count_1", "count_2", "count_3", "count_4", "count_5")] == [""] * 8


def test_finding_5_the_residents_comparison_needs_enough_scores_on_both_sides(team):
    """Team side: AB1 has one score. Residents' side: six residents, but the statements of AB1
    got four scores (fewer than MIN_GROUP_RESIDENTS = 5): neither median is shown."""
    engine, ours, key = team
    survey_round = make_round(engine, ours.id, "item below threshold")
    residents_round = rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM)
    ab1_statements = {s.id for s in RESIDENT_STATEMENTS if s.principle == "AB1"}
    for person in range(6):
        answers = [
            responses.AnswerInput(s.id, None if s.id in ab1_statements and person >= 4 else 2)
            for s in RESIDENT_STATEMENTS
        ]
        factories.submit(engine, residents_round.id, f"bewoner-{person}", answers)
    rounds.close_round(engine, residents_round.id, actor=SYSTEM)
    view = residents.perspectives(engine, survey_round, min_group=3, min_group_residents=5, lang="nl")
    assert view.shown
    ab1 = view.frame.set_index("item").loc["AB1"]
    assert ab1[["team_median", "residents_median", "difference"]].isna().all()
    others = view.frame[view.frame["item"] != "AB1"]
    assert (others["residents_median"] == 2).all() and (others["team_median"] == 4).all()
    app = open_page("pages/results.py", query={"team": key}, session={"results_round": survey_round.id})
    app.radio(key="results_view").set_value("residents").run()
    assert not app.exception
    row = table_on_page(app).loc["AB1"]
    assert (row[["team_median", "residents_median", "difference"]] == NOTHING).all()
    assert any("te weinig antwoorden" in frame.astype(str).to_numpy().ravel() for frame in chart_data(app))


def test_finding_5_the_workshop_reveal_shows_too_few_answers_not_the_one_score(team):
    engine, _, _ = team
    survey_round = workshop.start_workshop(engine, group_name="Training Kringstad", period=PERIOD)
    fill(engine, survey_round.id, 5, thin=True)
    workshop.set_live_item(engine, survey_round.id, FRAMEWORK.item_ids.index("AB1"))
    frozen = workshop.reveal_item(engine, survey_round.id, min_group=3)
    assert frozen["too_few_scores"] and frozen["n"] == 1 and frozen["median"] is None
    assert all(frozen[f"count_{score}"] is None for score in range(1, 6))
    beamer_code = workshop.issue_workshop_key(engine, survey_round.id)  # the projector opens with the beamer code
    app = open_page("pages/presenter.py", query={"workshop": beamer_code}, session={"principal": Principal(Role.FACILITATOR)})
    assert not app.exception, app.exception
    text = all_text(app)
    assert "Te weinig antwoorden om cijfers te laten zien bij: AB1" in text
    assert f"**{LONE_SCORE}**" not in text.replace("**1** ", "")  # no count next to a score label


# --- point 8: the summary command and open rounds -----------------------------------------


def test_summary_command_never_includes_an_open_round(team):
    """An admin (or anyone with the server's shell) runs `summary` while a round is open, then
    again after one more answer: the difference would be that person's scores."""
    engine, ours, _ = team
    survey_round = make_round(engine, ours.id, "open")
    assert run_summary(str(engine.url)) == []
    fill(engine, survey_round.id, 1)
    assert run_summary(str(engine.url)) == []
    # A workshop round the facilitator revealed is still open: not in the summary either.
    live = workshop.start_workshop(engine, group_name="Training Kringstad", period=PERIOD)
    fill(engine, live.id, 5)
    workshop.set_live_item(engine, live.id, 0)
    workshop.reveal_item(engine, live.id, min_group=3)
    assert run_summary(str(engine.url)) == []
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    assert {row["team"] for row in run_summary(str(engine.url))} == {OURS}


# --- point 8: single sign-on needs a verified e-mail address ------------------------------

ROLE_TABLE = {"manager": ["wethouder@gemeente.nl"], "admin": ["it@gemeente.nl"]}


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "wethouder@gemeente.nl"},  # the provider says nothing about verification
        {"email": "wethouder@gemeente.nl", "email_verified": False},
        {"email": "wethouder@gemeente.nl", "email_verified": "false"},
        {"email": "IT@gemeente.nl", "email_verified": None},
    ],
)
def test_single_sign_on_with_an_unverified_address_gets_no_role(claims):
    """An outsider registers the manager's address at a provider that does not verify it."""
    assert access.roles_for_user(claims, ROLE_TABLE) == []


def test_single_sign_on_with_a_verified_address_gets_its_role():
    assert access.roles_for_user({"email": "Wethouder@Gemeente.nl", "email_verified": True}, ROLE_TABLE) == [Role.MANAGER]
    assert access.roles_for_user({"email": "it@gemeente.nl", "email_verified": "true"}, ROLE_TABLE) == [Role.ADMIN]
    assert access.roles_for_user(None, ROLE_TABLE) == []


# --- point 8: the welcome page does not tell outsiders how many teams exist ---------------


@pytest.mark.parametrize(
    ("who", "told"),
    [
        ("anonymous", False),
        ("participant", False),
        ("team", False),
        ("facilitator", True),
        ("manager", True),
        ("admin", True),
    ],
)
def test_welcome_tells_only_signed_in_staff_how_many_teams_and_rounds_exist(demo_app_engine, who, told):
    app_engine, created = demo_app_engine  # a copy of create_demo_data's municipality
    keys = created["keys"]
    team_count = len(teams.list_teams(app_engine))
    code = next(r.join_code for t in teams.list_teams(app_engine) for r in rounds.list_rounds(app_engine, t.id) if r.status == "open")
    query = {"team": next(iter(keys.values()))} if who == "team" else {"join": code} if who == "participant" else {}
    session = {"principal": Principal(Role(who))} if who in ("facilitator", "manager", "admin") else {}
    app = open_page("pages/welcome.py", query=query, session=session)
    assert not app.exception, app.exception
    text = all_text(app)
    assert (f"Er zijn {team_count} teams" in text) == told
    assert "rondes in deze app" in text if told else "rondes in deze app" not in text and "nog geen teams" not in text
    assert "Maak een team aan" in text or told


# --- point 8: a changed or late answer after a workshop reveal ----------------------------


def revealed_workshop(engine, people: int = 4):
    """A workshop where `people` scored AB1 with a 4 and the facilitator revealed AB1."""
    survey_round = workshop.start_workshop(engine, group_name="Training Kringstad", period=PERIOD)
    fill(engine, survey_round.id, people)
    workshop.set_live_item(engine, survey_round.id, FRAMEWORK.item_ids.index("AB1"))
    frozen = workshop.reveal_item(engine, survey_round.id, min_group=3)
    assert frozen["count_4"] == people and frozen["respondents"] == people
    return survey_round


def ab1_after_closing(engine, survey_round) -> tuple:
    workshop.close_workshop(engine, survey_round.id)
    summary = workshop_results.workshop_summary(engine, survey_round.id, "nl", min_group=3)
    cli = {row["item"]: row for row in run_summary(str(engine.url), "--team", "Training Kringstad")}["AB1"]
    return summary, summary.profile.set_index("item").loc["AB1"], cli


@pytest.mark.parametrize("late", ["a changed answer", "one late answer", "two late answers"])
def test_a_change_after_the_reveal_is_not_shown_as_a_difference(team, late):
    """The room saw AB1 = four 4s. Someone changes their answer to 1 after the reveal (or one or
    two people answer late with a 1): the closed summary would show exactly their score."""
    engine, _, _ = team
    survey_round = revealed_workshop(engine)
    lone = [responses.AnswerInput(item.id, 1 if item.id == "AB1" else 4) for item in FRAMEWORK.items]
    if late == "a changed answer":
        factories.submit(engine, survey_round.id, f"{survey_round.id}-0", lone)
    else:
        for person in range(1 if late == "one late answer" else 2):
            factories.submit(engine, survey_round.id, f"late-{person}", lone)
    summary, ab1, cli = ab1_after_closing(engine, survey_round)
    assert summary.shown and summary.changed_since_reveal == (f"AB1 · {FRAMEWORK.item('AB1').title.get('nl')}",)
    assert ab1[["median", "count_1", "count_4"]].isna().all()
    assert cli["suppressed"] == "true" and cli["mean"] == cli["count_1"] == ""
    assert summary.profile.set_index("item").at["AB2", "median"] == 4  # items never revealed stay shown


def test_unchanged_or_a_whole_group_more_after_the_reveal_is_shown(team):
    engine, _, _ = team
    survey_round = revealed_workshop(engine)
    summary, ab1, cli = ab1_after_closing(engine, survey_round)
    assert summary.changed_since_reveal == () and ab1["count_4"] == 4 and cli["mean"] == "4"

    other = workshop.start_workshop(engine, group_name="Training Twee", period=PERIOD)
    fill(engine, other.id, 3)
    workshop.set_live_item(engine, other.id, FRAMEWORK.item_ids.index("AB1"))
    workshop.reveal_item(engine, other.id, min_group=3)
    for person in range(3):  # three more people: a whole group, their scores stay hidden among them
        factories.submit(engine, other.id, f"later-{person}", [responses.AnswerInput(i.id, 2) for i in FRAMEWORK.items])
    workshop.close_workshop(engine, other.id)
    summary = workshop_results.workshop_summary(engine, other.id, "nl", min_group=3)
    assert summary.changed_since_reveal == () and summary.profile.set_index("item").at["AB1", "median"] == 3

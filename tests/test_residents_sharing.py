"""Sharing what residents think: the team decides. A residents' round reaches a manager only when
the team published it (closed, enough residents), and only with at least 3 such teams.

Real SQLite; the pages in AppTest."""

from __future__ import annotations

import pytest

from kringwijs_survey.domain import responses, rounds, sharing, teams
from kringwijs_survey.rules.access import SYSTEM, Principal, Role
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.views import organisation

import factories
from app_helpers import all_text, check_share_switch, open_page

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
STATEMENTS = FRAMEWORK.resident_statements
MANAGER = {"principal": Principal(Role.MANAGER)}
OPTIONS = dict(min_group_org=5, min_group_residents=5, lang="nl")


def add_team(app_engine, name, resident_scores, *, period="2026-Q1", publish_team=True, publish_residents=True):
    """A team with a closed team round (5 members) and a closed residents' round in which resident
    i gives resident_scores[i] to every statement. Returns (team round, residents' round)."""
    team = teams.find_team(app_engine, name) or teams.create_team(app_engine, name, "Kringstad")
    survey_round = rounds.start_round(app_engine, team.id, period)
    for person in range(5):
        factories.submit(app_engine, survey_round.id, f"{name}-{period}-{person}", [responses.AnswerInput(i.id, 3) for i in FRAMEWORK.items])
    rounds.close_round(app_engine, survey_round.id, actor=SYSTEM)
    if publish_team:
        sharing.publish_round(app_engine, survey_round.id)
    residents = rounds.open_residents_round(app_engine, survey_round.id, actor=SYSTEM)
    for index, score in enumerate(resident_scores):
        answers = [responses.AnswerInput(statement.id, score) for statement in STATEMENTS]
        factories.submit(app_engine, residents.id, f"bewoner-{name}-{period}-{index}", answers)
    rounds.close_round(app_engine, residents.id, actor=SYSTEM)
    if publish_residents:
        sharing.publish_round(app_engine, residents.id)
    return survey_round, rounds.get_round(app_engine, residents.id)


def dumped(view) -> str:
    return view.teams_frame.to_csv() + view.organisation.to_csv() + " ".join(view.teams)


# --- the logic ---------------------------------------------------------------------------------


def test_only_published_residents_rounds_with_enough_residents_reach_the_manager(app_engine):
    for name, score in (("Team A", 2), ("Team B", 3), ("Team C", 4)):
        add_team(app_engine, name, [score] * 5)
    add_team(app_engine, "Team Stil", [1] * 9, publish_residents=False)  # not published by the team
    add_team(app_engine, "Team Klein", [5] * 4)  # published, but 4 < 5 residents
    view = organisation.residents_view(app_engine, **OPTIONS)
    assert view.enough and view.teams == ("Team A", "Team B", "Team C")
    text = dumped(view)
    assert "Team Stil" not in text and "Team Klein" not in text
    assert set(view.teams_frame["item"]) == {statement.principle for statement in STATEMENTS}
    assert (view.teams_frame["respondents"] >= 5).all() and "comment" not in view.teams_frame.columns
    a = view.teams_frame[view.teams_frame["team"] == "Team A"]
    assert a["median"].astype(float).tolist() == pytest.approx([2.0] * len(a))
    # The organisation figures come from the three shown teams only (2, 3, 4), not from 1 or 5.
    org = view.organisation.set_index("item")
    assert (org["teams"] == 3).all()
    assert org["median"].astype(float).tolist() == pytest.approx([3.0] * len(org))
    assert org["lowest_median"].astype(float).min() == 2.0 and org["highest_median"].astype(float).max() == 4.0


def test_withdrawing_takes_it_back_and_fewer_than_three_teams_give_only_an_explanation(app_engine):
    round_list = [add_team(app_engine, name, [score] * 5)[1] for name, score in (("Team A", 2), ("Team B", 3), ("Team C", 4))]
    assert organisation.residents_view(app_engine, **OPTIONS).enough
    sharing.withdraw_round(app_engine, round_list[0].id)
    view = organisation.residents_view(app_engine, **OPTIONS)
    assert not view.enough and view.team_count == 2 and view.teams == ()
    assert view.teams_frame.empty and view.organisation.empty
    assert "Team B" not in dumped(view)
    assert "2 teams" in view.explanation("nl") and "minstens 3" in view.explanation("nl")
    # The team's own numbers are shared separately: withdrawing residents leaves them alone.
    assert organisation.organisation_view(app_engine, min_group_org=5).teams == ("Team A", "Team B", "Team C")


def test_the_latest_shown_residents_round_of_each_team_counts(app_engine):
    for name in ("Team A", "Team B", "Team C"):
        add_team(app_engine, name, [2] * 5, period="2026-Q1")
    add_team(app_engine, "Team A", [5] * 5, period="2026-Q2")
    add_team(app_engine, "Team B", [5] * 5, period="2026-Q2", publish_residents=False)
    view = organisation.residents_view(app_engine, **OPTIONS)
    medians = view.teams_frame.groupby("team")["median"].max().astype(float).to_dict()
    assert medians == {"Team A": 5.0, "Team B": 2.0, "Team C": 2.0}
    assert not organisation.residents_view(app_engine, **OPTIONS, periods="2026-Q2").enough  # only Team A in Q2


# --- the pages ---------------------------------------------------------------------------------


def test_a_team_shares_and_withdraws_its_residents_results_on_its_page(app_engine):
    _, residents = add_team(app_engine, "Wijkteam Deel", [3] * 5, publish_residents=False)
    key = teams.issue_team_key(app_engine, residents.team_id)
    app = open_page("pages/team.py", query={"team": key})
    assert not app.exception, app.exception
    text = all_text(app)
    assert "De inwonersuitkomsten zijn niet gedeeld" in text and "middelste score van alle inwoners" in text
    switch = f"share-residents-{residents.id}"
    assert app.toggle(key=switch).label == "Inwonersuitkomsten delen met de organisatie"
    check_share_switch(app, app_engine, switch, residents.id, "De inwonersuitkomsten zijn gedeeld met de organisatie")


def manager_residents(app):
    app.radio(key="manager_view").set_value("residents").run()
    assert not app.exception, app.exception
    return all_text(app), "\n".join(frame.value.to_csv() for frame in app.dataframe)


def test_the_manager_sees_published_residents_results_only(app_engine):
    round_list = {}
    for name, score in (("Wijkteam Noord", 2), ("Wijkteam Zuid", 3), ("Wijkteam Oost", 4)):
        round_list[name] = add_team(app_engine, name, [score] * 5)[1]
    add_team(app_engine, "Wijkteam Geheim", [1] * 8, publish_residents=False)
    app = open_page("pages/manager.py", session=MANAGER)
    assert not app.exception, app.exception
    text, frames = manager_residents(app)
    assert "Wat vinden inwoners?" in app.radio(key="manager_view").options
    assert "3 teams delen wat hun inwoners vinden" in text
    for name in round_list:
        assert name in frames
    assert len(app.get("vega_lite_chart")) == 1 and "even hoog" in text
    # The unpublished residents' round: neither its name nor its numbers (all 1s) appear.
    assert "Wijkteam Geheim" not in text + frames
    shown = [table.value for table in app.dataframe]
    assert all("1.0" not in frame.to_csv() and 1.0 not in frame.select_dtypes("number").to_numpy() for frame in shown)

    # Low trust: no team names in this view.
    app.toggle(key="manager_low_trust").set_value(True).run()
    text, frames = manager_residents(app)
    assert "niet per team" in text
    for name in round_list:
        assert name not in text + frames

    # Withdrawing one: fewer than 3 teams, only the explanation.
    sharing.withdraw_round(app_engine, round_list["Wijkteam Noord"].id)
    app = open_page("pages/manager.py", session=MANAGER)
    text, frames = manager_residents(app)
    assert "minstens 3" in text and "terugrekenen" in text
    assert "Wijkteam Zuid" not in frames and len(app.get("vega_lite_chart")) == 0


def test_residents_results_show_even_when_teams_keep_their_own_numbers(app_engine):
    for name, score in (("Wijkteam Noord", 2), ("Wijkteam Zuid", 3), ("Wijkteam Oost", 4)):
        add_team(app_engine, name, [score] * 5, publish_team=False)
    app = open_page("pages/manager.py", session=MANAGER)
    assert not app.exception, app.exception
    assert app.radio(key="manager_view").options == ["Wat vinden inwoners?"]
    text, frames = all_text(app), "\n".join(frame.value.to_csv() for frame in app.dataframe)
    assert "terugrekenen" in text  # the team numbers: too few teams shared them
    assert "Wijkteam Zuid" in frames

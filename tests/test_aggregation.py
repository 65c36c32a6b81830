"""The one aggregation, checked against numbers worked out by hand."""

import math

import pandas as pd
import pytest

from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.stats.aggregation import SUMMARY_COLUMNS, Scope, summarize

import factories


def _fill(engine, team_name, period, scores_per_person, item="AB1"):
    team = teams.find_team(engine, team_name) or teams.create_team(engine, team_name)
    survey_round = rounds.start_round(engine, team.id, period)
    for index, score in enumerate(scores_per_person):
        factories.submit(engine, survey_round.id, f"{team_name}-{period}-{index}", [responses.AnswerInput(item, score)])
    return survey_round


def test_statistics_match_hand_computed_values_including_dont_know(engine):
    # scores 2, 4, 4, 5 and one "weet ik niet": n=4, mean=3.75, median=4, sd=sqrt(1.583..)
    _fill(engine, "Team A", "2026-Q1", [2, 4, 4, 5, None])
    row = summarize(engine, min_group=3).iloc[0]
    assert (row.team, row.period, row["item"]) == ("Team A", "2026-Q1", "AB1")
    assert row.respondents == 5
    assert row.n == 4
    assert row.n_dont_know == 1
    assert row["mean"] == pytest.approx(3.75)
    assert row["median"] == pytest.approx(4.0)
    assert row.sd == pytest.approx(math.sqrt(((2 - 3.75) ** 2 + 2 * (4 - 3.75) ** 2 + (5 - 3.75) ** 2) / 3))
    assert [row[f"count_{s}"] for s in range(1, 6)] == [0, 1, 0, 2, 1]
    assert not row.suppressed


def test_even_count_median_is_the_middle_of_the_two_middle_scores(engine):
    _fill(engine, "Team B", "2026-Q1", [1, 2, 4, 5])
    assert summarize(engine, min_group=3).iloc[0]["median"] == pytest.approx(3.0)


def test_an_item_with_fewer_scores_than_the_minimum_keeps_only_its_counts(engine):
    # Three respondents, two chose "weet ik niet": the one score left would be one person's answer.
    _fill(engine, "Team C", "2026-Q1", [3, None, None])
    row = summarize(engine, min_group=3).iloc[0]
    assert row.n == 1 and row.n_dont_know == 2 and row.respondents == 3
    assert row.too_few_scores and not row.suppressed
    for column in ["mean", "median", "sd", "count_1", "count_2", "count_3", "count_4", "count_5"]:
        assert pd.isna(row[column]), column


def test_team_below_min_group_keeps_only_its_respondent_count(engine):
    _fill(engine, "Team D", "2026-Q1", [1, 5])
    row = summarize(engine, min_group=3).iloc[0]
    assert row.respondents == 2
    assert row.suppressed
    for column in SUMMARY_COLUMNS[4:-1]:
        assert pd.isna(row[column]), column


def test_min_group_can_never_go_below_three(engine):
    _fill(engine, "Team E", "2026-Q1", [1, 5])
    assert summarize(engine, min_group=1).iloc[0].suppressed


def test_scope_filters_teams_and_periods(engine):
    _fill(engine, "Team F", "2026-Q1", [1, 2, 3])
    _fill(engine, "Team F", "2026-Q2", [3, 4, 5])
    _fill(engine, "Team G", "2026-Q2", [5, 5, 5])
    frame = summarize(engine, Scope.of(teams="Team F", periods="2026-Q2"), min_group=3)
    assert frame[["team", "period"]].values.tolist() == [["Team F", "2026-Q2"]]
    assert frame.iloc[0]["mean"] == pytest.approx(4.0)


def test_empty_database_gives_an_empty_frame_with_all_columns(engine):
    frame = summarize(engine, min_group=3)
    assert frame.empty
    assert set(SUMMARY_COLUMNS) <= set(frame.columns)


def test_cached_summary_refreshes_after_every_write(engine):
    survey_round = _fill(engine, "Team H", "2026-Q1", [2, 2, 2])
    assert summarize(engine, min_group=3).iloc[0]["mean"] == pytest.approx(2.0)
    factories.submit(engine, survey_round.id, "Team H-2026-Q1-0", [responses.AnswerInput("AB1", 5)])
    assert summarize(engine, min_group=3).iloc[0]["mean"] == pytest.approx(3.0)
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    assert not summarize(engine, Scope.of(released_only=True), min_group=3).empty


def test_a_cached_frame_cannot_be_changed_by_its_caller(engine):
    _fill(engine, "Team I", "2026-Q1", [1, 2, 3])
    first = summarize(engine, min_group=3)
    first.loc[0, "mean"] = 99
    assert summarize(engine, min_group=3).iloc[0]["mean"] == pytest.approx(2.0)

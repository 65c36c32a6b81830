"""Team results: derivations from summarize() output, checked against hand-built frames."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.stats.aggregation import COUNT_COLUMNS
from kringwijs_survey.views import team_results

from factories import build_summary

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
PRINCIPLES = [item.id for item in FRAMEWORK.items_of_kind("principle")]
BLOCKADES = [item.id for item in FRAMEWORK.items_of_kind("blockade")]


def suppressed_with_numbers(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    """Mark a period suppressed but leave (bogus) numbers in it: they must still never be used."""
    frame = frame.copy()
    frame["suppressed"] = frame["suppressed"].astype(object)
    frame.loc[frame["period"] == period, "suppressed"] = True
    frame.loc[frame["period"] == period, "respondents"] = 2
    return frame


def full_scores(level: int) -> list[int | None]:
    return [level, level, level + (1 if level < 5 else 0), max(1, level - 1), None]


def full_period(level: int) -> dict[str, list[int | None]]:
    return {item_id: full_scores(level) for item_id in FRAMEWORK.item_ids}



# --- one object per period ---------------------------------------------------------------


def test_the_results_of_a_period_are_the_same_frames_the_single_functions_give():
    summary = build_summary(
        {"2026-Q2": full_period(2), "2026-Q3": full_period(4)}, discuss={("2026-Q3", PRINCIPLES[2]): 3}
    )
    results = team_results.for_period(summary, FRAMEWORK, "2026-Q3", "en")
    single = {
        "profile": team_results.profile(summary, FRAMEWORK, "2026-Q3", "en"),
        "pairs": team_results.blockade_pairs(summary, FRAMEWORK, "2026-Q3", "en"),
        "spread": team_results.disagreement(summary, FRAMEWORK, "2026-Q3", "en"),
        "changes": team_results.changes(summary, FRAMEWORK, "2026-Q3", "en"),
        "history": team_results.history(summary, FRAMEWORK, "en", "2026-Q3"),
        "agenda": team_results.agenda(summary, FRAMEWORK, "2026-Q3", "en"),
    }
    for name, frame in single.items():
        pd.testing.assert_frame_equal(getattr(results, name), frame, obj=name)
    assert results.previous_period == "2026-Q2"
    assert results.other_scales == []
    assert results.withheld == {"too_few_scores": [], "changed_since_reveal": []}


def test_the_headline_names_the_highest_and_lowest_median_and_keeps_framework_order_in_ties():
    first, second, third = PRINCIPLES[0], PRINCIPLES[1], PRINCIPLES[2]
    summary = build_summary({"2026-Q3": {first: [2, 2, 2], second: [5, 5, 4], third: [2, 2, 3]}})
    headline = team_results.for_period(summary, FRAMEWORK, "2026-Q3", "nl").headline
    assert (headline.best_item, headline.best_median) == (second, 5)
    assert (headline.weakest_item, headline.weakest_median) == (first, 2)  # tie with the third: the first wins
    assert headline.weakest_title == FRAMEWORK.item(first).title.nl


def test_no_headline_without_numbers():
    summary = suppressed_with_numbers(build_summary({"2026-Q3": full_period(3)}), "2026-Q3")
    results = team_results.for_period(summary, FRAMEWORK, "2026-Q3", "nl")
    assert results.headline is None and results.previous_period is None


# --- profile -----------------------------------------------------------------------------


def test_profile_lists_the_principles_in_framework_order_with_titles():
    summary = build_summary({"2026-Q3": full_period(3)})
    result = team_results.profile(summary, FRAMEWORK, "2026-Q3", "en")
    assert list(result["item"]) == PRINCIPLES
    assert list(result["title"]) == [FRAMEWORK.item(item).title.en for item in PRINCIPLES]
    assert list(result["group"]) == [FRAMEWORK.item(item).group for item in PRINCIPLES]
    for column in ["item", "title", "group", "median", "mean", "n", *COUNT_COLUMNS, "target_mean", "previous_median"]:
        assert column in result
    dutch = team_results.profile(summary, FRAMEWORK, "2026-Q3", "nl")
    assert list(dutch["title"]) == [FRAMEWORK.item(item).title.nl for item in PRINCIPLES]


def test_profile_numbers_previous_median_and_target():
    first, second = PRINCIPLES[0], PRINCIPLES[1]
    summary = build_summary(
        {
            "2026-Q2": {first: [1, 2, 2, 3], second: [4, 4, 5]},
            "2026-Q3": {first: [2, 4, 4, 5, None], second: [1, 2, 3]},
        },
        targets={("2026-Q3", first): 4.25},
    )
    result = team_results.profile(summary, FRAMEWORK, "2026-Q3", "nl").set_index("item")
    # 2, 4, 4, 5 -> median 4, mean 3.75; previous 1, 2, 2, 3 -> median 2
    assert result.at[first, "median"] == 4
    assert result.at[first, "mean"] == pytest.approx(3.75)
    assert result.at[first, "n"] == 4
    assert [result.at[first, column] for column in COUNT_COLUMNS] == [0, 1, 0, 2, 1]
    assert result.at[first, "previous_median"] == 2
    assert result.at[second, "previous_median"] == 4
    assert result.at[first, "target_mean"] == pytest.approx(4.25)
    assert pd.isna(result.at[second, "target_mean"])
    assert set(result["previous_period"]) == {"2026-Q2"}


def test_profile_without_an_earlier_period_has_no_previous_median():
    summary = build_summary({"2026-Q3": full_period(3)})
    result = team_results.profile(summary, FRAMEWORK, "2026-Q3", "nl")
    assert result["previous_median"].isna().all()


def test_profile_skips_a_suppressed_previous_period():
    summary = build_summary({"2026-Q1": full_period(2), "2026-Q2": full_period(5), "2026-Q3": full_period(3)})
    summary = suppressed_with_numbers(summary, "2026-Q2")
    result = team_results.profile(summary, FRAMEWORK, "2026-Q3", "nl")
    assert set(result["previous_period"]) == {"2026-Q1"}
    assert (result["previous_median"] == 2).all()


def test_a_suppressed_period_shows_no_numbers_even_if_the_frame_has_them():
    summary = suppressed_with_numbers(build_summary({"2026-Q3": full_period(3)}), "2026-Q3")
    assert summary["mean"].notna().all()  # the frame itself still (wrongly) carries numbers
    result = team_results.profile(summary, FRAMEWORK, "2026-Q3", "nl")
    assert len(result) == len(PRINCIPLES)
    for column in ["median", "mean", "n", *COUNT_COLUMNS, "target_mean"]:
        assert result[column].isna().all(), column
    assert team_results.history(summary, FRAMEWORK, "nl").empty


def test_unknown_period_gives_empty_frames_with_the_documented_columns():
    summary = build_summary({"2026-Q3": full_period(3)})
    for function in [
        team_results.profile,
        team_results.blockade_pairs,
        team_results.disagreement,
        team_results.changes,
        team_results.agenda,
    ]:
        result = function(summary, FRAMEWORK, "2030-Q1", "nl")
        assert result.empty
        assert len(result.columns) > 3


def test_items_of_other_frameworks_are_ignored():
    other = next(framework for key, framework in get_frameworks().items() if key != FRAMEWORK.id)
    periods = {"2026-Q3": {**full_period(3), other.item_ids[0]: [5, 5, 5]}}
    result = team_results.disagreement(build_summary(periods), FRAMEWORK, "2026-Q3", "nl")
    assert sorted(result["item"]) == sorted(FRAMEWORK.item_ids)


# --- blockade pairs ----------------------------------------------------------------------


def test_blockade_pairs_follow_the_framework():
    periods = {"2026-Q3": {item: [1 + index % 5] * 4 for index, item in enumerate(FRAMEWORK.item_ids)}}
    result = team_results.blockade_pairs(build_summary(periods), FRAMEWORK, "2026-Q3", "en")
    assert list(result["blockade"]) == BLOCKADES
    expected_median = {item: 1 + index % 5 for index, item in enumerate(FRAMEWORK.item_ids)}
    for row in result.itertuples():
        principle = FRAMEWORK.item(row.blockade).answered_by
        assert row.principle == principle
        assert FRAMEWORK.item(principle).answers == row.blockade
        assert row.blockade_title == FRAMEWORK.item(row.blockade).title.en
        assert row.principle_title == FRAMEWORK.item(principle).title.en
        assert row.blockade_median == expected_median[row.blockade]
        assert row.principle_median == expected_median[principle]


# --- disagreement -------------------------------------------------------------------------


def test_disagreement_orders_by_sd_then_by_range():
    a, b, c, d = FRAMEWORK.item_ids[:4]
    periods = {
        "2026-Q3": {
            a: [1, 1, 2, 4],  # sd sqrt(2), range 3 (an item needs at least three scores)
            b: [1, 3, 3, 3, 5],  # sd sqrt(2), range 4: same sd, wider range -> before a
            c: [1, 5, 1, 5],  # largest sd
            d: [3, 3, 3],  # sd 0
        }
    }
    result = team_results.disagreement(build_summary(periods), FRAMEWORK, "2026-Q3", "nl")
    assert list(result["item"]) == [c, b, a, d]
    rows = result.set_index("item")
    assert rows.at[a, "sd"] == pytest.approx(math.sqrt(2))
    assert rows.at[b, "sd"] == pytest.approx(math.sqrt(2))
    assert (rows.at[b, "lowest"], rows.at[b, "highest"], rows.at[b, "range"]) == (1, 5, 4)
    assert rows.at[d, "range"] == 0
    assert [rows.at[c, column] for column in COUNT_COLUMNS] == [2, 0, 0, 0, 2]


# --- changes ------------------------------------------------------------------------------


def test_changes_delta_by_hand_and_direction():
    up, down, same = PRINCIPLES[:3]
    blockade = BLOCKADES[0]
    summary = build_summary(
        {
            "2026-Q2": {up: [2, 3, 3, 4, 4], down: [4, 4, 4], same: [3, 3, 3, 4, 4], blockade: [2, 2, 2]},
            "2026-Q3": {up: [2, 4, 4, 5], down: [3, 3, 4], same: [3, 3, 4, 4], blockade: [3, 3, 4]},
        }
    )
    result = team_results.changes(summary, FRAMEWORK, "2026-Q3", "nl").set_index("item")
    # up: 3.75 - 3.2 = 0.55 -> 0.6 (rounded half away from zero, as by hand)
    assert result.at[up, "mean"] == pytest.approx(3.75)
    assert result.at[up, "previous_mean"] == pytest.approx(3.2)
    assert result.at[up, "delta"] == pytest.approx(0.6)
    assert result.at[up, "direction"] == "up"
    assert result.at[up, "outcome"] == "better"
    assert result.at[up, "previous_median"] == 3
    # down: 3.333 - 4 = -0.667 -> -0.7
    assert result.at[down, "delta"] == pytest.approx(-0.7)
    assert result.at[down, "direction"] == "down"
    assert result.at[down, "outcome"] == "worse"
    # same: 3.5 - 3.4 = 0.1 -> below 0.25
    assert result.at[same, "delta"] == pytest.approx(0.1)
    assert result.at[same, "direction"] == "same"
    # a blockade going up is worse
    assert result.at[blockade, "delta"] == pytest.approx(1.3)
    assert result.at[blockade, "outcome"] == "worse"
    assert set(result["previous_period"]) == {"2026-Q2"}


def test_changes_skip_a_suppressed_previous_period():
    item = PRINCIPLES[0]
    summary = build_summary(
        {
            "2026-Q1": {item: [2, 2, 3]},  # mean 2.333
            "2026-Q2": {item: [5, 5, 5]},  # suppressed below; its numbers must not be used
            "2026-Q3": {item: [3, 3, 3]},
        }
    )
    summary = suppressed_with_numbers(summary, "2026-Q2")
    row = team_results.changes(summary, FRAMEWORK, "2026-Q3", "nl").set_index("item").loc[item]
    assert row["previous_period"] == "2026-Q1"
    assert row["previous_mean"] == pytest.approx(7 / 3)
    assert row["delta"] == pytest.approx(0.7)
    assert row["direction"] == "up"


def test_changes_without_previous_period_have_no_delta():
    result = team_results.changes(build_summary({"2026-Q3": full_period(3)}), FRAMEWORK, "2026-Q3", "nl")
    assert list(result["item"]) == FRAMEWORK.item_ids
    assert result["delta"].isna().all()
    assert result["direction"].isna().all()


def test_changes_of_a_suppressed_period_have_no_numbers():
    summary = build_summary({"2026-Q2": full_period(2), "2026-Q3": full_period(4)})
    summary = suppressed_with_numbers(summary, "2026-Q3")
    result = team_results.changes(summary, FRAMEWORK, "2026-Q3", "nl")
    assert result["mean"].isna().all() and result["delta"].isna().all()


# --- agenda and history -------------------------------------------------------------------


def test_agenda_ranks_by_discussion_flags_then_sd():
    a, b, c = FRAMEWORK.item_ids[:3]
    summary = build_summary(
        {"2026-Q3": {a: [3, 3, 3], b: [1, 5, 3], c: [2, 4, 3]}},
        discuss={("2026-Q3", a): 2, ("2026-Q3", b): 1, ("2026-Q3", c): 1},
    )
    result = team_results.agenda(summary, FRAMEWORK, "2026-Q3", "nl")
    assert list(result["item"]) == [a, b, c]
    assert list(result["rank"]) == [1, 2, 3]
    assert list(result["n_discuss"]) == [2, 1, 1]


def test_history_is_long_and_skips_suppressed_periods():
    summary = build_summary({"2026-Q1": full_period(2), "2026-Q2": full_period(5), "2026-Q3": full_period(3)})
    summary = suppressed_with_numbers(summary, "2026-Q2")
    result = team_results.history(summary, FRAMEWORK, "en")
    assert set(result["period"]) == {"2026-Q1", "2026-Q3"}
    assert len(result) == 2 * len(FRAMEWORK.item_ids)
    assert list(result["item"].drop_duplicates()) == FRAMEWORK.item_ids
    first = result[result["item"] == FRAMEWORK.item_ids[0]]
    assert list(first["period"]) == ["2026-Q1", "2026-Q3"]
    assert list(first["median"]) == [2, 3]
    assert {"item", "title", "period", "mean", "median"} <= set(result.columns)


# --- no item ids in code -----------------------------------------------------------------


@pytest.mark.parametrize("module", ["views/team_results.py", "render/charts"])
def test_modules_do_not_name_framework_items(module):
    path = Path(__file__).resolve().parent.parent / "kringwijs_survey" / module
    source = "\n".join(file.read_text(encoding="utf-8") for file in ([path] if path.is_file() else sorted(path.glob("*.py"))))
    for framework in get_frameworks().values():
        for item_id in [*framework.item_ids, *(group.id for group in framework.groups)]:
            assert not re.search(rf"['\"]{re.escape(item_id)}['\"]", source), f"{module} names {item_id}"

"""Issue 6: teams share closed rounds; managers compare team profiles, and never more than that.

The sharing logic runs on SQLite and on a real PostgreSQL server (the `engine` fixture of
conftest is parametrized); the page runs in AppTest on SQLite.
"""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from kringwijs_survey.core import i18n
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import notes, responses, rounds, sharing, teams
from kringwijs_survey.render import exports
from kringwijs_survey.rules.access import SYSTEM, Principal, Role
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.views import organisation

import factories
from app_helpers import all_text, check_share_switch, open_page, typed_texts

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
MIN_ORG = 5
SECRET = "Geheime opmerking die alleen het team mag lezen"
OWNER = "Petra Eigenaar"


def view_of(engine, **kwargs):
    return organisation.organisation_view(engine, min_group_org=MIN_ORG, **kwargs)


# --- publish and withdraw ------------------------------------------------------------------


def test_publish_only_a_closed_round_and_withdraw_takes_it_back(engine):
    survey_round = factories.answered_round(engine, "Wijkteam Open", [3] * 5, close=False, publish=False)
    with pytest.raises(InvalidInput, match="nog open"):
        sharing.publish_round(engine, survey_round.id)
    assert not rounds.get_round(engine, survey_round.id).published

    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    assert sharing.publish_round(engine, survey_round.id).published
    for name, score in (("Wijkteam B", 2), ("Wijkteam C", 4)):
        factories.answered_round(engine, name, [score] * 5)
    assert "Wijkteam Open" in view_of(engine).teams

    sharing.share_summary(engine, survey_round.id, "  We willen minder regels.  ")
    assert rounds.get_round(engine, survey_round.id).shared_message == "We willen minder regels."
    assert [m.text for m in view_of(engine).messages if m.team == "Wijkteam Open"] == ["We willen minder regels."]

    assert not sharing.withdraw_round(engine, survey_round.id).published
    withdrawn = view_of(engine)
    assert "Wijkteam Open" not in withdrawn.teams and not withdrawn.enough
    sharing.share_summary(engine, survey_round.id, "")
    assert rounds.get_round(engine, survey_round.id).shared_message is None
    with pytest.raises(InvalidInput):
        sharing.publish_round(engine, 987654)


def test_a_shared_round_stays_closed_and_shown(engine):
    shared = [factories.answered_round(engine, f"Team {letter}", [3, 4, 4, 5, 2]) for letter in "ABC"]
    with pytest.raises(InvalidInput):  # reopening would let one extra answer be worked out
        rounds.set_round_status(engine, shared[0].id, "open", actor=SYSTEM)
    assert view_of(engine).teams == ("Team A", "Team B", "Team C")


# --- what a manager never sees -------------------------------------------------------------


def test_unpublished_below_threshold_comments_owners_and_single_answers_stay_hidden(engine):
    for letter, score in zip("ABC", (2, 3, 4)):
        factories.answered_round(engine, f"Gedeeld {letter}", [score] * 5, comment=SECRET)
    factories.answered_round(engine, "Niet gedeeld", [1] * 8, publish=False, comment=SECRET)
    factories.answered_round(engine, "Te klein", [5] * 4)  # published, but 4 < MIN_GROUP_ORG
    factories.answered_round(engine, "Eén persoon", [5])  # a single answer
    view = view_of(engine)
    assert view.teams == ("Gedeeld A", "Gedeeld B", "Gedeeld C")
    frames = [view.latest, view.history, view.organisation, view.org_history, organisation.blockade_pressure(view)]
    dumped = "\n".join(frame.to_csv() for frame in frames) + exports.aggregates_csv(view).decode()
    for hidden in ("Niet gedeeld", "Te klein", "Eén persoon", SECRET):
        assert hidden not in dumped
    assert (view.latest["respondents"] >= MIN_ORG).all()
    assert not {"respondent", "comment", "score", "owner"} & set(view.latest.columns)


def test_an_item_too_few_people_scored_shows_no_numbers(engine):
    """Five took part, but four said "weet ik niet" on AB1: the one remaining score is one
    person's answer, so AB1 shows nothing for that team and does not count for the organisation."""
    factories.answered_round(engine, "Team A", [4] * 5)
    factories.answered_round(engine, "Team B", [2] * 5)
    team = teams.create_team(engine, "Team Weet Niet")
    survey_round = rounds.start_round(engine, team.id, "2026-Q1")
    for person in range(5):
        answers = [responses.AnswerInput(item.id, 1 if item.id != "AB1" or person == 0 else None) for item in FRAMEWORK.items]
        factories.submit(engine, survey_round.id, f"weet-{person}", answers)
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    sharing.publish_round(engine, survey_round.id)
    view = view_of(engine)
    row = view.latest[(view.latest["team"] == "Team Weet Niet") & (view.latest["item"] == "AB1")].iloc[0]
    assert pd.isna(row["mean"]) and pd.isna(row["median"]) and pd.isna(row["count_1"])
    org = view.organisation.set_index("item")
    assert org.loc["AB1", "teams"] == 2 and float(org.loc["AB1", "mean"]) == pytest.approx(3.0)
    assert org.loc["AB2", "teams"] == 3 and float(org.loc["AB2", "mean"]) == pytest.approx(7 / 3)


def test_the_to_do_list_holds_shared_organisation_actions_without_owner(engine):
    round_list = {letter: factories.answered_round(engine, f"Team {letter}", [3] * 5) for letter in "ABC"}
    hidden = factories.answered_round(engine, "Team Verborgen", [3] * 5, publish=False)

    def action(survey_round, what, scope, status="open"):
        made = notes.add_action(engine, survey_round.id, notes.ActionInput(what, "B4", OWNER, None, scope), actor=SYSTEM)
        if status != "open":
            notes.review_action(engine, made.id, status, survey_round.id, actor=SYSTEM)

    action(round_list["A"], "Minder formulieren invullen", "organisation")
    action(round_list["B"], "Wijkbudget zonder aanvraag", "municipality", "ongoing")
    action(round_list["B"], "Samen lunchen", "team")
    action(round_list["C"], "Al geregeld", "organisation", "done")
    action(hidden, "Geheim plan van een niet-delend team", "organisation")
    todo = organisation.organisation_actions(engine, view_of(engine))
    assert sorted(todo["what"]) == ["Minder formulieren invullen", "Wijkbudget zonder aanvraag"]
    assert "owner" not in todo.columns and OWNER not in todo.to_csv()
    assert set(todo["team"]) == {"Team A", "Team B"}

    sharing.withdraw_round(engine, round_list["A"].id)
    assert organisation.organisation_actions(engine, view_of(engine)).empty  # 2 teams left: nothing at all


# --- no differencing -----------------------------------------------------------------------


def test_organisation_figures_come_only_from_the_teams_that_are_shown(engine):
    """Means 2, 3 and 4 are shown. A hidden team (published but too small) scores 5 and an
    unpublished one scores 1: an average over all teams, next to the shown ones, would let
    anyone subtract the hidden team's numbers. The figures must be those of the shown teams,
    and must not move when the hidden teams change."""
    for letter, scores in zip("ABC", ([2, 2, 2, 2, 2], [3, 3, 3, 3, 3], [4, 4, 4, 4, 4])):
        factories.answered_round(engine, f"Team {letter}", scores, area="Noord")
    before = view_of(engine).organisation

    factories.answered_round(engine, "Team Klein", [5, 5, 5, 5], area="Noord")
    factories.answered_round(engine, "Team Stil", [1] * 9, area="Noord", publish=False)
    factories.answered_round(engine, "Team Zuid", [5] * 6, area="Zuid")
    view = view_of(engine, areas=["Noord"])
    assert view.teams == ("Team A", "Team B", "Team C")
    org = view.organisation.set_index("item")
    assert (org["teams"] == 3).all()
    assert org["mean"].astype(float).tolist() == pytest.approx([3.0] * len(FRAMEWORK.items))
    assert org["median"].astype(float).tolist() == pytest.approx([3.0] * len(FRAMEWORK.items))
    assert org["sd_teams"].astype(float).tolist() == pytest.approx([1.0] * len(FRAMEWORK.items))
    pd.testing.assert_frame_equal(view.organisation, before)
    # The same figures recomputed from the shown rows' own counts: everyone's scores together.
    counts = view.latest.groupby("item")[[f"count_{score}" for score in range(1, 6)]].sum()
    shown = sum(counts[f"count_{score}"] * score for score in range(1, 6)) / counts.sum(axis=1)
    assert org["mean"].astype(float).to_dict() == pytest.approx(shown.astype(float).to_dict())
    # Without the area filter Zuid (six people, all 5) is shown too, and then its people count:
    # everyone's scores together, not the mean of four team means (3.5).
    everyone = view_of(engine).organisation.set_index("item")
    assert everyone["mean"].astype(float).iloc[0] == pytest.approx((5 * 2 + 5 * 3 + 5 * 4 + 6 * 5) / 21)
    assert everyone["median"].astype(float).iloc[0] == 4.0  # the 11th of 21 scores


def test_the_organisation_trend_uses_only_teams_in_view_and_skips_thin_quarters(engine):
    for letter, score in zip("ABC", (2, 3, 4)):
        factories.answered_round(engine, f"Team {letter}", [score] * 5, period="2026-Q2")
    for letter, score in zip("AB", (1, 5)):  # only two of them shared in Q1
        factories.answered_round(engine, f"Team {letter}", [score] * 5, period="2026-Q1")
    factories.answered_round(engine, "Team Q1-only", [5] * 5, period="2026-Q1")
    view = view_of(engine, periods="2026-Q2")
    assert view.teams == ("Team A", "Team B", "Team C")
    trend = organisation.trend(view)
    whole = trend[trend["is_organisation"]]
    assert whole["period"].tolist() == ["2026-Q2"]  # Q1 had 2 teams of this view: no figure
    assert whole["mean"].astype(float).tolist() == pytest.approx([3.0])
    team_a = trend[trend["series"] == "Team A"]
    assert team_a["period"].tolist() == ["2026-Q1", "2026-Q2"]
    assert "Team Q1-only" not in set(trend["series"])


def test_fewer_than_three_teams_gives_only_an_explanation(engine):
    factories.answered_round(engine, "Team A", [3] * 5)
    factories.answered_round(engine, "Team B", [4] * 6)
    view = view_of(engine)
    assert not view.enough and view.team_count == 2 and view.teams == ()
    assert view.latest.empty and view.organisation.empty and view.history.empty
    assert organisation.blockade_pressure(view).empty and organisation.organisation_actions(engine, view).empty
    text = view.explanation("nl")
    assert "2 teams" in text and "minstens 3" in text and "terugrekenen" in text
    assert "Team A" not in exports.aggregates_csv(view).decode()


# --- low trust -----------------------------------------------------------------------------


def test_low_trust_mode_gives_letters_and_drops_changes_over_time(engine):
    names = [f"Wijkteam {name}" for name in ("Noord", "Zuid", "Oost", "West")]
    for index, name in enumerate(names):
        factories.answered_round(engine, name, [2] * 5, period="2026-Q1", area="Kringstad")
        survey_round = factories.answered_round(engine, name, [1 + index] * 5, period="2026-Q2", area="Kringstad")
        notes.add_action(engine, survey_round.id, notes.ActionInput(f"Actie {index}", None, OWNER, None, "organisation"), actor=SYSTEM)
        sharing.share_summary(engine, survey_round.id, f"Bericht {index}")
    view = view_of(engine)
    hidden = organisation.anonymise(view, seed=7)
    assert hidden.anonymous and set(hidden.teams) == {"A", "B", "C", "D"}
    assert organisation.anonymise(view, seed=7).teams == hidden.teams
    assert dict(zip(organisation.anonymise(view, 7).latest["team"], organisation.anonymise(view, 7).latest["mean"])) == dict(
        zip(hidden.latest["team"], hidden.latest["mean"])
    )
    letters_by_seed = {tuple(organisation.anonymise(view, seed).latest.drop_duplicates("team")["mean"].round(3)) for seed in range(12)}
    assert len(letters_by_seed) > 1  # the order of letters is shuffled, not alphabetical
    todo = organisation.organisation_actions(engine, hidden)
    everything = "\n".join(
        [hidden.latest.to_csv(), todo.to_csv(), exports.aggregates_csv(hidden).decode(), " ".join(m.team for m in hidden.messages)]
    )
    for name in names + ["Kringstad", "2026-Q1"]:
        assert name not in everything
    assert hidden.history.empty
    trend = organisation.trend(hidden)
    assert trend["is_organisation"].all() and len(trend) == 2
    assert sorted(pd.to_numeric(hidden.organisation["mean"]).tolist()) == sorted(pd.to_numeric(view.organisation["mean"]).tolist())


def test_low_trust_mode_gives_no_team_sizes_that_could_name_a_team(engine):
    """Everyone knows Noord has 9 people and Zuid 5: a count per letter would undo the letters."""
    sizes = {"Wijkteam Noord": 9, "Wijkteam Zuid": 5, "Wijkteam Oost": 6, "Wijkteam West": 7}
    for name, size in sizes.items():
        factories.answered_round(engine, name, [3] * size)
    hidden = organisation.anonymise(view_of(engine), seed=3)

    assert hidden.latest[organisation.PEOPLE_COLUMNS].isna().all().all()
    exported = pd.read_csv(io.BytesIO(exports.aggregates_csv(hidden)))
    team_rows = exported[exported["level"] == "team"]
    assert len(team_rows) and team_rows[["respondents", "n", "count_3"]].isna().all().all()
    workbook = openpyxl.load_workbook(io.BytesIO(exports.aggregates_xlsx(engine, hidden)))
    numbers = {cell.value for row in workbook.worksheets[1].iter_rows(min_row=2) for cell in row}
    assert not numbers & set(sizes.values())
    assert hidden.organisation["teams"].eq(4).all()  # the organisation's own figures stay


def test_blockade_pressure_counts_teams_with_a_median_of_four_or_more(engine):
    blockades = [item.id for item in FRAMEWORK.items_of_kind("blockade")]
    for letter, score in zip("ABCD", (4, 5, 3, 2)):
        factories.answered_round(engine, f"Team {letter}", [score] * 5, item_scores={blockades[0]: score})
    pressure = organisation.blockade_pressure(view_of(engine)).set_index("item")
    assert list(pressure.index) == blockades
    assert pressure.loc[blockades[0], "teams_high"] == 2 and pressure.loc[blockades[0], "teams"] == 4
    assert float(pressure.loc[blockades[0], "mean"]) == pytest.approx(3.5)


def test_heatmap_order_by_team_item_and_spread(engine):
    for letter, score in zip("CAB", (2, 3, 4)):
        factories.answered_round(engine, f"Team {letter}", [score] * 5, item_scores={"AB2": 3})
    view = view_of(engine)
    team_list, items = organisation.heatmap_order(view, "team")
    assert team_list == ["Team A", "Team B", "Team C"] and items == FRAMEWORK.item_ids
    team_list, _ = organisation.heatmap_order(view, "item", "AB1")
    assert team_list == ["Team B", "Team A", "Team C"]
    _, items = organisation.heatmap_order(view, "spread")
    assert items[-1] == "AB2"  # every team scores AB2 the same: least spread, last


# --- the page (AppTest, SQLite) ------------------------------------------------------------


MANAGER = {"principal": Principal(Role.MANAGER)}


def every_view(app):
    """The manager page shows one view at a time: visit each and gather what a person could read."""
    texts, frames, charts_shown, captions = [], [], 0, 0
    for view in app.radio(key="manager_view").options:
        app.radio(key="manager_view").set_value(view).run()
        assert not app.exception, (view, app.exception)
        texts.append(all_text(app))
        frames += [frame.value.to_csv() for frame in app.dataframe]
        charts_shown += len(app.get("vega_lite_chart"))
        captions += len(app.caption) + len(typed_texts(app, "caption"))
    return "\n".join(texts), "\n".join(frames), charts_shown, captions


def test_manager_page_shows_shared_teams_only_and_every_chart_has_a_text(app_engine):
    for index, name in enumerate(("Wijkteam Noord", "Wijkteam Zuid", "Wijkteam Oost")):
        factories.answered_round(app_engine, name, [2 + index, 3, 4, 3, 2], comment=SECRET, area="Kringstad")
    factories.answered_round(app_engine, "Wijkteam Geheim", [1] * 7, publish=False, comment=SECRET)
    factories.answered_round(app_engine, "Wijkteam Klein", [5] * 3)
    app = open_page("pages/manager.py", session=MANAGER)
    assert not app.exception, app.exception
    text, frames, charts_shown, captions = every_view(app)
    assert "Teams vergelijken" in text and "3 teams in beeld" in text
    for name in ("Wijkteam Noord", "Wijkteam Zuid", "Wijkteam Oost"):
        assert name in text or name in frames
    shown = text + frames
    for hidden in ("Wijkteam Geheim", "Wijkteam Klein", SECRET):
        assert hidden not in shown
    assert charts_shown >= 6  # heatmap, 3 profiles, spread, trend, blockades
    assert captions >= charts_shown  # a short summary under every chart
    assert "Elk vakje is het gemiddelde" in text  # the colour legend is explained


def test_manager_page_with_two_teams_explains_and_shows_no_figures(app_engine):
    factories.answered_round(app_engine, "Wijkteam Een", [3] * 5)
    factories.answered_round(app_engine, "Wijkteam Twee", [4] * 5)
    app = open_page("pages/manager.py", session=MANAGER)
    assert not app.exception
    text = all_text(app)
    assert "minstens 3" in text and "terugrekenen" in text
    assert len(app.get("vega_lite_chart")) == 0 and len(app.dataframe) == 0
    assert "Wijkteam Een" not in text and "Wijkteam Twee" not in text


def test_low_trust_toggle_hides_names_on_the_page(app_engine):
    for name in ("Wijkteam Noord", "Wijkteam Zuid", "Wijkteam Oost"):
        factories.answered_round(app_engine, name, [3, 4, 2, 3, 5])
    app = open_page("pages/manager.py", session=MANAGER)
    next(toggle for toggle in app.toggle if toggle.key == "manager_low_trust").set_value(True).run()
    assert not app.exception
    text, frames, _, _ = every_view(app)
    shown = text + frames
    assert "Anonieme stand" in shown
    for name in ("Wijkteam Noord", "Wijkteam Zuid", "Wijkteam Oost"):
        assert name not in shown
    trend_text = i18n.t("manager.trend_low_trust", "nl")
    assert trend_text in shown


def test_a_team_shares_and_withdraws_a_closed_round_on_its_page(app_engine):
    survey_round = factories.answered_round(app_engine, "Wijkteam Deel", [3] * 5, publish=False)
    key = teams.issue_team_key(app_engine, survey_round.team_id)
    app = open_page("pages/team.py", query={"team": key})
    text = all_text(app)
    assert "Deze ronde is niet gedeeld" in text and "Dit ziet de organisatie nooit" in text
    check_share_switch(app, app_engine, f"share-{survey_round.id}", survey_round.id, "Deze ronde is gedeeld met de organisatie")


def test_the_manager_compares_the_teams_of_another_lens_and_never_mixes_lenses(app_engine):
    """Three teams answered the Eigen Kracht lens; two others only the Verklaring. The manager
    picks the lens and sees the three, with Eigen Kracht's items; the Verklaring shows too few."""
    own_strength = get_frameworks()["eigen-kracht"]
    for name in ("Wijkteam Noord", "Wijkteam Zuid", "Wijkteam Oost"):
        team = teams.create_team(app_engine, name)
        survey_round = rounds.start_round(app_engine, team.id, "2026-Q1", own_strength.id)
        for person in range(5):
            answers = [responses.AnswerInput(item.id, 2 + (person + index) % 4) for index, item in enumerate(own_strength.items)]
            factories.submit(app_engine, survey_round.id, f"{name}-{person}", answers)
        rounds.close_round(app_engine, survey_round.id, actor=SYSTEM)
        sharing.publish_round(app_engine, survey_round.id)
    for name in ("Wijkteam Verklaring A", "Wijkteam Verklaring B"):
        factories.answered_round(app_engine, name, [3] * 5)

    app = open_page("pages/manager.py", session=MANAGER)
    assert not app.exception
    assert "minstens 3" in all_text(app)  # the Verklaring: two teams, too few
    lens = next(box for box in app.selectbox if box.key == "manager_framework")
    lens.set_value(own_strength.id).run()
    assert not app.exception, app.exception
    text, frames, charts_shown, _ = every_view(app)
    shown = text + frames
    assert "3 teams in beeld" in text and charts_shown >= 4
    assert "EK1" in shown and own_strength.item("EK1").title.nl in shown
    assert "AB1" not in shown and "Wijkteam Verklaring A" not in shown

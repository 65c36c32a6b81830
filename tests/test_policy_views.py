"""The policy matrix against the real app: the team's results page (AppTest) for every kind of
visitor, and every download (team PDF; organisation CSV, XLSX, PDF, PNG; workshop PDF, PNG) and
the `summary` command for every round state. What each one shows must be what policy.py says."""

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook
from policy_world import NOTHING, OURS, PERIOD, fill, make_round, run_summary, table_on_page
from pypdf import PdfReader

from kringwijs_survey.core.settings import load_settings
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import rounds, teams, workshop
from kringwijs_survey.render import chart_words, charts, exports, reports, workshop_report
from kringwijs_survey.rules import policy
from kringwijs_survey.rules.access import ANONYMOUS, Principal, Role
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.rules.policy import RoundState, Shown, View
from kringwijs_survey.views import organisation, workshop_results
from kringwijs_survey.web.navigation import PAGES

from app_helpers import all_text, open_page

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
STATES = ("open", "closed", "closed+published", "below threshold", "item below threshold")
PRINCIPALS = ("anonymous", "participant", "team member", "other team", "facilitator", "manager", "admin")



@pytest.fixture
def world(app_engine):
    engine = app_engine
    ours = teams.create_team(engine, OURS, "Kringstad")
    other = teams.create_team(engine, "Wijkteam Ander", "Kringstad")
    keys = {"ours": teams.issue_team_key(engine, ours.id), "other": teams.issue_team_key(engine, other.id)}
    return engine, ours, other, keys


def visitor(name: str, keys: dict, ours_id: int, round_id: int) -> tuple[dict, dict]:
    """Query parameters and session of each kind of visitor."""
    if name == "team member":
        return {"team": keys["ours"]}, {}
    if name == "other team":
        return {"team": keys["other"]}, {}
    roles = {"participant": Role.PARTICIPANT, "facilitator": Role.FACILITATOR, "manager": Role.MANAGER, "admin": Role.ADMIN}
    if name == "participant":
        return {}, {"principal": Principal(Role.PARTICIPANT, team_id=ours_id, round_id=round_id, respondent=f"{round_id}-0")}
    if name in roles:
        return {}, {"principal": Principal(roles[name])}
    return {}, {}


def principal_of(name: str, ours_id: int, other_id: int) -> Principal:
    return {
        "anonymous": ANONYMOUS,
        "participant": Principal(Role.PARTICIPANT, team_id=ours_id),
        "team member": Principal(Role.TEAM, team_id=ours_id),
        "other team": Principal(Role.TEAM, team_id=other_id),
        "facilitator": Principal(Role.FACILITATOR),
        "manager": Principal(Role.MANAGER),
        "admin": Principal(Role.ADMIN),
    }[name]


def state_of(survey_round, engine) -> RoundState:
    return RoundState(survey_round.team_id, survey_round.status, rounds.count_responses(engine, survey_round.id), survey_round.published)


# --- the team's results page: every visitor × every round state --------------------------


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("who", PRINCIPALS)
def test_results_page_shows_what_the_policy_allows(world, who, state):
    engine, ours, other, keys = world
    survey_round = make_round(engine, ours.id, state)
    query, session = visitor(who, keys, ours.id, survey_round.id)
    app = open_page("pages/results.py", query=query, session={**session, "results_round": survey_round.id})
    assert not app.exception, app.exception
    text = all_text(app)
    expected = policy.what_is_shown(View.TEAM, principal_of(who, ours.id, other.id), state_of(survey_round, engine), load_settings())
    charts_drawn = len(app.get("vega_lite_chart"))
    if expected == Shown.NOTHING:
        assert "Gebaseerd op de antwoorden" not in text and charts_drawn == 0
        assert OURS not in text and "5 mensen" not in text
        return
    assert who == "team member"
    if expected == Shown.COUNT:
        assert charts_drawn == 0
        assert ("nog open" in text and "5 mensen" in text) if state == "open" else ("te weinig antwoorden" in text and "minstens 3" in text)
        return
    assert "Gebaseerd op de antwoorden van 5 teamleden" in text and charts_drawn == 2
    table = table_on_page(app)
    if state == "item below threshold":
        assert "Te weinig antwoorden om cijfers te laten zien bij: AB1" in text
        assert (table.loc["AB1", ["median", "target_mean", "count_1"]] == NOTHING).all()  # not that one person's 1 and target 2
    else:
        assert "Te weinig antwoorden om cijfers" not in text
        assert table.at["AB1", "median"] == "4,0" and table.at["AB1", "target_mean"] == "5,0"


# --- downloads: every export × every round state (and who may ask for it) ----------------


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


def page_offering(view: View):
    return next(spec for spec in PAGES if spec.url_path == {View.TEAM: "results", View.ORGANISATION: "manager", View.WORKSHOP: "presenter"}[view])


def assert_only_its_viewer_may_ask(view: View, survey_round, engine, ours_id: int, other_id: int) -> Shown:
    """The page offering the download lets in only those the policy lets look; returns what the
    one who may look gets to see."""
    spec = page_offering(view)
    seen = {}
    for name in PRINCIPALS:
        who = principal_of(name, ours_id, other_id)
        shown = policy.what_is_shown(view, who, state_of(survey_round, engine), load_settings())
        if shown != Shown.NOTHING:
            assert who.may_open(spec.roles), name
        seen[name] = shown
    lookers = {name for name, shown in seen.items() if shown != Shown.NOTHING}
    assert lookers <= {"team member", "manager", "facilitator"}
    return max(seen.values(), key=[Shown.NOTHING, Shown.COUNT, Shown.NUMBERS].index)


@pytest.mark.parametrize("state", STATES)
def test_team_pdf_follows_the_policy(world, state):
    engine, ours, other, _ = world
    survey_round = make_round(engine, ours.id, state)
    shown = assert_only_its_viewer_may_ask(View.TEAM, survey_round, engine, ours.id, other.id)
    if shown != Shown.NUMBERS:
        with pytest.raises(InvalidInput):
            reports.team_report_pdf(engine, ours.id, survey_round.id, min_group=3, lang="nl")
        return
    text = pdf_text(reports.team_report_pdf(engine, ours.id, survey_round.id, min_group=3, lang="nl"))
    assert "Gebaseerd op de antwoorden van 5 teamleden" in text
    if state == "item below threshold":
        assert "Te weinig antwoorden om cijfers te laten zien bij: AB1" in text
        assert "1,0" not in text  # the lone score appears nowhere (everyone else's is 4,0)
    else:
        assert "Te weinig antwoorden" not in text and "4,0" in text


def organisation_with(engine, state: str, ours_id: int):
    """Three other teams that shared a round of five, and ours in `state`."""
    for name in ("Wijkteam Een", "Wijkteam Twee", "Wijkteam Drie"):
        make_round(engine, teams.create_team(engine, name, "Kringstad").id, "closed+published")
    survey_round = make_round(engine, ours_id, state)
    return survey_round, organisation.organisation_view(engine, min_group_org=load_settings().min_group_org, periods=PERIOD)


@pytest.mark.parametrize("state", STATES)
def test_organisation_csv_xlsx_pdf_and_png_follow_the_policy(world, state):
    engine, ours, other, _ = world
    survey_round, view = organisation_with(engine, state, ours.id)
    shown = assert_only_its_viewer_may_ask(View.ORGANISATION, survey_round, engine, ours.id, other.id)
    assert view.enough
    # CSV
    rows = [row for row in csv.DictReader(io.StringIO(exports.aggregates_csv(view).decode("utf-8"))) if row["team"] == OURS]
    # XLSX
    sheet = list(load_workbook(io.BytesIO(exports.aggregates_xlsx(engine, view, "nl")))["Teams"].values)
    xlsx = pd.DataFrame(sheet[1:], columns=exports.EXPORT_COLUMNS)
    xlsx_rows = xlsx[xlsx["team"] == OURS].set_index("item")
    # PDF
    pdf = pdf_text(reports.organisation_report_pdf(engine, view, lang="nl"))
    # PNG: the heatmap is drawn from these cells
    cells = organisation.heatmap_frame(view, list(view.teams), FRAMEWORK.item_ids)
    png = charts.chart_image(charts.heatmap(cells, labels=chart_words.chart_labels("nl"), item_order=FRAMEWORK.item_ids), "png")
    assert png.startswith(b"\x89PNG")
    ours_cells = cells[cells["team"] == OURS].set_index("item")
    if shown == Shown.NOTHING:
        assert rows == [] and xlsx_rows.empty and OURS not in pdf and ours_cells.empty
        assert OURS not in view.teams
        return
    assert len(rows) == len(xlsx_rows) == len(FRAMEWORK.items) and OURS in pdf
    ab1 = next(row for row in rows if row["item"] == "AB1")
    if state == "item below threshold":
        assert ab1["mean"] == ab1["median"] == ab1["count_1"] == "" and ab1["n"] in ("1", "1.0")
        assert xlsx_rows.loc["AB1", ["mean", "median", "sd", "count_1"]].isna().all() and xlsx_rows.at["AB1", "n"] == 1
        assert pd.isna(ours_cells.at["AB1", "mean"])
        # The organisation's figure for AB1 comes from the three other teams only.
        assert view.organisation.set_index("item").at["AB1", "teams"] == 3
    else:
        assert float(ab1["mean"]) == 4 and ours_cells.at["AB1", "mean"] == 4


def workshop_in(engine, state: str):
    survey_round = workshop.start_workshop(engine, group_name="Training Kringstad", period=PERIOD)
    fill(engine, survey_round.id, 2 if state == "below threshold" else 5, thin=state == "item below threshold")
    if state != "open":
        workshop.close_workshop(engine, survey_round.id)
    return rounds.get_round(engine, survey_round.id)


@pytest.mark.parametrize("state", [state for state in STATES if state != "closed+published"])
def test_workshop_pdf_and_png_follow_the_policy(world, state):
    engine, ours, other, _ = world
    survey_round = workshop_in(engine, state)
    shown = assert_only_its_viewer_may_ask(View.WORKSHOP, survey_round, engine, ours.id, other.id)
    summary = workshop_results.workshop_summary(engine, survey_round.id, "nl", min_group=3)
    assert summary.shown == (shown == Shown.NUMBERS)
    if not summary.shown:
        assert summary.profile.empty and summary.agenda.empty  # nothing to put in a PDF or PNG
        return
    labels = chart_words.chart_labels("nl")
    assert workshop_report.summary_png(summary, labels, "nl").startswith(b"\x89PNG")
    text = pdf_text(workshop_report.summary_pdf(summary, labels, "nl"))
    profile = summary.profile.set_index("item")
    if state == "item below threshold":
        assert summary.too_few_scores == (f"AB1 · {FRAMEWORK.item('AB1').title.get('nl')}",)
        assert profile.loc["AB1", ["median", "count_1", "target_mean"]].isna().all()
        assert "1,0" not in text
    else:
        assert profile.at["AB1", "median"] == 4 and summary.too_few_scores == ()


@pytest.mark.parametrize("state", STATES)
def test_summary_command_follows_the_policy(world, state):
    engine, ours, other, _ = world
    survey_round = make_round(engine, ours.id, state)
    rows = {row["item"]: row for row in run_summary(str(engine.url), "--team", OURS)}
    shown = policy.what_is_shown(View.CLI, Principal(Role.ADMIN), state_of(survey_round, engine), load_settings())
    for name in PRINCIPALS:  # only whoever runs it on the server (the admin) is in the CLI view
        looks = policy.what_is_shown(View.CLI, principal_of(name, ours.id, other.id), state_of(survey_round, engine), load_settings())
        assert (looks != Shown.NOTHING) == (name == "admin" and shown != Shown.NOTHING)
    if shown == Shown.NOTHING:
        assert rows == {}  # an open round is not in the summary at all
        return
    ab1, ab2 = rows["AB1"], rows["AB2"]
    if shown == Shown.COUNT:
        assert ab1["respondents"] == "2" and ab1["suppressed"] == "true" and ab1["mean"] == ab1["n"] == ""
        return
    assert ab2["suppressed"] == "false" and ab2["mean"] == "4"
    if state == "item below threshold":
        assert ab1["suppressed"] == "true" and ab1["n"] == "1" and ab1["n_dont_know"] == "4"
        assert ab1["mean"] == ab1["median"] == ab1["count_1"] == ""
    else:
        assert ab1["suppressed"] == "false" and ab1["mean"] == "4"

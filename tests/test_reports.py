"""Exports: the team and organisation PDFs (text, principle titles, pages that render), the
XLSX and CSV (numbers equal to the one aggregation), and PNG/SVG of every manager chart."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from conftest import skip_or_fail
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from kringwijs_survey.core import i18n
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import notes, responses, rounds, sharing, teams
from kringwijs_survey.render import chart_words, charts, exports, reports
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.stats.aggregation import Scope, summarize
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate
from kringwijs_survey.views import organisation

import factories
from browser_helpers import OUTPUT_DIR

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
MIN_ORG = 5
TEAMS = ("Wijkteam Noord", "Wijkteam Zuid", "Wijkteam Centrum", "Jeugd- en gezinsteam")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Four teams, two quarters each, all shared; Noord has notes and actions."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'reports.db'}"
    migrate(url)
    engine = get_engine(url)
    made = {}
    for team_index, name in enumerate(TEAMS):
        team = teams.create_team(engine, name, "Kringstad")
        for period_index, period in enumerate(("2026-Q1", "2026-Q2")):
            survey_round = rounds.start_round(engine, team.id, period)
            for person in range(5 + team_index):
                answers = [
                    responses.AnswerInput(item.id, 1 + (person + position + team_index + period_index) % 5 if (person + position) % 7 else None)
                    for position, item in enumerate(FRAMEWORK.items)
                ]
                factories.submit(engine, survey_round.id, f"{name}-{period}-{person}", answers)
            rounds.close_round(engine, survey_round.id, actor=SYSTEM)
            sharing.publish_round(engine, survey_round.id)
            made[name, period] = survey_round
    noord = made["Wijkteam Noord", "2026-Q2"]
    notes.save_note(engine, noord.id, "AB1", "We praten over ‘lastige’ cliënten alsof ze erbij zijn – dat gaat goed.", actor=SYSTEM)
    notes.add_action(engine, noord.id, notes.ActionInput("Minder formulieren bij de aanmelding", "B4", "Anouk", None, "organisation"), actor=SYSTEM)
    yield engine, made
    dispose_engines()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


def render_pages(data: bytes, tmp_path, name: str) -> list[Image.Image]:
    if shutil.which("pdftoppm") is None:
        skip_or_fail("pdftoppm is missing; `make system-deps` installs poppler-utils")
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(source), str(tmp_path / name)], check=True, timeout=120)
    files = sorted(tmp_path.glob(f"{name}-*.png"), key=lambda path: int(re.findall(r"-(\d+)\.png$", path.name)[0]))
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy(files[0], OUTPUT_DIR / f"report-{name}-page-1.png")
    return [Image.open(path).convert("L") for path in files]


def assert_pages_have_content(pages: list[Image.Image]) -> None:
    for number, page in enumerate(pages, start=1):
        width, height = page.size
        assert 0.69 < width / height < 0.73, f"page {number} is not A4 portrait"
        inked = int((np.asarray(page) < 200).sum())
        assert inked > 0.004 * width * height, f"page {number} is (almost) empty"


def test_team_pdf_has_team_quarter_every_title_and_renders(world, tmp_path):
    engine, round_list = world
    survey_round = round_list["Wijkteam Noord", "2026-Q2"]
    data = reports.team_report_pdf(engine, survey_round.team_id, survey_round.id, min_group=3, lang="nl")
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in ("Uitkomsten van Wijkteam Noord", "2026-Q2", "Ons profiel", "Blokkades", "De beginselen en blokkades"):
        assert expected in text
    for item in FRAMEWORK.items:
        assert f"{item.id} · {item.title.nl}" in text, item.id
    assert "‘lastige’ cliënten" in text and "Minder formulieren bij de aanmelding" in text
    assert PdfReader(io.BytesIO(data)).metadata.title == "Uitkomsten van Wijkteam Noord"
    pages = render_pages(data, tmp_path, "team")
    assert len(pages) == len(PdfReader(io.BytesIO(data)).pages) >= 3
    assert_pages_have_content(pages)


def test_team_pdf_refuses_an_open_round_and_too_few_people(world, tmp_path):
    engine, _ = world
    team = teams.create_team(engine, "Wijkteam Klein")
    survey_round = rounds.start_round(engine, team.id, "2026-Q1")
    for person in "ab":
        factories.submit(engine, survey_round.id, person, [responses.AnswerInput("AB1", 3)])
    with pytest.raises(InvalidInput, match="nog open"):
        reports.team_report_pdf(engine, team.id, survey_round.id, min_group=3)
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    with pytest.raises(InvalidInput, match="te weinig"):
        reports.team_report_pdf(engine, team.id, survey_round.id, min_group=3)


def test_organisation_pdf_has_the_teams_and_the_principles_and_renders(world, tmp_path):
    engine, _ = world
    view = organisation.organisation_view(engine, min_group_org=MIN_ORG)
    data = reports.organisation_report_pdf(engine, view, lang="nl")
    text = pdf_text(data)
    assert "Teams vergelijken: verslag voor de organisatie" in text and "In dit verslag: 4 teams." in text
    for name in TEAMS:
        assert name in text
    for item in FRAMEWORK.items:
        assert f"{item.id} · {item.title.nl}" in text, item.id
    assert "Minder formulieren bij de aanmelding" in text and "Anouk" not in text
    assert "lastige" not in text  # team notes never leave the team
    assert_pages_have_content(render_pages(data, tmp_path, "organisation"))

    anonymous = reports.organisation_report_pdf(engine, organisation.anonymise(view, seed=3), lang="nl")
    anonymous_text = pdf_text(anonymous)
    assert "Anonieme stand" in anonymous_text
    for name in TEAMS:
        assert name not in anonymous_text


@pytest.mark.parametrize("which", ["team", "organisation"])
def test_every_chart_in_a_pdf_that_shows_blockades_says_what_higher_means(world, monkeypatch, which):
    """A high blockade is bad: every chart a PDF draws that names a blockade also carries the
    blockade heading or legend entry that says so (hoger = meer last), or the heatmap's own, or
    (what changed) colours each row by whether the change is good news for its kind."""
    engine, round_list = world
    drawn = []
    real_image = charts.chart_image

    def spy(chart, *args, **kwargs):
        drawn.append(chart.to_dict() if hasattr(chart, "to_dict") else chart)
        return real_image(chart, *args, **kwargs)

    monkeypatch.setattr(charts, "chart_image", spy)
    if which == "team":
        survey_round = round_list["Wijkteam Noord", "2026-Q2"]
        reports.team_report_pdf(engine, survey_round.team_id, survey_round.id, min_group=3)
    else:
        reports.organisation_report_pdf(engine, organisation.organisation_view(engine, min_group_org=MIN_ORG), lang="nl")
    labels = chart_words.chart_labels("nl")
    blockade_ids = {item.id for item in FRAMEWORK.items_of_kind("blockade")}
    with_blockades = [spec for spec in drawn if blockade_ids & set(re.findall(r"\bB\d\b", str(spec)))]
    assert with_blockades
    for spec in with_blockades:
        flat = str(spec).replace("', '", " ")
        by_outcome = "'field': 'outcome_label" in flat and labels["better"] in flat
        assert labels["blockade"] in flat or labels["heat_blockade"] in flat or by_outcome, flat[:300]


def test_organisation_pdf_with_too_few_teams_holds_only_the_explanation(world):
    engine, _ = world
    view = organisation.organisation_view(engine, min_group_org=MIN_ORG, areas=["Nergens"])
    text = pdf_text(reports.organisation_report_pdf(engine, view, lang="nl"))
    assert "minstens 3" in text and "AB1" not in text


def test_english_pdf_uses_english_headings(world):
    engine, round_list = world
    survey_round = round_list["Wijkteam Zuid", "2026-Q1"]
    text = pdf_text(reports.team_report_pdf(engine, survey_round.team_id, survey_round.id, min_group=3, lang="en"))
    assert "Results of Wijkteam Zuid" in text and "Our profile" in text


def test_xlsx_and_csv_numbers_equal_the_aggregation(world):
    engine, _ = world
    view = organisation.organisation_view(engine, min_group_org=MIN_ORG)
    truth = summarize(engine, Scope.of(teams=TEAMS, periods="2026-Q2", published_only=True), min_group=MIN_ORG)
    # The policy's item rule: an item fewer than MIN_ORG people scored has no numbers.
    thin = truth["too_few_scores"].astype(bool)
    assert 0 < thin.sum() < len(truth) / 2
    assert truth.loc[thin, ["mean", "median", "sd", "count_1"]].isna().all().all()

    workbook = load_workbook(io.BytesIO(exports.aggregates_xlsx(engine, view, "nl")))
    assert workbook.sheetnames == ["Over dit bestand", "Teams", "Organisatie", "Blokkades", "Acties"]
    rows = list(workbook["Teams"].values)
    header = [i18n.t(f"report.col.{column}") for column in exports.EXPORT_COLUMNS]
    assert list(rows[0]) == header
    sheet = pd.DataFrame(rows[1:], columns=exports.EXPORT_COLUMNS)
    assert len(sheet) == len(truth) == len(TEAMS) * len(FRAMEWORK.items)
    merged = sheet.merge(truth, on=["team", "period", "item"], suffixes=("_xlsx", ""))
    assert len(merged) == len(truth)
    for column in ("respondents", "n", "mean", "median", "sd", "n_dont_know", "count_1", "count_5"):
        assert merged[f"{column}_xlsx"].astype(float).tolist() == pytest.approx(merged[column].astype(float).tolist(), nan_ok=True), column

    whole = pd.DataFrame(list(workbook["Organisatie"].values)[1:], columns=organisation.ORG_COLUMNS)
    # The organisation's mean: everyone's scores together, from the same counts as the teams' rows.
    counts = truth.groupby("item")[[f"count_{score}" for score in range(1, 6)]].sum()
    everyone = sum(counts[f"count_{score}"] * score for score in range(1, 6)) / counts.sum(axis=1)
    assert whole.set_index("item")["mean"].astype(float).to_dict() == pytest.approx(everyone.astype(float).to_dict())
    actions = list(workbook["Acties"].values)
    assert any("Minder formulieren bij de aanmelding" in str(row) for row in actions)
    assert not any("Anouk" in str(row) for row in actions)

    csv = pd.read_csv(io.BytesIO(exports.aggregates_csv(view)))
    teams_csv = csv[csv["level"] == "team"].merge(truth, on=["team", "period", "item"], suffixes=("_csv", ""))
    assert len(teams_csv) == len(truth)
    assert teams_csv["mean_csv"].tolist() == pytest.approx(teams_csv["mean"].astype(float).tolist(), nan_ok=True)
    assert teams_csv["respondents_csv"].tolist() == teams_csv["respondents"].tolist()
    org_csv = csv[csv["level"] == "organisation"].set_index("item")["mean"]
    assert org_csv.to_dict() == pytest.approx(everyone.astype(float).to_dict())


def test_xlsx_with_too_few_teams_holds_only_the_explanation(world):
    engine, _ = world
    view = organisation.organisation_view(engine, min_group_org=MIN_ORG, areas=["Nergens"])
    workbook = load_workbook(io.BytesIO(exports.aggregates_xlsx(engine, view, "nl")))
    assert workbook.sheetnames == ["Over dit bestand"]
    assert "minstens 3" in " ".join(str(row[0]) for row in workbook.active.values)


def test_every_manager_chart_exports_as_png_and_svg(world):
    engine, _ = world
    view = organisation.organisation_view(engine, min_group_org=MIN_ORG)
    labels = chart_words.chart_labels("nl")
    team_list, items = organisation.heatmap_order(view, "spread")
    built = [
        charts.heatmap(organisation.heatmap_frame(view, team_list, items), labels=labels, item_order=items),
        charts.radar(organisation.team_profile(view, team_list[0]), labels={**labels, "median": team_list[0], "previous": "Organisatie"}),
        charts.team_spread_chart(organisation.item_spread(view, team_list[1]), labels={**labels, **chart_words.spread_labels("nl")}, highlight=team_list[1]),
        charts.trend_chart(organisation.trend(view), labels={**labels, **chart_words.trend_labels("nl")}, highlight=team_list[2]),
        charts.pressure_chart(organisation.blockade_pressure(view), labels={**labels, **chart_words.pressure_labels("nl")}),
    ]
    for chart in built:
        png = charts.chart_image(chart, "png")
        assert png.startswith(b"\x89PNG")
        assert Image.open(io.BytesIO(png)).size[0] > 300
        svg = charts.chart_image(chart, "svg").decode("utf-8")
        assert svg.lstrip().startswith("<svg")
    assert exports.chart_file_name("Profiel Wijkteam Noord", "png") == "profiel-wijkteam-noord.png"


def test_organisation_charts_say_no_data_when_empty():
    labels = {**chart_words.chart_labels("nl"), **chart_words.spread_labels("nl"), **chart_words.trend_labels("nl"), **chart_words.pressure_labels("nl")}
    for chart in (
        charts.team_spread_chart(pd.DataFrame(), labels=labels),
        charts.trend_chart(pd.DataFrame(), labels=labels),
        charts.pressure_chart(pd.DataFrame(), labels=labels),
    ):
        assert labels["no_data"] in chart.to_json()


def test_a_tall_chart_stays_on_the_page_of_its_heading_and_introduction():
    """Seen in the manager's report of thirty teams: the heatmap did not fit under its heading and
    introduction, went to the next page on its own and left them alone on a page. Now the chart
    is made smaller so that the three stay together."""
    from kringwijs_survey.render.pdf import Report

    items = get_frameworks()["verklaring-van-eindhoven"].items
    frame = pd.DataFrame(
        [
            {"team": f"Wijkteam {team:02d}", "item": item.id, "title": item.title.nl, "mean": 1 + (team + number) % 40 / 10, "org_mean": 3.0}
            for team in range(1, 31)
            for number, item in enumerate(items)
        ]
    )
    heatmap = charts.heatmap(frame, labels={**chart_words.chart_labels("nl"), "mean": "Gemiddelde"})
    report = Report("Teams vergelijken", "nl")
    report.paragraph("Wat er voor deze grafiek op de bladzijde staat.")
    report.chart_section("Alle teams en alle vragen", "Een uitleg van vijf regels. " * 20, heatmap, "De kleurentabel")
    pages = PdfReader(io.BytesIO(report.output())).pages
    with_heading = [page for page in pages if "Alle teams en alle vragen" in page.extract_text()]
    assert len(with_heading) == 1 and len(with_heading[0].images) == 1
    assert all(page.images for page in pages if "Een uitleg" in page.extract_text())

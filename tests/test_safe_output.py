"""What people type reaches nobody as a link, an image, markup or a formula: the one way pages
show typed text (typed_text), the PDFs, and the CSV and XLSX files. Every test uses the whole
hostile corpus of tests/hostile_strings.py."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pypdf import PdfReader

from kringwijs_survey import cli
from kringwijs_survey.core.i18n import LANGUAGES, table
from kringwijs_survey.core.settings import NAME_MAX
from kringwijs_survey.core.spreadsheet import FORMULA_STARTS, csv_cell, from_csv_cell
from kringwijs_survey.domain import csv_io, notes, responses, rounds, sharing, teams, workshop
from kringwijs_survey.render import chart_words, exports, reports, workshop_report
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.rules.content import DEFAULT_FRAMEWORK, get_frameworks
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate
from kringwijs_survey.views import organisation, workshop_results
from kringwijs_survey.web import typed_text

import factories
from hostile_strings import HOSTILE, as_name, packed_names, stored_comment, stored_line

FRAMEWORK = get_frameworks()[DEFAULT_FRAMEWORK]
ITEMS = FRAMEWORK.item_ids
CORPUS = list(HOSTILE.values())
PAGES = Path(__file__).resolve().parent.parent / "pages"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


# --- the one way to show typed text -------------------------------------------------------------


def inner(element: str) -> str:
    """The text inside the one element typed_text makes (its own tags are fixed)."""
    found = re.fullmatch(r'<(h1|h2|h3|p|div) class="kw-typed[^"]*"(?: role="\w+")? style="[^"<>]*">(.*)</\1>', element, re.DOTALL)
    assert found, element
    return found.group(2)


@pytest.mark.parametrize("kind", typed_text.KINDS)
def test_typed_text_is_one_fixed_element_holding_only_escaped_text(kind):
    for text in CORPUS:
        body = inner(typed_text.as_html(text, kind))
        assert "<" not in body and ">" not in body, text
        assert html.unescape(body) == text


def say_keys() -> set[str]:
    """Every locale text the pages fill with typed values (ui.say), with the 'jij' form of the
    residents' texts (the page adds ".jij" to the key when the team chose it), and the refusals."""
    keys = {key for page in PAGES.glob("*.py") for key in re.findall(r'ui\.say\(\s*"([^"]+)"', page.read_text(encoding="utf-8"))}
    keys |= {f"{key}.jij" for key in keys if f"{key}.jij" in table("nl")}
    # ui.show_error tells every refusal (InvalidInput) the same way: its values may be typed
    return keys | {key for key, text in table("nl").items() if key.startswith("error.") and "{" in text}


def test_locale_texts_with_typed_values_keep_their_format_and_add_none():
    assert {"results.title", "join.round_title", "residents.intro", "residents.intro.jij", "residents.title_team.jij", "new_team.done", "admin.erase_warning"} <= say_keys()
    for lang in LANGUAGES:
        for key in say_keys():
            template = table(lang)[key]
            slots = set(re.findall(r"{(\w+)", template))
            for text in CORPUS:
                element = typed_text.sentence_html(template, {slot: text for slot in slots}, "text")
                body = re.sub(r"</?(strong|em|p)( style=\"[^\"]*\")?>", "", inner(element))
                assert "<" not in body and ">" not in body, (key, text)
                assert html.escape(text) in body, (key, text)
                assert "**" not in body.replace(html.escape(text), ""), f"{key}: markdown the template uses is not supported"


def test_texts_shown_as_plain_text_hold_no_markdown():
    """ui.plain texts (chart summaries) are shown as text: markdown in them would show as is."""
    keys = {key for page in PAGES.glob("*.py") for key in re.findall(r'ui\.plain\(\s*"([^"]+)"', page.read_text(encoding="utf-8"))}
    assert "manager.profile_summary" in keys
    for lang in LANGUAGES:
        for key in keys:
            assert not re.search(r"\*\*|\]\(|`|^#", table(lang)[key]), (lang, key)


def test_no_page_puts_a_typed_value_into_markdown():
    """ui.t escapes values for markdown, which cannot stop autolinks: typed values use ui.say,
    ui.plain (shown as text) or typed_text. Names of typed values never go into ui.t."""
    typed_names = r"(team|name|area|owner|what|comment|message|note)"
    for page in PAGES.glob("*.py"):
        source = page.read_text(encoding="utf-8")
        assert not re.search(r"ui\.t\([^()]*\b" + typed_names + r"=(?!number\()", source), page.name  # number(): a median
        assert "ui.literal(" not in source, page.name
        for element in ("st.title", "st.header", "st.subheader", "st.caption", "st.markdown", "st.write", "st.success", "st.info", "st.warning", "st.error"):
            for call in re.findall(re.escape(element) + r"\(([^\n]*)", source):
                assert not re.search(r"\b(team\.name|team\.area|action\.what|action\.owner|message\.team|message\.text|summary\.name|workshop_name)\b|[(, ]comment[,)]", call), f"{page.name}: {element}({call}"


# --- spreadsheets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", CORPUS + ["", "'", "''", "'a", "a=b", "=", "-", "'\t", "'''@x"])
def test_the_csv_protection_is_undone_exactly(text):
    written = csv_cell(text)
    assert not str(written).startswith(FORMULA_STARTS)
    assert from_csv_cell(written) == text


def formula_cells(rows) -> list[str]:
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


@pytest.fixture(scope="module")
def hostile_world(tmp_path_factory):
    """Teams named with the whole corpus (packed into 14 names), each with a shared round; every
    corpus string is a comment, an action (with itself as owner, for the organisation) and part
    of a note; respondent codes start like formulas."""
    url = f"sqlite:///{tmp_path_factory.mktemp('safe-output') / 'hostile.db'}"
    migrate(url)
    engine = get_engine(url)
    names = packed_names()
    made = []
    for index, name in enumerate(names):
        team = teams.create_team(engine, name, area=names[(index + 1) % len(names)])
        survey_round = rounds.start_round(engine, team.id, "2026-Q1")
        for person, respondent in enumerate(("=p1", "-p2", "@p3", "p4")):
            comments = [CORPUS[((index * 4 + person) * len(ITEMS) + position) % len(CORPUS)] for position in range(len(ITEMS))]
            answers = [responses.AnswerInput(item, 1 + person, comment=comment) for item, comment in zip(ITEMS, comments)]
            factories.submit(engine, survey_round.id, f"{respondent}{index}", answers)
        rounds.close_round(engine, survey_round.id, actor=SYSTEM)
        sharing.publish_round(engine, survey_round.id)
        sharing.share_summary(engine, survey_round.id, "\n".join(CORPUS[index :: len(names)]))
        made.append((team, survey_round))
    first_round = made[0][1]
    for position, item in enumerate(ITEMS):
        notes.save_note(engine, first_round.id, item, "\n".join(CORPUS[position::len(ITEMS)]), actor=SYSTEM)
    for index, text in enumerate(CORPUS):
        notes.add_action(engine, made[index % len(made)][1].id, notes.ActionInput(text, None, as_name(text), None, "organisation"), actor=SYSTEM)
    yield url, engine, made
    dispose_engines()


@pytest.fixture
def hostile_engine(hostile_world):
    return hostile_world[1], hostile_world[2]


def test_export_csv_protects_every_cell_and_import_gives_back_every_character(hostile_engine, tmp_path):
    engine, _ = hostile_engine
    first = tmp_path / "first.csv"
    csv_io.export_csv(engine, first)
    rows = list(csv.reader(first.open(encoding="utf-8", newline="")))
    assert rows[0] == csv_io.CSV_COLUMNS
    assert formula_cells(rows) == []
    assert {from_csv_cell(row[5]) for row in rows[1:]} >= {stored_comment(text) for text in CORPUS}
    written = {row[5] for row in rows[1:]}
    assert {"''=1+1", "'''=2+2", "'gewoon", "'-2+3"} <= written  # '=… and ''=… are told apart; 'gewoon stays

    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    migrate(other_url)
    other = get_engine(other_url)
    csv_io.import_csv(other, first)
    assert csv_io.export_rows(other) == csv_io.export_rows(engine)  # every name, respondent and comment, as stored
    second = tmp_path / "second.csv"
    csv_io.export_csv(other, second)
    assert second.read_bytes() == first.read_bytes()


def test_summary_csv_protects_team_names(hostile_world, hostile_engine, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", hostile_world[0])
    assert cli.main(["summary", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert formula_cells(rows) == []
    assert {from_csv_cell(row[0]) for row in rows[1:]} == {team.name for team, _ in hostile_engine[1]}


def test_manager_csv_and_xlsx_hold_every_typed_text_and_no_formula(hostile_engine):
    engine, made = hostile_engine
    view = organisation.organisation_view(engine, min_group_org=3, lang="nl")
    assert view.enough
    rows = list(csv.reader(io.StringIO(exports.aggregates_csv(view).decode("utf-8"))))
    assert formula_cells(rows) == []
    assert {from_csv_cell(row[1]) for row in rows[1:] if row[0] == "team"} == {team.name for team, _ in made}
    assert {from_csv_cell(row[2]) for row in rows[1:] if row[0] == "team"} == {team.area for team, _ in made}

    workbook = load_workbook(io.BytesIO(exports.aggregates_xlsx(engine, view, "nl")))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    values = {cell.value for cell in cells}
    assert {team.name for team, _ in made} <= values
    assert {team.area for team, _ in made} <= values
    assert {stored_line(text) for text in CORPUS} <= values  # the to-do list: what teams ask of the organisation
    assert all(cell.quotePrefix for cell in cells if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS))


# --- PDF -----------------------------------------------------------------------------------------


def drawable(text: str) -> str:
    """The text as the PDF can hold it: without the characters DejaVu Sans has no glyph for
    (fpdf2 leaves them out: emoji, their skin tones and joiners) and without white space (lines
    wrap wherever the page ends)."""
    cmap = _dejavu_cmap()
    return "".join(char for char in text if ord(char) in cmap and not char.isspace())


_CMAP: dict = {}


def _dejavu_cmap() -> dict:
    if not _CMAP:
        _CMAP.update(TTFont(DEJAVU).getBestCmap())
    return _CMAP


def pdf_text(data: bytes) -> str:
    """All pages' text without white space and without the footer ("title · 2/5") that a page
    break puts in the middle of a long paragraph."""
    pages = [(page.extract_text() or "").rsplit("\n", 1)[0] for page in PdfReader(io.BytesIO(data)).pages]
    return "".join("".join(page.split()) for page in pages)


def assert_plain_pdf(data: bytes, expected: list[str]) -> None:
    text = pdf_text(data)
    missing = [value for value in expected if drawable(value) not in text]
    assert missing == []
    assert b"/URI" not in data and b"/JavaScript" not in data and b"/JS" not in data and b"/Launch" not in data
    for page in PdfReader(io.BytesIO(data)).pages:
        assert "/Annots" not in page


def test_team_report_holds_notes_and_actions_as_typed(hostile_engine):
    engine, made = hostile_engine
    team, survey_round = made[0]
    data = reports.team_report_pdf(engine, team.id, survey_round.id, min_group=3, lang="nl")
    actions = notes.round_actions(engine, survey_round.id)
    expected = [team.name] + list(notes.round_notes(engine, survey_round.id).values()) + [a.what for a in actions] + [a.owner for a in actions]
    assert_plain_pdf(data, expected)


def test_organisation_report_holds_team_names_actions_and_messages_as_typed(hostile_engine):
    engine, made = hostile_engine
    view = organisation.organisation_view(engine, min_group_org=3, lang="nl")
    data = reports.organisation_report_pdf(engine, view, lang="nl", areas=[team.area for team, _ in made[:2]])
    expected = [team.name for team, _ in made] + [message.text for message in view.messages] + [stored_line(text) for text in CORPUS]
    assert_plain_pdf(data, expected + [team.area for team, _ in made[:2]])


# Each summary draws its charts, so two group names: those with links, images and HTML.
@pytest.mark.parametrize("name", [name for name in packed_names(limit=NAME_MAX - 6) if "evil-" in name][:2])
def test_workshop_summary_pdf_holds_the_group_name_as_typed(hostile_engine, name):
    engine, _ = hostile_engine
    group = workshop.start_workshop(engine, None, name + " groep", "2026-Q2")
    for person in range(3):
        factories.submit(engine, group.id, f"w{person}", [responses.AnswerInput(item, 3) for item in ITEMS])
    workshop.close_workshop(engine, group.id)
    summary = workshop_results.workshop_summary(engine, group.id, "nl", 3)
    assert summary.name == as_name(name + " groep")
    assert_plain_pdf(workshop_report.summary_pdf(summary, chart_words.chart_labels("nl"), "nl"), [summary.name])

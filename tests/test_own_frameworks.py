"""An organisation's own framework without a developer (issue 18): an admin uploads a YAML file,
it is checked with the rules of the built-in files (messages naming line, item and field),
previewed, published as a version; rounds keep the version they were answered with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.rules import own_frameworks
from kringwijs_survey.rules.access import SYSTEM, NotAllowed, Principal, Role
from kringwijs_survey.rules.content import MAX_UPLOAD_BYTES, get_frameworks
from kringwijs_survey.store.database import create_database_engine
from kringwijs_survey.views import team_results, workshop_results

import factories
from app_helpers import all_text, open_page, typed_texts
from cli_runner import run_cli
from hostile_strings import HOSTILE

GOOD = (Path(__file__).parent / "fixtures" / "own_framework.yaml").read_text(encoding="utf-8")
OWN_ID = "kringstad-eigen-kader"
ADMIN = Principal(Role.ADMIN)


def changed(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


# kind -> (the broken file, the problem kind, words of its own message, the line it names, item, field)
BROKEN = {
    "yaml_syntax": (
        changed(GOOD, 'title: {nl: "Eerst luisteren", en: "Listen first"}', 'title: {nl: "Eerst luisteren", en: "Listen first"'),
        "yaml", "geen geldige YAML", line_of(GOOD, 'title: {nl: "Eerst luisteren"') + 1, None, None,
    ),
    "missing_field": (
        changed(GOOD, '    summary: {nl: "Wie staan om de persoon heen?", en: "Who is around the person?"}\n', ""),
        "missing", "ontbreekt", line_of(GOOD, "  - id: KS2"), "KS2", "summary",
    ),
    "bad_scale": (
        changed(GOOD, '      5: {nl: "Helemaal", en: "Completely"}\n', ""),
        "scale", "precies de scores 1 t/m 5", line_of(GOOD, "    labels:"), None, "scales.principle.labels",
    ),
    "duplicate_item_id": (
        changed(GOOD, "  - id: KS3", "  - id: KS1"),
        "duplicate_id", "komt meer dan eens voor", line_of(GOOD, "  - id: KS3"), "KS1", "id",
    ),
    "id_of_builtin": (
        changed(GOOD, f"id: {OWN_ID}", "id: verklaring-van-eindhoven"),
        "builtin_id", "al de naam van een vragenlijst van de app", 1, None, "id",
    ),
    "item_id_of_builtin": (
        changed(GOOD, "  - id: KS2", "  - id: AB1"),
        "item_id_taken", "hoort al bij vragenlijst verklaring-van-eindhoven", line_of(GOOD, "  - id: KS2"), "AB1", "id",
    ),
    "too_big": (GOOD + "#" * (MAX_UPLOAD_BYTES + 1), "too_big", "te groot", None, None, None),
    "not_a_mapping": ("- een\n- lijst\n", "not_mapping", "een blok met velden", 1, None, None),
    "hostile_link": (
        changed(GOOD, '"Wat wil de persoon zelf?"', '"Kijk op www.evil-www.example"'),
        "hostile", "een link", line_of(GOOD, "Wat wil de persoon zelf?"), "KS1", "summary.nl",
    ),
    "not_text": (b"\xff\xfe\x00kapot", "not_text", "geen tekstbestand", None, None, None),
    "yaml_alias": (GOOD.replace('dont_know: {nl: "Weet ik niet"', 'x: &x {a: 1}\ny: *x\ndont_know: {nl: "Weet ik niet"'), "alias", "verwijzingen", None, None, None),
    "too_deep": ("a: " + "[" * 50_000, "too_deep", "te diep genest", None, None, None),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_upload_names_its_mistake_and_stores_nothing(sqlite_engine, kind):
    engine = sqlite_engine
    data, problem_kind, words, line, item, field = BROKEN[kind]
    checked = own_frameworks.check_upload(engine, data)
    assert not checked.ok
    assert [problem.kind for problem in checked.problems] == [problem_kind], [p.text() for p in checked.problems]
    problem = checked.problems[0]
    assert words in problem.message
    assert (problem.line, problem.item, problem.field) == (line, item, field)
    if line is not None:
        assert problem.text().startswith(f"regel {line}:")
    if item is not None:
        assert f"item {item}" in problem.text()
    with pytest.raises(own_frameworks.UploadRefused):
        own_frameworks.publish(engine, data, actor=ADMIN)
    assert own_frameworks.count_versions(engine) == 0
    assert OWN_ID not in get_frameworks(engine)


def test_each_kind_of_mistake_has_its_own_message_in_both_languages(sqlite_engine):
    engine = sqlite_engine
    for lang in ("nl", "en"):
        messages = [own_frameworks.check_upload(engine, BROKEN[kind][0], lang).problems[0].message for kind in BROKEN]
        assert len(set(messages)) == len(messages), messages
    english = own_frameworks.check_upload(engine, BROKEN["missing_field"][0], "en").problems[0].text()
    assert english.startswith("line ") and "field 'summary'" in english and "missing" in english


# What may stay because it is plain text already (after the stripping every text gets).
PLAIN_ENOUGH = {"emoji", "long_word", "apostrophe_text", "dashes", "indented_code"}


@pytest.mark.parametrize("key", list(HOSTILE))
def test_a_hostile_text_is_refused_or_stays_plain_text(sqlite_engine, key):
    engine = sqlite_engine
    value = HOSTILE[key]
    data = changed(GOOD, '"Wat wil de persoon zelf?"', json.dumps(value, ensure_ascii=False))
    checked = own_frameworks.check_upload(engine, data)
    if key in PLAIN_ENOUGH:
        assert checked.ok, [problem.text() for problem in checked.problems]
        assert checked.framework.item("KS1").summary.nl == value.strip()
    else:
        assert not checked.ok
        assert [(problem.kind, problem.item, problem.field) for problem in checked.problems] == [("hostile", "KS1", "summary.nl")]
        assert own_frameworks.count_versions(engine) == 0


def answer_round(engine, round_id, scores, prefix):
    for number, score in enumerate(scores):
        factories.submit(engine, round_id, f"{prefix}-{number}", [responses.AnswerInput(item, score) for item in ("KS1", "KS2", "KS3")])


def test_a_good_upload_previews_publishes_and_keeps_its_rounds_on_their_version(engine):
    checked = own_frameworks.check_upload(engine, GOOD)
    assert checked.ok and checked.problems == []
    assert checked.framework.item_ids == ["KS1", "KS2", "KS3"]
    assert own_frameworks.count_versions(engine) == 0  # a preview stores nothing

    first = own_frameworks.publish(engine, GOOD, actor=ADMIN)
    assert (first.id, first.version, first.own.uploaded_by) == (OWN_ID, 1, "admin")
    assert get_frameworks(engine)[OWN_ID].version == 1

    team = teams.create_team(engine, "Wijkteam Kringstad")
    survey_round = rounds.start_round(engine, team.id, "2026-Q1", OWN_ID)
    assert (survey_round.framework, survey_round.framework_version, survey_round.scales) == (OWN_ID, 1, "kringstad-1")
    answer_round(engine, survey_round.id, [2, 3, 4], "q1")
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)

    def results():
        framework = own_frameworks.of_round(engine, rounds.get_round(engine, survey_round.id))
        summary = rounds.team_summary(engine, team, framework.id, 3)
        return framework, team_results.profile(summary, framework, "2026-Q1", "nl")

    framework, before = results()
    assert list(before["item"]) == ["KS1", "KS2", "KS3"]
    assert list(before["title"])[0] == "Eerst luisteren"
    assert list(before["median"]) == [3, 3, 3]

    second_text = changed(GOOD, '"Eerst luisteren"', '"Altijd eerst luisteren"')
    second_text = changed(second_text, '  - id: KS2\n    group: afspraken', '  - id: KS4\n    group: afspraken')
    second = own_frameworks.publish(engine, second_text, actor=SYSTEM)
    assert second.version == 2 and second.item_ids == ["KS1", "KS4", "KS3"]
    assert get_frameworks(engine)[OWN_ID].version == 2

    framework_after, after = results()
    assert framework_after.version == 1 and framework_after.item_ids == ["KS1", "KS2", "KS3"]
    assert after.equals(before)
    assert rounds.start_round(engine, team.id, "2026-Q2", OWN_ID).framework_version == 2


def test_another_process_sees_a_published_framework_at_once(engine):
    other_process = create_database_engine(str(engine.url))
    try:
        assert OWN_ID not in get_frameworks(other_process)
        own_frameworks.publish(engine, GOOD, actor=ADMIN)
        assert get_frameworks(other_process)[OWN_ID].version == 1
    finally:
        other_process.dispose()


@pytest.mark.parametrize("role", [None, Role.TEAM, Role.PARTICIPANT, Role.FACILITATOR, Role.MANAGER])
def test_only_an_admin_may_publish(sqlite_engine, role):
    engine = sqlite_engine
    with pytest.raises(NotAllowed):
        own_frameworks.publish(engine, GOOD, actor=Principal(role, team_id=1, round_id=1))
    assert own_frameworks.count_versions(engine) == 0


def test_the_history_never_mixes_lenses(engine):
    """A team that answered two frameworks: each history holds only its own quarters."""
    own_frameworks.publish(engine, GOOD, actor=ADMIN)
    team = teams.create_team(engine, "Wijkteam Twee Lenzen")
    for period, framework, items in (
        ("2026-Q1", "verklaring-van-eindhoven", ["AB1"]),
        ("2026-Q2", "verklaring-van-eindhoven", ["AB1"]),
        ("2026-Q3", OWN_ID, ["KS1"]),
        ("2026-Q4", OWN_ID, ["KS1"]),
        ("2026-Q4", "verklaring-van-eindhoven", ["AB1"]),  # two lenses in one quarter
    ):
        survey_round = rounds.start_round(engine, team.id, period, framework)
        for person in "abc":
            factories.submit(engine, survey_round.id, f"{period}-{person}", [responses.AnswerInput(item, 4) for item in items])
        rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    frameworks = get_frameworks(engine)
    for framework_id, periods in (
        ("verklaring-van-eindhoven", ["2026-Q1", "2026-Q2", "2026-Q4"]),
        (OWN_ID, ["2026-Q3", "2026-Q4"]),
    ):
        framework = frameworks[framework_id]
        summary = rounds.team_summary(engine, team, framework_id, 3)
        history = team_results.history(summary, framework, "nl")
        assert sorted(set(history["period"])) == periods
        assert set(history["item"]) <= set(framework.item_ids)
    own = frameworks[OWN_ID]
    first = team_results.changes(rounds.team_summary(engine, team, OWN_ID, 3), own, "2026-Q3", "nl")
    assert first.empty or first["previous_median"].isna().all()  # the Verklaring's Q2 is not its past


# --- the admin page ---------------------------------------------------------------------------


@pytest.fixture
def app_db(app_engine):
    return app_engine


def paste_and_check(app, text):
    next(area for area in app.text_area if area.key == "admin_framework_text").input(text)
    next(button for button in app.button if button.label == "Controleren").click().run()
    return app


def test_admin_uploads_checks_previews_and_publishes(app_db):
    app = open_page("pages/admin.py", session={"principal": ADMIN})
    assert not app.exception
    paste_and_check(app, BROKEN["missing_field"][0])
    assert not app.exception
    assert "Er is niets opgeslagen" in all_text(app)
    assert any(f"regel {BROKEN['missing_field'][3]}: item KS2, veld 'summary': ontbreekt" in text for text in typed_texts(app, "error"))
    assert own_frameworks.count_versions(app_db) == 0
    assert not any(button.label == "Plaatsen als nieuwe versie" for button in app.button)

    paste_and_check(app, GOOD)
    text = all_text(app)
    assert "Zo ziet een team het" in text and "Eerst luisteren" in text and "Samen met het netwerk" in text
    assert own_frameworks.count_versions(app_db) == 0
    next(button for button in app.button if button.label == "Plaatsen als nieuwe versie").click().run()
    assert not app.exception
    assert "is geplaatst als versie 1" in all_text(app)
    assert own_frameworks.count_versions(app_db) == 1

    principles = open_page("pages/principles.py")
    principles.selectbox(key="principles_framework").set_value(OWN_ID).run()
    assert not principles.exception
    text = all_text(principles)
    assert "Eigen vragenlijst, geplaatst door de organisatie op" in text and "versie 1" in text
    assert "Eerst luisteren" in text


@pytest.mark.parametrize("role", [Role.TEAM, Role.MANAGER, Role.FACILITATOR, Role.PARTICIPANT, None])
def test_no_other_role_reaches_the_upload(app_db, role):
    team = teams.create_team(app_db, "Wijkteam Aanval")
    session = {"principal": Principal(role, team_id=team.id, round_id=1)} if role else None
    app = open_page("pages/admin.py", session=session)
    assert not app.exception
    assert "Je hebt geen toegang" in all_text(app)
    assert not any(area.key == "admin_framework_text" for area in app.text_area)
    assert not app.get("file_uploader")
    # Even a session that still holds an uploaded file gets nothing published.
    app.session_state["admin_framework_data"] = GOOD.encode()
    app.run()
    assert own_frameworks.count_versions(app_db) == 0


# --- the command line -------------------------------------------------------------------------


def test_cli_validates_and_adds_a_framework(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    broken = tmp_path / "kapot.yaml"
    broken.write_text(BROKEN["duplicate_item_id"][0], encoding="utf-8")
    result = run_cli(url, "framework", "validate", str(broken))
    assert result.returncode == 1
    assert f"regel {BROKEN['duplicate_item_id'][3]}: item KS1, veld 'id': dit id komt meer dan eens voor" in result.stderr
    assert "1 fout; er is niets opgeslagen." in result.stderr
    assert run_cli(url, "framework", "add", str(broken)).returncode == 1

    good = tmp_path / "goed.yaml"
    good.write_text(GOOD, encoding="utf-8")
    result = run_cli(url, "framework", "validate", str(good))
    assert result.returncode == 0 and OWN_ID in result.stdout
    result = run_cli(url, "framework", "add", str(good))
    assert result.returncode == 0 and "versie 1" in result.stdout
    result = run_cli(url, "framework", "add", str(good))
    assert result.returncode == 0 and "versie 2" in result.stdout
    assert run_cli(url, "framework", "validate", str(tmp_path / "weg.yaml")).returncode == 2


def test_a_round_shows_the_version_it_was_answered_with_after_a_second_version(app_db):
    own_frameworks.publish(app_db, GOOD, actor=ADMIN)
    team = teams.create_team(app_db, "Wijkteam Versies")
    key = teams.issue_team_key(app_db, team.id)
    survey_round = rounds.start_round(app_db, team.id, "2026-Q1", OWN_ID)
    answer_round(app_db, survey_round.id, [2, 3, 4], "v1")
    rounds.close_round(app_db, survey_round.id, actor=SYSTEM)
    own_frameworks.publish(app_db, changed(GOOD, '"Eerst luisteren"', '"Altijd eerst luisteren"'), actor=ADMIN)

    results = open_page("pages/results.py", query={"team": key})
    assert not results.exception
    text = all_text(results)
    assert next(box for box in results.selectbox if box.label == "Ronde").options == ["2026-Q1 · Kringstad: samen in de wijk · versie 1"]
    assert "Eerst luisteren" in text and "Altijd eerst luisteren" not in text

    team_page = open_page("pages/team.py", query={"team": key})
    assert not team_page.exception
    choice = next(box for box in team_page.selectbox if box.label == "Vragenlijst")
    assert "Kringstad: samen in de wijk · versie 2" in choice.options and "Verklaring van Eindhoven" in choice.options


def test_a_workshop_runs_on_an_own_framework(engine):
    from kringwijs_survey.domain import workshop

    own_frameworks.publish(engine, GOOD, actor=ADMIN)
    survey_round = workshop.start_workshop(engine, group_name="Training Kringstad", period="2026-Q2", framework=OWN_ID)
    assert survey_round.framework_version == 1
    assert workshop.item_count(survey_round, engine) == 3
    view = workshop_results.live_view(engine, survey_round.id)
    assert view.framework.id == OWN_ID and view.total == 3
    screen = workshop.phone_screen(survey_round, set(), chosen=0, engine=engine)
    assert screen is not None


def test_a_built_in_file_under_ids_of_its_own_passes_the_same_rules(sqlite_engine, repo_root):
    """The rules are those of the built-in files: a copy of one, with ids of its own, is a good upload
    (residents' statements, earlier scales and all), and the same copy under the built-in ids is not."""
    text = (repo_root / "principles" / "kringwijs-uitgangspunten.yaml").read_text(encoding="utf-8")
    copy = text.replace("id: kringwijs-uitgangspunten", "id: kringwijs-kopie").replace("KU", "KK").replace("KR", "KQ")
    checked = own_frameworks.check_upload(sqlite_engine, copy)
    assert checked.ok, [problem.text() for problem in checked.problems]
    assert len(checked.framework.resident_statements) == 5
    same_ids = own_frameworks.check_upload(sqlite_engine, text.replace("id: kringwijs-uitgangspunten", "id: kringwijs-kopie"))
    assert {problem.kind for problem in same_ids.problems} == {"item_id_taken"}
    assert len(same_ids.problems) == 10


def test_the_team_pdf_of_a_round_keeps_its_version(engine):
    import io

    from pypdf import PdfReader

    from kringwijs_survey.render import reports

    own_frameworks.publish(engine, GOOD, actor=ADMIN)
    team = teams.create_team(engine, "Wijkteam Verslag")
    survey_round = rounds.start_round(engine, team.id, "2026-Q1", OWN_ID)
    answer_round(engine, survey_round.id, [2, 3, 4], "pdf")
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    own_frameworks.publish(engine, changed(GOOD, '"Eerst luisteren"', '"Altijd eerst luisteren"'), actor=ADMIN)
    data = reports.team_report_pdf(engine, team.id, survey_round.id, min_group=3, lang="nl")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "KS1 · Eerst luisteren" in text and "Altijd" not in text
    assert "KS3 · Kort en duidelijk" in text


def test_export_then_import_keeps_answers_to_an_own_framework(tmp_path):
    url = f"sqlite:///{tmp_path / 'from.db'}"
    fixture = tmp_path / "eigen.yaml"
    fixture.write_text(GOOD, encoding="utf-8")
    assert run_cli(url, "framework", "add", str(fixture)).returncode == 0
    from kringwijs_survey.store.database import get_engine

    engine = get_engine(url)
    team = teams.create_team(engine, "Wijkteam Uitvoer")
    survey_round = rounds.start_round(engine, team.id, "2026-Q1", OWN_ID)
    answer_round(engine, survey_round.id, [2, 3, 4], "csv")
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    exported = tmp_path / "antwoorden.csv"
    assert run_cli(url, "export-csv", str(exported)).returncode == 0
    assert "KS1" in exported.read_text(encoding="utf-8") and "kringstad-1" in exported.read_text(encoding="utf-8")

    other = f"sqlite:///{tmp_path / 'to.db'}"
    refused = run_cli(other, "import-csv", str(exported))
    assert refused.returncode == 1 and "KS1" in refused.stderr  # the framework is not there yet: nothing imported
    assert run_cli(other, "framework", "add", str(fixture)).returncode == 0
    assert run_cli(other, "import-csv", str(exported)).returncode == 0
    again = tmp_path / "opnieuw.csv"
    assert run_cli(other, "export-csv", str(again)).returncode == 0
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")
    imported = rounds.list_rounds(get_engine(other), teams.find_team(get_engine(other), "Wijkteam Uitvoer").id)
    assert [(found.framework, found.framework_version, found.scales) for found in imported] == [(OWN_ID, 1, "kringstad-1")]

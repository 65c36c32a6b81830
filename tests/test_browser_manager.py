"""A manager signs in with a passphrase and compares 30 teams that shared their rounds."""

from __future__ import annotations

import random
import shutil
import subprocess

import pytest

from kringwijs_survey.domain import notes, responses, rounds, sharing, teams
from kringwijs_survey.render import reports
from kringwijs_survey.rules.access import SYSTEM, hash_passphrase
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate
from kringwijs_survey.views import organisation

import factories
from browser_helpers import OUTPUT_DIR, charts_drawn, choose_view, page_ready, screenshot, sign_in_as_manager

pytestmark = pytest.mark.browser
FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
PASSPHRASE = "manager wachtwoord voor de test"
TEAM_COUNT = 30


@pytest.fixture
def thirty_teams(tmp_path):
    url = f"sqlite:///{tmp_path / 'browser-manager.db'}"
    migrate(url)
    engine = get_engine(url)
    rng = random.Random(6)
    areas = ("Kringstad Noord", "Kringstad Zuid", "Kringstad Oost")
    for index in range(TEAM_COUNT):
        team = teams.create_team(engine, f"Wijkteam {index + 1:02d}", areas[index % 3])
        level = rng.uniform(1.8, 4.2)
        for quarter_index, period in enumerate(("2026-Q1", "2026-Q2", "2026-Q3")):
            survey_round = rounds.start_round(engine, team.id, period)
            people = rng.randint(5, 9)
            # One write for the round's invitations, then one per response (not two per person).
            invitations = rounds.create_invitations(engine, survey_round.id, people, actor=SYSTEM)
            for person, invitation in enumerate(invitations):
                answers = [
                    responses.AnswerInput(item.id, max(1, min(5, round(rng.gauss(level + 0.2 * quarter_index, 0.9)))))
                    for item in FRAMEWORK.items
                ]
                responses.submit_response(engine, survey_round.id, f"{index}-{period}-{person}", answers, invitation=invitation)
            rounds.close_round(engine, survey_round.id, actor=SYSTEM)
            sharing.publish_round(engine, survey_round.id)
            if quarter_index == 2 and index % 4 == 0:
                notes.add_action(engine, survey_round.id, notes.ActionInput("Minder registratie bij de aanmelding", "B4", "Sanne", None, "organisation"), actor=SYSTEM)
    hidden = teams.create_team(engine, "Wijkteam Verborgen", areas[0])
    survey_round = rounds.start_round(engine, hidden.id, "2026-Q3")
    for person in range(8):
        factories.submit(engine, survey_round.id, f"hidden-{person}", [responses.AnswerInput(item.id, 1) for item in FRAMEWORK.items])
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)  # closed, never published
    yield url, engine
    dispose_engines()


def test_manager_signs_in_and_sees_the_heatmap_of_thirty_teams(streamlit_server, browser, thirty_teams):
    url, engine = thirty_teams
    base = streamlit_server({"DATABASE_URL": url, "KRINGWIJS_MANAGER_PASSPHRASE_HASH": hash_passphrase(PASSPHRASE)})
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    sign_in_as_manager(page, base, PASSPHRASE)
    page_ready(page)

    page.get_by_role("link", name="Teams vergelijken").click()
    page_ready(page)
    page.get_by_text("30 teams in beeld").wait_for(timeout=60_000)
    heatmap = page.locator('[data-testid="stVegaLiteChart"]').first
    heatmap.locator("canvas, svg").first.wait_for(timeout=60_000)
    box = heatmap.bounding_box()
    assert box and box["width"] > 500 and box["height"] > 30 * 30  # 30 rows of cells
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Wijkteam Verborgen" not in body and "Sanne" not in body
    screenshot(page, "manager-heatmap-30-teams")
    page.set_viewport_size({"width": 1440, "height": 2600})  # the whole heatmap painted at once
    charts_drawn(page)
    box = heatmap.bounding_box()
    assert box["width"] >= 15 * 48 and box["height"] >= 30 * 48  # cells keep their 48 px
    heatmap.screenshot(path=str(OUTPUT_DIR / "manager-heatmap-only.png"))
    page.set_viewport_size({"width": 1440, "height": 1000})

    choose_view(page, "Teams naast elkaar")
    charts_drawn(page)
    screenshot(page, "manager-profiles", full_page=False)
    for tab, name in (("Verschil tussen teams", "manager-spread"), ("Door de tijd", "manager-trend")):
        choose_view(page, tab)
        charts_drawn(page)
        screenshot(page, name, full_page=False)
    choose_view(page, "Blokkades")
    charts_drawn(page)
    screenshot(page, "manager-blockades", full_page=False)

    page.get_by_text("Anonieme stand").first.click()
    page_ready(page)
    page.get_by_text("de teams heten A, B, C").wait_for(timeout=60_000)
    assert "Wijkteam 01" not in page.locator('[data-testid="stMain"]').inner_text()
    screenshot(page, "manager-low-trust", full_page=False)
    context.close()

    # One page of the organisation report, rendered to PNG, to look at.
    if shutil.which("pdftoppm"):
        view = organisation.organisation_view(engine, min_group_org=5)
        pdf = OUTPUT_DIR / "manager-report.pdf"
        pdf.write_bytes(reports.organisation_report_pdf(engine, view, lang="nl"))
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "2", "-l", "2", str(pdf), str(OUTPUT_DIR / "manager-report-page")], check=True, timeout=120)
        assert list(OUTPUT_DIR.glob("manager-report-page-*2.png"))

"""On a phone: fill in all 15 items and send; then the team's results page shows its charts."""

import subprocess

import pytest
from pypdf import PdfReader

from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate

import factories
from browser_helpers import OUTPUT_DIR, charts_drawn, choose_score, choose_view, page_ready, screenshot
from cli_runner import run_cli

pytestmark = pytest.mark.browser
FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]


@pytest.fixture(scope="module")
def team_app(tmp_path_factory, module_streamlit_server):
    """One database and one server for the module. The phone test has its team with a closed
    and an open round; the team-link test has a team of its own, so either runs alone."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-team') / 'browser-team.db'}"
    migrate(url)
    engine = get_engine(url)
    team = teams.create_team(engine, "Wijkteam Telefoon")
    key = teams.issue_team_key(engine, team.id)
    previous = rounds.start_round(engine, team.id, "2026-Q2")
    for index, person in enumerate("abcd"):
        answers = [responses.AnswerInput(item.id, 1 + (index + position) % 4, discuss=index == 0) for position, item in enumerate(FRAMEWORK.items)]
        factories.submit(engine, previous.id, person, answers)
    rounds.close_round(engine, previous.id, actor=SYSTEM)
    survey_round = rounds.start_round(engine, team.id, "2026-Q3")
    for index, person in enumerate("xy"):
        answers = [responses.AnswerInput(item.id, 2 + (index + position) % 4, target=5 if item.kind == "principle" else None) for position, item in enumerate(FRAMEWORK.items)]
        factories.submit(engine, survey_round.id, person, answers)
    renewed = teams.create_team(engine, "Wijkteam Vernieuwd")
    rounds.start_round(engine, renewed.id, "2026-Q3")
    base = module_streamlit_server({"DATABASE_URL": url})
    yield {"url": url, "engine": engine, "base": base, "key": key, "quarter": survey_round,
           "renewed_key": teams.issue_team_key(engine, renewed.id)}
    dispose_engines()


def test_phone_fill_in_then_team_results_show_charts(browser, team_app):
    engine, base, key, survey_round = team_app["engine"], team_app["base"], team_app["key"], team_app["quarter"]
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = phone.new_page()
    (invitation,) = rounds.create_invitations(engine, survey_round.id, 1, actor=SYSTEM)
    page.goto(f"{base}/join?invite={invitation}")
    page_ready(page)
    screenshot(page, "phone-fill-in-first-item", full_page=False)
    # "Volgende" is in sight on a phone without scrolling, below the question's text.
    next_button = page.get_by_role("button", name="Volgende").bounding_box()
    assert next_button["y"] >= 0 and next_button["y"] + next_button["height"] <= 844, next_button
    for index in range(len(FRAMEWORK.items)):
        page.get_by_text(f"Vraag {index + 1} van 15").wait_for()
        page_ready(page, settle_ms=50)  # the question's own form, not the last one's, is on the page
        # The choice is part of the item's form: it reaches the app with "Volgende", no run before.
        choose_score(page, index % 5)
        page.get_by_role("button", name="Volgende").click()
    page.get_by_text("15 van 15 vragen beantwoord").wait_for(timeout=60_000)
    page_ready(page)
    screenshot(page, "phone-fill-in-overview", full_page=True)
    page.get_by_role("button", name="Versturen").click()
    page_ready(page)
    page.get_by_text("Dank je wel").wait_for(timeout=60_000)
    assert rounds.count_responses(engine, survey_round.id) == 3
    assert "me=" not in page.url and invitation in page.url  # no respondent key in the address bar
    phone.close()

    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    laptop = browser.new_context(viewport={"width": 1366, "height": 900})
    page = laptop.new_page()
    page.goto(f"{base}/team?team={key}")
    page_ready(page)
    page.get_by_role("button", name="Uitkomsten bekijken").first.click()
    page_ready(page)
    page.wait_for_selector('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg', timeout=60_000)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 2
    screenshot(page, "team-results-profile")
    for tab in ("Blokkades", "Hier verschillen we", "Wat is er veranderd", "Waar willen we over praten"):
        choose_view(page, tab)
        charts_drawn(page)
        screenshot(page, f"team-results-{tab.lower().replace(' ', '-')}")

    page.get_by_text("Alles onder elkaar, om af te drukken").click()
    page_ready(page)
    charts_drawn(page)
    page.emulate_media(media="print")
    pdf = OUTPUT_DIR / "team-results-print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    laptop.close()
    reader = PdfReader(str(pdf))
    assert 2 <= len(reader.pages) <= 12
    assert abs(float(reader.pages[0].mediabox.width) - 595) < 2  # A4 portrait, in points
    text = " ".join(page.extract_text() for page in reader.pages)
    for heading in ("Ons profiel", "Blokkades", "Hier verschillen we", "Wat is er veranderd"):
        assert heading in text
    assert "Inloggen" not in text  # no navigation on paper
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(OUTPUT_DIR / "team-results-print")], check=True)


def test_a_renewed_team_link_ends_an_open_browser_session(browser, team_app):
    """Finding 7: after `team-link`, a browser that was already open still reached the results
    through the sidebar. Every run now compares the session's key with the stored digest."""
    url, base, key = team_app["url"], team_app["base"], team_app["renewed_key"]
    laptop = browser.new_context(viewport={"width": 1366, "height": 900})
    page = laptop.new_page()
    page.goto(f"{base}/team?team={key}")
    page_ready(page)
    page.get_by_role("heading", name="Wijkteam Vernieuwd").wait_for(timeout=60_000)
    renewed = run_cli(url, "team-link", "Wijkteam Vernieuwd")  # the admin, on the server
    assert renewed.returncode == 0, renewed.stderr
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Uitkomsten").click()
    page_ready(page)
    page.get_by_text("Deze teamlink werkt niet meer").wait_for(timeout=60_000)
    assert page.get_by_text("Je hebt geen toegang").first.is_visible()
    assert page.get_by_role("heading", name="Uitkomsten van Wijkteam Vernieuwd").count() == 0
    screenshot(page, "team-link-renewed-session-ended")
    laptop.close()

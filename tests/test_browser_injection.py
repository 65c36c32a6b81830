"""Text people type is shown exactly as typed: never run as script, never a link or an image."""

import pytest

from browser_helpers import choose_view, page_ready, screenshot
from kringwijs_survey import services
from kringwijs_survey.database import dispose_engines, get_engine, migrate
import factories
from kringwijs_survey.access import SYSTEM

pytestmark = pytest.mark.browser

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![x](http://example.invalid/p.png)",
]


@pytest.fixture
def hostile_team(tmp_path):
    url = f"sqlite:///{tmp_path / 'injection.db'}"
    migrate(url)
    engine = get_engine(url)
    team = services.create_team(engine, ATTACKS[0], area=ATTACKS[2])
    key = services.issue_team_key(engine, team.id)
    quarter = services.start_round(engine, team.id, "2026-Q1")
    for index, attack in enumerate(ATTACKS):
        factories.submit(engine, quarter.id, f"p{index}", [services.AnswerInput("AB1", 3, comment=attack)])
    services.close_round(engine, quarter.id, actor=SYSTEM)
    services.add_action(engine, quarter.id, services.ActionInput(ATTACKS[1], owner=ATTACKS[3]), actor=SYSTEM)
    yield url, key, quarter.id
    dispose_engines()


def assert_shown_literally(page, attacks):
    body = page.locator('[data-testid="stMain"]').inner_text()
    for attack in attacks:
        assert attack in body, f"{attack!r} is not shown as typed"
    assert page.locator('[data-testid="stMain"] img[src="x"]').count() == 0
    assert page.locator('[data-testid="stMain"] img[src*="example.invalid"]').count() == 0
    assert page.locator('[data-testid="stMain"] a[href^="javascript"]').count() == 0


def test_hostile_text_is_shown_literally_everywhere(streamlit_server, browser, hostile_team):
    url, key, round_id = hostile_team
    base = streamlit_server({"DATABASE_URL": url})
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(f"{base}/team?team={key}")
    page_ready(page)
    screenshot(page, "injection-team-page")
    assert_shown_literally(page, [ATTACKS[0], ATTACKS[2], ATTACKS[1], ATTACKS[3]])

    page.get_by_role("button", name="Uitkomsten bekijken").first.click()
    page_ready(page)
    choose_view(page, "Waar willen we over praten")
    page.wait_for_timeout(500)
    assert_shown_literally(page, ATTACKS)
    choose_view(page, "Notities en acties")
    page.wait_for_timeout(500)
    assert_shown_literally(page, [ATTACKS[1]])
    screenshot(page, "injection-results-page")
    assert dialogs == []
    context.close()

"""In a real browser: residents answer on a shared tablet, then the team sees both views side by side."""

import pytest

from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate

import factories
from browser_helpers import charts_drawn, choose_view, page_ready, screenshot

pytestmark = pytest.mark.browser
FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
STATEMENTS = FRAMEWORK.resident_statements
OPTION = '.st-key-kw-residents [data-testid="stRadio"] [data-testid="stRadioOption"]'


@pytest.fixture
def team_with_residents(tmp_path):
    """A team whose closed round has four members, and an open residents' round with four residents."""
    url = f"sqlite:///{tmp_path / 'browser-residents.db'}"
    migrate(url)
    engine = get_engine(url)
    team = teams.create_team(engine, "Wijkteam Tablet")
    key = teams.issue_team_key(engine, team.id)
    survey_round = rounds.start_round(engine, team.id, "2026-Q3")
    for index, person in enumerate("abcd"):
        answers = [responses.AnswerInput(item.id, 3 + (index + position) % 3) for position, item in enumerate(FRAMEWORK.items)]
        factories.submit(engine, survey_round.id, person, answers)
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    residents = rounds.open_residents_round(engine, survey_round.id, actor=SYSTEM)
    for index in range(4):
        answers = [responses.AnswerInput(s.id, 1 + (index + position) % 4) for position, s in enumerate(STATEMENTS)]
        factories.submit(engine, residents.id, f"bewoner-{index}", answers)
    yield url, engine, key, survey_round, residents
    dispose_engines()


def test_tablet_residents_then_team_sees_both_views(streamlit_server, browser, team_with_residents):
    url, engine, key, survey_round, residents = team_with_residents
    base = streamlit_server({"DATABASE_URL": url})

    tablet = browser.new_context(viewport={"width": 820, "height": 1180}, device_scale_factor=1, is_mobile=True, has_touch=True)
    page = tablet.new_page()
    page.goto(f"{base}/residents?bewoner={residents.join_code}")
    page_ready(page)
    page.get_by_text("Wat vindt u van Wijkteam Tablet?").wait_for()
    page.locator('.st-key-kw-residents [data-testid="stRadio"]').nth(len(STATEMENTS) - 1).wait_for(timeout=60_000)
    assert page.locator('.st-key-kw-residents [data-testid="stRadio"]').count() == len(STATEMENTS)  # all on one page
    box = page.locator(OPTION).first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box  # big touch targets
    screenshot(page, "residents-tablet-empty", full_page=True)
    groups = page.locator('.st-key-kw-residents [data-testid="stRadio"]')
    for index in range(len(STATEMENTS)):
        groups.nth(index).locator('[data-testid="stRadioOption"]').nth(index % 6).click()
    screenshot(page, "residents-tablet-filled", full_page=True)
    page.get_by_role("button", name="Versturen").click()
    page_ready(page)
    page.get_by_text("Dank u wel!").wait_for()
    screenshot(page, "residents-tablet-thanks", full_page=False)
    assert rounds.count_responses(engine, residents.id) == 5

    page.get_by_role("button", name="Volgende inwoner").click()
    page_ready(page)
    page.get_by_text("Wat vindt u van Wijkteam Tablet?").wait_for()
    assert page.locator(f'{OPTION} input:checked').count() == 0  # the next resident starts clean
    assert "me=" not in page.url
    tablet.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{base}/residents?bewoner={residents.join_code}")
    page_ready(page)
    page.get_by_text("Wat vindt u van Wijkteam Tablet?").wait_for()
    box = page.locator(OPTION).first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box
    screenshot(page, "residents-phone-top", full_page=False)
    page.get_by_role("button", name="Versturen").scroll_into_view_if_needed()
    screenshot(page, "residents-phone-send", full_page=False)
    phone.close()

    rounds.close_round(engine, residents.id, actor=SYSTEM)
    laptop = browser.new_context(viewport={"width": 1366, "height": 1700})  # Streamlit scrolls inside: a tall window shows it all
    page = laptop.new_page()
    page.goto(f"{base}/team?team={key}")
    page_ready(page)
    page.get_by_role("button", name="Uitkomsten bekijken").first.click()
    page_ready(page)
    choose_view(page, "Wat vinden inwoners?")
    page_ready(page)
    panel = page.locator('[data-testid="stMain"]')
    panel.get_by_text("Gebaseerd op de antwoorden van 5 inwoners").wait_for()
    panel.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for(timeout=60_000)
    charts_drawn(page, timeout=60_000)  # every chart drawn, not only the first
    screenshot(page, "residents-side-by-side")
    assert panel.get_by_text("Hier liggen team en inwoners het verst uit elkaar").is_visible()
    laptop.close()

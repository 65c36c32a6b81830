"""On a phone the fill-in screen shows the Verklaring's own words first, without a click; the
plain-language help sits under it and the examples are one tap away."""

import pytest

from kringwijs_survey.domain import rounds, teams
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate

from browser_helpers import choose_score, page_ready, screenshot

pytestmark = pytest.mark.browser
FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_round(tmp_path):
    url = f"sqlite:///{tmp_path / 'browser-instrument.db'}"
    migrate(url)
    engine = get_engine(url)
    team = teams.create_team(engine, "Buurtteam Citaat")
    survey_round = rounds.start_round(engine, team.id, "2026-Q3")
    (invitation,) = rounds.create_invitations(engine, survey_round.id, 1, actor=SYSTEM)  # the team hands one out
    yield url, survey_round, invitation
    dispose_engines()


def test_phone_fill_in_shows_the_quote_first_without_a_click(streamlit_server, browser, open_round):
    url, survey_round, invitation = open_round
    base = streamlit_server({"DATABASE_URL": url})
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{base}/join?invite={invitation}")
    page_ready(page)
    first = FRAMEWORK.items[0]
    quote = page.get_by_text(first.text.nl[:60])
    quote.wait_for(timeout=60_000)
    help_text = page.get_by_text(first.summary.nl[:40])
    quote_box, help_box = quote.bounding_box(), help_text.bounding_box()
    assert quote.is_visible() and quote_box["y"] + 40 < PHONE["height"], quote_box  # on the first screen
    assert quote_box["x"] >= 0 and quote_box["x"] + quote_box["width"] <= PHONE["width"], quote_box
    assert help_box["y"] > quote_box["y"], "the plain-language help comes under the quote"
    scale = FRAMEWORK.scale_for(first, survey_round.scales)
    assert page.get_by_text(scale.question.nl).is_visible()
    screenshot(page, "phone-fill-in-quote-390", full_page=False)

    example = page.get_by_text(first.works.nl[:40])
    assert not example.is_visible()
    page.get_by_text("Vragen en voorbeelden").click()
    example.wait_for(state="visible", timeout=10_000)

    # A blockade: its own words, its own question, the condition and not a verdict on the team.
    blockade_index = next(index for index, item in enumerate(FRAMEWORK.items) if item.kind == "blockade")
    for index in range(blockade_index):
        choose_score(page, 2)
        page_ready(page, settle_ms=100)  # the choice is stored before the next click
        page.get_by_role("button", name="Volgende").click()
        page_ready(page)
        try:
            page.get_by_text(f"Vraag {index + 2} van {len(FRAMEWORK.items)}").wait_for(timeout=60_000)
        except Exception:
            screenshot(page, "phone-fill-in-stuck", full_page=True)
            raise
    blockade = FRAMEWORK.items[blockade_index]
    page.get_by_text(blockade.title.nl).first.scroll_into_view_if_needed()
    assert page.get_by_text(blockade.text.nl).first.is_visible()
    assert page.get_by_text(FRAMEWORK.scale_for(blockade, survey_round.scales).question.nl).is_visible()
    assert page.get_by_text("Heel erg", exact=False).first.is_visible()
    screenshot(page, "phone-fill-in-blockade-390", full_page=False)
    phone.close()

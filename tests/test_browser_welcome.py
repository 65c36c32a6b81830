"""A real browser opens the app: the welcome and a principle's text are there."""

import pytest

from browser_helpers import page_ready, screenshot

pytestmark = pytest.mark.browser


def test_welcome_and_a_principle_in_headless_chromium(streamlit_server, page, tmp_path):
    base_url = streamlit_server({"DATABASE_URL": f"sqlite:///{tmp_path / 'browser.db'}"})
    page.goto(base_url)
    page_ready(page)
    assert page.get_by_role("heading", name="Samen kijken naar ons werk").is_visible()
    screenshot(page, "welcome")

    page.get_by_role("link", name="Bekijk de beginselen").first.click()
    page_ready(page)
    page.get_by_text("AB1 · ", exact=False).first.click()
    page_ready(page)
    # The source's own words come first, without a further click.
    assert page.get_by_text("Letterlijk uit de bron", exact=False).first.is_visible()
    assert page.get_by_text("Wat gij niet wil dat u geschiedt", exact=False).first.is_visible()
    screenshot(page, "principles")

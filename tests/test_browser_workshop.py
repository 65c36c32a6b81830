"""A live workshop in real browsers: a projector, a facilitator and eight phones at once.

The eight phones are driven from one thread (Playwright's sync API is not thread-safe), but
interleaved: every phone gets its click for an item before any phone waits for its next item,
so the server handles eight sessions at the same time.
"""

from __future__ import annotations

import io
import re
import time

import pytest
import zxingcpp
from PIL import Image

from kringwijs_survey import services, workshop
from kringwijs_survey.access import hash_passphrase
from kringwijs_survey.content import get_frameworks
from kringwijs_survey.database import dispose_engines, get_engine, migrate

from browser_helpers import APP_IDLE, page_ready, screenshot

pytestmark = pytest.mark.browser
FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
PHONES = 8
PASSPHRASE = "trainer-workshop-geheim"
BASE_URL = "https://wijkteams.example.nl"
MIN_PRESENTER_FONT_PX = 28
PREFILLED = 0  # every item is answered in the browser (a draft key in a link opens nothing any more)


def score(phone: int, item_index: int) -> int:
    return (phone + item_index) % 5 + 1


@pytest.fixture
def workshop_world(tmp_path):
    url = f"sqlite:///{tmp_path / 'browser-workshop.db'}"
    migrate(url)
    engine = get_engine(url)
    team = services.create_team(engine, "Wijkteam Beamer")
    yield url, engine, team
    dispose_engines()


def sign_in_as_facilitator(page, base: str, to_page: str) -> None:
    page.goto(f"{base}/login")
    page_ready(page)
    page.get_by_role("tab", name="Trainer, manager of beheer").click()
    page.get_by_label("Wachtwoord").fill(PASSPHRASE)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_text("Je bent ingelogd als trainer").wait_for(timeout=20_000)
    # In-app navigation keeps the session (a page.goto would start a new one).
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=to_page).click()
    page_ready(page)


def count_done(presenter) -> int | None:
    text = presenter.locator('[class*="st-key-kw-counts"], [class*="st-key-kw-topcounts"]').first.inner_text()
    found = re.search(r"(\d+)\s*klaar", text)
    return int(found.group(1)) if found else None


def smallest_presenter_font(presenter) -> float:
    """The smallest computed font size of any visible text in the presentation area."""
    return presenter.evaluate(
        """() => {
            const root = document.querySelector('[class*="st-key-kw-presenter"]');
            let smallest = Infinity;
            for (const el of root.querySelectorAll('p, li, h1, h2, h3, span, strong, em')) {
                const box = el.getBoundingClientRect();
                if (!box.width || !box.height || !el.textContent.trim()) continue;
                if ([...el.childNodes].every(n => n.nodeType !== Node.TEXT_NODE || !n.textContent.trim())) continue;
                smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize));
            }
            return smallest;
        }"""
    )


def wait_until(predicate, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


@pytest.mark.timeout(900)  # eight phones answer all fifteen items in the browser (no draft can be resumed from a link)
def test_eight_phones_a_facilitator_and_a_projector(streamlit_server, browser, workshop_world):
    url, engine, team = workshop_world
    base = streamlit_server(
        {
            "DATABASE_URL": url,
            "BASE_URL": BASE_URL,
            "MIN_GROUP": "3",
            "KRINGWIJS_FACILITATOR_PASSPHRASE_HASH": hash_passphrase(PASSPHRASE),
        }
    )
    contexts = []
    try:
        # The facilitator starts a workshop for the team.
        laptop = browser.new_context(viewport={"width": 1366, "height": 900})
        contexts.append(laptop)
        facilitator = laptop.new_page()
        sign_in_as_facilitator(facilitator, base, "Workshop leiden")
        facilitator.get_by_role("button", name="Workshop starten").click()
        facilitator.get_by_text("Code om mee te doen").wait_for(timeout=20_000)
        page_ready(facilitator)
        group = services.find_team(engine, f"{team.name} · workshop")  # a round of its own, never the team's
        quarter = services.list_rounds(engine, group.id)[0]
        code = quarter.join_code
        assert services.list_rounds(engine, team.id) == []
        beamer_code = facilitator.get_by_text("Beamercode:").inner_text().split(":")[1].split(".")[0].strip()

        # The projector: its own session, signed in, showing the welcome screen with the code.
        projector = browser.new_context(viewport={"width": 1280, "height": 720})
        contexts.append(projector)
        presenter = projector.new_page()
        sign_in_as_facilitator(presenter, base, "Beamerscherm")
        presenter.get_by_label("Beamercode (8 tekens, staat bij 'Workshop leiden')").fill(code)
        presenter.get_by_role("button", name="Laat zien").click()
        presenter.get_by_text("Deze code werkt niet").wait_for(timeout=20_000)  # the room's code opens nothing
        presenter.get_by_label("Beamercode (8 tekens, staat bij 'Workshop leiden')").fill(beamer_code)
        presenter.get_by_role("button", name="Laat zien").click()
        presenter.get_by_text("Doe mee met je telefoon").wait_for(timeout=20_000)
        page_ready(presenter)
        presenter.locator('[class*="st-key-kw-qr"] img').wait_for()
        assert presenter.locator('[data-testid="stSidebar"]').is_hidden()

        # Eight phones join with the room's open code.
        phones = []
        for _ in range(PHONES):
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            contexts.append(context)
            phone = context.new_page()
            phone.goto(f"{base}/join?join={code}", wait_until="commit")
            phones.append(phone)
        for phone in phones:
            page_ready(phone, settle_ms=50)

        assert wait_until(lambda: count_done(presenter) == 0, 20)
        screenshot(presenter, "presenter-welcome-1280x720", full_page=False)
        assert smallest_presenter_font(presenter) >= MIN_PRESENTER_FONT_PX
        qr = presenter.locator('[class*="st-key-kw-qr"] img')
        qr_box = qr.bounding_box()
        assert qr_box["y"] >= 0 and qr_box["y"] + qr_box["height"] <= 720 and qr_box["x"] + qr_box["width"] <= 1280
        assert qr_box["width"] >= 300, qr_box
        decoded = [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))]
        assert decoded == [f"{BASE_URL}/join?join={code}"]
        presenter.set_viewport_size({"width": 1920, "height": 1080})
        presenter.wait_for_timeout(400)
        screenshot(presenter, "presenter-welcome-1920x1080", full_page=False)
        presenter.set_viewport_size({"width": 1280, "height": 720})

        # All eight answer at the same time, interleaved: phone p gives item i score(p, i).
        for index in range(PREFILLED, len(FRAMEWORK.items)):
            for number, phone in enumerate(phones):
                phone.get_by_text(f"Vraag {index + 1} van 15").wait_for(timeout=20_000)
                phone.wait_for_selector(APP_IDLE, state="attached", timeout=20_000)
                radio = phone.locator('[data-testid="stMain"] [data-testid="stRadio"]').first
                radio.locator('[data-testid="stRadioOption"]').nth(score(number, index) - 1).click()
                page_ready(phone, settle_ms=100)  # the choice is stored before the next click
                phone.get_by_role("button", name="Volgende").click()
        for phone in phones:
            phone.get_by_role("button", name="Versturen").wait_for(timeout=20_000)
            phone.wait_for_selector(APP_IDLE, state="attached", timeout=20_000)
        assert count_done(presenter) == 0  # drafts do not count as sent
        for phone in phones:
            phone.get_by_role("button", name="Versturen").click()
        # How fast this happens is measured by `bench workshop`; here only that it happens.
        assert wait_until(lambda: services.count_responses(engine, quarter.id) == PHONES, 30), (
            services.count_responses(engine, quarter.id)
        )
        assert wait_until(lambda: count_done(presenter) == PHONES, 30), count_done(presenter)
        for phone in phones:
            phone.get_by_text("Dank je wel").wait_for(timeout=10_000)
        assert workshop.answer_sources(engine, quarter.id) == workshop.Sources(phone=PHONES, paper=0)
        assert wait_until(lambda: "8 via telefoon" in presenter.locator('[data-testid="stMain"]').inner_text(), 10)

        # Next item with the keyboard shortcut (→): the projector follows, without any outcome.
        facilitator.get_by_role("button", name="Opnieuw tellen").click()
        page_ready(facilitator)
        facilitator.keyboard.press("ArrowRight")
        facilitator.get_by_text("vraag 1 van 15").wait_for(timeout=10_000)
        first = FRAMEWORK.items[0]
        presenter.get_by_role("heading", name=first.title.nl).wait_for(timeout=5_000)
        page_ready(presenter)
        main_text = presenter.locator('[data-testid="stMain"]').inner_text()
        assert "Middelste score" not in main_text and "Helemaal niet:" not in main_text
        assert presenter.locator('[data-testid="stMain"] img').count() == 0
        assert smallest_presenter_font(presenter) >= MIN_PRESENTER_FONT_PX
        screenshot(presenter, "presenter-item-hidden-1280x720", full_page=False)

        # Reveal: the frozen distribution of the eight answers appears on the projector.
        facilitator.get_by_role("button", name="Laat uitkomst zien").click()
        presenter.get_by_text("Middelste score").wait_for(timeout=5_000)
        presenter.locator('[class*="st-key-kw-chart"] img').wait_for(timeout=15_000)
        page_ready(presenter)
        chart_box = presenter.locator('[class*="st-key-kw-chart"] img').bounding_box()
        assert chart_box["x"] + chart_box["width"] <= 1280 and chart_box["y"] + chart_box["height"] <= 720, chart_box
        scores = presenter.locator('[class*="st-key-kw-scores"]').inner_text()
        for expected in ("1 Helemaal niet: 2", "2 Een beetje: 2", "3 Voor de helft: 2", "4 Voor een groot deel: 1", "5 Helemaal: 1"):
            assert expected in scores, scores
        stats = presenter.locator('[class*="st-key-kw-stats"]').inner_text()
        assert "Middelste score: 2,5" in stats and "Antwoorden van 8 mensen" in stats
        assert smallest_presenter_font(presenter) >= MIN_PRESENTER_FONT_PX
        # The top bar (item, code, live counts) stays inside the screen: it wraps.
        top_bar_right = presenter.evaluate(
            """() => Math.max(...[...document.querySelectorAll('.st-key-kw-topbar [data-testid="stMarkdownContainer"] p')]
                .map(text => { const range = document.createRange(); range.selectNodeContents(text);
                               return range.getBoundingClientRect().right; }))"""
        )
        assert top_bar_right <= 1280, top_bar_right
        screenshot(presenter, "presenter-revealed-1280x720", full_page=False)
        presenter.set_viewport_size({"width": 1920, "height": 1080})
        presenter.wait_for_timeout(600)
        screenshot(presenter, "presenter-revealed-1920x1080", full_page=False)

        page_ready(facilitator)
        screenshot(facilitator, "workshop-facilitator", full_page=True)

        # Close (after a confirmation): the projector shows the summary with its downloads.
        facilitator.get_by_role("button", name="Workshop afsluiten").click()
        facilitator.get_by_role("button", name="Ja, sluit de workshop").click()
        presenter.get_by_text("Samenvatting van de workshop").wait_for(timeout=10_000)
        page_ready(presenter)
        assert presenter.get_by_role("button", name="Download als PDF").is_visible()
        assert "willen erover praten" in presenter.locator('[data-testid="stMain"]').inner_text()
        cut_off_tabs = presenter.evaluate(
            """() => [...document.querySelectorAll('[data-testid="stTab"] p')].filter(label =>
                label.getBoundingClientRect().bottom > label.closest('[role="tablist"]').getBoundingClientRect().bottom + 1
            ).map(label => label.innerText)"""
        )
        assert cut_off_tabs == [], f"tab labels cut off at the bottom: {cut_off_tabs}"
        screenshot(presenter, "presenter-summary-agenda-1920x1080", full_page=False)
        presenter.set_viewport_size({"width": 1280, "height": 720})
        for tab, name in (("Ons profiel", "profile"), ("Blokkades en het beginsel dat erop antwoordt", "blockades")):
            presenter.get_by_role("tab", name=tab).click()
            image = presenter.locator('[role="tabpanel"]:visible img')
            image.wait_for(timeout=10_000)
            presenter.wait_for_timeout(300)
            box = image.bounding_box()
            assert box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 720, (name, box)
            screenshot(presenter, f"presenter-summary-{name}-1280x720", full_page=False)
    finally:
        for context in contexts:
            context.close()

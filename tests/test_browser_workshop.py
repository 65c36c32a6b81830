"""A live workshop in real browsers: a facilitator, a projector and ten people with phones.

Four of the phones are browsers (three on time, one late); they check what a phone does: it
goes along with the projector by itself (nobody clicks "next" on a phone), a late phone lands
on the item on screen and can still answer the one it missed. The other six people send their
answers as their phones would (`workshop.send_live_answers`, the call the join page makes), so
the projector counts and reveals for ten people, two-digit counts included, without six more
browsers to draw. Ten and forty phones at once in real Streamlit sessions: `bench workshop`
(tests/test_bench_workshop.py, docs/benchmarks.md).

The browser phones are driven from one thread (Playwright's sync API is not thread-safe), but
interleaved: every phone gets its click before any phone waits for what comes next, so the
server handles their sessions at the same time.
"""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from kringwijs_survey.domain import responses, rounds, teams, workshop
from kringwijs_survey.rules.access import hash_passphrase, new_respondent_key
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate

from browser_helpers import (
    APP_IDLE,
    choose_score,
    count_shown,
    page_ready,
    screenshot,
    sign_in_as_facilitator,
    wait_until,
)

pytestmark = pytest.mark.browser
FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
# On time: three browsers and four people without one; late: one browser and two without.
# Ten in all, so the projector shows two-digit counts; three late, the minimum for a reveal.
EARLY_BROWSERS, EARLY_OTHERS = 3, 4
LATE_BROWSERS, LATE_OTHERS = 1, 2
EARLY_PHONES = EARLY_BROWSERS + EARLY_OTHERS
LATE_PHONES = LATE_BROWSERS + LATE_OTHERS
PASSPHRASE = "trainer-workshop-geheim"
BASE_URL = "https://wijkteams.example.nl"
# A wait ends as soon as the thing is shown; the limit only matters on a machine that is very busy
# (a late phone took over 20 s to join at a load average of 15).
WAIT_MS = 60_000
MIN_PRESENTER_FONT_PX = 28


def score(phone: int, item_index: int) -> int:
    return (phone + item_index) % 5 + 1


@pytest.fixture
def workshop_world(tmp_path):
    url = f"sqlite:///{tmp_path / 'browser-workshop.db'}"
    migrate(url)
    engine = get_engine(url)
    team = teams.create_team(engine, "Wijkteam Beamer")
    yield url, engine, team
    dispose_engines()


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


def join(browser, base: str, code: str, contexts: list) -> object:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    contexts.append(context)
    phone = context.new_page()
    phone.goto(f"{base}/join?join={code}", wait_until="commit")
    return phone


def answer_on_screen(phones: list, index: int, numbers: range) -> None:
    """Every phone in `phones` answers the item on screen (it came to the phone by itself)."""
    for phone in phones:
        phone.get_by_text(f"Vraag {index + 1} van 15").wait_for(timeout=WAIT_MS)
    for phone, number in zip(phones, numbers):
        phone.wait_for_selector(APP_IDLE, state="attached", timeout=WAIT_MS)
        choose_score(phone, score(number, index) - 1)
        phone.get_by_role("button", name="Antwoord versturen").click()
    for phone in phones:
        phone.get_by_text(f"Je antwoord op vraag {index + 1} is binnen").wait_for(timeout=WAIT_MS)


class PhonesWithoutBrowser:
    """People whose phones send their answers to the item on screen, as the join page does:
    all of that person's answers so far, under their own respondent key."""

    def __init__(self, engine, round_id: int, numbers: range) -> None:
        self.engine, self.round_id = engine, round_id
        self.people = {number: (new_respondent_key(), {}) for number in numbers}

    def answer(self, index: int) -> None:
        item = FRAMEWORK.items[index]
        for number, (respondent, answers) in self.people.items():
            answers[item.id] = responses.AnswerInput(item.id, score(number, index))
            workshop.send_live_answers(self.engine, self.round_id, respondent, list(answers.values()))


def next_item(facilitator, presenter, index: int) -> None:
    facilitator.keyboard.press("ArrowRight")
    facilitator.get_by_text(f"vraag {index + 1} van 15").wait_for(timeout=WAIT_MS)
    presenter.get_by_role("heading", name=FRAMEWORK.items[index].title.nl).wait_for(timeout=WAIT_MS)


def reveal(facilitator) -> None:
    facilitator.get_by_role("button", name="Opnieuw tellen").click()
    page_ready(facilitator)
    facilitator.get_by_role("button", name="Laat uitkomst zien").click()
    page_ready(facilitator)


@pytest.mark.timeout(600)
def test_ten_people_follow_the_projector_through_three_items(streamlit_server, browser, workshop_world):
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
        sign_in_as_facilitator(facilitator, base, "Workshop leiden", PASSPHRASE)
        facilitator.get_by_role("button", name="Workshop starten").click()
        facilitator.get_by_text("Code om mee te doen").wait_for(timeout=WAIT_MS)
        page_ready(facilitator)
        group = teams.find_team(engine, f"{team.name} · workshop")  # a round of its own, never the team's
        survey_round = rounds.list_rounds(engine, group.id)[0]
        code = survey_round.join_code
        assert rounds.list_rounds(engine, team.id) == []

        # "Beamerscherm openen": a new tab, signed in and on this workshop, no code typed.
        with laptop.expect_page() as opened:
            facilitator.get_by_role("link", name="Beamerscherm openen").click()
        presenter = opened.value
        presenter.set_viewport_size({"width": 1280, "height": 720})
        presenter.get_by_text("Doe mee met je telefoon").wait_for(timeout=WAIT_MS)
        page_ready(presenter)
        assert "handoff" not in presenter.url
        presenter.locator('[class*="st-key-kw-qr"] img').wait_for()
        assert presenter.locator('[data-testid="stSidebar"]').is_hidden()

        # Three phones join before the start: they wait for the first item.
        phones = [join(browser, base, code, contexts) for _ in range(EARLY_BROWSERS)]
        early_others = PhonesWithoutBrowser(engine, survey_round.id, range(EARLY_BROWSERS, EARLY_PHONES))
        late_others = PhonesWithoutBrowser(engine, survey_round.id, range(EARLY_PHONES + LATE_BROWSERS, EARLY_PHONES + LATE_PHONES))
        for phone in phones:
            phone.get_by_text("De workshop begint zo").wait_for(timeout=WAIT_MS)
        screenshot(phones[0], "workshop-phone-waiting-390", full_page=False)

        assert wait_until(lambda: count_shown(presenter, "klaar") == 0, 20)
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

        # Item 1 on screen (keyboard →): it appears on every phone without a click there.
        facilitator.get_by_role("button", name="Opnieuw tellen").click()
        page_ready(facilitator)
        next_item(facilitator, presenter, 0)
        page_ready(presenter)
        main_text = presenter.locator('[data-testid="stMain"]').inner_text()
        assert "Middelste score" not in main_text and "Helemaal niet:" not in main_text
        assert presenter.locator('[data-testid="stMain"] img').count() == 0
        assert smallest_presenter_font(presenter) >= MIN_PRESENTER_FONT_PX
        screenshot(presenter, "presenter-item-hidden-1280x720", full_page=False)
        phones[0].get_by_text("Vraag 1 van 15").wait_for(timeout=WAIT_MS)
        page_ready(phones[0])
        quote = phones[0].locator('[data-testid="stMain"] blockquote, [data-testid="stMain"] em').first
        assert quote.is_visible()
        send = phones[0].get_by_role("button", name="Antwoord versturen").bounding_box()
        screenshot(phones[0], "workshop-phone-item-390", full_page=False)
        screenshot(phones[0], "workshop-phone-item-390-full", full_page=True)
        answer_on_screen(phones, 0, range(EARLY_BROWSERS))
        early_others.answer(0)
        # An answer counts at once: the projector counts the answers to this item.
        assert wait_until(lambda: count_shown(presenter, "antwoorden") == EARLY_PHONES, 30)
        assert workshop.item_answers(engine, survey_round.id, FRAMEWORK.items[0].id) == workshop.Sources(EARLY_PHONES, 0)
        reveal(facilitator)
        presenter.get_by_text("Middelste score").wait_for(timeout=WAIT_MS)
        # The three figures arrive one after the other: wait for the count, not only the first.
        expect(presenter.locator('[class*="st-key-kw-stats"]')).to_contain_text(
            f"Antwoorden van {EARLY_PHONES} mensen", timeout=WAIT_MS
        )

        # Item 2: three people come in late; the late phone lands on item 2, not on item 1.
        next_item(facilitator, presenter, 1)
        late = [join(browser, base, code, contexts) for _ in range(LATE_BROWSERS)]
        for phone in late:
            phone.get_by_text("Vraag 2 van 15").wait_for(timeout=WAIT_MS)
        # The reveal is allowed as soon as three people answered this item.
        answer_on_screen(late, 1, range(EARLY_PHONES, EARLY_PHONES + LATE_BROWSERS))
        late_others.answer(1)
        reveal(facilitator)
        presenter.get_by_text("Middelste score").wait_for(timeout=WAIT_MS)
        expect(presenter.locator('[class*="st-key-kw-stats"]')).to_contain_text("Antwoorden van 3 mensen", timeout=WAIT_MS)
        answer_on_screen(phones, 1, range(EARLY_BROWSERS))
        early_others.answer(1)
        # The late joiners can still fill in the item they missed.
        page_ready(late[0])
        screenshot(late[0], "workshop-phone-late-joiner-390", full_page=True)
        expect(late[0].locator('[data-testid="stMain"]')).to_contain_text("Een vraag die je hebt gemist", timeout=WAIT_MS)

        # Item 3: all ten answer; the reveal shows the frozen distribution of ten.
        everyone = phones + late
        next_item(facilitator, presenter, 2)
        answer_on_screen(phones, 2, range(EARLY_BROWSERS))
        early_others.answer(2)
        answer_on_screen(late, 2, range(EARLY_PHONES, EARLY_PHONES + LATE_BROWSERS))
        late_others.answer(2)
        people = EARLY_PHONES + LATE_PHONES
        assert wait_until(lambda: count_shown(presenter, "antwoorden") == people, 30)
        # A waiting phone keeps its confirmation while it looks for the next item every two seconds
        # (a poll that draws nothing once wiped the element after it).
        everyone[0].wait_for_timeout(workshop.PHONE_POLL_SECONDS * 2_500)
        for phone in everyone:
            assert phone.get_by_text("Je antwoord op vraag 3 is binnen").is_visible()
        # The live count line stays inside the screen with two-digit counts.
        top_bar_right = presenter.evaluate(
            """() => Math.max(...[...document.querySelectorAll('.st-key-kw-topbar [data-testid="stMarkdownContainer"] p')]
                .map(text => { const range = document.createRange(); range.selectNodeContents(text);
                               return range.getBoundingClientRect().right; }))"""
        )
        assert top_bar_right <= 1280, top_bar_right
        screenshot(presenter, "presenter-item-10-answers-1280x720", full_page=False)
        reveal(facilitator)
        presenter.get_by_text("Middelste score").wait_for(timeout=WAIT_MS)
        presenter.locator('[class*="st-key-kw-chart"] img').wait_for(timeout=60_000)
        page_ready(presenter)
        chart_box = presenter.locator('[class*="st-key-kw-chart"] img').bounding_box()
        assert chart_box["x"] + chart_box["width"] <= 1280 and chart_box["y"] + chart_box["height"] <= 720, chart_box
        scores = [score(number, 2) for number in range(people)]
        shown = presenter.locator('[class*="st-key-kw-scores"]').inner_text()
        scale = FRAMEWORK.scale_for(FRAMEWORK.items[2], survey_round.scales)
        for value, label in scale.labels.items():
            assert f"{value} {label.nl}: {scores.count(value)}" in shown, shown
        expect(presenter.locator('[class*="st-key-kw-stats"]')).to_contain_text(
            f"Antwoorden van {people} mensen", timeout=WAIT_MS
        )
        assert smallest_presenter_font(presenter) >= MIN_PRESENTER_FONT_PX
        screenshot(presenter, "presenter-revealed-1280x720", full_page=False)
        presenter.set_viewport_size({"width": 1920, "height": 1080})
        presenter.wait_for_timeout(600)
        screenshot(presenter, "presenter-revealed-1920x1080", full_page=False)
        page_ready(facilitator)
        screenshot(facilitator, "workshop-facilitator", full_page=True)

        # Close (after a confirmation): the projector shows the summary with its downloads.
        facilitator.get_by_role("button", name="Workshop afsluiten").click()
        facilitator.get_by_role("button", name="Ja, sluit de workshop").click()
        presenter.get_by_text("Samenvatting van de workshop").wait_for(timeout=WAIT_MS)
        page_ready(presenter)
        presenter.get_by_role("button", name="Download als PDF").wait_for(timeout=WAIT_MS)
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
            image.wait_for(timeout=WAIT_MS)
            presenter.wait_for_timeout(300)
            box = image.bounding_box()
            assert box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 720, (name, box)
            screenshot(presenter, f"presenter-summary-{name}-1280x720", full_page=False)
        assert send["y"] + send["height"] <= 844, send  # "Antwoord versturen" without scrolling on a phone
    finally:
        for context in contexts:
            context.close()

"""WCAG in a real browser: axe-core on every registered page, keyboard-only filling in,
phones at 360 px without sideways scrolling and with 44 px touch targets. And the first thing
anyone sees: the welcome and a principle's text, on the same server."""

import pytest

from kringwijs_survey.core.i18n import t
from kringwijs_survey.domain import rounds, teams
from kringwijs_survey.rules.access import SYSTEM, hash_passphrase
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.store.database import dispose_engines
from kringwijs_survey.web.navigation import PAGES

import factories
from browser_helpers import SHARED_CONTEXTS, VISIBLE_RADIOS, axe_violations, charts_drawn, page_ready, screenshot

pytestmark = pytest.mark.browser
PASSPHRASE = "een lange testzin voor iedereen"
STAFF_ROLE_LABEL = {"facilitator": "trainer", "manager": "manager", "admin": "beheerder"}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, module_streamlit_server):
    url, engine, keys = factories.demo_database(tmp_path_factory.mktemp("a11y"))
    team_key = next(iter(keys.values()))
    team = teams.team_by_key(engine, team_key)
    open_round = next(r for t_ in teams.list_teams(engine) for r in rounds.list_rounds(engine, t_.id) if r.status == "open")
    invitations = rounds.create_invitations(engine, open_round.id, 3, actor=SYSTEM)  # one per person who fills in
    env = {f"KRINGWIJS_{role.upper()}_PASSPHRASE_HASH": hash_passphrase(PASSPHRASE) for role in STAFF_ROLE_LABEL}
    env["DATABASE_URL"] = url
    base = module_streamlit_server(env)
    yield {"base": base, "team_key": team_key, "team": team, "invitations": invitations, "engine": engine}
    dispose_engines()


def sign_in_as_staff(page, base, role):
    page.goto(f"{base}/login")
    page_ready(page)
    page.get_by_role("tab", name="Trainer, manager of beheer").click()
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=STAFF_ROLE_LABEL[role]).click()
    page.get_by_label("Wachtwoord").fill(PASSPHRASE)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_text("Je bent ingelogd als").wait_for(timeout=60_000)
    page_ready(page)


def visitor(spec) -> str:
    """Who opens the page: anyone, a team (through its link) or a staff role (signed in)."""
    return next((role for role in spec.roles if role in STAFF_ROLE_LABEL), "team" if "team" in spec.roles else "anyone")


# The pages in the order one visitor after the other opens them; the questionnaire last of the
# pages anyone may open, because its invitation link makes the tab a participant's.
VISITORS = ("anyone", "team", "admin", "manager", "facilitator")
VISITS = sorted(PAGES, key=lambda spec: (VISITORS.index(visitor(spec)), spec.url_path == "join"))


class Tour:
    """One browser tab per kind of visitor, which opens that visitor's pages one after the other
    the way people do: the first with its link (or by signing in), the rest through the menu.
    A page load in a new tab costs Chromium about 4 CPU-s, a click in the menu a fraction of that.

    `elsewhere` holds every request the tab made to another host than the app's (a font, an
    icon, a tracker) since the tab was opened."""

    def __init__(self, browser, world) -> None:
        self.browser, self.world, self.base = browser, world, world["base"]
        self.kind, self.context, self.page, self.elsewhere = None, None, None, []

    def open(self, spec):
        kind = visitor(spec)
        first = kind != self.kind
        if first:
            self.close()
            self._new_tab(kind)
            if kind in STAFF_ROLE_LABEL:
                sign_in_as_staff(self.page, self.base, kind)
        if spec.url_path == "join":
            self.page.goto(f"{self.base}/join?invite={self.world['invitations'][0]}")
        elif first and kind == "team":
            self.page.goto(f"{self.base}/{spec.url_path}?team={self.world['team_key']}")
        elif first and kind == "anyone":
            self.page.goto(f"{self.base}/{spec.url_path}")
        else:
            # dispatch_event: the projector page hides the menu, and its links still work.
            self.page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=t(spec.title_key), exact=True).dispatch_event("click")
        page_ready(self.page)
        charts_drawn(self.page, timeout=60_000)  # still idle, and every chart drawn before axe looks at the page
        return self.page

    def _new_tab(self, kind: str) -> None:
        self.kind, self.elsewhere = kind, []
        self.context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        SHARED_CONTEXTS.add(self.context)
        self.context.on(
            "request",
            lambda request: None if request.url.removeprefix("blob:").startswith(self.base) else self.elsewhere.append(request.url),
        )
        self.page = self.context.new_page()

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
        self.kind, self.context = None, None


@pytest.fixture(scope="module")
def tour(browser, demo_server):
    visits = Tour(browser, demo_server)
    yield visits
    visits.close()


@pytest.mark.parametrize("spec", VISITS, ids=[spec.url_path for spec in VISITS])
def test_axe_finds_nothing_serious_of_our_own_on_every_page(tour, spec):
    page = tour.open(spec)
    assert "Je hebt geen toegang" not in page.locator('[data-testid="stMain"]').inner_text()
    assert spec.default or f"/{spec.url_path}" in page.url, f"{spec.path}: the tab shows {page.url}"
    assert not tour.elsewhere, f"{spec.path} made the browser contact another server: {tour.elsewhere}"
    screenshot(page, f"a11y-{spec.url_path}")
    ours = [v for v in axe_violations(page) if not v["streamlit_own"]]
    if spec == VISITS[-1]:
        tour.close()  # the projector polls every second; the tests after this one need no tab of it
    assert not ours, f"{spec.path}: " + "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at {v['targets'][:3]} {v['html'][:1]}" for v in ours)


def test_filling_in_works_with_the_keyboard_alone(browser, demo_server):
    base = demo_server["base"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/join?invite={demo_server['invitations'][1]}")
    page_ready(page)
    items = get_frameworks()["verklaring-van-eindhoven"].items
    for number in range(1, len(items) + 1):
        page.get_by_text(f"Vraag {number} van {len(items)}").wait_for()
        page_ready(page)
        radio = page.locator(f'{VISIBLE_RADIOS} input[type="radio"]').first
        radio.focus()  # where Tab lands after the explanation; arrows then choose a score
        page.keyboard.press("Space")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")  # on to the next field, as a keyboard user would
        page.get_by_role("button", name="Volgende").focus()
        page.keyboard.press("Enter")
        following = f"Vraag {number + 1} van" if number < len(items) else "Overzicht van je antwoorden"
        page.get_by_text(following).wait_for(timeout=60_000)
    page.get_by_role("button", name="Versturen").focus()
    page.keyboard.press("Enter")
    # The send runs after the key press; on a busy machine it can start after a short settle.
    page.get_by_text("Dank je wel").wait_for(timeout=60_000)
    context.close()


def test_phone_at_360_px_has_no_sideways_scrolling_and_big_touch_targets(browser, demo_server):
    base = demo_server["base"]
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{base}/join?invite={demo_server['invitations'][2]}")
    page_ready(page)
    page.wait_for_timeout(500)
    screenshot(page, "phone-360-fill-in", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    targets = page.locator('[data-testid="stMain"] [data-testid="stRadioOption"], [data-testid="stMain"] button')
    small = [
        (box["width"], box["height"])
        for box in (targets.nth(i).bounding_box() for i in range(targets.count()))
        if box and box["height"] < 44
    ]
    assert not small, f"touch targets lower than 44 px: {small}"
    page.goto(f"{base}/join")
    page_ready(page)
    screenshot(page, "phone-360-join", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_welcome_and_a_principle_in_headless_chromium(demo_server, page):
    page.goto(demo_server["base"])
    page_ready(page)
    page.get_by_role("heading", name="Samen kijken naar ons werk").wait_for(timeout=60_000)
    screenshot(page, "welcome")

    page.get_by_role("link", name="Bekijk de beginselen").first.click()
    page_ready(page)
    page.get_by_text("AB1 · ", exact=False).first.click()
    page_ready(page)
    # The source's own words come first, without a further click.
    page.get_by_text("Letterlijk uit de bron", exact=False).first.wait_for(timeout=60_000)
    page.get_by_text("Wat gij niet wil dat u geschiedt", exact=False).first.wait_for(timeout=60_000)
    screenshot(page, "principles")

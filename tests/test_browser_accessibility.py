"""WCAG in a real browser: axe-core on every registered page, keyboard-only filling in,
phones at 360 px without sideways scrolling and with 44 px touch targets."""

import pytest

from kringwijs_survey.core.i18n import t
from kringwijs_survey.domain import rounds, teams
from kringwijs_survey.rules.access import SYSTEM, hash_passphrase
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.store.database import dispose_engines
from kringwijs_survey.web.navigation import PAGES

import factories
from browser_helpers import axe_violations, charts_drawn, page_ready, screenshot

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


def arrive(page, base, spec, world):
    """Open a page the way its users would."""
    roles = spec.roles
    if "team" in roles:
        page.goto(f"{base}/{spec.url_path}?team={world['team_key']}")
    elif any(role in STAFF_ROLE_LABEL for role in roles):
        sign_in_as_staff(page, base, next(role for role in roles if role in STAFF_ROLE_LABEL))
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=t(spec.title_key), exact=True).click()
    elif spec.url_path == "join":
        page.goto(f"{base}/join?invite={world['invitations'][0]}")
    else:
        page.goto(f"{base}/{spec.url_path}")
    page_ready(page)
    charts_drawn(page, timeout=60_000)  # still idle, and every chart drawn before axe looks at the page


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_axe_finds_nothing_serious_of_our_own_on_every_page(browser, demo_server, spec):
    base = demo_server["base"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    elsewhere = []  # every request to another host than the app's own (a font, an icon, a tracker)
    context.on(
        "request",
        lambda request: None if request.url.removeprefix("blob:").startswith(base) else elsewhere.append(request.url),
    )
    page = context.new_page()
    arrive(page, base, spec, demo_server)
    assert "Je hebt geen toegang" not in page.locator('[data-testid="stMain"]').inner_text()
    assert not elsewhere, f"{spec.path} made the browser contact another server: {elsewhere}"
    screenshot(page, f"a11y-{spec.url_path}")
    ours = [v for v in axe_violations(page) if not v["streamlit_own"]]
    context.close()
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
        radio = page.locator('[data-testid="stMain"] [data-testid="stRadio"] input[type="radio"]').first
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
    page_ready(page)
    assert page.get_by_text("Dank je wel").is_visible()
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

"""What people type is shown exactly as typed, in Chromium, at every place typed text appears:
team name, area, comment, note, action (and its owner), message to the organisation, workshop
or group name, and the team name residents and participants see.

For each place every string of the hostile corpus (tests/hostile_strings.py) must be in the
page's text exactly as the app stored it, the page must hold no link, image or frame made from
it, no dialog may open and no request may leave for any address in it (all of them are hosts
under `.example`). Three tests on one server, each with its own browser contexts for the whole
corpus; the pages of one team see every name through reruns of the same pages, not new page loads.

What "as typed" means: the app stores text after validation, which drops control and format
characters (a right-to-left override U+202E, zero-width spaces; the zero-width joiner of emoji
stays) and, in one-line fields, line breaks and runs of spaces. The page must show exactly that
stored text; the browser's own collapsing of white space is normalised on both sides.
"""

from __future__ import annotations

import re

import pytest

from kringwijs_survey.core.settings import NAME_MAX
from kringwijs_survey.domain import notes, responses, rounds, sharing, teams
from kringwijs_survey.rules.access import SYSTEM, hash_passphrase
from kringwijs_survey.rules.content import DEFAULT_FRAMEWORK, get_frameworks
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate, run_write
from kringwijs_survey.store.models import Team

import factories
from browser_helpers import OUTPUT_DIR, POLL_MS, choose_view, page_ready, screenshot
from hostile_strings import HOSTILE, as_name, packed_names, stored_comment, stored_line

pytestmark = pytest.mark.browser

PASSPHRASE = "een lange testzin voor de aanvaller"
FRAMEWORK = get_frameworks()[DEFAULT_FRAMEWORK]
ITEMS = FRAMEWORK.item_ids
CORPUS = list(HOSTILE.values())
NAMES = packed_names()  # the whole corpus in 14 names, each block-starting string first
STAGE_NAMES = [f"{name} (podium)" for name in packed_names(limit=NAME_MAX - 9)]
# Group names with links, images, autolinks and HTML (a workshop is started through the form).
GROUP_NAMES = [f"{name} (groep)" for name in packed_names(limit=NAME_MAX - 8) if "evil-" in name][:2]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def hostile_world(tmp_path_factory):
    """Teams named with the corpus, each with an area, a shared closed round with a message to
    the organisation, an open round (join code) and an open residents' round; the first team
    also holds every corpus string as a comment, in a note and as an action."""
    url = f"sqlite:///{tmp_path_factory.mktemp('injection') / 'hostile.db'}"
    migrate(url)
    engine = get_engine(url)
    world = {"url": url, "teams": []}
    messages = [CORPUS[index::len(NAMES)] for index in range(len(NAMES))]
    for index, name in enumerate(NAMES):
        team = teams.create_team(engine, name, area=NAMES[(index + 1) % len(NAMES)])
        closed = rounds.start_round(engine, team.id, "2026-Q1")
        for person in range(4):  # on the first team every corpus string is one person's comment on one item
            comments = [CORPUS[person * len(ITEMS) + position] if index == 0 and person * len(ITEMS) + position < len(CORPUS) else None for position in range(len(ITEMS))]
            answers = [responses.AnswerInput(item, 3, comment=comment) for item, comment in zip(ITEMS, comments)]
            factories.submit(engine, closed.id, f"t{index}p{person}", answers)
        rounds.close_round(engine, closed.id, actor=SYSTEM)
        sharing.publish_round(engine, closed.id)
        sharing.share_summary(engine, closed.id, "\n".join(messages[index]))
        notes.add_action(engine, closed.id, notes.ActionInput(CORPUS[index], None, as_name(CORPUS[index]), None, "organisation"), actor=SYSTEM)
        open_round = rounds.start_round(engine, team.id, "2026-Q2")
        residents = rounds.open_residents_round(engine, open_round.id, actor=SYSTEM)
        world["teams"].append({
            "name": team.name, "area": teams.get_team(engine, team.id).area, "key": teams.issue_team_key(engine, team.id),
            "join": open_round.join_code, "residents": residents.join_code, "message": stored_comment("\n".join(messages[index])),
        })
    host = teams.team_by_key(engine, world["teams"][0]["key"])
    host_round = rounds.list_rounds(engine, host.id)[-1]
    assert host_round.period == "2026-Q1"
    for position, item in enumerate(ITEMS):
        notes.save_note(engine, host_round.id, item, "\n".join(CORPUS[position::len(ITEMS)]), actor=SYSTEM)
    for text in CORPUS:
        notes.add_action(engine, host_round.id, notes.ActionInput(text, None, as_name(text), None, "team"), actor=SYSTEM)
    # One more team whose name and area the test changes between reruns, so every name is seen
    # on the pages that show one team (a rerun is far cheaper than loading a page anew).
    stage = teams.create_team(engine, "Podium", area="Podium")
    stage_closed = rounds.start_round(engine, stage.id, "2026-Q1")
    rounds.close_round(engine, stage_closed.id, actor=SYSTEM)
    stage_open = rounds.start_round(engine, stage.id, "2026-Q2")
    world["stage"] = {
        "id": stage.id, "key": teams.issue_team_key(engine, stage.id),
        "invitation": rounds.create_invitations(engine, stage_open.id, 1, actor=SYSTEM)[0],
        "residents": rounds.open_residents_round(engine, stage_open.id, actor=SYSTEM).join_code,
    }
    world["engine"] = engine
    world["host_round"] = host_round.id
    world["comments"] = [stored_comment(text) for text in CORPUS]
    world["notes"] = [stored_comment("\n".join(CORPUS[position::len(ITEMS)])) for position in range(len(ITEMS))]
    world["actions"] = [stored_line(text) for text in CORPUS]
    world["owners"] = [as_name(text) for text in CORPUS]
    world["groups"] = [as_name(name) for name in GROUP_NAMES]
    yield world
    dispose_engines()


class Watch:
    """Everything the page asked the network for, and every dialog it tried to open."""

    def __init__(self, page) -> None:
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def leaks(self) -> list[str]:
        return [url for url in self.requests if "example" in url]


# Any element of the page that points at an address or script from the corpus.
POINTERS = """() => [...document.querySelectorAll('a[href], img, iframe, object, embed, video, audio, source, link[href]')]
    .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('data') || '')
    .filter(v => /example|javascript:|mailto:/i.test(v) || v === 'x')"""


def page_text(page) -> str:
    """The main area's visible text, with the values of text boxes (notes, messages)."""
    main = page.locator('[data-testid="stMain"]')
    boxes = main.locator("textarea, input[type=text]").evaluate_all("els => els.map(e => e.value)")
    return normalise(main.inner_text() + " " + " ".join(boxes))


SHOWS = """(wanted) => {
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return false;
    const boxes = [...main.querySelectorAll('textarea, input[type=text]')].map(e => e.value).join(' ');
    const text = (main.innerText + ' ' + boxes).replace(/\\s+/g, ' ');
    return wanted.every(value => text.includes(value));
}"""


def check(page, watch: Watch, place: str, expected: list[str], problems: list[str]) -> None:
    if expected:  # the page may still be on its way: wait (generously) for every value to be there
        try:
            page.wait_for_function(SHOWS, arg=[normalise(value) for value in expected], timeout=30_000, polling=POLL_MS)
        except Exception:
            pass  # reported below, value by value
    page_ready(page, settle_ms=100)
    text = page_text(page)
    missing = [value for value in expected if normalise(value) not in text]
    problems += [f"{place}: {value!r} is not shown as typed" for value in missing]
    if missing:  # the evidence, since the test goes on to collect every problem first
        screenshot(page, f"injection-problem-{len(problems)}")
        (OUTPUT_DIR / f"injection-problem-{len(problems)}.txt").write_text(f"{page.url}\n{place}\n\n{text}")
    pointers = page.evaluate(POINTERS)
    if pointers:
        problems.append(f"{place}: links, images or frames made from typed text: {pointers}")
    if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"):
        problems.append(f"{place}: the page scrolls sideways (a long word did not wrap)")
    if watch.leaks():
        problems.append(f"{place}: requests to addresses from typed text: {watch.leaks()}")
    if watch.dialogs:
        problems.append(f"{place}: dialogs opened: {watch.dialogs}")


def sign_in(page, base: str, role_label: str) -> None:
    page.goto(f"{base}/login")
    page_ready(page)
    page.get_by_role("tab", name="Trainer, manager of beheer").click()
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=role_label).click()
    page.get_by_label("Wachtwoord").fill(PASSPHRASE)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_text("Je bent ingelogd als").wait_for(timeout=60_000)
    page_ready(page)


def go_to(page, title: str) -> None:
    """In-app navigation (keeps the session; page.goto would start a new one)."""
    # dispatch_event: the presenter hides the sidebar, and its links still work.
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).dispatch_event("click")
    page_ready(page)


def rename(engine, team_id: int, name: str, area: str) -> None:
    """The team's stored name and area become these (what create_team stores for them)."""

    def work(session) -> None:
        team = session.get(Team, team_id)
        team.name, team.area = as_name(name), as_name(area)

    run_write(engine, work)


def rerun(page) -> None:
    """Run the page again in the same session: Streamlit's "r" key (a rerun of the same page in
    the same language, so the browser redraws only what changed, far cheaper than switching the
    language, which redraws every text)."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("r")


@pytest.fixture(scope="module")
def hostile_server(module_streamlit_server, hostile_world) -> str:
    """One server for the module's tests: each test has its own browser context and its own rounds."""
    hashed = hash_passphrase(PASSPHRASE)
    env = {"DATABASE_URL": hostile_world["url"], "MIN_GROUP_ORG": "3"}
    env |= {f"KRINGWIJS_{role}_PASSPHRASE_HASH": hashed for role in ("ADMIN", "MANAGER", "FACILITATOR")}
    return module_streamlit_server(env)


def start(hostile_server, browser):
    return hostile_server, browser.new_context(viewport={"width": 1280, "height": 900})


def test_every_page_of_one_team_shows_each_name_and_area_as_typed(hostile_server, browser, hostile_world):
    base = hostile_server
    problems: list[str] = []

    # Every name and area where a page shows one team: the team's own page, the title of its
    # results, and what participants (join) and residents see. Four pages, rerun together.
    # Each page has a browser context (a window) of its own: a page in a background tab gets
    # about one animation frame a second, and every click there waits a second for it.
    stage = hostile_world["stage"]
    places = {
        "team page": f"/team?team={stage['key']}", "results title": f"/results?team={stage['key']}",
        "join page": f"/join?invite={stage['invitation']}", "residents' page": f"/residents?bewoner={stage['residents']}",
    }
    contexts, tabs = [], {}
    for place, address in places.items():
        contexts.append(browser.new_context(viewport={"width": 1280, "height": 900}))
        tab = contexts[-1].new_page()
        tabs[place] = (tab, Watch(tab))
        tab.goto(base + address)
    for tab, _ in tabs.values():
        page_ready(tab)
    for index, name in enumerate(STAGE_NAMES):
        area = STAGE_NAMES[(index + 1) % len(STAGE_NAMES)]
        rename(hostile_world["engine"], stage["id"], name, area)
        for tab, _ in tabs.values():
            rerun(tab)
        for place, (tab, watch) in tabs.items():
            check(tab, watch, f"{place} of {name!r}", [as_name(name)] + ([as_name(area)] if place == "team page" else []), problems)
    for place, (tab, _) in tabs.items():
        screenshot(tab, f"injection-{place.split()[0].strip(chr(39))}")
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


def test_comments_notes_actions_messages_and_team_lists_show_the_corpus_as_typed(hostile_server, browser, hostile_world):
    base, context = start(hostile_server, browser)
    problems: list[str] = []
    team_list = hostile_world["teams"]
    page = context.new_page()
    watch = Watch(page)

    # The first team's page: its open actions come back for review, what and who.
    page.goto(f"{base}/team?team={team_list[0]['key']}")
    check(page, watch, "team page actions", hostile_world["actions"] + hostile_world["owners"], problems)
    screenshot(page, "injection-team-page")

    # Comments, notes and actions on the first team's results.
    page.goto(f"{base}/results?team={team_list[0]['key']}")
    page_ready(page)
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option").filter(has_text="2026-Q1").first.click()
    page_ready(page)
    choose_view(page, "Waar willen we over praten")
    check(page, watch, "comments", hostile_world["comments"], problems)
    screenshot(page, "injection-comments")
    choose_view(page, "Notities en acties")
    check(page, watch, "notes and actions", hostile_world["notes"] + hostile_world["actions"], problems)
    screenshot(page, "injection-notes-actions")

    # The organisation: team names and messages on the manager's page; no view may link or fetch.
    sign_in(page, base, "manager")
    go_to(page, "Teams vergelijken")
    check(page, watch, "manager overview", [], problems)
    heatmap = page.locator('[data-testid="stVegaLiteChart"]').first
    box = heatmap.bounding_box()
    for fraction in (0.3, 0.5, 0.7):  # tooltips name the team: as text, never a link or an image
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * fraction)
        page.wait_for_timeout(150)
        check(page, watch, "manager heatmap tooltip", [], problems)
    page.get_by_text("Bekijk als tabel").first.click()
    page.locator('[data-testid="stDataFrame"]').first.hover()
    page.wait_for_timeout(300)
    if page.locator('[data-testid="stElementToolbar"] button[aria-label="Download as CSV"]').filter(visible=True).count():
        problems.append("a table offers its own CSV download, which writes typed text unprotected")
    for view in ("Teams naast elkaar", "Verschil tussen teams"):
        choose_view(page, view)
        check(page, watch, f"manager view {view}", [], problems)
    choose_view(page, "Te doen voor de organisatie")
    check(page, watch, "manager to-do list", [team["name"] for team in team_list] + [team["message"] for team in team_list], problems)
    screenshot(page, "injection-manager-todo")

    # The admin's list of teams: every name and area.
    sign_in(page, base, "beheerder")
    go_to(page, "Beheer")
    check(page, watch, "admin team list", [team["name"] for team in team_list] + [team["area"] for team in team_list], problems)

    context.close()
    assert not problems, "\n".join(problems)


def test_workshop_and_projector_show_group_names_as_typed(hostile_server, browser, hostile_world):
    base, context = start(hostile_server, browser)
    problems: list[str] = []
    page = context.new_page()
    watch = Watch(page)
    # Workshops: a group name typed by the facilitator, and the summary on the projector.
    sign_in(page, base, "trainer")
    go_to(page, "Workshop leiden")
    for name in hostile_world["groups"]:
        page.get_by_text("Een gemengde groep").click()
        page_ready(page)
        page.get_by_label("Naam van de groep").fill(name)
        page.get_by_role("button", name="Workshop starten").click()
        check(page, watch, "workshop page", [name], problems)
        page.get_by_role("button", name="Workshop afsluiten").click()
        page.get_by_role("button", name="Ja, sluit de workshop").click()
        page_ready(page)
        with context.expect_page() as opened:  # the summary opens on the projector's own tab
            page.get_by_role("link", name="Naar de samenvatting").click()
        summary = opened.value
        summary.get_by_text("Samenvatting van de workshop").wait_for(timeout=60_000)
        check(summary, Watch(summary), "presenter summary", [name], problems)
        summary.close()
        page.get_by_role("button", name="Nieuwe workshop").click()
        page_ready(page)
    screenshot(page, "injection-workshop")
    context.close()
    assert not problems, "\n".join(problems)

"""Helpers for Playwright tests against a Streamlit app (import: ``from browser_helpers import ...``).

Waiting for something to be shown takes a limit of 60 s throughout the browser tests: a wait ends
as soon as the thing is shown, and only a machine that is very busy comes near it (a phone took
over 20 s to show its answer count with three browser tests side by side on two cores)."""

from __future__ import annotations

import re
import time
import weakref
from pathlib import Path

from playwright.sync_api import expect

OUTPUT_DIR = Path(__file__).resolve().parent / "output"

# Browser contexts that a module's fixture opens in one test and keeps for the next ones (the
# conftest closes every other context a test leaves open).
SHARED_CONTEXTS: weakref.WeakSet = weakref.WeakSet()

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'

# How often a wait looks again (ms). Playwright's default for wait_for_function is every animation
# frame: a wait that reads the page's text or measures it then costs the browser 60 layouts a
# second, and on a busy machine the waits are long. A tenth of a second is soon enough for a test.
POLL_MS = 100


def page_ready(page, timeout: float = 30_000, settle_ms: int = 300) -> None:
    """Wait until Streamlit has finished running the script, then let the page settle.

    Waits for the app root to report ``data-test-script-state="notRunning"``, pauses
    ``settle_ms`` (a rerun triggered by a click may start only after that), and waits
    for the idle state once more. Timeouts are in milliseconds, as in Playwright.
    """
    try:
        page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)
        page.wait_for_timeout(settle_ms)
        page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)
    except Exception as exc:
        state = page.evaluate(
            """() => {
                const app = document.querySelector('[data-testid="stApp"]');
                return app ? app.getAttribute('data-test-script-state') : 'no stApp element';
            }"""
        )
        shown = page.evaluate("() => (document.body ? document.body.innerText : '').slice(0, 300)")
        raise AssertionError(
            f"Streamlit app at {page.url} did not become idle (script state: {state}); the page shows: {shown!r}"
        ) from exc


# Set before an action: notes whether Streamlit reports a run of the script after it.
_WATCH_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (window.__kwRuns) window.__kwRuns.disconnect();
    window.__kwRunSeen = false;
    window.__kwRuns = new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') !== 'notRunning') window.__kwRunSeen = true;
    });
    window.__kwRuns.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
_RUN_SEEN = "() => window.__kwRunSeen === true"


def rerun_after(page, action, timeout: float = 30_000, unseen_ms: float = 2_000) -> None:
    """Do `action` (e.g. a click that makes Streamlit run the page again) and wait until the run
    it caused is over: Streamlit reported a run after the action and is idle again. This needs
    no fixed pause, as page_ready does; when no run is seen within `unseen_ms` (a run too short
    to be drawn, or none at all), it falls back to page_ready."""
    page.evaluate(_WATCH_RUNS)
    action()
    try:
        page.wait_for_function(_RUN_SEEN, timeout=unseen_ms, polling=POLL_MS)
    except Exception:
        page_ready(page, timeout=timeout)
        return
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)


# Every chart of the main area has drawn its marks (Vega draws after Streamlit's run is over).
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')]
    .every(chart => chart.querySelector('canvas, svg.marks'))"""


def charts_drawn(page, timeout: float = 20_000) -> None:
    """Wait until Streamlit is idle and every chart on the page has been drawn (instead of a
    fixed pause before a screenshot or a measurement)."""
    page_ready(page, timeout=timeout, settle_ms=50)
    page.wait_for_function(CHARTS_DRAWN, timeout=timeout, polling=POLL_MS)


def record_console(page) -> list[str]:
    """From now on, the page's console errors and warnings, uncaught errors and crashes go into the
    returned list (to show with a failure: a page that went blank says why there)."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(f"console.{message.type}: {message.text}")
            if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: seen.append(f"pageerror: {error}"))
    page.on("crash", lambda _: seen.append("the page crashed"))
    page.on("framenavigated", lambda frame: seen.append(f"navigated to {frame.url}")
            if frame == page.main_frame else None)
    return seen


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a PNG of the page as tests/output/<name>.png and return its path."""
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    if not safe.endswith(".png"):
        safe += ".png"
    path = OUTPUT_DIR / safe
    page.screenshot(path=str(path), full_page=full_page)
    return path


AXE_SOURCE = Path(__file__).resolve().parent / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; serious and critical findings only."""
    if not AXE_SOURCE.exists():
        raise AssertionError(f"axe-core is missing at {AXE_SOURCE}; `make test` installs it from npm")
    page.add_script_tag(content=AXE_SOURCE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations'],
        })"""
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in SERIOUS:
            continue
        targets = [node["target"][-1] for node in violation["nodes"]]
        in_chrome = page.evaluate(
            f"""(selectors) => selectors.map(s => {{
                const el = document.querySelector(s);
                return !!(el && el.closest('{STREAMLIT_CHROME}'));
            }})""",
            targets,
        )
        found.append(
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "targets": targets,
                "html": [node["html"][:200] for node in violation["nodes"]],
                "streamlit_own": all(in_chrome),
            }
        )
    return found


# Parts of the page that Streamlit itself draws (navigation, toolbar, header), not the app.
STREAMLIT_CHROME = '[data-testid="stSidebarNav"], [data-testid="stToolbar"], [data-testid="stHeader"], [data-testid="stDecoration"]'


# Radio groups a person sees in the main area. Streamlit 1.67 can keep a widget of an earlier run
# in the page, hidden ("data-retained"), in front of the one on screen; a person never sees it.
VISIBLE_RADIOS = '[data-testid="stMain"] [data-testid="stRadio"]:visible'
SCORE_OPTIONS = f'{VISIBLE_RADIOS} >> nth=0 >> [data-testid="stRadioOption"]'


def choose_score(page, position: int, attempts: int = 3) -> None:
    """Choose the `position`-th option (from 0) of the page's first radio group, as a person does:
    click it and look that it is chosen before going on; click again if it is not.

    A test clicks within milliseconds of the form being drawn. If the page is redrawn at that
    moment (a poll that sees the projector move on, the last stale element being cleared), the
    click lands on an element that is then replaced; a person sees the choice is not there and
    taps again, so the test does too (and says so when the first click did not take)."""
    option = page.locator(SCORE_OPTIONS).nth(position)
    for attempt in range(attempts):
        option.click()
        try:
            expect(option.locator("input")).to_be_checked(timeout=5_000)
        except AssertionError:
            continue
        if attempt:
            print(f"choose_score: option {position} took {attempt + 1} clicks")
        return
    raise AssertionError(f"option {position} of the first radio group did not stay chosen after {attempts} clicks")


def choose_view(page, name: str) -> None:
    """Pick one of the results page's views (a horizontal radio group) and wait for it."""
    page.locator('[data-testid="stMain"] [data-testid="stRadioOption"]').filter(has_text=name).first.click()
    page_ready(page)


def sign_in_as_manager(page, base: str, passphrase: str) -> None:
    """Sign in on /login as the manager, the way a person would."""
    page.goto(f"{base}/login")
    page_ready(page)
    page.get_by_role("tab", name="Trainer, manager of beheer").click()
    staff = page.locator('[data-testid="stForm"]').filter(has=page.get_by_text("Ik ben"))
    staff.locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="manager").click()
    staff.get_by_label("Wachtwoord").fill(passphrase)
    staff.get_by_role("button", name="Inloggen").click()
    page.get_by_text("Je bent ingelogd als manager").wait_for(timeout=60_000)


def sign_in_as_facilitator(page, base: str, to_page: str, passphrase: str) -> None:
    """Sign in on /login as the trainer, then go to `to_page` through the menu (keeping the session)."""
    page.goto(f"{base}/login")
    page_ready(page)
    page.get_by_role("tab", name="Trainer, manager of beheer").click()
    page.get_by_label("Wachtwoord").fill(passphrase)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_text("Je bent ingelogd als trainer").wait_for(timeout=60_000)
    # In-app navigation keeps the session (a page.goto would start a new one).
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=to_page).click()
    page_ready(page)


def count_shown(presenter, words: str) -> int | None:
    """The number before `words` in the projector's live count line ("klaar", "antwoorden op deze vraag")."""
    text = presenter.locator('[class*="st-key-kw-counts"], [class*="st-key-kw-topcounts"]').first.inner_text()
    found = re.search(rf"(\d+)\s*{words}", text)
    return int(found.group(1)) if found else None


def wait_until(predicate, timeout: float, step: float = POLL_MS / 1000):
    """Poll `predicate` until it gives something true or `timeout` seconds pass; its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()

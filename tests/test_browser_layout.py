"""Nothing is cut off on a laptop (1280 × 800), a phone (390 × 844) or a projector-sized screen
(1920 × 1080): on every view of a team's results and of the manager's comparison, no chart,
table or image reaches past the window and the main area never scrolls sideways.

One page per role; each view is measured at the three sizes by resizing that page (the charts
are rebuilt for the width the browser reports). A screenshot of each view and size goes to
tests/output/layout-*.jpg (JPEG: the pictures are up to 8000 px tall, and as PNG they took Chromium twice as long, about
8 CPU-seconds more for the module)."""

from __future__ import annotations

import pytest

from kringwijs_survey.core.i18n import t
from kringwijs_survey.domain import rounds, sharing, teams
from kringwijs_survey.rules.access import hash_passphrase
from kringwijs_survey.store.database import dispose_engines

import factories
from browser_helpers import OUTPUT_DIR, POLL_MS, VISIBLE_RADIOS, page_ready, rerun_after, sign_in_as_manager

pytestmark = pytest.mark.browser
PASSPHRASE = "een lange zin als wachtwoord voor de manager"
SIZES = [(1280, 800), (390, 844), (1920, 1080)]

# Everything drawn that could run past the window, and whether the main area scrolls sideways.
MEASURE = """() => {
  const window_width = document.documentElement.clientWidth;
  const drawn = '[data-testid="stVegaLiteChart"], [data-testid="stVegaLiteChart"] canvas, '
    + '[data-testid="stVegaLiteChart"] svg.marks, [data-testid="stDataFrame"], [data-testid="stTable"], '
    + '[data-testid="stImage"] img';
  const over = [];
  for (const element of document.querySelectorAll('[data-testid="stMain"] :is(' + drawn + ')')) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && element.checkVisibility() && box.right > window_width + 1) {
      over.push(`${element.getAttribute('data-testid') || element.tagName} ${Math.round(box.left)}–${Math.round(box.right)}`);
    }
  }
  const main = document.querySelector('[data-testid="stMain"]');
  const sideways = [main, document.scrollingElement].filter(box => box && box.scrollWidth > box.clientWidth + 1)
    .map(box => `${box.getAttribute('data-testid') || 'page'} scrolls ${box.scrollWidth} > ${box.clientWidth}`);
  // On a laptop or wider, a table shows all its columns without scrolling sideways in its frame.
  const scrollers = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stDataFrame"] .dvn-scroller')]
    .filter(scroller => scroller.checkVisibility());
  if (window_width >= 1000) {
    for (const scroller of scrollers) {
      if (scroller.scrollWidth > scroller.clientWidth + 1) {
        const header = scroller.closest('[data-testid="stDataFrame"]').getAttribute('aria-label') || '';
        over.push(`a table scrolls sideways ${scroller.scrollWidth} > ${scroller.clientWidth} ${header}`);
      }
    }
  }
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  const drawn_all = charts.every(chart => chart.querySelector('canvas, svg.marks'));
  return {window_width, problems: [...over, ...sideways], drawn: drawn_all, tables: scrollers.length};
}"""


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, module_streamlit_server):
    url, engine, keys = factories.demo_database(tmp_path_factory.mktemp("layout"))
    for team in teams.list_teams(engine):  # every closed round shared: the manager has all views
        for survey_round in rounds.list_rounds(engine, team.id):
            if survey_round.status != "open":
                sharing.publish_round(engine, survey_round.id)
    base = module_streamlit_server(
        {"DATABASE_URL": url, "KRINGWIJS_MANAGER_PASSPHRASE_HASH": hash_passphrase(PASSPHRASE)}
    )
    yield base, next(iter(keys.values()))
    dispose_engines()


NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def fits(page) -> dict:
    """What the page shows once Streamlit is idle (the caller waits for that) and the charts
    are drawn for this width: waits (generously) for nothing to stick out, then measures."""
    try:
        page.wait_for_function(
            f"() => {{ const m = ({MEASURE})(); return m.drawn && m.problems.length === 0; }}", timeout=10_000, polling=POLL_MS
        )
    except Exception:
        pass  # the measurement below says what sticks out
    return page.evaluate(MEASURE)


def save_screenshot(page, name: str, size: tuple[int, int]) -> None:
    """The whole main column: Streamlit scrolls inside its own container, so the window is made
    as tall as the content for the picture (the width, and so the layout, stays the same)."""
    width, height = size
    content = page.evaluate("() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, min(content + 120, 8000))})
    page.evaluate(NEXT_FRAME)  # laid out and painted at the new height
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT_DIR / f"layout-{name}-{width}x{height}.jpg"), type="jpeg", quality=80)
    page.set_viewport_size({"width": width, "height": height})


def view_options(page):
    """The options of the page's view switch (the first radio group on screen in the main area)."""
    return page.locator(VISIBLE_RADIOS).first.locator('[data-testid="stRadioOption"]')


def measure_every_view(page, role: str) -> list[str]:
    """Every view of the page's view switch at every size: what sticks out, per view and size.
    The window is resized once per size; each view is then one click (one rerun)."""
    names = [option.strip() for option in view_options(page).all_inner_texts()]
    assert len(names) >= 6, f"the {role} page shows views {names}"
    problems, tables_seen = [], 0
    for turn, size in enumerate(SIZES):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        # Every other size goes through the views backwards: the view on screen comes first,
        # so a new size costs no extra click.
        views = list(enumerate(names)) if turn % 2 == 0 else list(reversed(list(enumerate(names))))
        for step, (number, name) in enumerate(views):
            option = view_options(page).filter(has_text=name).first
            if option.locator("input:checked").count():
                page_ready(page)  # the view on screen: only the new width's run to wait for
            else:
                rerun_after(page, option.click)
                if step == 0:
                    page_ready(page)  # the page also runs again for the width it reports
            shown = fits(page)
            if not shown["drawn"]:
                problems.append(f"{role} · {name} · {size}: a chart was not drawn")
            problems += [f"{role} · {name} · {size}: {problem}" for problem in shown["problems"]]
            tables_seen += shown["tables"]
            save_screenshot(page, f"{role}-{number}", size)
    if role == "manager":
        assert tables_seen > 0, "no table of the manager's views was measured"
    return problems


def test_every_results_view_fits_a_laptop_a_phone_and_a_projector(browser, demo_app):
    base, team_key = demo_app
    context = browser.new_context(viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
    try:
        page = context.new_page()
        page.goto(f"{base}/results?team={team_key}")
        page_ready(page, timeout=60_000)
        problems = measure_every_view(page, "results")
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_every_manager_view_fits_a_laptop_a_phone_and_a_projector(browser, demo_app):
    base, _ = demo_app
    context = browser.new_context(viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
    try:
        page = context.new_page()
        sign_in_as_manager(page, base, PASSPHRASE)
        page_ready(page)
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=t("nav.manager"), exact=True).click()
        page_ready(page, timeout=60_000)
        problems = measure_every_view(page, "manager")
        assert not problems, "\n".join(problems)
    finally:
        context.close()

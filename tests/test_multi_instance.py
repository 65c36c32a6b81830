"""Two app instances on one PostgreSQL, behind the real HAProxy with deploy/haproxy.cfg.

Everything runs once for the module: a fresh database on the test PostgreSQL server, two
`streamlit run` instances on free loopback ports, and HAProxy with the `defaults` and `backend`
sections of deploy/haproxy.cfg unchanged (only the server addresses are the test's ports, and
the frontend is plain HTTP on loopback instead of TLS on :80/:443). A browser is pinned to an
instance the way HAProxy pins it: by its KRINGWIJS_SERVER cookie.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import zxingcpp
from conftest import _stop_process_group, free_port, skip_or_fail
from PIL import Image
from playwright.sync_api import expect

from kringwijs_survey.domain import responses, rounds, sharing, teams, workshop
from kringwijs_survey.rules.access import SYSTEM, answer_cookie_name, hash_passphrase, parse_answer_cookie
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate

import browser_helpers
import factories
from browser_helpers import (
    choose_score,
    count_shown,
    page_ready,
    screenshot,
    sign_in_as_facilitator,
    wait_until,
)

# Four processes and five browser contexts on a shared two-core machine: more room than one page.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
DEPLOY_CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "haproxy.cfg"
PASSPHRASE = "de trainer leidt op de ene server"
MANAGER_PASSPHRASE = "de manager kijkt mee op de andere server"
COOKIE = "KRINGWIJS_SERVER"
ON_SCREEN = "antwoord"  # "1 antwoord", "3 antwoorden"
SHARED_TEAMS = 4


def score(phone: int, item_index: int) -> int:
    return (phone + item_index) % 5 + 1


def config_sections(text: str) -> dict[str, str]:
    """HAProxy sections by their header line ("defaults", "backend kringwijs_app", ...)."""
    sections: dict[str, str] = {}
    header = None
    for line in text.splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            header = line.strip()
            sections[header] = ""
        elif header is not None:
            sections[header] += line + "\n"
    return sections


def render_proxy_config(listen_port: int, app_ports: list[int], state_dir: Path) -> str:
    """deploy/haproxy.cfg for the test: its defaults and backend as they are, the test's ports."""
    sections = config_sections(DEPLOY_CONFIG.read_text(encoding="utf-8"))
    backend = sections["backend kringwijs_app"]
    servers = re.findall(r"^\s*server (\S+) \S+ (.*)$", backend, flags=re.MULTILINE)
    assert len(servers) == len(app_ports), servers
    backend = re.sub(r"^\s*server .*\n", "", backend, flags=re.MULTILINE)
    backend += "".join(
        f"    server {name} 127.0.0.1:{port} {rest}\n" for (name, rest), port in zip(servers, app_ports)
    )
    return (
        f"global\n    pidfile {state_dir / 'haproxy.pid'}\n\n"
        f"defaults\n{sections['defaults']}\n"
        f"frontend kringwijs\n    bind 127.0.0.1:{listen_port}\n    default_backend kringwijs_app\n\n"
        f"backend kringwijs_app\n{backend}"
    )


class Instance:
    """One `streamlit run app.py` on its own port, stopped as a whole process group."""

    def __init__(self, port: int, env: dict[str, str], log_dir: Path) -> None:
        self.port = port
        self.log = log_dir / f"streamlit-{port}.log"
        cmd = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        ]  # fmt: skip
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                cmd, cwd=DEPLOY_CONFIG.parent.parent, env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2) as resp:
                return resp.read().decode().strip() == "ok"
        except OSError:
            return False

    def wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if self.healthy():
                return
            time.sleep(0.25)
        raise RuntimeError(f"instance on {self.port} not healthy:\n{self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        _stop_process_group(self.proc)


@pytest.fixture(scope="module")
def cluster(postgres_server, tmp_path_factory):
    """A migrated PostgreSQL database with teams, two instances on it and HAProxy in front."""
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        skip_or_fail("haproxy is missing; `make system-deps` installs Debian's haproxy")
    name = f"t_{uuid.uuid4().hex[:16]}"
    postgres_server.execute_autocommit(f"CREATE DATABASE {name}")
    url = postgres_server.url(name)
    migrate(url)
    engine = get_engine(url)
    world = seed(engine)
    state = tmp_path_factory.mktemp("cluster")
    proxy_port = free_port()
    base = f"http://127.0.0.1:{proxy_port}"
    env = {
        "DATABASE_URL": url,
        "BASE_URL": base,
        "MIN_GROUP": "3",
        "MIN_GROUP_ORG": "5",
        "KRINGWIJS_FACILITATOR_PASSPHRASE_HASH": hash_passphrase(PASSPHRASE),
        "KRINGWIJS_MANAGER_PASSPHRASE_HASH": hash_passphrase(MANAGER_PASSPHRASE),
        "STREAMLIT_SERVER_COOKIE_SECRET": uuid.uuid4().hex * 2,  # the same on every instance
    }
    instances = [Instance(free_port(), env, state) for _ in range(2)]
    config = state / "haproxy.cfg"
    config.write_text(render_proxy_config(proxy_port, [i.port for i in instances], state), encoding="utf-8")
    check = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True, timeout=30, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    proxy_log = state / "haproxy.log"
    with open(proxy_log, "wb") as out:
        proxy = subprocess.Popen(
            [haproxy, "-db", "-f", str(config)], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        for instance in instances:
            instance.wait_healthy()
        assert wait_until(lambda: proxy_health(base) == "ok", 30), proxy_log.read_text(errors="replace")
        yield {"base": base, "engine": engine, "instances": instances, "proxy_log": proxy_log, **world}
    finally:
        for instance in instances:
            instance.stop()
        _stop_process_group(proxy)
        dispose_engines()
        postgres_server.execute_autocommit(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def seed(engine) -> dict:
    """Four teams that shared a closed round, one that has not shared yet, one for the workshop."""
    for index in range(SHARED_TEAMS + 1):
        team = teams.create_team(engine, f"Wijkteam Gedeeld {index + 1}", "Kringstad")
        survey_round = rounds.start_round(engine, team.id, "2026-Q2")
        for person in range(6):
            answers = [responses.AnswerInput(item.id, score(person + index, i)) for i, item in enumerate(FRAMEWORK.items)]
            factories.submit(engine, survey_round.id, f"{index}-{person}", answers)
        rounds.close_round(engine, survey_round.id, actor=SYSTEM)
        if index < SHARED_TEAMS:
            sharing.publish_round(engine, survey_round.id)
    last = rounds.list_rounds(engine, team.id)[0]
    key = teams.issue_team_key(engine, team.id)
    workshop_team = teams.create_team(engine, "Wijkteam Beamer")
    return {"publishing_team_key": key, "publishing_round": last.id, "workshop_team": workshop_team.id}


def proxy_health(base: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
            return resp.read().decode().strip()
    except OSError:
        return None


def pinned_page(browser, base: str, server: str, **context_options):
    """A page whose browser carries HAProxy's cookie for `server` (app1 or app2)."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_options})
    context.add_cookies([{"name": COOKIE, "value": server, "url": base}])
    return context, context.new_page()


def served_by(page, base: str) -> str | None:
    return next((c["value"] for c in page.context.cookies(base) if c["name"] == COOKIE), None)


def sign_in_as_manager(page, base: str) -> None:
    browser_helpers.sign_in_as_manager(page, base, MANAGER_PASSPHRASE)


def open_manager_page(page, team_count: int) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Teams vergelijken").click()
    page.get_by_text(f"{team_count} teams in beeld").wait_for(timeout=60_000)
    page_ready(page)


def facilitator_counts(facilitator, shown: str) -> None:
    """After "Opnieuw tellen", the facilitator's page shows `shown` (waited for: on a busy machine
    the recount can start after page_ready's pause, and a look at once would read the old count)."""
    facilitator.get_by_role("button", name="Opnieuw tellen").click()
    expect(facilitator.locator('[data-testid="stMain"]')).to_contain_text(shown, timeout=90_000)


def reload_until_the_app_shows(page, attempts: int = 10) -> None:
    """Reload as a person does after an instance stopped: a request that HAProxy had already
    sent over a kept-alive connection to the stopped instance comes back as "502 Bad Gateway"
    (only refused connections are redispatched), and the person simply reloads again."""
    for _ in range(attempts):
        page.reload()
        if "Bad Gateway" not in page.locator("body").inner_text(timeout=30_000):
            page_ready(page, timeout=90_000)
            return
        page.wait_for_timeout(1_000)
    raise AssertionError(f"the app never came back at {page.url}")


def answer_cookie(page, base: str, round_id: int) -> tuple[str, str | None] | None:
    """The respondent key this phone's browser keeps for the round (its kw_answer_ cookie)."""
    name = answer_cookie_name(round_id)
    return parse_answer_cookie(next((c["value"] for c in page.context.cookies(base) if c["name"] == name), None))


def answer_item_on_screen(phone, phone_number: int, index: int) -> None:
    """The phone shows the item on the projector by itself; choose a score and send it."""
    phone.get_by_text(f"Vraag {index + 1} van 15").wait_for(timeout=60_000)
    page_ready(phone, timeout=90_000, settle_ms=50)
    choose_score(phone, score(phone_number, index) - 1)
    phone.get_by_role("button", name="Antwoord versturen").click()
    phone.get_by_text(f"Je antwoord op vraag {index + 1} is binnen").wait_for(timeout=60_000)


def download_pdf(manager, attempts: int = 2) -> bytes:
    """The organisation report, downloaded as a person does: click, and click again when the
    browser says the download failed (once seen on a busy machine: "canceled"; it says so)."""
    for attempt in range(attempts):
        with manager.expect_download(timeout=60_000) as download:
            manager.get_by_role("button", name="Verslag als PDF").click()
        failure = download.value.failure()
        if failure is None:
            return Path(download.value.path()).read_bytes()
        print(f"download_pdf: attempt {attempt + 1} failed: {failure}")
        page_ready(manager, timeout=90_000)
    raise AssertionError(f"the PDF download failed {attempts} times: {failure}")


def put_on_screen(facilitator, index: int) -> None:
    facilitator.get_by_role("button", name="Volgende").click()
    facilitator.get_by_text(f"vraag {index + 1} van 15").wait_for(timeout=60_000)
    page_ready(facilitator, timeout=90_000)


def test_two_instances_behind_haproxy_share_one_workshop_and_survive_a_stopped_instance(cluster, browser):
    base, engine = cluster["base"], cluster["engine"]
    first, second = cluster["instances"]
    contexts = []
    try:
        # The facilitator works on app1, the projector on app2.
        laptop, facilitator = pinned_page(browser, base, "app1", viewport={"width": 1366, "height": 900})
        contexts.append(laptop)
        sign_in_as_facilitator(facilitator, base, "Workshop leiden", PASSPHRASE)
        facilitator.locator('[data-testid="stForm"] [data-testid="stSelectbox"]').first.click()
        facilitator.get_by_role("option", name="Wijkteam Beamer").click()
        facilitator.get_by_role("button", name="Workshop starten").click()
        facilitator.get_by_text("Code om mee te doen").wait_for(timeout=60_000)
        page_ready(facilitator, timeout=90_000)
        group = teams.find_team(engine, "Wijkteam Beamer · workshop")  # a round of its own
        survey_round = rounds.list_rounds(engine, group.id)[0]
        code = survey_round.join_code
        beamer_code = facilitator.get_by_text("Beamercode:").inner_text().split(":")[1].split(".")[0].strip()

        projector, presenter = pinned_page(browser, base, "app2", viewport={"width": 1280, "height": 720})
        contexts.append(projector)
        sign_in_as_facilitator(presenter, base, "Beamerscherm", PASSPHRASE)
        presenter.get_by_label("Beamercode (8 tekens, staat bij 'Workshop leiden')").fill(beamer_code)
        presenter.get_by_role("button", name="Laat zien").click()
        presenter.get_by_text("Doe mee met je telefoon").wait_for(timeout=60_000)
        page_ready(presenter, timeout=90_000)
        # The QR code is an image from app2's memory, loaded through the proxy.
        qr = presenter.locator('[class*="st-key-kw-qr"] img')
        qr.wait_for(timeout=60_000)
        assert wait_until(lambda: qr.evaluate("img => img.complete && img.naturalWidth > 0"), 30)
        assert qr.get_attribute("src").startswith(("/media/", f"{base}/media/")), qr.get_attribute("src")
        decoded = [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))]
        assert decoded == [f"{base}/join?join={code}"]

        # Three phones join with the room's code, the way phones do (two on app2, one on app1),
        # and follow the projector through two items that the facilitator on app1 puts on screen.
        phones = []
        for server in ("app2", "app2", "app1"):
            context, phone = pinned_page(
                browser, base, server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
            )
            contexts.append(context)
            phone.goto(f"{base}/join?join={code}", wait_until="commit")
            phones.append(phone)
        for phone in phones:
            phone.get_by_text("De workshop begint zo").wait_for(timeout=60_000)
        for index in range(2):
            put_on_screen(facilitator, index)
            for number, phone in enumerate(phones):
                answer_item_on_screen(phone, number, index)

        # Same live counts: the projector on app2 and the facilitator on app1 both see 3 answers.
        assert wait_until(lambda: count_shown(presenter, ON_SCREEN) == 3, 30), count_shown(presenter, ON_SCREEN)
        facilitator_counts(facilitator, "3 antwoorden op deze vraag")
        screenshot(presenter, "multi-instance-presenter-three-answers", full_page=False)

        # A team shares its round on app1; the manager on app2 sees it after the next page load.
        team_context, team_page = pinned_page(browser, base, "app1")
        contexts.append(team_context)
        manager_context, manager = pinned_page(browser, base, "app2", viewport={"width": 1440, "height": 1000})
        contexts.append(manager_context)
        sign_in_as_manager(manager, base)
        open_manager_page(manager, SHARED_TEAMS)
        team_page.goto(f"{base}/team?team={cluster['publishing_team_key']}")
        page_ready(team_page, timeout=90_000)
        team_page.get_by_text("Delen met de organisatie").click()
        team_page.get_by_text("Deze ronde is gedeeld met de organisatie.").wait_for(timeout=60_000)
        assert rounds.get_round(engine, cluster["publishing_round"]).published
        manager.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Welkom").click()
        page_ready(manager, timeout=90_000)
        open_manager_page(manager, SHARED_TEAMS + 1)
        assert served_by(manager, base) == "app2" and served_by(team_page, base) == "app1"

        # A PDF download from app2's memory, through the proxy.
        manager.locator('[data-testid="stMain"] [data-testid="stRadioOption"]').filter(has_text="Downloaden").first.click()
        page_ready(manager, timeout=90_000)
        pdf = download_pdf(manager)
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000

        # app1 stops in the middle of the round. The phone that was on it reloads, lands on app2
        # and finds its two stored answers; it follows the projector to item 3 there.
        page_ready(phones[2], timeout=90_000)
        # The phone's own key is in its own browser's cookie, never in its address.
        held = answer_cookie(phones[2], base, survey_round.id)
        assert held is not None and held[0] not in phones[2].url and "me=" not in phones[2].url
        first.stop()
        assert not first.healthy() and second.healthy()
        phone = phones[2]
        reload_until_the_app_shows(phone)
        phone.get_by_text("Je beantwoordde 2 van 15 vragen").wait_for(timeout=60_000)
        assert served_by(phone, base) == "app2"
        # The facilitator's own page was on app1 (its steering in a browser: test_browser_workshop);
        # the room moves on to item 3 and the phone, now on app2, goes along.
        workshop.step(engine, survey_round.id, 1)
        presenter.get_by_role("heading", name=FRAMEWORK.items[2].title.nl).wait_for(timeout=60_000)
        answer_item_on_screen(phone, 2, 2)
        screenshot(phone, "multi-instance-phone-after-failover")

        assert answer_cookie(phone, base, survey_round.id) == held  # the same respondent, not a new one
        own = responses.load_own_response(engine, survey_round.id, held[0])
        assert own.submitted
        assert {item_id: answer.score for item_id, answer in own.answers.items()} == {
            item.id: score(2, index) for index, item in enumerate(FRAMEWORK.items[:3])
        }
        assert workshop.live_counts(engine, survey_round.id) == (3, 3)
        assert wait_until(lambda: count_shown(presenter, ON_SCREEN) == 1, 30), presenter.locator(
            '[data-testid="stMain"]'
        ).inner_text()[:400]

        # The facilitator's app1 is gone too: a reload brings them to app2, signed out.
        reload_until_the_app_shows(facilitator)
        assert served_by(facilitator, base) == "app2"
        assert proxy_health(base) == "ok"
    except BaseException:
        for number, context in enumerate(contexts):
            for page in context.pages:
                screenshot(page, f"multi-instance-failure-{number}")
        # What the proxy saw (servers marked up or down), shown with the failure.
        print(cluster["proxy_log"].read_text(errors="replace")[-5000:])
        raise
    finally:
        for context in contexts:
            context.close()

"""Shared test infrastructure: real PostgreSQL, real Chromium, a real Streamlit server.

Fixtures (feature fixtures belong in other files):

* ``repo_root`` -> Path of the repository.
* ``postgres_url`` (session) -> ``postgresql+psycopg://postgres@127.0.0.1:PORT/kringwijs_test``
  on a throw-away PostgreSQL server started for the session.
* ``fresh_postgres_url`` -> URL of a new, empty database on that server, dropped afterwards.
* ``db_url`` -> parametrized ``sqlite`` / ``postgres``: a fresh SQLite file or a fresh
  PostgreSQL database.
* ``chromium_path`` (session) -> "/usr/bin/chromium".
* ``browser`` (session) -> Playwright ``Browser`` on the system Chromium.
* ``page`` -> a ``Page`` in a new browser context, closed afterwards.
* ``engine`` (``db_url``), ``sqlite_engine``, ``app_engine`` -> a database with the newest schema:
  a copy of one migrated per process (``migrated_sqlite_template``, ``migrated_postgres_template``).
* ``demo_app_engine`` -> ``(engine, create_demo_data's result)`` on a copy of the demo municipality.
* ``streamlit_server`` -> ``start(env=None, *, app="app.py", timeout=60.0) -> base_url``;
  ``module_streamlit_server`` is the same with servers shared by one test module.

Missing Chromium or PostgreSQL skips the tests that need them, except when the
environment variable CI is set: then they fail, because CI must really run them.
"""

from __future__ import annotations

import copy
import functools
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_helpers import SHARED_CONTEXTS, record_console

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PG_TEST_DB = "kringwijs_test"


def _scan_installed_components_once() -> None:
    """Every AppTest scans the metadata of every installed distribution for Streamlit components
    (a quarter of the CPU time of the tests that open pages, 2026-12-02). The installed packages
    do not change during a test run, so each test process scans once; a real server scans once
    at start anyway."""
    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


_scan_installed_components_once()


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail under CI, where every test must really run."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this is an error, not a skip)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _version_key(path: str) -> tuple[int, ...]:
    # /usr/lib/postgresql/<version>/bin/pg_ctl
    version = Path(path).parent.parent.name
    return tuple(int(p) for p in re.findall(r"\d+", version)) or (0,)


def find_postgres_bindir() -> Path | None:
    """Directory holding initdb, pg_ctl and postgres; the highest Debian version wins.

    Debian's /usr/lib/postgresql/*/bin is preferred over PATH, where for example
    /usr/local/bin/pg_ctl may be something else. PATH is the fallback for other
    systems, and only when initdb and postgres sit beside a pg_ctl that reports
    itself as PostgreSQL.
    """
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version_key, reverse=True)
    which = shutil.which("pg_ctl")
    if which:
        candidates.append(str(Path(which).resolve()))
    for pg_ctl in candidates:
        bindir = Path(pg_ctl).parent
        if not all(os.access(bindir / tool, os.X_OK) for tool in ("pg_ctl", "initdb", "postgres")):
            continue
        try:
            out = subprocess.run(
                [pg_ctl, "--version"], capture_output=True, text=True, timeout=10
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            continue
        if "PostgreSQL" in out:
            return bindir
    return None


class PostgresServer:
    """A throw-away PostgreSQL cluster in a temp dir, on 127.0.0.1:<free port>, trust auth.

    PostgreSQL refuses to run as root, so as root every server command runs as
    the ``postgres`` OS user (``runuser -u postgres --``) and the temp dir is
    chowned to that user. Temp dirs come from ``tempfile.mkdtemp`` and not from
    pytest's tmp_path, whose root-only (0700) parents the postgres user cannot
    enter.
    """

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix="kringwijs-pg-"))
        self.datadir = self.base / "data"
        self.sockdir = self.base / "sock"
        self.logfile = self.base / "postgres.log"
        self.sockdir.mkdir()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            import pwd

            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "running as root but there is no 'postgres' OS user to run PostgreSQL as"
                ) from None
            runuser = shutil.which("runuser")
            self.prefix = [runuser, "-u", "postgres", "--"] if runuser else []
            if not self.prefix:
                raise RuntimeError("running as root but runuser is not available")
            for path in (self.base, self.sockdir):
                os.chown(path, pw.pw_uid, pw.pw_gid)
            self.base.chmod(0o700)

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        cmd = [*self.prefix, *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.base)
        if proc.returncode != 0:
            log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
            raise RuntimeError(
                f"{' '.join(cmd)} failed with exit code {proc.returncode}\n"
                f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}\nserver log:\n{log}"
            )
        return proc

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D", str(self.datadir),
            "-U", "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )  # fmt: skip
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-p {self.port}",
                f"-c unix_socket_directories={self.sockdir}",
                # Durability is worthless for a throw-away test server.
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
            ]
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D", str(self.datadir),
            "-l", str(self.logfile),
            "-o", options,
            "-w", "-t", "60",
            "start",
        )  # fmt: skip

    def stop(self) -> None:
        try:
            if (self.datadir / "postmaster.pid").exists():
                self._run(
                    str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop"
                )
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def url(self, dbname: str, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://postgres@127.0.0.1:{self.port}/{dbname}"

    def execute_autocommit(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)


# ---------------------------------------------------------------------------
# basic fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    """Each test starts with empty st.cache_resource / st.cache_data."""
    import logging

    import streamlit as st

    # Outside a Streamlit runtime, cache_data logs "No runtime found" at WARNING.
    cache_log = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = cache_log.level
    cache_log.setLevel(logging.ERROR)
    try:
        st.cache_resource.clear()
        st.cache_data.clear()
    finally:
        cache_log.setLevel(level)


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = find_postgres_bindir()
    if bindir is None:
        skip_or_fail(
            "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/pg_ctl); "
            "`make system-deps` installs them"
        )
    server = PostgresServer(bindir)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of a database on a real PostgreSQL server, shared by the session."""
    postgres_server.execute_autocommit(f"CREATE DATABASE {PG_TEST_DB}")
    return postgres_server.url(PG_TEST_DB)


@pytest.fixture
def fresh_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """SQLAlchemy URL of a new, empty database, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    postgres_server.execute_autocommit(f"CREATE DATABASE {name}")
    try:
        yield postgres_server.url(name)
    finally:
        # FORCE ends connections the test left open (e.g. an engine not disposed).
        postgres_server.execute_autocommit(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/test.db"
    return request.getfixturevalue("fresh_postgres_url")


# ---------------------------------------------------------------------------
# Chromium / Playwright
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (CHROMIUM_PATH.exists() and os.access(CHROMIUM_PATH, os.X_OK)):
        skip_or_fail(f"{CHROMIUM_PATH} is missing; `make system-deps` installs Debian's chromium")
    return str(CHROMIUM_PATH)


FAILURES_DIR = REPO_ROOT / "tests" / "output" / "failures"


def _evidence_name(what: str) -> str:
    """A file name in FAILURES_DIR for `what` of the test that runs now."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "unknown").split(" ")[0]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{test}-{what}")[-150:]


def _pages_kept_as_evidence(context) -> None:
    """Screenshot and text of every page of `context`, into FAILURES_DIR."""
    FAILURES_DIR.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(context.pages):
        name = _evidence_name(f"{id(context) % 10_000}-page{number}")
        try:
            page.screenshot(path=str(FAILURES_DIR / f"{name}.png"), full_page=True, timeout=10_000)
            state = page.evaluate(
                "() => (document.querySelector('[data-testid=stApp]') || {}).dataset?.testScriptState"
            )
            logged = "\n".join(CONSOLE.get(page, [])[-30:])
            retained = page.evaluate(  # widgets of earlier runs Streamlit keeps hidden in the page
                "() => [...document.querySelectorAll('[data-retained]')].map(e => e.textContent.slice(0, 60))"
            )
            (FAILURES_DIR / f"{name}.txt").write_text(
                f"{page.url}\nscript state: {state}\nhidden widgets of earlier runs: {retained}\n"
                f"console:\n{logged}\n\n"
                f"{page.locator('body').inner_text(timeout=10_000)}"
            )
        except Exception as exc:  # evidence is best effort; the test's own failure is what counts
            (FAILURES_DIR / f"{name}.txt").write_text(f"{page.url}\nno evidence: {exc}")


def _keeping_evidence_on_failure(close):
    """BrowserContext.close that first keeps its pages when a test is failing: tests close their
    contexts in `finally`, where sys.exc_info() still holds the failure."""

    @functools.wraps(close)
    def close_keeping_evidence(self, *args, **kwargs):
        if sys.exc_info()[0] is not None:
            _pages_kept_as_evidence(self)
        return close(self, *args, **kwargs)

    return close_keeping_evidence


# What each page's console said (page -> lines), kept with the evidence of a failure: a page that
# went blank says why there. Pages opened by a click (a new tab) are not in it.
CONSOLE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _recording_console(new_page):
    @functools.wraps(new_page)
    def new_page_recording_console(self, *args, **kwargs):
        page = new_page(self, *args, **kwargs)
        CONSOLE[page] = record_console(page)
        return page

    return new_page_recording_console


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    """Playwright Browser on the system Chromium (Playwright never downloads one).

    A test that fails while its browser contexts are open leaves a screenshot and the text of
    every page in tests/output/failures/ (see `_keeping_evidence_on_failure`)."""
    from playwright.sync_api import BrowserContext, sync_playwright

    BrowserContext.close = _keeping_evidence_on_failure(BrowserContext.close)
    BrowserContext.new_page = _recording_console(BrowserContext.new_page)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A Page in its own browser context (own cookies and storage), closed after the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(autouse=True)
def _browser_evidence_of_a_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a failed browser test, the pages its contexts still show go to tests/output/failures/;
    contexts a test left open are closed (they would otherwise live until the session ends),
    except those a module's fixture shares between its tests (browser_helpers.SHARED_CONTEXTS)."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    failed_before = request.session.testsfailed
    open_before = set(browser.contexts)
    yield
    for context in [context for context in browser.contexts if context not in open_before]:
        if request.session.testsfailed > failed_before:
            _pages_kept_as_evidence(context)
        if context not in SHARED_CONTEXTS:
            context.close()


# ---------------------------------------------------------------------------
# Streamlit server
# ---------------------------------------------------------------------------


def _stop_process_group(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


class StreamlitServers:
    """Starts ``streamlit run`` servers and stops every one of them (whole process groups).

    Calling it, ``start(env=None, *, app="app.py", timeout=60.0) -> base_url``, runs
    ``<this python> -m streamlit run <app>`` from the repo root on a free port of
    127.0.0.1, with os.environ plus ``env`` (e.g. ``{"DATABASE_URL": ...}``), and returns
    e.g. ``"http://127.0.0.1:PORT"`` once ``/_stcore/health`` says "ok". The server's
    output is in ``start.logs[base_url]`` (a pair of Paths).
    """

    def __init__(self, repo_root: Path, log_dir: Path) -> None:
        self.repo_root = repo_root
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []
        self.logs: dict[str, tuple[Path, Path]] = {}

    def __call__(self, env: dict[str, str] | None = None, *, app: str = "app.py", timeout: float = 60.0) -> str:
        port = free_port()
        full_env = {**os.environ, **(env or {})}
        full_env["PYTHONUNBUFFERED"] = "1"
        cmd = [
            sys.executable, "-m", "streamlit", "run", app,
            "--server.port", str(port),
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            # Other files may change while tests run; never rerun on that.
            "--server.fileWatcherType", "none",
        ]  # fmt: skip
        out_path = self.log_dir / f"streamlit-{port}.out"
        err_path = self.log_dir / f"streamlit-{port}.err"
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(
                cmd,
                cwd=self.repo_root,
                env=full_env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # own process group, stopped as a whole
            )
        self.procs.append(proc)
        base_url = f"http://127.0.0.1:{port}"
        self.logs[base_url] = (out_path, err_path)

        def failure(why: str) -> RuntimeError:
            _stop_process_group(proc)
            return RuntimeError(
                f"Streamlit server {' '.join(cmd)} {why}\n"
                f"--- stderr ---\n{err_path.read_text(errors='replace')}\n"
                f"--- stdout ---\n{out_path.read_text(errors='replace')}"
            )

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise failure(f"exited with code {proc.returncode} before it was healthy")
            try:
                with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200 and resp.read().decode().strip() == "ok":
                        return base_url
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.25)
        raise failure(f"was not healthy within {timeout:.0f} s")

    def stop_all(self) -> None:
        # Every server is asked to stop first, so they shut down together, not one after another.
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs:
            _stop_process_group(proc)


def _servers_stopped_afterwards(request: pytest.FixtureRequest) -> Iterator[StreamlitServers]:
    """Servers that stop when the fixture ends; their logs go to tests/output/failures/ when a
    test failed meanwhile."""
    servers = StreamlitServers(REPO_ROOT, request.getfixturevalue("tmp_path_factory").mktemp("streamlit"))
    failed_before = request.session.testsfailed
    try:
        yield servers
    finally:
        servers.stop_all()
        if request.session.testsfailed > failed_before:
            FAILURES_DIR.mkdir(parents=True, exist_ok=True)
            for out_path, err_path in servers.logs.values():
                for log in (out_path, err_path):
                    shutil.copy(log, FAILURES_DIR / f"{request.node.name}-{log.name}")


@pytest.fixture
def streamlit_server(request: pytest.FixtureRequest):
    """A server starter (see StreamlitServers) whose servers stop after the test."""
    yield from _servers_stopped_afterwards(request)


@pytest.fixture(scope="module")
def module_streamlit_server(request: pytest.FixtureRequest):
    """The same, for servers that every test of one module shares (they stop after the module)."""
    yield from _servers_stopped_afterwards(request)


# ---------------------------------------------------------------------------
# markers from fixtures
# ---------------------------------------------------------------------------

_POSTGRES_FIXTURES = {"postgres_server", "postgres_url", "fresh_postgres_url"}
_BROWSER_FIXTURES = {"chromium_path", "browser", "page"}


# The files that take longest, the longest first: the machine's busy CPU-seconds for each file in
# a run on one worker (2026-12-03 evening, a slow hour of the reference machine; in a fast hour
# every figure is about half). Update when a file changes much; a file not listed only runs later.
LONGEST_FILES = (
    "test_browser_injection.py",  # ~95 (three tests: 50 + 33 + the workshop's group names 17)
    "test_multi_instance.py",  # ~90 (one test)
    "test_browser_accessibility.py",  # ~85 (axe on six pages in one tab per visitor, keyboard, phone, welcome)
    "test_browser_layout.py",  # ~70 (two tests)
    "test_browser_workshop.py",  # ~70 (one test; was 140 with ten phones in browsers)
    "test_browser_resume.py",  # ~55 (34 the reload on another instance)
    "test_browser_team.py",  # ~47 (41 the phone fill-in)
    "test_concurrency.py",  # ~38
    "test_browser_manager.py",  # ~28
    "test_browser_residents.py",  # ~26
    "test_bench.py",  # ~15
    "test_browser_instrument.py",  # ~15
    "test_bench_workshop.py",  # ~12
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the PostgreSQL or browser fixtures get the matching marker,
    so ``-m "not postgres"`` / ``-m "not browser"`` select them out.

    The longest files run first (LONGEST_FILES, then other files with browser tests, then the
    rest in their own order): with `--dist loadfile --no-loadscope-reorder` (see the Makefile)
    each worker takes the next file when it is almost done, so the two workers end together
    when the short files come last. Without --no-loadscope-reorder pytest-xdist would put the
    files with the most tests first, and the long browser files, with one to three tests
    each, last. The order is the same in every worker, as pytest-xdist requires."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & _POSTGRES_FIXTURES:
            item.add_marker(pytest.mark.postgres)
        if names & _BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
    browser_files = {item.path for item in items if item.get_closest_marker("browser")}
    rank = {name: index for index, name in enumerate(LONGEST_FILES)}
    items.sort(key=lambda item: (rank.get(item.path.name, len(rank)), item.path not in browser_files))


# --- Application database fixtures -------------------------------------------------------


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the newest schema, migrated once per test process. The fixtures below
    copy it instead of running every migration again for each test; the migrations themselves
    are tested from an empty database in test_migrations.py."""
    from kringwijs_survey.store.database import get_engine, migrate

    path = tmp_path_factory.mktemp("schema") / "migrated.db"
    url = f"sqlite:///{path}"
    migrate(url)
    get_engine(url).dispose()  # no connection left open on the template
    return path


def migrated_sqlite(template: Path, path: Path) -> str:
    """The URL of a new SQLite file at `path` that holds a copy of the migrated `template`.

    The app's own migrate() still runs on it (it finds the newest schema and changes nothing)."""
    import sqlite3
    from contextlib import closing

    from kringwijs_survey.store.database import migrate

    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(path)) as target:
        source.backup(target)  # a consistent copy, whatever is in the template's journal
    url = f"sqlite:///{path}"
    migrate(url)
    return url


@pytest.fixture(scope="session")
def migrated_postgres_template(postgres_server: PostgresServer) -> str:
    """The name of a PostgreSQL database with the newest schema, migrated once per test process,
    to create test databases from (CREATE DATABASE ... TEMPLATE)."""
    from kringwijs_survey.store.database import get_engine, migrate

    name = "kringwijs_migrated_template"
    postgres_server.execute_autocommit(f"CREATE DATABASE {name}")
    url = postgres_server.url(name)
    migrate(url)
    get_engine(url).dispose()  # a template must have no open connections
    return name


@pytest.fixture
def engine(db_url: str, request: pytest.FixtureRequest):
    """A migrated database (SQLite file or real PostgreSQL), used through the app's own engine."""
    from sqlalchemy.engine import make_url

    from kringwijs_survey.store.database import dispose_engines, get_engine, is_sqlite, migrate

    if is_sqlite(db_url):
        db_url = migrated_sqlite(request.getfixturevalue("migrated_sqlite_template"), Path(make_url(db_url).database))
    else:
        template = request.getfixturevalue("migrated_postgres_template")
        server = request.getfixturevalue("postgres_server")
        name = make_url(db_url).database
        server.execute_autocommit(f"DROP DATABASE {name}")
        server.execute_autocommit(f"CREATE DATABASE {name} TEMPLATE {template}")
        migrate(db_url)  # finds the newest schema and changes nothing
    yield get_engine(db_url)
    dispose_engines()


@pytest.fixture
def sqlite_engine(tmp_path: Path, migrated_sqlite_template: Path):
    from kringwijs_survey.store.database import dispose_engines, get_engine

    url = migrated_sqlite(migrated_sqlite_template, tmp_path / "app.db")
    yield get_engine(url)
    dispose_engines()


def _app_database(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app itself uses `url` (DATABASE_URL), with the privacy thresholds at their defaults."""
    monkeypatch.setenv("DATABASE_URL", url)
    for setting in ("MIN_GROUP", "MIN_GROUP_ORG", "MIN_GROUP_RESIDENTS"):
        monkeypatch.delenv(setting, raising=False)


@pytest.fixture
def app_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, migrated_sqlite_template: Path):
    """A migrated SQLite file that the app itself also uses (DATABASE_URL), for AppTest runs,
    with the privacy thresholds at their defaults."""
    from kringwijs_survey.store.database import dispose_engines, get_engine

    url = migrated_sqlite(migrated_sqlite_template, tmp_path / "app.db")
    _app_database(url, monkeypatch)
    yield get_engine(url)
    dispose_engines()


@pytest.fixture(scope="session")
def demo_sqlite_template(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite_template: Path) -> tuple[Path, dict]:
    """A migrated SQLite file with the demo municipality (create_demo_data), made once per test
    process, and what create_demo_data returned (counts and each team's key)."""
    from kringwijs_survey.domain.demo import create_demo_data
    from kringwijs_survey.store.database import get_engine

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    url = migrated_sqlite(migrated_sqlite_template, path)
    created = create_demo_data(get_engine(url))
    get_engine(url).dispose()
    return path, created


@pytest.fixture
def demo_app_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_sqlite_template: tuple[Path, dict]):
    """As app_engine, on a copy of the demo municipality: (engine, what create_demo_data returned).
    Each test has its own copy, so what it changes stays its own."""
    from kringwijs_survey.store.database import dispose_engines, get_engine

    template, created = demo_sqlite_template
    url = migrated_sqlite(template, tmp_path / "app.db")
    _app_database(url, monkeypatch)
    yield get_engine(url), copy.deepcopy(created)
    dispose_engines()

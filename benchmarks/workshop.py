"""`bench workshop`: a real workshop through a real `streamlit run` server.

A facilitator signs in and starts the workshop, a projector session signs in and shows it, and
N phones join with the code. Every session is a real websocket client of Streamlit's own protocol
(the BackMsg/ForwardMsg protobufs the browser sends and receives), so the server runs every
script, fragment and rerun exactly as for browsers; only the drawing is left out. The projector
opens with the workshop's own beamer code, as the facilitator's page shows it. The phones wait
on the waiting screen (each polling the round as phones do); the facilitator puts item 1 on
screen, every phone goes along by itself and all answer within SPREAD_S of each other.
Measured:

- click → stored: from a phone's "Antwoord versturen" message until its answer counts (seen by a
  separate database connection that polls every POLL_S);
- stored → projector: from the k-th counted answer until the projector's count shows k;
- lost_answers: phones whose answer is not stored as counted with the score they chose;
- errors: phones or screens that showed an exception or an error message, or never finished;
- server_cpu_s: the server process's CPU (from /proc) from the moment every phone waits
  until the projector shows the last answer; server_peak_rss_mb: its peak resident memory;
- load_generator_cpu_s: this process (all clients and the polling) over the same stretch.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from kringwijs_survey.core import i18n
from kringwijs_survey.core.settings import REPO_ROOT
from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.domain.workshop import WORKSHOP_SUFFIX
from kringwijs_survey.rules import access
from kringwijs_survey.rules.access import hash_passphrase
from kringwijs_survey.rules.content import DEFAULT_FRAMEWORK, get_frameworks
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate, read_session
from kringwijs_survey.store.models import Answer, Response

WORKSHOP_KEYS = [
    "phones",
    "click_to_stored_p50_ms",
    "click_to_stored_p95_ms",
    "click_to_stored_max_ms",
    "stored_to_projector_p50_ms",
    "stored_to_projector_p95_ms",
    "stored_to_projector_max_ms",
    "lost_answers",
    "errors",
    "server_cpu_s",
    "server_peak_rss_mb",
    "load_generator_cpu_s",
]
DEFAULT_PHONES = (10, 20, 40)
PASSPHRASE = "bench workshop passphrase"
SPREAD_S = 0.5
POLL_S = 0.01
STEP_TIMEOUT_S = 120.0
LANG = i18n.DEFAULT_LANGUAGE
TEAM_NAME = "Wijkteam Meetlat"


def _text(key: str, **values) -> str:
    return i18n.t(key, LANG, **values)


def _counts_pattern() -> re.Pattern:
    """The projector's count of answers to the item on screen (presenter.counts_item), captured."""
    sample = _text("presenter.counts_item", answered="ANSWERED", time="TIME")
    before = sample.split("ANSWERED")[0]
    return re.compile(re.escape(before) + r"(\d+)")


# ---------------------------------------------------------------------------------------------
# A client of Streamlit's websocket protocol
# ---------------------------------------------------------------------------------------------


@dataclass
class Session:
    """One browser tab, without the drawing: it keeps the elements of the last run by their
    place in the page, sends widget values and clicks as the browser does, and reruns
    fragments when the server asks (st.fragment(run_every=...))."""

    base: str
    name: str
    elements: dict[tuple, object] = field(default_factory=dict)
    query: str = ""
    errors: list[str] = field(default_factory=list)
    runs_finished: int = 0
    on_element: object = None
    received: dict[str, int] = field(default_factory=dict)
    page_hash: str = ""
    running: bool = False

    async def connect(self, page: str, query: str = "") -> None:
        import websockets

        ws_url = self.base.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = await websockets.connect(
            ws_url, subprotocols=["streamlit"], origin=self.base, max_size=None, compression=None
        )
        self.query = query
        self.page_name = page
        self.reader = asyncio.create_task(self._read())
        self.auto_reruns: dict[str, asyncio.Task] = {}
        await self.rerun()

    async def close(self) -> None:
        for task in self.auto_reruns.values():
            task.cancel()
        self.reader.cancel()
        with contextlib.suppress(Exception):
            await self.ws.close()

    async def rerun(self, widgets: list | None = None, fragment: str = "", page: str | None = None) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        if page is not None:
            self.page_name = page
            self.page_hash = ""
        state.page_name = self.page_name
        if self.page_hash:
            state.page_script_hash = self.page_hash  # the page's url path; Streamlit finds the page by it
        if fragment:
            state.fragment_id = fragment
            state.is_auto_rerun = True
        for widget in widgets or []:
            state.widget_states.widgets.append(widget)
        if not fragment:
            self.elements = {}
        await self.ws.send(msg.SerializeToString())

    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                kind = msg.WhichOneof("type")
                self.received[kind] = self.received.get(kind, 0) + 1
                if kind == "navigation":
                    # The browser sends the page's hash with every rerun, so a full run that a
                    # fragment starts (st.rerun(scope="app")) stays on the same page.
                    self.page_hash = msg.navigation.page_script_hash
                if kind == "new_session":
                    self.running = True
                if kind == "new_session" and not msg.metadata.run.fragment_ids:
                    self.elements = {}  # a full run draws the page anew (also one a fragment started)
                    # As a browser does: the timers of the old page's fragments stop; the new page
                    # sends auto_rerun again for the fragments it still has. (A timer of a fragment
                    # that is gone asked the server for "a fragment that does not exist anymore".)
                    self._stop_timers()
                if kind == "page_info_changed":
                    self.query = msg.page_info_changed.query_string
                elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    element = msg.delta.new_element
                    self.elements[tuple(msg.metadata.delta_path)] = element
                    self._check(element)
                    if self.on_element is not None:
                        self.on_element(element)
                elif kind == "script_finished":
                    self.runs_finished += 1
                    self.running = False
                elif kind == "auto_rerun":
                    self._schedule(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        except Exception as exc:
            if not isinstance(exc, asyncio.CancelledError):
                self.errors.append(f"{self.name}: connection: {exc!r}")

    def _check(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.errors.append(f"{self.name}: exception: {element.exception.message}")
        elif kind == "alert" and element.alert.format == element.alert.ERROR:
            self.errors.append(f"{self.name}: error: {element.alert.body}")

    def _stop_timers(self) -> None:
        for task in self.auto_reruns.values():
            task.cancel()
        self.auto_reruns = {}

    def _schedule(self, fragment: str, interval: float) -> None:
        if fragment in self.auto_reruns:
            return

        async def again() -> None:
            while True:
                await asyncio.sleep(interval)
                if self.running:  # as the browser does: no timed fragment run while the page runs
                    continue
                await self.rerun(list(self.shown_values().values()), fragment=fragment)

        self.auto_reruns[fragment] = asyncio.create_task(again())

    def find(self, kind: str, label: str | None = None, contains: str | None = None):
        for element in self.elements.values():
            if element.WhichOneof("type") != kind:
                continue
            widget = getattr(element, kind)
            if label is not None and getattr(widget, "label", None) != label:
                continue
            if contains is not None and contains not in getattr(widget, "body", ""):
                continue
            return widget
        return None

    async def wait_for(self, kind: str, label: str | None = None, contains: str | None = None, timeout: float = STEP_TIMEOUT_S):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.find(kind, label, contains)
            if found is not None:
                return found
            if self.errors:
                raise RuntimeError(self.errors[-1])
            await asyncio.sleep(0.01)
        shown = [
            getattr(getattr(e, e.WhichOneof("type")), "body", "") or getattr(getattr(e, e.WhichOneof("type")), "label", "")
            for e in self.elements.values()
        ]
        raise TimeoutError(f"{self.name}: no {kind} {label or contains!r} within {timeout:.0f} s; shown: {shown[:12]}")

    def shown_values(self) -> dict[str, object]:
        """The value of every widget on the page, as the browser sends them with each rerun."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        states = {}
        for element in self.elements.values():
            kind = element.WhichOneof("type")
            widget = getattr(element, kind)
            if kind in ("radio", "selectbox"):
                if widget.set_value and widget.HasField("raw_value"):
                    states[widget.id] = WidgetState(id=widget.id, string_value=widget.raw_value)
                elif widget.HasField("default"):
                    states[widget.id] = WidgetState(id=widget.id, string_value=widget.options[widget.default])
            elif kind == "checkbox":
                states[widget.id] = WidgetState(id=widget.id, bool_value=widget.value if widget.set_value else widget.default)
            elif kind in ("text_input", "text_area"):
                states[widget.id] = WidgetState(id=widget.id, string_value=widget.value if widget.set_value else widget.default)
        return states

    async def click(self, button, values: list | None = None) -> None:
        """Click a button (or a form's submit button) with the page's widget values, some changed."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        states = self.shown_values()
        states.update({value.id: value for value in values or []})
        await self.rerun([*states.values(), WidgetState(id=button.id, trigger_value=True)])

    async def sign_in(self) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        await self.connect("login")
        password = await self.wait_for("text_input", _text("login.passphrase"))
        submit = await self.wait_for("button", _text("login.staff_submit"))
        await self.click(submit, [WidgetState(id=password.id, string_value=PASSPHRASE)])
        await self.wait_for("alert", contains=_text("login.signed_in_as", role=_text("role.facilitator")))


# ---------------------------------------------------------------------------------------------
# The server, the database and the measurement
# ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(database_url: str) -> Iterator[tuple[str, int, Path]]:
    """`streamlit run app.py` on a free loopback port; yields (base URL, process id, its log)."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MIN_GROUP": "3",
        "KRINGWIJS_FACILITATOR_PASSPHRASE_HASH": hash_passphrase(PASSPHRASE),
        "PYTHONUNBUFFERED": "1",
    }
    handle, name = tempfile.mkstemp(prefix="kringwijs-bench-server-", suffix=".log")
    log = Path(name)
    with os.fdopen(handle, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
             "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Streamlit server did not start:\n{log.read_text(errors='replace')}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    break
            time.sleep(0.2)
        yield base, proc.pid, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.unlink(missing_ok=True)


def process_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile_ms(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] * 1000, 1)


def final_score(phone: int) -> int:
    return phone % 5 + 1


async def _poll_stored(engine, round_id: int, item_id: str, stored: dict[str, float], stop: asyncio.Event) -> None:
    """When each phone's answer to the item was first seen as counted, from a connection of its own."""
    query = (
        select(Response.respondent)
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.round_id == round_id, Response.submitted.is_(True), Answer.item_id == item_id)
    )

    def poll() -> list[str]:
        with read_session(engine) as session:
            return list(session.execute(query).scalars())

    while not stop.is_set():
        seen = await asyncio.to_thread(poll)
        now = time.perf_counter()
        for key in seen:
            if key not in stored:
                stored[key] = now
        await asyncio.sleep(POLL_S)


_ANSWER_COOKIE = re.compile(re.escape(access.ANSWER_COOKIE_PREFIX) + r"\d+=([^;']*)")


def _first_words(key: str, **values) -> str:
    return _text(key, **values).split(".")[0].split(":")[0]


async def _phone(
    base: str, number: int, code: str, item, keys: dict, ready: asyncio.Barrier, clicks: dict, errors: list
) -> None:
    """Join, wait until the item is on screen (the phone goes along by itself), answer it."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    phone = Session(base, f"phone {number}")
    arrived = False
    try:
        await phone.connect("join", f"join={code}")
        await phone.wait_for("alert", contains=_first_words("join.live_wait_start"))
        arrived = True
        await ready.wait()  # every phone waits; then the facilitator puts the item on screen
        await phone.wait_for("heading", contains=item.title.get(LANG))
        scale = get_frameworks()[DEFAULT_FRAMEWORK].scale_for(item)
        score = await phone.wait_for("radio", scale.question.get(LANG))
        send = await phone.wait_for("button", _text("join.live_send"))
        await asyncio.sleep(random.uniform(0, SPREAD_S))
        clicks[number] = time.perf_counter()
        await phone.click(send, [WidgetState(id=score.id, string_value=score.options[final_score(number) - 1])])
        cookie = await phone.wait_for("html", contains=access.ANSWER_COOKIE_PREFIX)
        keys[number] = access.parse_answer_cookie(_ANSWER_COOKIE.search(cookie.body).group(1))[0]
        await phone.wait_for("alert", contains=_first_words("join.live_received", number=1))
    except Exception as exc:
        errors.append(f"phone {number}: {exc}")
        if not arrived:
            await ready.wait()  # the others must not wait for this phone forever
    finally:
        errors.extend(phone.errors)
        await phone.close()


async def _workshop(base: str, pid: int, engine, phones: int) -> dict:
    frameworks = get_frameworks()
    items = frameworks[DEFAULT_FRAMEWORK].items
    errors: list[str] = []
    facilitator = Session(base, "facilitator")
    await facilitator.sign_in()
    await facilitator.rerun(page="workshop")
    start = await facilitator.wait_for("button", _text("workshop.start"))
    await facilitator.click(start)
    await facilitator.wait_for("markdown", contains=_text("workshop.code", code="").split("*")[0].strip())
    group = teams.find_team(engine, TEAM_NAME + WORKSHOP_SUFFIX)  # the workshop's own round
    survey_round = rounds.list_rounds(engine, group.id)[0]

    shown: list[tuple[float, int]] = []
    pattern = _counts_pattern()

    def on_projector(element) -> None:
        if element.WhichOneof("type") == "markdown":
            found = pattern.search(element.markdown.body)
            if found:
                shown.append((time.perf_counter(), int(found.group(1))))

    # The projector opens with the beamer code the facilitator's page shows (never the join code).
    shown_key = await facilitator.wait_for("markdown", contains=_text("workshop.key", code="").split("*")[0].strip())
    beamer_code = re.search(r"\*\*([A-Z0-9]+)\*\*", shown_key.body).group(1)
    projector = Session(base, "projector", on_element=on_projector)
    await projector.sign_in()
    projector.query = f"workshop={beamer_code}"
    await projector.rerun(page="presenter")
    await projector.wait_for("markdown", contains=survey_round.join_code)

    item = items[0]
    keys: dict[int, str] = {}
    clicks: dict[int, float] = {}
    stored: dict[str, float] = {}
    stop = asyncio.Event()
    ready = asyncio.Barrier(phones + 1)
    tasks = [
        asyncio.create_task(_phone(base, n, survey_round.join_code, item, keys, ready, clicks, errors)) for n in range(phones)
    ]
    await ready.wait()
    poller = asyncio.create_task(_poll_stored(engine, survey_round.id, item.id, stored, stop))
    cpu_before, server_cpu_before = own_cpu_s(), process_cpu_s(pid)
    await facilitator.click(await facilitator.wait_for("button", _text("workshop.next")))
    await asyncio.gather(*tasks)
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while time.monotonic() < deadline and not (shown and shown[-1][1] >= len(stored) and len(stored) >= len(clicks)):
        await asyncio.sleep(0.05)
    load_cpu, server_cpu = own_cpu_s() - cpu_before, process_cpu_s(pid) - server_cpu_before
    stop.set()
    await poller
    errors.extend(facilitator.errors + projector.errors)
    await facilitator.close()
    await projector.close()

    click_to_stored = [stored[key] - clicks[n] for n, key in keys.items() if n in clicks and key in stored]
    stored_times = sorted(stored.values())
    to_projector = []
    for k, when in enumerate(stored_times, start=1):
        first = next((at for at, count in shown if count >= k and at >= when - POLL_S), None)
        if first is None:
            errors.append(f"the projector never showed {k} done")
        else:
            to_projector.append(max(0.0, first - when))
    return {
        "click_to_stored": click_to_stored,
        "stored_to_projector": to_projector,
        "lost": _lost_answers(engine, survey_round.id, keys, item, phones),
        "errors": errors,
        "load_generator_cpu_s": load_cpu,
        "server_cpu_s": server_cpu,
    }


def _lost_answers(engine, round_id: int, keys: dict[int, str], item, phones: int) -> int:
    lost = 0
    for number in range(phones):
        own = responses.load_own_response(engine, round_id, keys[number]) if number in keys else None
        if own is None or not own.submitted or {i: a.score for i, a in own.answers.items()} != {item.id: final_score(number)}:
            lost += 1
    return lost


@contextlib.contextmanager
def _database(database_url: str | None) -> Iterator[str]:
    from benchmarks.submit import fresh_database

    with fresh_database(database_url) as url:
        yield url


def run_workshop_bench(phones: int, *, database_url: str | None = None) -> dict:
    with _database(database_url) as url:
        migrate(url)
        engine = get_engine(url)
        teams.create_team(engine, TEAM_NAME)
        with streamlit_server(url) as (base, pid, log):
            result = asyncio.run(_workshop(base, pid, engine, phones))
            peak = process_peak_rss_mb(pid)
            if result["errors"]:
                print(log.read_text(errors="replace")[-4000:], file=sys.stderr)
        dispose_engines()
    figures = {"phones": phones}
    for name in ("click_to_stored", "stored_to_projector"):
        values = result[name]
        figures[f"{name}_p50_ms"] = percentile_ms(values, 0.50)
        figures[f"{name}_p95_ms"] = percentile_ms(values, 0.95)
        figures[f"{name}_max_ms"] = round(max(values) * 1000, 1) if values else 0.0
    figures.update(
        lost_answers=result["lost"],
        errors=len(result["errors"]),
        server_cpu_s=round(result["server_cpu_s"], 2),
        server_peak_rss_mb=round(peak, 1),
        load_generator_cpu_s=round(result["load_generator_cpu_s"], 2),
    )
    if result["errors"]:
        print("\n".join(result["errors"][:20]), file=sys.stderr)
    return figures


WORKSHOP_TARGETS = {
    "click_to_stored_p95_ms": ("≤ 500 ms at 40 phones", lambda r: r["click_to_stored_p95_ms"] <= 500),
    "stored_to_projector_p95_ms": ("≤ 1500 ms at 40 phones", lambda r: r["stored_to_projector_p95_ms"] <= 1500),
    "lost_answers": ("0", lambda r: r["lost_answers"] == 0),
    "errors": ("0", lambda r: r["errors"] == 0),
}


def workshop_report_lines(result: dict) -> list[str]:
    lines = [f"workshop with {result['phones']} phones, a facilitator and a projector"]
    for key in WORKSHOP_KEYS[1:]:
        target, met = WORKSHOP_TARGETS.get(key, ("", None))
        verdict = "" if met is None else ("  ok" if met(result) else "  MISSED")
        lines.append(f"{key:28} {result[key]:>10}  {target}{verdict}")
    return lines

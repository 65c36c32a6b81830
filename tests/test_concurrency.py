"""Many people submitting at the same moment: no lost writes, no duplicates, never "database is locked".

Everything runs against real databases: a SQLite file and a real PostgreSQL server.
"""

from __future__ import annotations

import logging
import multiprocessing
import secrets
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select

from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.store.database import dispose_engines, get_engine, read_session
from kringwijs_survey.store.models import Answer, Response

import factories

PARTICIPANTS = 100
PROCESSES = 10
ANSWERS = [
    responses.AnswerInput("AB1", 4, "Goed gesprek, één keer 🙂"),
    responses.AnswerInput("AB2", None),
    responses.AnswerInput("AO1", 2),
]


def _open_round(engine) -> int:
    team = teams.create_team(engine, "Wijkteam Gelijktijdig")
    return rounds.start_round(engine, team.id, "2026-Q1").id


def _new_keys(count: int) -> list[str]:
    return [secrets.token_urlsafe(16) for _ in range(count)]


def _submit_together(engine, round_id: int, keys: list[str], start, times: list | None = None) -> list[BaseException]:
    """One thread per key; all wait at `start` (a barrier) and then submit at once.
    `times` receives (released, stored) wall-clock times per submission."""
    errors: list[BaseException] = []

    def submit(key: str) -> None:
        try:
            start.wait(timeout=60)
            released = time.time()
            factories.submit(engine, round_id, key, ANSWERS)
            if times is not None:
                times.append((released, time.time()))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _stored(engine, round_id: int) -> tuple[set[str], int]:
    with read_session(engine) as session:
        keys = set(session.execute(select(Response.respondent).where(Response.round_id == round_id)).scalars())
        answers = session.execute(
            select(func.count()).select_from(Answer).join(Response).where(Response.round_id == round_id)
        ).scalar_one()
    return keys, answers


def _retries(caplog) -> int:
    return sum(record.getMessage().startswith("write retry") for record in caplog.records)


def test_hundred_threads_store_exactly_hundred_responses(engine, caplog):
    caplog.set_level(logging.INFO, logger="kringwijs_survey.store.database")
    round_id = _open_round(engine)
    keys = _new_keys(PARTICIPANTS)

    started = time.perf_counter()
    errors = _submit_together(engine, round_id, keys, threading.Barrier(PARTICIPANTS))
    elapsed = time.perf_counter() - started

    assert errors == [], [repr(e) for e in errors[:5]]
    stored, answers = _stored(engine, round_id)
    assert stored == set(keys)
    assert answers == PARTICIPANTS * len(ANSWERS)
    assert rounds.count_responses(engine, round_id) == PARTICIPANTS
    print(f"\n{engine.dialect.name}: {PARTICIPANTS} threads in {elapsed:.2f} s, {_retries(caplog)} retries")


def test_a_double_submit_from_two_threads_stores_one_response(engine):
    round_id = _open_round(engine)
    for attempt in range(5):  # several tries, so the race really happens at least once
        key = f"dubbel-{attempt}"
        errors = _submit_together(engine, round_id, [key, key], threading.Barrier(2))
        assert errors == [], [repr(e) for e in errors]
    stored, answers = _stored(engine, round_id)
    assert stored == {f"dubbel-{attempt}" for attempt in range(5)}
    assert answers == 5 * len(ANSWERS)



def test_a_double_send_after_drafts_stores_one_response_and_refuses_neither(engine):
    """A phone that kept drafts and then sends twice (double click, second tab): the second send
    waits for the first, finds the answers sent and replaces them; it is not told that its
    invitation was already used, and its invitation counts once."""
    round_id = _open_round(engine)
    for attempt in range(5):
        key = f"concept-{attempt}"
        factories.submit(engine, round_id, key, ANSWERS[:1], final=False)
        errors = _submit_together(engine, round_id, [key, key], threading.Barrier(2))
        assert errors == [], [repr(e) for e in errors]
    stored, answers = _stored(engine, round_id)
    assert stored == {f"concept-{attempt}" for attempt in range(5)}
    assert answers == 5 * len(ANSWERS)
    assert rounds.count_responses(engine, round_id) == 5
    assert rounds.invitation_count(engine, round_id) == rounds.InvitationCount(invited=5, used=5)

# --- separate processes ------------------------------------------------------------------


def _process_main(url: str, round_id: int, keys: list[str], start, reports) -> None:
    """Runs in a spawned process: its own engine and threads, all waiting for one shared barrier.
    Reports its errors and when its last submission was done."""
    engine = get_engine(url)
    times: list[tuple[float, float]] = []
    try:
        errors = _submit_together(engine, round_id, keys, start, times)
        reports.put(([repr(error) for error in errors], times))
    finally:
        dispose_engines()


def _submit_from_processes(url: str, round_id: int, keys: list[str]) -> tuple[list[str], float]:
    """Returns the errors and the seconds from the common start until the last submission was stored."""
    # Fresh processes, each with its own engine. A fork server imports the app once and forks
    # every child from there: ten spawned children would each import pandas and SQLAlchemy anew.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kringwijs_survey.domain.responses", "pytest"])
    start = context.Barrier(len(keys))  # all threads of all processes start together
    reports = context.Queue()
    per_process = len(keys) // PROCESSES
    chunks = [keys[i : i + per_process] for i in range(0, len(keys), per_process)]
    processes = [context.Process(target=_process_main, args=(url, round_id, chunk, start, reports)) for chunk in chunks]
    for process in processes:
        process.start()
    results = [reports.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert [p.exitcode for p in processes] == [0] * len(processes)
    errors = [error for found, _ in results for error in found]
    times = [pair for _, pairs in results for pair in pairs]
    return errors, max(stored for _, stored in times) - min(released for released, _ in times)


def test_hundred_submissions_from_ten_processes(engine, db_url):
    round_id = _open_round(engine)
    keys = _new_keys(PARTICIPANTS)
    dispose_engines()  # no pooled connection is shared with the children

    errors, elapsed = _submit_from_processes(db_url, round_id, keys)

    assert errors == []
    engine = get_engine(db_url)
    stored, answers = _stored(engine, round_id)
    assert stored == set(keys)
    assert answers == PARTICIPANTS * len(ANSWERS)
    print(f"\n{engine.dialect.name}: {PARTICIPANTS} submissions from {PROCESSES} processes in {elapsed:.2f} s after the start")


@pytest.mark.parametrize("bursts", [3])
def test_repeated_bursts_never_lock(engine, bursts):
    """The same burst three times in a row, so a lucky first run cannot hide a problem."""
    round_id = _open_round(engine)
    for _ in range(bursts):
        keys = _new_keys(50)
        assert _submit_together(engine, round_id, keys, threading.Barrier(len(keys))) == []
    assert rounds.count_responses(engine, round_id) == bursts * 50


def test_a_long_busy_database_is_waited_out_not_shown(tmp_path, monkeypatch, caplog):
    """Another process holds SQLite's write lock longer than the busy timeout: run_write retries
    with back-off until it is free, and the person never sees "database is locked"."""
    import sqlite3

    from kringwijs_survey.store import database

    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 200)  # new connections give up sooner
    caplog.set_level(logging.INFO, logger="kringwijs_survey.store.database")
    path = tmp_path / "bezet.db"
    database.migrate(f"sqlite:///{path}")
    engine = get_engine(f"sqlite:///{path}")
    round_id = _open_round(engine)

    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        submitter = threading.Thread(target=factories.submit, args=(engine, round_id, "geduld", ANSWERS))
        submitter.start()
        deadline = time.monotonic() + 60
        while _retries(caplog) < 2 and time.monotonic() < deadline:  # held until it has waited and retried
            time.sleep(0.05)
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    submitter.join(timeout=30)
    dispose_engines()

    assert _retries(caplog) >= 1
    engine = get_engine(f"sqlite:///{path}")
    assert rounds.count_responses(engine, round_id) == 1
    dispose_engines()


_SUBMIT_IN_ANOTHER_PROCESS = """
import sys
from kringwijs_survey.domain import responses
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.store.database import get_engine
url, round_id, key, invitation = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
responses.submit_response(
    get_engine(url), round_id, key, [responses.AnswerInput("AB1", 5), responses.AnswerInput("AO1", 5)], invitation=invitation
)
"""


def test_a_submission_in_another_process_refreshes_the_cached_aggregation(engine, db_url, repo_root):
    """Two app instances share one database: the aggregation one of them cached must not hide
    what was sent through the other."""
    from kringwijs_survey.stats.aggregation import Scope, summarize
    from kringwijs_survey.store.database import data_revision

    round_id = _open_round(engine)
    for key in _new_keys(3):
        factories.submit(engine, round_id, key, ANSWERS)
    before = summarize(engine, Scope(), min_group=3)
    revision = data_revision(engine)
    assert summarize(engine, Scope(), min_group=3).equals(before) and data_revision(engine) == revision  # reads change nothing
    assert before.loc[before["item"] == "AB1", "n"].tolist() == [3]

    # The other instance's person answers with the personal invitation their team handed out.
    invitation = rounds.create_invitations(engine, round_id, 1, actor=SYSTEM)[0]
    subprocess.run(
        [sys.executable, "-c", _SUBMIT_IN_ANOTHER_PROCESS, db_url, str(round_id), "from-the-other-instance", invitation],
        cwd=repo_root, check=True, timeout=120,
    )

    assert data_revision(engine) != revision
    after = summarize(engine, Scope(), min_group=3)
    assert after.loc[after["item"] == "AB1", "n"].tolist() == [4]
    assert after.loc[after["item"] == "AB1", "count_5"].tolist() == [1]



def test_a_cached_aggregation_never_hides_a_write_that_finished_before_the_read(engine, db_url):
    """The race behind the cache key: one instance keeps reading the aggregation while another
    sends answers. Every read that starts after a submission returned must count it: a revision
    that moved on before the write was visible would keep a too-small count under the new key."""
    from kringwijs_survey.stats.aggregation import Scope, summarize
    from kringwijs_survey.store.database import create_database_engine

    round_id = _open_round(engine)
    for key in _new_keys(3):
        factories.submit(engine, round_id, key, ANSWERS)
    keys = _new_keys(25)
    invitations = {key: factories.invitation_for(engine, round_id, key) for key in keys}  # handed out before
    other_instance = create_database_engine(db_url)  # its own pool, as another process has
    stored, finished, stale = [3], threading.Event(), []

    def send_one_by_one() -> None:
        try:
            for key in keys:
                responses.submit_response(other_instance, round_id, key, ANSWERS, invitation=invitations[key])
                stored.append(stored[-1] + 1)
                time.sleep(0.05)  # let reads fall before, during and after each write
        finally:
            finished.set()

    def respondents() -> int:
        frame = summarize(engine, Scope(), min_group=3)
        return int(frame["respondents"].max())

    sender = threading.Thread(target=send_one_by_one)
    sender.start()
    reads = 0
    while not finished.is_set() or reads == 0:
        at_least = stored[-1]
        seen = respondents()
        reads += 1
        if seen < at_least:
            stale.append((at_least, seen))
    sender.join(timeout=120)
    other_instance.dispose()
    assert stale == [], stale[:5]
    assert respondents() == 3 + len(keys)
    print(f"\n{engine.dialect.name}: {reads} reads while {len(keys)} answers came in")

@pytest.mark.postgres
def test_on_postgres_submissions_never_wait_for_one_shared_row(fresh_postgres_url):
    """Every write used to move one shared revision row on, so 100 people sending at once queued
    on its lock. With that row locked by someone else, a submission still goes through."""
    from sqlalchemy import text

    from kringwijs_survey.store.database import migrate

    migrate(fresh_postgres_url)
    engine = get_engine(fresh_postgres_url)
    round_id = _open_round(engine)
    done = threading.Event()
    factories.invitation_for(engine, round_id, "while-the-row-is-locked")  # handed out before the rush
    with engine.connect() as holder:
        holder.execute(text("SELECT value FROM data_revision WHERE id = 1 FOR UPDATE"))
        worker = threading.Thread(
            target=lambda: (factories.submit(engine, round_id, "while-the-row-is-locked", ANSWERS), done.set())
        )
        worker.start()
        worker.join(timeout=60)
        stored_while_locked = done.is_set()
        holder.rollback()
    worker.join(timeout=60)
    dispose_engines()
    assert stored_while_locked

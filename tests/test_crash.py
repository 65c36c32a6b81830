"""A writer killed with SIGKILL mid-way loses nothing it confirmed and leaves no half-written submission."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

from sqlalchemy import func, select

from kringwijs_survey.domain import rounds, teams
from kringwijs_survey.store.database import dispose_engines, get_engine, read_session, sqlite_path
from kringwijs_survey.store.models import Answer, Response

ITEMS = ("AB1", "AB2", "AO1", "B1")
KILLS = 3

# Submits in a loop; a key is printed (and flushed) only after its commit has returned.
WRITER = textwrap.dedent(
    """
    import sys
    from kringwijs_survey.domain import responses, rounds
    from kringwijs_survey.rules.access import SYSTEM
    from kringwijs_survey.store.database import get_engine

    url, round_id, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    engine = get_engine(url)
    answers = [responses.AnswerInput(item, 3, "Crashtest met é en 🙂") for item in {items!r}]
    number = 0
    while True:
        key = f"{{prefix}}-{{number}}"
        invitation = rounds.create_invitations(engine, round_id, 1, actor=SYSTEM)[0]
        responses.submit_response(engine, round_id, key, answers, invitation=invitation)
        print(key, flush=True)
        number += 1
    """
).format(items=ITEMS)


def _start_writer(url: str, round_id: int, prefix: str, repo_root) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(round_id), prefix],
        cwd=repo_root,
        env={**os.environ, "PYTHONPATH": str(repo_root)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _confirmed_until_killed(writer: subprocess.Popen, kill_after: int) -> list[str]:
    """Read confirmed keys; after `kill_after` of them, SIGKILL the writer (mid-transaction, most likely)."""
    confirmed = []
    deadline = time.monotonic() + 60
    while len(confirmed) < kill_after and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if not line:
            break
        confirmed.append(line.strip())
    writer.send_signal(signal.SIGKILL)
    rest, errors = writer.communicate(timeout=30)
    assert writer.returncode == -signal.SIGKILL, errors
    assert len(confirmed) == kill_after, f"writer stopped early: {errors}"
    # Keys printed between the last read and the kill were confirmed too.
    return confirmed + rest.split()


def _integrity(path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def _answers_per_response(engine, round_id: int) -> dict[str, int]:
    with read_session(engine) as session:
        query = (
            select(Response.respondent, func.count(Answer.id))
            .outerjoin(Answer, Answer.response_id == Response.id)
            .where(Response.round_id == round_id)
            .group_by(Response.respondent)
        )
        return dict(session.execute(query).all())


def test_killed_writer_loses_no_confirmed_submission(engine, db_url, repo_root):
    team = teams.create_team(engine, "Wijkteam Stroomstoring")
    round_id = rounds.start_round(engine, team.id, "2026-Q2").id
    dispose_engines()
    confirmed: list[str] = []
    for kill in range(KILLS):
        writer = _start_writer(db_url, round_id, f"kill{kill}", repo_root)
        confirmed += _confirmed_until_killed(writer, kill_after=random.randint(20, 60))

    path = sqlite_path(db_url)
    if path is not None:
        assert _integrity(path) == "ok"
    stored = _answers_per_response(get_engine(db_url), round_id)
    assert set(confirmed) <= set(stored)
    # All or nothing: every stored submission is complete, none is half-written.
    assert set(stored.values()) == {len(ITEMS)}

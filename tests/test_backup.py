"""Back-up and restore through the command line, on a real SQLite file (and the hint on PostgreSQL)."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing

import pytest

from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.store import backup
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate

import cli_runner
import factories

ANSWERS = [responses.AnswerInput("AB1", 4, "Één keer 🙂"), responses.AnswerInput("AB2", None), responses.AnswerInput("B1", 2)]


def run_cli(db_url, *args):
    return cli_runner.run_cli(db_url, *args)


def dump(path) -> list[str]:
    """Every table, every row, as SQL: equal dumps mean exactly the same data. The revision
    counter is left out: a restore moves it on on purpose, so no cached figure is reused."""
    with closing(sqlite3.connect(path)) as connection:
        return [line for line in connection.iterdump() if '"data_revision" VALUES' not in line]


def revision(path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT value FROM data_revision").fetchone()[0]


@pytest.fixture
def filled(tmp_path):
    path = tmp_path / "data" / "kringwijs.db"
    url = f"sqlite:///{path}"
    assert run_cli(url, "demo-data").returncode == 0
    return url, path


def test_restore_brings_back_exactly_what_was_backed_up(filled, tmp_path):
    url, path = filled
    original = dump(path)
    copy = tmp_path / "bewaar" / "kopie.db"
    made = run_cli(url, "backup", str(copy))
    assert made.returncode == 0, made.stderr
    assert "Back-up gemaakt" in made.stdout
    assert not copy.with_name(copy.name + "-wal").exists()  # one self-contained file

    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("DELETE FROM team WHERE name = 'Wijkteam Noord'")
        connection.execute("UPDATE answer SET score = 1, comment = 'veranderd'")
        connection.execute("INSERT INTO team (name, is_group) VALUES ('Nieuw team', 0)")
    changed = dump(path)
    assert changed != original
    revision_before = revision(path)

    restored = run_cli(url, "restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert "teruggezet" in restored.stdout
    assert dump(path) == original
    assert revision(path) > revision_before
    [previous] = (path.parent / "backups").glob("*-before-restore.db")
    assert dump(previous) == changed  # what was replaced is kept, just in case


def test_backup_does_not_overwrite_an_existing_file(filled, tmp_path):
    url, _ = filled
    existing = tmp_path / "bestaat.db"
    existing.write_text("belangrijk")
    result = run_cli(url, "backup", str(existing))
    assert result.returncode != 0
    assert "bestaat al" in result.stderr
    assert existing.read_text() == "belangrijk"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"Dit is een tekstbestand, geen database.\n" * 200, "geen SQLite-database"),
        (b"", "geen back-up van deze app"),  # SQLite treats an empty file as an empty database
        (None, "bestaat niet"),
    ],
    ids=["text", "empty", "missing"],
)
def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(filled, tmp_path, content, message):
    url, path = filled
    before = dump(path)
    candidate = tmp_path / "verkeerd.db"
    if content is not None:
        candidate.write_bytes(content)
    result = run_cli(url, "restore", str(candidate))
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr
    assert dump(path) == before
    assert not (path.parent / "backups").exists()


def test_restore_refuses_a_sqlite_database_of_another_program(filled, tmp_path):
    url, path = filled
    before = dump(path)
    other = tmp_path / "ander.db"
    with closing(sqlite3.connect(other)) as connection, connection:
        connection.execute("CREATE TABLE boodschappen (wat TEXT)")
    result = run_cli(url, "restore", str(other))
    assert result.returncode != 0 and "geen back-up van deze app" in result.stderr
    assert dump(path) == before


def test_backup_while_people_are_submitting_is_consistent(sqlite_engine, tmp_path):
    """The online backup API copies a consistent state even while writes go on."""
    team = teams.create_team(sqlite_engine, "Wijkteam Druk")
    round_id = rounds.start_round(sqlite_engine, team.id, "2026-Q3").id
    url = str(sqlite_engine.url)
    stop = threading.Event()

    def keep_submitting() -> None:
        number = 0
        while not stop.is_set():
            factories.submit(sqlite_engine, round_id, f"druk-{number}", ANSWERS)
            number += 1

    writer = threading.Thread(target=keep_submitting)
    writer.start()
    try:
        copies = [backup.backup(url, tmp_path / f"kopie-{n}.db") for n in range(5)]
    finally:
        stop.set()
        writer.join()
    for copy in copies:
        with closing(sqlite3.connect(copy)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            per_response = connection.execute(
                "SELECT count(a.id) FROM response r LEFT JOIN answer a ON a.response_id = r.id GROUP BY r.id"
            ).fetchall()
            assert {count for (count,) in per_response} <= {len(ANSWERS)}


def test_restore_is_seen_by_a_running_app(sqlite_engine, tmp_path):
    """Open connections of the app see the restored data at once (no restart needed)."""
    url = str(sqlite_engine.url)
    teams.create_team(sqlite_engine, "Wijkteam Voor")
    copy = backup.backup(url, tmp_path / "kopie.db")
    teams.create_team(sqlite_engine, "Wijkteam Na")
    backup.restore(url, copy)
    assert [team.name for team in teams.list_teams(sqlite_engine)] == ["Wijkteam Voor"]
    teams.create_team(sqlite_engine, "Wijkteam Daarna")  # and it can write again
    assert len(teams.list_teams(sqlite_engine)) == 2


def test_postgres_gets_the_pg_dump_hint(fresh_postgres_url, tmp_path):
    migrate(fresh_postgres_url)
    get_engine(fresh_postgres_url)
    dispose_engines()
    for command in ("backup", "restore"):
        result = run_cli(fresh_postgres_url, command, str(tmp_path / "kopie.db"))
        assert result.returncode != 0
        assert "pg_dump" in result.stderr and "pg_restore" in result.stderr
    with pytest.raises(InvalidInput):
        backup.backup(fresh_postgres_url, tmp_path / "kopie.db")
    assert not (tmp_path / "kopie.db").exists()

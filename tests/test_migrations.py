"""Upgrading keeps every row: a database filled at the first revision comes through to head intact."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from sqlalchemy import create_engine, inspect, text

from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.store.database import (
    current_revision,
    dispose_engines,
    get_engine,
    head_revision,
    migrate,
    sqlite_path,
)

import factories

COMMENT = "Één keer per week overleg: naïef? Nee! 🙂👩🏽‍⚕️ — “citaat”"
TEAMS = [("Wijkteam Noord", "Kringstad Noord"), ("Wijkteam Zuid", None)]
ROUNDS = [("Wijkteam Noord", "2025-Q4", "closed"), ("Wijkteam Noord", "2026-Q1", "open"), ("Wijkteam Zuid", "2026-Q1", "open")]
RESPONSES = [("Wijkteam Noord", "2025-Q4", "r-1"), ("Wijkteam Noord", "2025-Q4", "r-2"), ("Wijkteam Zuid", "2026-Q1", "z-1")]
ANSWERS = [("r-1", "AB1", 4, COMMENT), ("r-1", "AB2", None, None), ("r-2", "AB1", 1, "kort"), ("z-1", "B3", 5, "")]

# The SELECTs compare only columns that exist at revision 0001.
SNAPSHOT = {
    "team": "SELECT name, area FROM team ORDER BY name",
    "round": "SELECT t.name, r.period, r.framework, r.status FROM round r JOIN team t ON t.id = r.team_id ORDER BY 1, 2",
    "response": "SELECT r.period, s.respondent FROM response s JOIN round r ON r.id = s.round_id ORDER BY 2",
    "answer": (
        "SELECT s.respondent, a.item_id, a.score, a.comment FROM answer a "
        "JOIN response s ON s.id = a.response_id ORDER BY 1, 2"
    ),
}


def _fill_at_revision_0001(connection) -> None:
    """Rows written with plain SQL that is valid for the 0001 schema (ids chosen by the database)."""
    for name, area in TEAMS:
        connection.execute(text("INSERT INTO team (name, area) VALUES (:name, :area)"), {"name": name, "area": area})
    for team, period, status in ROUNDS:
        connection.execute(
            text(
                "INSERT INTO round (team_id, period, framework, status) "
                "SELECT id, :period, 'eindhoven', :status FROM team WHERE name = :team"
            ),
            {"team": team, "period": period, "status": status},
        )
    for team, period, respondent in RESPONSES:
        connection.execute(
            text(
                "INSERT INTO response (round_id, respondent) SELECT r.id, :respondent FROM round r "
                "JOIN team t ON t.id = r.team_id WHERE t.name = :team AND r.period = :period"
            ),
            {"team": team, "period": period, "respondent": respondent},
        )
    for respondent, item, score, comment in ANSWERS:
        connection.execute(
            text(
                "INSERT INTO answer (response_id, item_id, score, comment) "
                "SELECT id, :item, :score, :comment FROM response WHERE respondent = :respondent"
            ),
            {"respondent": respondent, "item": item, "score": score, "comment": comment},
        )


def _snapshot(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {table: [tuple(row) for row in connection.execute(text(sql))] for table, sql in SNAPSHOT.items()}
    finally:
        engine.dispose()


def _fill_first_revision(url: str) -> dict[str, list[tuple]]:
    migrate(url, "0001")
    assert current_revision(get_engine(url)) == "0001"
    engine = create_engine(url)
    with engine.begin() as connection:
        _fill_at_revision_0001(connection)
    engine.dispose()
    return _snapshot(url)


def test_upgrade_from_first_revision_keeps_every_row(db_url):
    before = _fill_first_revision(db_url)
    assert len(before["answer"]) == len(ANSWERS) and (COMMENT in [row[3] for row in before["answer"]])

    migrate(db_url)
    engine = get_engine(db_url)
    try:
        assert current_revision(engine) == head_revision()
        assert _snapshot(db_url) == before
        with engine.connect() as connection:
            assert connection.execute(text("SELECT DISTINCT submitted FROM response")).scalars().all() == [True]
            assert connection.execute(text("SELECT DISTINCT audience FROM round")).scalars().all() == ["team"]
            assert connection.execute(text("SELECT DISTINCT discuss FROM answer")).scalars().all() == [False]
            assert connection.execute(text("SELECT DISTINCT is_group FROM team")).scalars().all() == [False]
        assert "retained_aggregate" in inspect(engine).get_table_names()
    finally:
        dispose_engines()


def test_upgraded_database_still_accepts_new_rows(db_url):
    """Sequences and constraints survive the upgrade: the app can write right after it."""

    _fill_first_revision(db_url)
    migrate(db_url)
    engine = get_engine(db_url)
    try:
        team = teams.create_team(engine, "Wijkteam Nieuw")
        round_id = rounds.start_round(engine, team.id, "2026-Q2").id
        factories.submit(engine, round_id, "nieuw-1", [responses.AnswerInput("AB1", 3, COMMENT)])
        assert rounds.count_responses(engine, round_id) == 1
    finally:
        dispose_engines()


def _backups(url: str) -> list:
    return sorted((sqlite_path(url).parent / "backups").glob("*.db"))


def test_upgrading_a_sqlite_file_first_makes_a_backup(tmp_path):
    url = f"sqlite:///{tmp_path / 'data' / 'kringwijs.db'}"
    before = _fill_first_revision(url)
    assert _backups(url) == []  # a new, empty database has nothing to back up

    migrate(url)
    dispose_engines()
    [backup] = _backups(url)
    assert "before-0001" in backup.name
    with closing(sqlite3.connect(backup)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert _snapshot(f"sqlite:///{backup}") == before

    migrate(url)  # already at head: nothing changes, so no new backup
    dispose_engines()
    assert len(_backups(url)) == 1


def test_each_step_of_an_upgrade_gets_its_own_backup(tmp_path):
    url = f"sqlite:///{tmp_path / 'kringwijs.db'}"
    _fill_first_revision(url)
    migrate(url, "0002")
    migrate(url)
    dispose_engines()
    names = [path.name for path in _backups(url)]
    assert len(names) == 2 and any("before-0001" in n for n in names) and any("before-0002" in n for n in names)

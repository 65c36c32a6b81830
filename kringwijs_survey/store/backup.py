"""Backups of the SQLite database with SQLite's online backup API (safe while the app runs).

A backup is one self-contained file (no -wal file beside it), checked with PRAGMA integrity_check.
A restore first checks the file, keeps a copy of the current database, and only then copies.
PostgreSQL has its own tools for this: pg_dump and pg_restore.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import Engine

from kringwijs_survey.core.settings import sqlite_path
from kringwijs_survey.core.validation import InvalidInput

BACKUP_DIR = "backups"
APP_TABLES = {"alembic_version", "team", "round", "response", "answer"}


def _require_sqlite(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise InvalidInput("error.backup_sqlite_only")
    return path


@contextmanager
def _open(path: Path, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    if read_only:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    else:
        connection = sqlite3.connect(path)
    with closing(connection):
        yield connection


def _is_healthy(connection: sqlite3.Connection) -> bool:
    return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def check_backup_file(path: Path) -> None:
    """Refuse anything that is not a healthy SQLite database of this app, with a message that says why."""
    if not path.is_file():
        raise InvalidInput("error.file_missing", path=path)
    try:
        with _open(path, read_only=True) as connection:
            healthy = _is_healthy(connection)
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        raise InvalidInput("error.not_sqlite", path=path) from None
    if not healthy:
        raise InvalidInput("error.damaged", path=path)
    if not APP_TABLES <= tables:
        raise InvalidInput("error.not_a_backup", path=path)


def _copy_to_new_file(source: Path, destination: Path) -> None:
    """Copy a live database into a new single file; the file appears only when it is complete and checked."""
    partial = destination.with_name(destination.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        with _open(source) as src, _open(partial) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            if not _is_healthy(dst):
                raise RuntimeError(f"integrity check failed for {partial}")
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)


def backup(url: str, destination: Path) -> Path:
    """Write a copy of the SQLite database to `destination`, which must not exist yet."""
    source = _require_sqlite(url)
    if not source.exists():
        raise InvalidInput("error.no_database", path=source)
    destination = Path(destination)
    if destination.exists():
        raise InvalidInput("error.file_exists", path=destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    _copy_to_new_file(source, destination)
    return destination


def backup_path(path: Path, reason: str) -> Path:
    """backups/<name>-<date-time>-<reason>.db beside the database; microseconds keep names unique."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return path.parent / BACKUP_DIR / f"{path.stem}-{stamp}-{reason}.db"


def restore(url: str, source: Path) -> Path | None:
    """Replace the database's contents with a backup file; returns the copy kept of the old contents.

    A file that is not a healthy database of this app is refused before anything changes.
    """
    target = _require_sqlite(url)
    source = Path(source)
    check_backup_file(source)
    previous = backup(url, backup_path(target, "before-restore")) if target.exists() else None
    target.parent.mkdir(parents=True, exist_ok=True)
    old_revision = _revision(target) if target.exists() else 0
    with _open(source, read_only=True) as src, _open(target) as dst:
        src.backup(dst)  # through SQLite's locking, so open connections see the restored data
        if not _is_healthy(dst):
            raise RuntimeError(f"integrity check failed for {target}")
        _move_revision_past(dst, old_revision)
    return previous


def _revision(path: Path) -> int:
    with _open(path, read_only=True) as connection:
        try:
            return connection.execute("SELECT value FROM data_revision WHERE id = 1").fetchone()[0]
        except sqlite3.OperationalError:  # a database from before the revision counter
            return 0


def _move_revision_past(connection: sqlite3.Connection, old_revision: int) -> None:
    """Cached aggregates are keyed by revision: the restored data must never reuse an old key."""
    try:
        connection.execute("UPDATE data_revision SET value = value + ? + 1 WHERE id = 1", (old_revision,))
        connection.commit()
    except sqlite3.OperationalError:
        pass  # an older schema; `migrate` creates the counter


def backup_before_migration(engine: Engine, path: Path, revision: str) -> Path:
    engine.dispose()
    return backup(f"sqlite:///{path}", backup_path(path, f"before-{revision}"))

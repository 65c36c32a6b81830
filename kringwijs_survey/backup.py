"""Backups of the SQLite database with SQLite's online backup API (safe while the app runs)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from .database import sqlite_path

PG_HINT = "Voor PostgreSQL: gebruik pg_dump en pg_restore (zie README, 'Back-ups')."


def _require_sqlite(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise ValueError(PG_HINT)
    return path


def _copy(source: Path, destination: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(destination) as dst:
        src.backup(dst)
    check = sqlite3.connect(destination)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise RuntimeError(f"integrity check failed for {destination}")
    finally:
        check.close()


def backup(url: str, destination: Path) -> Path:
    source = _require_sqlite(url)
    if not source.exists():
        raise FileNotFoundError(f"Er is nog geen database op {source}.")
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, destination)
    return destination


def restore(url: str, source: Path) -> Path:
    """Replace the database's contents with a backup file (the file is checked first)."""
    target = _require_sqlite(url)
    source = Path(source)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as probe:
        if probe.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise ValueError(f"{source} is geen gezonde SQLite-database.")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target)
    return target


def backup_before_migration(engine: Engine, path: Path, revision: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    destination = path.parent / "backups" / f"{path.stem}-{stamp}-before-{revision}.db"
    engine.dispose()
    return backup(f"sqlite:///{path}", destination)

"""The engine (one per process and URL), safe write transactions, and migrations."""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlmodel import Session

from kringwijs_survey.core.settings import load_settings, sqlite_path
from kringwijs_survey.store.backup import backup_before_migration

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
WRITE_ATTEMPTS = 10
# PostgreSQL: each process keeps up to 30 connections open once it has needed them. It used to
# keep 10 and open (and close again) up to 20 more for every burst: 100 phones sending at once
# then waited for 20 new server processes to start (issue 17). The cap per instance is unchanged.
POSTGRES_POOL_SIZE = 30
# PostgreSQL: a connection that lay unused in the pool for longer than this is checked with a
# ping before it is handed out (a server restart or a dropped network link would otherwise show
# as an error). One used a moment ago is not: pinging every checkout cost every submission a
# round trip of its own (issue 17). A write that still meets a dead connection is retried once
# on a fresh one (run_write); SQLAlchemy then replaces every connection older than the failure.
PING_AFTER_IDLE_S = 5.0
BUMP_REVISION = text("UPDATE data_revision SET value = value + 1 WHERE id = 1")
READ_REVISION = text("SELECT value FROM data_revision WHERE id = 1")
# PostgreSQL's snapshot (oldest running transaction, next transaction id, those in between)
# changes whenever any transaction commits, in every process; reading it locks nothing.
READ_SNAPSHOT = text("SELECT pg_current_snapshot()::text")

logger = logging.getLogger(__name__)

T = TypeVar("T")

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _configure_sqlite(engine: Engine, foreign_keys: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        mode = "IMMEDIATE" if connection.get_execution_options().get("write") else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")


def _configure_postgres(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since <= PING_AFTER_IDLE_S:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("connection lost while idle in the pool") from exc  # the pool opens a new one


def create_database_engine(url: str, foreign_keys: bool = True) -> Engine:
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine, foreign_keys=foreign_keys)
        return engine
    engine = create_engine(url, pool_size=POSTGRES_POOL_SIZE, max_overflow=0)
    _configure_postgres(engine)
    return engine


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for a URL (default: the configured DATABASE_URL)."""
    url = url or load_settings().database_url
    with _engines_lock:
        if url not in _engines:
            _engines[url] = create_database_engine(url)
        return _engines[url]


def dispose_engines() -> None:
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


def _is_transient(exc: OperationalError) -> bool:
    message = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    transient = ("database is locked", "database is busy", "deadlock detected", "could not serialize")
    return any(text in message for text in transient)


_sqlite_writer_locks: dict[str, threading.Lock] = {}


@contextmanager
def _writer_turn(engine: Engine) -> Iterator[None]:
    """SQLite takes one writer at a time. Within a process, writers queue on a lock and get
    their turn the moment the previous one commits, instead of polling SQLite's busy handler
    (which sleeps in growing steps); other processes still wait through busy_timeout."""
    if engine.dialect.name != "sqlite":
        yield
        return
    with _engines_lock:
        lock = _sqlite_writer_locks.setdefault(str(engine.url), threading.Lock())
    with lock:
        yield


def run_write(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work` in one write transaction, all or nothing, retrying when the database is busy.

    On SQLite the transaction starts with BEGIN IMMEDIATE, so two writers never deadlock
    halfway; a busy database is retried with back-off rather than shown to the user.
    """
    write_engine = engine.execution_options(write=True)
    reconnected = False
    for attempt in range(WRITE_ATTEMPTS):
        committing = False
        try:
            with _writer_turn(engine), Session(write_engine, expire_on_commit=False) as session:
                result = work(session)
                if engine.dialect.name == "sqlite":
                    # SQLite has one writer at a time anyway; last statement before commit.
                    session.execute(BUMP_REVISION)
                committing = True
                session.commit()
                return result
        except DBAPIError as exc:
            if exc.connection_invalidated and not committing and not reconnected:
                # A connection that died while it lay in the pool (not pinged when it was used a
                # moment ago), before the commit: nothing was written, so the write runs again on
                # a new connection. A connection lost during the commit is not retried (the
                # commit may have happened).
                reconnected = True
                logger.info("write retry on a new connection: %s", exc.orig)
                continue
            if not isinstance(exc, OperationalError):
                raise
            if not _is_transient(exc) or attempt == WRITE_ATTEMPTS - 1:
                raise
            logger.info("write retry %d after a busy database: %s", attempt + 1, exc.orig)
            _pause_before_retry(attempt)
    raise AssertionError("unreachable")


def _pause_before_retry(attempt: int) -> None:
    time.sleep(min(2.0, 0.02 * 2**attempt) * (0.5 + random.random()))


def run_statement(engine: Engine, statement, params: dict):
    """PostgreSQL: run one statement on its own (autocommit: one round trip, no BEGIN and no COMMIT)
    and return its one row.

    Only for a statement that writes all or nothing and may run twice: a busy database (deadlock,
    serialization) and a connection that died in the pool are retried, and a connection lost
    while the statement ran is retried too, although the statement may have been carried out.
    SQLite writes go through run_write, which also moves the revision counter on."""
    if engine.dialect.name != "postgresql":
        raise ValueError("run_statement is for PostgreSQL; SQLite writes go through run_write")
    reconnected = False
    for attempt in range(WRITE_ATTEMPTS):
        try:
            with engine.connect() as connection:
                return connection.execution_options(isolation_level="AUTOCOMMIT").execute(statement, params).one()
        except DBAPIError as exc:
            if exc.connection_invalidated and not reconnected:
                reconnected = True
                logger.info("statement retry on a new connection: %s", exc.orig)
                continue
            if not isinstance(exc, OperationalError) or not _is_transient(exc) or attempt == WRITE_ATTEMPTS - 1:
                raise
            logger.info("statement retry %d after a busy database: %s", attempt + 1, exc.orig)
            _pause_before_retry(attempt)
    raise AssertionError("unreachable")


def data_revision(engine: Engine) -> int | str:
    """Changes with every write, from any process on the same database: a cache key for aggregates.

    SQLite: a counter that every write through run_write (and every restore) moves on, inside
    the write's own transaction (SQLite has one writer at a time anyway).
    PostgreSQL: the current transaction snapshot, which changes with every commit (also of
    `psql`, `pg_restore` or another app instance) and needs no shared row that every writer
    would have to lock: 100 submissions at once do not queue on it (issue 17).

    Why a cached value can never hide a write (the race, for both engines). A cache
    (cache.cached_per_revision, ui.chart_spec) reads the revision R first and computes
    afterwards, in a later statement:

    - Nothing a reader can see under R is missing from what it caches under R. PostgreSQL: the
      snapshot *is* visibility: a transaction's writes are visible exactly when it is no longer
      in the snapshot's in-progress list and below its xmax, and the later computing statement
      takes a snapshot at least as new (snapshots on one server only move forward).
      SQLite: the counter moves on in the same transaction as the write, so whoever reads the
      new value also sees the write, and whoever reads the old value computes with everything
      committed before it. A value may be newer than its key; that only costs a recomputation.
    - A later read that finds the same R finds nothing new committed. PostgreSQL: a commit of
      transaction X either removes X from the in-progress list (X < xmax) or moves xmax past X
      (xmax is the latest completed transaction + 1), and neither ever goes back, so the text
      differs from every snapshot taken before that commit. SQLite: every write moves the counter.
    The wrong design would be a counter that moves on before (or apart from) the write becoming
    visible, e.g. a sequence's nextval() in the writing transaction: a reader could read the new
    value, compute without the uncommitted write and keep that result under the new key until
    the next write. tests/test_concurrency.py races reads against writes from another engine.

    Costs: an aborted transaction, or a write to another database on the same PostgreSQL server,
    also changes the snapshot (one needless recomputation, never a stale one). Needs
    PostgreSQL 13 or later (pg_current_snapshot).
    """
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            return connection.execute(READ_SNAPSHOT).scalar_one()
        return connection.execute(READ_REVISION).scalar_one()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@functools.cache
def head_revision() -> str:
    """The newest migration's revision; the migration scripts are read once per process (they
    do not change while it runs), not on every migrate() that finds the schema up to date."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(url: str | None = None, revision: str = "head") -> None:
    """Bring the database to `revision`; a SQLite file is backed up first when it changes."""
    url = url or load_settings().database_url
    engine = get_engine(url)
    current = current_revision(engine)
    if current == head_revision() and revision == "head":
        return
    path = sqlite_path(url)
    if current is not None and path is not None and path.exists():
        backup_before_migration(engine, path, current)
    # SQLite rebuilds tables to alter them; with foreign keys on, dropping the old table
    # would cascade-delete child rows, so migrations run with them off and are checked after.
    migration_engine = create_database_engine(url, foreign_keys=False) if is_sqlite(url) else engine
    try:
        config = alembic_config(url)
        with migration_engine.execution_options(write=True).begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            if is_sqlite(url):
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise RuntimeError(f"migration broke foreign keys: {problems[:5]}")
    finally:
        if migration_engine is not engine:
            migration_engine.dispose()

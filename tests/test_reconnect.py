"""PostgreSQL: connections that died in the pool (a server restart, a dropped link) are replaced.

The engine pings a pooled connection only when it lay unused for a while (database.
PING_AFTER_IDLE_S), not at every checkout; a write that meets a connection that died a moment
after its last use is run again on a new one."""

import pytest
from sqlalchemy import text

from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.store import database
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate

import factories


@pytest.fixture
def pg_engine(fresh_postgres_url: str):
    migrate(fresh_postgres_url)
    yield get_engine(fresh_postgres_url)
    dispose_engines()


def _fill_the_pool(engine, count: int = 3) -> None:
    connections = [engine.connect() for _ in range(count)]
    for connection in connections:
        connection.execute(text("SELECT 1"))
    for connection in connections:
        connection.close()


def _kill_all_pooled(engine) -> None:
    """End every connection the pool holds, from a separate connection that is not pooled."""
    import psycopg

    url = engine.url
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True) as admin:
        ended = admin.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    assert ended, "the pool held no connection to end"


def test_a_submission_right_after_the_pool_lost_its_connections_is_stored_once(pg_engine):
    team = teams.create_team(pg_engine, "Wijkteam Herstart")
    survey_round = rounds.start_round(pg_engine, team.id, "2026-Q2")
    factories.submit(pg_engine, survey_round.id, "voor", [responses.AnswerInput("AB1", 2)])
    invitation = factories.invitation_for(pg_engine, survey_round.id, "na")
    _fill_the_pool(pg_engine)
    _kill_all_pooled(pg_engine)

    responses.submit_response(pg_engine, survey_round.id, "na", [responses.AnswerInput("AB1", 4)], invitation=invitation)

    assert rounds.count_responses(pg_engine, survey_round.id) == 2
    assert responses.load_own_response(pg_engine, survey_round.id, "na").answers["AB1"].score == 4


def test_a_connection_that_lay_unused_is_checked_before_use(pg_engine, monkeypatch):
    _fill_the_pool(pg_engine)
    _kill_all_pooled(pg_engine)
    monkeypatch.setattr(database, "PING_AFTER_IDLE_S", 0.0)

    with pg_engine.connect() as connection:  # a read, which is not retried: the ping replaces it
        assert connection.execute(text("SELECT 1")).scalar_one() == 1

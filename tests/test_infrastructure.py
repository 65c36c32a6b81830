"""The test infrastructure itself: a real PostgreSQL server and a real Chromium."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from browser_helpers import screenshot


@pytest.mark.postgres
def test_postgres_server_answers(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("select version()")).scalar_one()
    finally:
        engine.dispose()
    assert version.startswith("PostgreSQL ")


@pytest.mark.postgres
def test_fresh_postgres_databases_are_separate(postgres_url: str, fresh_postgres_url: str) -> None:
    assert fresh_postgres_url != postgres_url
    engine = create_engine(fresh_postgres_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("create table probe (id integer primary key)"))
            conn.execute(text("insert into probe values (1)"))
            assert conn.execute(text("select count(*) from probe")).scalar_one() == 1
    finally:
        engine.dispose()


def test_db_url_is_usable(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("create table probe (id integer primary key)"))
            assert conn.execute(text("select count(*) from probe")).scalar_one() == 0
    finally:
        engine.dispose()


@pytest.mark.browser
def test_chromium_renders_and_screenshots(page) -> None:
    page.goto(
        "data:text/html,<!doctype html><meta charset=utf-8>"
        "<title>probe</title><h1 id=greeting>Hallo Kringwijs</h1>"
    )
    assert page.title() == "probe"
    assert page.locator("#greeting").inner_text() == "Hallo Kringwijs"
    path = screenshot(page, "infrastructure_data_url")
    assert path.exists() and path.read_bytes().startswith(b"\x89PNG")

"""A benchmark anyone can rerun: the app against the floors beneath it, on the same data.

`python -m kringwijs_survey bench [--teams N] [--quarters Q] [--respondents R] [--json]`
builds a synthetic organisation in a fresh database (SQLite in a temporary folder, or a new
database on the PostgreSQL server that DATABASE_URL names) and measures:

- load_answers_per_s: bulk loading of the answers;
- summary_s: the one aggregation over everything (uncached), next to sql_floor_s, a bare SQL
  GROUP BY with count and average per team, quarter and item on the same database;
- team_page_s, manager_page_s: server-side renders (AppTest) of the team results page and the
  manager page, next to bare_page_s, a page with one Altair chart of the same size;
- submit_p50_ms, submit_p95_ms: 100 people (`--submits`) pressing "Versturen" at the same moment after
  saving their answers as a draft on the way, as phones do, on a process that already
  served such a burst (its connections open, as on a server that has been running);
  submit_cold_p50_ms, submit_cold_p95_ms: the first such burst after the start, which also
  opens the connection pool;
- peak_rss_mb: the most memory this process used.

Timings are the median of at least five warm runs.
"""

from __future__ import annotations

import contextlib
import os
import random
import resource
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

from kringwijs_survey.core import periods
from kringwijs_survey.core.settings import REPO_ROOT
from kringwijs_survey.core.vocabulary import ROUND_CLOSED
from kringwijs_survey.domain import responses, rounds
from kringwijs_survey.rules import access
from kringwijs_survey.rules.content import DEFAULT_FRAMEWORK, get_frameworks
from kringwijs_survey.stats.aggregation import Scope, compute_summary, summarize
from kringwijs_survey.store.database import dispose_engines, get_engine, is_sqlite, migrate
from kringwijs_survey.store.models import Answer, Response, Round, Team

KEYS = [
    "load_answers_per_s",
    "summary_s",
    "sql_floor_s",
    "team_page_s",
    "manager_page_s",
    "bare_page_s",
    "submit_p50_ms",
    "submit_p95_ms",
    "submit_cold_p50_ms",
    "submit_cold_p95_ms",
    "peak_rss_mb",
]
CONCURRENT_SUBMITS = 100
FLOOR_SQL = text(
    """
    SELECT t.name AS team, r.period AS period, a.item_id AS item, COUNT(a.score) AS n, AVG(a.score) AS mean
    FROM answer a
    JOIN response p ON a.response_id = p.id
    JOIN round r ON p.round_id = r.id
    JOIN team t ON r.team_id = t.id
    GROUP BY t.name, r.period, a.item_id
    """
)
BARE_PAGE = """
import altair as alt
import pandas as pd
import streamlit as st

frame = pd.read_parquet({path!r})
chart = alt.Chart(frame).mark_rect().encode(x="item:N", y="team:N", color="mean:Q")
st.altair_chart(chart)
"""


def median_time(action: Callable[[], object], runs: int) -> float:
    """Median seconds of `runs` calls after one warm-up call."""
    action()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


@contextlib.contextmanager
def fresh_database(database_url: str | None) -> Iterator[str]:
    """A new, empty database: a temporary SQLite file, or a new database on the PostgreSQL server."""
    if not database_url or is_sqlite(database_url):
        with tempfile.TemporaryDirectory(prefix="kringwijs-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    server = make_url(database_url)
    name = f"kringwijs_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        dispose_engines()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _periods(quarters: int) -> list[str]:
    last = periods.shift_period(periods.current_period(), -1)
    return [periods.shift_period(last, -offset) for offset in reversed(range(quarters))]


def _answer_rows(response_ids: range, items: list[str], rng: random.Random, levels: dict[int, float]) -> Iterator[tuple]:
    for response_id in response_ids:
        level = levels[response_id]
        for item in items:
            score = None if rng.random() < 0.04 else max(1, min(5, round(rng.gauss(level, 0.9))))
            yield response_id, item, score


def load_organisation(engine: Engine, teams: int, quarters: int, respondents: int, seed: int = 7) -> float:
    """Fill the database; returns the seconds spent loading the answers."""
    rng = random.Random(seed)
    framework = get_frameworks()[DEFAULT_FRAMEWORK]
    period_choices = _periods(quarters)
    team_rows = [{"id": t + 1, "name": f"Team {t + 1:04d}", "area": f"Gebied {t % 8 + 1}"} for t in range(teams)]
    round_rows, response_rows, levels = [], [], {}
    for team in team_rows:
        team_level = rng.uniform(2.0, 4.0)
        for quarter_index, period in enumerate(period_choices):
            round_id = len(round_rows) + 1
            round_rows.append(
                {"id": round_id, "team_id": team["id"], "period": period, "framework": framework.id,
                 "status": ROUND_CLOSED, "audience": "team", "published": True}
            )
            for _ in range(respondents):
                response_id = len(response_rows) + 1
                response_rows.append({"id": response_id, "round_id": round_id, "respondent": uuid.uuid4().hex, "submitted": True})
                levels[response_id] = team_level + 0.05 * quarter_index
    with engine.begin() as connection:
        connection.execute(insert(Team), team_rows)
        connection.execute(insert(Round), round_rows)
        connection.execute(insert(Response), response_rows)
    started = time.perf_counter()
    rows = _answer_rows(range(1, len(response_rows) + 1), framework.item_ids, rng, levels)
    if engine.dialect.name == "postgresql":
        _copy_answers(engine, rows)
    else:
        _insert_answers(engine, rows)
    elapsed = time.perf_counter() - started
    _after_explicit_ids(engine)
    return elapsed


def _insert_answers(engine: Engine, rows: Iterator[tuple], chunk: int = 50_000) -> None:
    with engine.begin() as connection:
        batch = []
        for response_id, item, score in rows:
            batch.append({"response_id": response_id, "item_id": item, "score": score})
            if len(batch) == chunk:
                connection.execute(insert(Answer), batch)
                batch = []
        if batch:
            connection.execute(insert(Answer), batch)


def _copy_answers(engine: Engine, rows: Iterator[tuple]) -> None:
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy("COPY answer (response_id, item_id, score) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def _after_explicit_ids(engine: Engine) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            for table in ("team", "round", "response", "answer"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))
            connection.execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
        connection.execute(text("UPDATE data_revision SET value = value + 1 WHERE id = 1"))


def floor_rows(engine: Engine) -> pd.DataFrame:
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(FLOOR_SQL).all(), columns=["team", "period", "item", "n", "mean"])
    return frame.astype({"n": int, "mean": float})


def check_same_data(summary: pd.DataFrame, floor: pd.DataFrame) -> None:
    """The floor must answer the same question on the same data: same groups, counts and means."""
    merged = summary.merge(floor, on=["team", "period", "item"], suffixes=("", "_floor"), validate="one_to_one")
    if len(merged) != len(floor) or len(merged) != len(summary):
        raise AssertionError(f"summary has {len(summary)} groups, the floor {len(floor)}")
    shown = merged[~merged["suppressed"].astype(bool)]
    if not (shown["n"].astype(int) == shown["n_floor"].astype(int)).all():
        raise AssertionError("the floor counts other answers than the summary")
    if ((shown["mean"].astype(float) - shown["mean_floor"].astype(float)).abs() > 1e-9).any():
        raise AssertionError("the floor's averages differ from the summary's")


def _open_page(path: str, session: dict):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    for key, value in session.items():
        app.session_state[key] = value
    app.run()
    app.switch_page(path)
    app.run()
    if app.exception:
        raise RuntimeError(f"{path} failed: {app.exception[0].message}")
    return app


def page_time(path: str, session: dict, runs: int) -> float:
    app = _open_page(path, session)
    return median_time(app.run, runs)


def bare_page_time(summary: pd.DataFrame, runs: int) -> float:
    from streamlit.testing.v1 import AppTest

    latest = summary[summary["period"] == summary["period"].max()][["team", "item", "mean"]].astype({"mean": float})
    with tempfile.TemporaryDirectory(prefix="kringwijs-bare-") as folder:
        data = Path(folder) / "frame.parquet"
        latest.to_parquet(data)
        script = Path(folder) / "bare.py"
        script.write_text(BARE_PAGE.format(path=str(data)), encoding="utf-8")
        app = AppTest.from_file(str(script), default_timeout=120)
        return median_time(app.run, runs)


def submit_latencies(
    engine: Engine, team_id: int, quarters_ahead: int = 1, submits: int = CONCURRENT_SUBMITS
) -> list[float]:
    """Seconds per submission of `submits` people (100) sending at once to a new round `quarters_ahead` on.

    Each person does what a phone does: it stores its answers as a draft on the way (a phone saves at
    every "Volgende"; here all but the last answer, before the burst), then everybody presses
    "Versturen" at the same moment. Only that send is timed."""
    framework = get_frameworks()[DEFAULT_FRAMEWORK]
    survey_round = rounds.start_round(engine, team_id, periods.shift_period(periods.current_period(), quarters_ahead))
    invitations = rounds.create_invitations(engine, survey_round.id, submits, actor=access.SYSTEM)
    barrier = threading.Barrier(submits)
    latencies: list[float] = []
    lock = threading.Lock()

    def one(invitation: str) -> None:
        answers = [responses.AnswerInput(item, random.randint(1, 5)) for item in framework.item_ids]
        key = uuid.uuid4().hex
        responses.submit_response(engine, survey_round.id, key, answers[:-1], final=False, invitation=invitation)
        barrier.wait()
        started = time.perf_counter()
        responses.submit_response(engine, survey_round.id, key, answers, invitation=invitation)
        with lock:
            latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=one, args=(code,)) for code in invitations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if rounds.count_responses(engine, survey_round.id) != submits:
        raise AssertionError("not every concurrent submission was stored")
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    previous = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_bench(
    teams: int = 200,
    quarters: int = 12,
    respondents: int = 12,
    *,
    database_url: str | None = None,
    runs: int = 5,
    submits: int = CONCURRENT_SUBMITS,
) -> dict:
    from kringwijs_survey.rules.access import Principal, Role

    runs = max(5, runs)
    with fresh_database(database_url) as url, _environment(DATABASE_URL=url, MIN_GROUP="3", MIN_GROUP_ORG="5"):
        migrate(url)
        engine = get_engine(url)
        load_s = load_organisation(engine, teams, quarters, respondents)
        answers = teams * quarters * respondents * len(get_frameworks()[DEFAULT_FRAMEWORK].item_ids)

        summary = compute_summary(engine, Scope(), min_group=3)
        check_same_data(summary, floor_rows(engine))
        summary_s = median_time(lambda: compute_summary(engine, Scope(), min_group=3), runs)
        sql_floor_s = median_time(lambda: floor_rows(engine), runs)

        last_round = rounds.list_rounds(engine, 1)[0]
        team_session = {"principal": Principal(Role.TEAM, team_id=1), "results_round": last_round.id}
        team_page_s = page_time("pages/results.py", team_session, runs)
        manager_page_s = page_time("pages/manager.py", {"principal": Principal(Role.MANAGER)}, runs)
        bare_page_s = bare_page_time(summarize(engine, Scope.of(published_only=True), min_group=5), runs)

        cold = submit_latencies(engine, team_id=1, quarters_ahead=1, submits=submits)
        latencies = submit_latencies(engine, team_id=1, quarters_ahead=2, submits=submits)
        dispose_engines()
    return {
        "load_answers_per_s": round(answers / load_s),
        "summary_s": round(summary_s, 4),
        "sql_floor_s": round(sql_floor_s, 4),
        "team_page_s": round(team_page_s, 4),
        "manager_page_s": round(manager_page_s, 4),
        "bare_page_s": round(bare_page_s, 4),
        "submit_p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "submit_p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "submit_cold_p50_ms": round(percentile(cold, 0.50) * 1000, 1),
        "submit_cold_p95_ms": round(percentile(cold, 0.95) * 1000, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "teams": teams,
        "quarters": quarters,
        "respondents": respondents,
        "answers": answers,
        "database": make_url(url).get_backend_name(),
    }


TARGETS = {
    "summary_s": ("≤ 1.5 × sql_floor_s", lambda r: r["summary_s"] <= 1.5 * r["sql_floor_s"]),
    "manager_page_s": ("≤ 1.0 s and ≤ 3 × bare_page_s", lambda r: r["manager_page_s"] <= min(1.0, 3 * r["bare_page_s"])),
    "team_page_s": ("≤ 0.5 s", lambda r: r["team_page_s"] <= 0.5),
    "submit_p95_ms": ("≤ 250 ms", lambda r: r["submit_p95_ms"] <= 250),
    "peak_rss_mb": ("≤ 600 MB", lambda r: r["peak_rss_mb"] <= 600),
}


def report_lines(result: dict) -> list[str]:
    lines = [
        f"{result['teams']} teams × {result['quarters']} quarters × {result['respondents']} respondents"
        f" = {result['answers']:,} answers on {result['database']}",
    ]
    ratios = {
        "summary_s": result["summary_s"] / result["sql_floor_s"] if result["sql_floor_s"] else float("nan"),
        "manager_page_s": result["manager_page_s"] / result["bare_page_s"] if result["bare_page_s"] else float("nan"),
    }
    for key in KEYS:
        target, met = TARGETS.get(key, ("", None))
        ratio = f"  ({ratios[key]:.2f} × floor)" if key in ratios else ""
        verdict = "" if met is None else ("  ok" if met(result) else "  MISSED")
        lines.append(f"{key:20} {result[key]:>12}{ratio}  {target}{verdict}")
    return lines

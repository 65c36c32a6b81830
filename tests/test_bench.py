"""The benchmark runs at a tiny size and reports every figure; timings are not asserted here."""

import json
import os
import subprocess
import sys

import pytest

from benchmarks.submit import KEYS, check_same_data, floor_rows
from kringwijs_survey.stats.aggregation import Scope, compute_summary

EXPECTED_KEYS = set(KEYS) | {"teams", "quarters", "respondents", "answers", "database"}


def run_bench(database_url=None):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if database_url:
        env["DATABASE_URL"] = database_url
    # Tiny sizes and bursts of 10 submissions instead of 100: the test checks that every figure is
    # there and that they hang together, not how fast anything is.
    args = ["bench", "--teams", "3", "--quarters", "2", "--respondents", "5", "--submits", "10", "--json"]
    result = subprocess.run([sys.executable, "-m", "kringwijs_survey", *args], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def check_result(result, database):
    assert set(result) == EXPECTED_KEYS
    assert result["answers"] == 3 * 2 * 5 * 15
    assert result["database"] == database
    for key in KEYS:
        assert isinstance(result[key], (int, float)) and result[key] > 0, key
    # The figures hang together as the report reads them (order statistics, not speed).
    assert result["submit_p95_ms"] >= result["submit_p50_ms"] and result["submit_cold_p95_ms"] >= result["submit_cold_p50_ms"]
    assert 50 < result["peak_rss_mb"] < 4096  # a Python process with pandas and Streamlit, not bytes or kB


def test_bench_on_sqlite_prints_every_key():
    check_result(run_bench(), "sqlite")


@pytest.mark.postgres
def test_bench_on_postgresql_prints_every_key(postgres_url):
    check_result(run_bench(postgres_url), "postgresql")


def test_the_floor_answers_the_same_question_on_the_same_data(engine):
    from benchmarks.submit import load_organisation

    load_organisation(engine, teams=2, quarters=2, respondents=4)
    summary = compute_summary(engine, Scope(), min_group=3)
    floor = floor_rows(engine)
    check_same_data(summary, floor)  # same groups, counts and means
    with pytest.raises(AssertionError):
        check_same_data(summary, floor.iloc[1:])
    changed = floor.copy()
    changed.loc[0, "mean"] = changed.loc[0, "mean"] + 0.5
    with pytest.raises(AssertionError):
        check_same_data(summary, changed)

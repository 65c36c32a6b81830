"""A team round in each state of the policy matrix, and what a page or the command line shows of
it (shared by tests/test_policy_views.py and tests/test_policy_attacks.py)."""

import csv
import io

import pandas as pd

from kringwijs_survey.domain import responses, rounds, sharing
from kringwijs_survey.render import tables
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.rules.content import get_frameworks

import factories
from cli_runner import run_cli

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
PERIOD = "2026-Q1"
OURS = "Wijkteam Eigen"
LONE_SCORE = 1  # the one person who scored AB1 in "item below threshold"; everyone else scores 4


def answers_of(person: int, thin: bool) -> list[responses.AnswerInput]:
    """Everyone scores 4 (target 5); with `thin` only person 0 scores AB1 (a 1, target 2), the
    others chose "weet ik niet" there."""
    rows = []
    for item in FRAMEWORK.items:
        target = 5 if item.kind == "principle" else None
        if thin and item.id == "AB1":
            rows.append(responses.AnswerInput("AB1", LONE_SCORE if person == 0 else None, target=2 if person == 0 else None))
        else:
            rows.append(responses.AnswerInput(item.id, 4, target=target))
    return rows


def fill(engine, round_id: int, people: int, thin: bool = False) -> None:
    for person in range(people):
        factories.submit(engine, round_id, f"{round_id}-{person}", answers_of(person, thin))


def make_round(engine, team_id: int, state: str, period: str = PERIOD):
    """One round of `team_id` in `state`: five people answer (two below the threshold)."""
    survey_round = rounds.start_round(engine, team_id, period)
    fill(engine, survey_round.id, 2 if state == "below threshold" else 5, thin=state == "item below threshold")
    if state != "open":
        rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    if state in ("closed+published", "below threshold", "item below threshold"):
        sharing.publish_round(engine, survey_round.id)
    return rounds.get_round(engine, survey_round.id)


TABLE_COLUMNS = [
    "item", "median", "mean", "sd", "target_mean", "previous_median", "lowest", "highest",
    "count_1", "count_2", "count_3", "count_4", "count_5", "team_median", "residents_median", "difference",
]  # fmt: skip
NOTHING = tables.EMPTY  # how a table shows a withheld number


def table_on_page(app, index: int = 0) -> pd.DataFrame:
    """A table as the page shows it ("Bekijk als tabel"), with the code's column names, by item."""
    shown = app.dataframe[index].value
    return shown.rename(columns={tables.column_label(name, "nl"): name for name in TABLE_COLUMNS}).set_index("item")


def run_summary(db_url: str, *args: str) -> list[dict]:
    done = run_cli(db_url, "summary", *args)
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))

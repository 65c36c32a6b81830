"""Test factories: respondents the way the app lets them in, and summary frames shaped exactly
like the aggregation's (for the derivations and charts built on it).

A team round takes answers only through personal invitations (issue 12); `submit` makes one
invitation per new respondent key, as a team hands out one link per person, so tests that
are about something else can keep calling one function."""

from __future__ import annotations

import functools
import random
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from kringwijs_survey.domain import responses, rounds, sharing, teams
from kringwijs_survey.domain.demo import create_demo_data
from kringwijs_survey.rules.access import SYSTEM, hash_passphrase
from kringwijs_survey.rules.content import PRINCIPLES_DIR, get_frameworks
from kringwijs_survey.stats.aggregation import COUNT_COLUMNS, EXTRA_COLUMNS, SUMMARY_COLUMNS, add_statistics
from kringwijs_survey.store.database import get_engine, migrate

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
PERIODS = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
CURRENT = "2026-Q4"



@functools.cache
def passphrase_hash(passphrase: str) -> str:
    """hash_passphrase, once per passphrase and test process: Argon2 takes a fifth of a second
    by design, and a fixture that sets up three roles for each test paid that every time."""
    return hash_passphrase(passphrase)


_invitations: dict[tuple[str, int, str], str] = {}


def invitation_for(engine, round_id: int, respondent: str) -> str | None:
    """The invitation this respondent key answers with (made once per key), None for open rounds."""
    survey_round = rounds.get_round(engine, round_id)
    if survey_round is None or not survey_round.invitation_only:
        return None
    key = (str(engine.url), round_id, respondent)
    if key not in _invitations:
        if survey_round.status != "open":
            return None
        _invitations[key] = rounds.create_invitations(engine, round_id, 1, actor=SYSTEM)[0]
    return _invitations[key]


def submit(engine, round_id: int, respondent: str, answers, *, final: bool = True) -> int:
    """responses.submit_response through an invitation of the respondent's own."""
    return responses.submit_response(
        engine, round_id, respondent, answers, final=final, invitation=invitation_for(engine, round_id, respondent)
    )


# --- summary frames ------------------------------------------------------------------------


def answered_round(engine, name, scores, *, period="2026-Q1", area=None, publish=True, close=True, comment=None, item_scores=None):
    """A team (created when new) with one round in which person i gives scores[i] to every item
    (or item_scores[item] when given). Returns the round."""
    team = teams.find_team(engine, name) or teams.create_team(engine, name, area)
    survey_round = rounds.start_round(engine, team.id, period)
    for index, score in enumerate(scores):
        answers = [
            responses.AnswerInput(item.id, (item_scores or {}).get(item.id, score), comment if index == 0 and position == 0 else None)
            for position, item in enumerate(FRAMEWORK.items)
        ]
        submit(engine, survey_round.id, f"{name}-{period}-{index}", answers)
    if close:
        rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    if publish:
        sharing.publish_round(engine, survey_round.id)
    return rounds.get_round(engine, survey_round.id)


def scores_to_counts(scores: list[int | None]) -> dict[str, int]:
    counts = {column: 0 for column in COUNT_COLUMNS}
    for score in scores:
        if score is not None:
            counts[f"count_{score}"] += 1
    counts["n_dont_know"] = sum(score is None for score in scores)
    return counts


def build_summary(
    periods: dict[str, dict[str, list[int | None]]],
    *,
    respondents: dict[str, int] | None = None,
    discuss: dict[tuple[str, str], int] | None = None,
    targets: dict[tuple[str, str], float] | None = None,
    team: str = "Wijkteam Test",
    min_group: int = 3,
) -> pd.DataFrame:
    """A frame shaped exactly like summarize(): one row per period and item, statistics derived
    from the scores by the aggregation's own add_statistics()."""
    rows = []
    for round_id, (period, items) in enumerate(sorted(periods.items()), start=1):
        people = (respondents or {}).get(period, max(len(scores) for scores in items.values()))
        for item, scores in items.items():
            target = (targets or {}).get((period, item))
            rows.append(
                {
                    "round_id": round_id,
                    "team": team,
                    "period": period,
                    "item": item,
                    "respondents": people,
                    **scores_to_counts(scores),
                    "n_discuss": (discuss or {}).get((period, item), 0),
                    "target_n": 0 if target is None else people,
                    "target_mean": target,
                }
            )
    frame = add_statistics(pd.DataFrame(rows), min_group)
    return frame[["round_id", *SUMMARY_COLUMNS, *EXTRA_COLUMNS]]


def realistic_summary(seed: int = 7) -> pd.DataFrame:
    """A team of 9 over four quarters; the third quarter had too few respondents."""
    rng = random.Random(seed)
    levels = {item: rng.uniform(1.8, 4.2) for item in FRAMEWORK.item_ids}
    divisive = set(FRAMEWORK.item_ids[1::4])
    periods, targets, discuss, respondents = {}, {}, {}, {}
    for survey_round, period in enumerate(PERIODS):
        people = 2 if period == "2026-Q3" else 9
        respondents[period] = people
        items = {}
        for item in FRAMEWORK.item_ids:
            level = levels[item] + 0.25 * survey_round * (1 if FRAMEWORK.item(item).kind == "principle" else -1)
            spread = 1.4 if item in divisive else 0.6
            scores = []
            for _ in range(people):
                if rng.random() < 0.08:
                    scores.append(None)
                else:
                    scores.append(max(1, min(5, round(rng.gauss(level, spread)))))
            items[item] = scores
            if FRAMEWORK.item(item).kind == "principle":
                targets[(period, item)] = min(5.0, round(level + rng.uniform(0.3, 1.0), 2))
            discuss[(period, item)] = rng.choice([0, 0, 0, 1, 2, 4])
        periods[period] = items
    return build_summary(periods, respondents=respondents, targets=targets, discuss=discuss)


def font_sizes(spec) -> list[float]:
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key.lower().endswith("fontsize") and isinstance(value, (int, float)):
                found.append(value)
            else:
                found.extend(font_sizes(value))
    elif isinstance(spec, list):
        for value in spec:
            found.extend(font_sizes(value))
    return found


def framework_yaml(framework_id: str) -> dict[str, Any]:
    """A built-in principles file (principles/<id>.yaml) as the data it holds, to change in a test."""
    return yaml.safe_load((PRINCIPLES_DIR / f"{framework_id}.yaml").read_text(encoding="utf-8"))


def write_framework(directory: Path, raw: dict[str, Any]) -> Path:
    """`raw` written as `directory`/<its id>.yaml, for load_framework and load_frameworks."""
    path = directory / f"{raw['id']}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def demo_database(folder: Path):
    """A new SQLite database in `folder`, migrated and filled with the demo municipality
    (create_demo_data): (its URL, its engine, each team's key)."""
    url = f"sqlite:///{folder / 'demo.db'}"
    migrate(url)
    engine = get_engine(url)
    return url, engine, create_demo_data(engine)["keys"]

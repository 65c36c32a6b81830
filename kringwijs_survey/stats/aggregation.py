"""The one aggregation behind every number on every screen, export and CLI command.

Counting happens in SQL (one GROUP BY over the answers); the median and standard deviation
are derived from the per-score counts without touching single answers again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, case, func, select

from kringwijs_survey.core.vocabulary import AUDIENCE_TEAM, ROUND_CLOSED
from kringwijs_survey.rules import policy
from kringwijs_survey.rules.content import COUNT_COLUMNS, SCORES
from kringwijs_survey.store.cache import cached_per_revision
from kringwijs_survey.store.models import Answer, Response, RetainedAggregate, Round, Team

STAT_COLUMNS = ["n", "mean", "median", "sd", "n_dont_know", *COUNT_COLUMNS]
SUMMARY_COLUMNS = ["team", "period", "item", "respondents", *STAT_COLUMNS, "suppressed"]
# Beyond the CLI's columns the frame also carries, for the team's own screens:
EXTRA_COLUMNS = ["n_discuss", "target_n", "target_mean"]
# True where the item rule of `policy` withheld an item's numbers (too few actual scores).
# changed_since_reveal: the reveal rule withheld a workshop item that changed after it was shown.
FLAG_COLUMNS = ["too_few_scores", "changed_since_reveal"]


@dataclass(frozen=True)
class Scope:
    """Which rounds an aggregation looks at. Empty fields mean: no filter.

    released_only: only rounds whose numbers the team may see (closed ones, policy.released).
    published_only: only closed rounds the team published to the organisation view.
    closed_only: only closed rounds.
    Which of these a view uses is decided by ``policy.rounds_in_view``."""

    teams: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()
    round_ids: tuple[int, ...] = ()
    released_only: bool = False
    published_only: bool = False
    audience: str = AUDIENCE_TEAM
    closed_only: bool = False

    @classmethod
    def of(
        cls,
        teams: Iterable[str] | str | None = None,
        periods: Iterable[str] | str | None = None,
        frameworks: Iterable[str] | str | None = None,
        round_ids: Iterable[int] | None = None,
        released_only: bool = False,
        published_only: bool = False,
        audience: str = AUDIENCE_TEAM,
        closed_only: bool = False,
    ) -> Scope:
        def as_tuple(value):
            if value is None:
                return ()
            return (value,) if isinstance(value, (str, int)) else tuple(value)

        return cls(
            as_tuple(teams), as_tuple(periods), as_tuple(frameworks), as_tuple(round_ids), released_only, published_only, audience,
            closed_only,
        )


def _filtered(query, scope: Scope):
    if scope.teams:
        query = query.where(Team.name.in_(scope.teams))
    if scope.periods:
        query = query.where(Round.period.in_(scope.periods))
    if scope.frameworks:
        query = query.where(Round.framework.in_(scope.frameworks))
    if scope.round_ids:
        query = query.where(Round.id.in_(scope.round_ids))
    if scope.released_only:
        # Live rounds leak the newest answer with every update: only closed rounds count.
        query = query.where(Round.status == ROUND_CLOSED)
    if scope.published_only:
        query = query.where(Round.published.is_(True), Round.status == ROUND_CLOSED)
    if scope.closed_only:
        query = query.where(Round.status == ROUND_CLOSED)
    return query.where(Round.audience == scope.audience)


def _counts_query(scope: Scope):
    respondents = (
        select(Response.round_id, func.count().label("respondents"))
        .where(Response.submitted.is_(True))
        .group_by(Response.round_id)
        .subquery()
    )
    score = Answer.score
    per_score = [func.sum(case((score == value, 1), else_=0)).label(f"count_{value}") for value in SCORES]
    query = (
        select(
            Round.id.label("round_id"),
            Round.scales,
            Team.name.label("team"),
            Round.period,
            Answer.item_id.label("item"),
            respondents.c.respondents,
            func.sum(case((score.is_(None), 1), else_=0)).label("n_dont_know"),
            *per_score,
            func.sum(case((Answer.discuss.is_(True), 1), else_=0)).label("n_discuss"),
            func.count(Answer.target).label("target_n"),
            func.avg(Answer.target).label("target_mean"),
        )
        .select_from(Answer)
        .join(Response, (Answer.response_id == Response.id) & Response.submitted.is_(True))
        .join(Round, Response.round_id == Round.id)
        .join(Team, Round.team_id == Team.id)
        .join(respondents, respondents.c.round_id == Round.id)
        .group_by(Round.id, Round.scales, Team.name, Round.period, Answer.item_id, respondents.c.respondents)
    )
    return _filtered(query, scope)


def _retained_query(scope: Scope):
    """Rounds whose raw answers the retention rule deleted keep their stored counts."""
    kept = RetainedAggregate
    query = (
        select(
            kept.round_id,
            Round.scales,
            Team.name.label("team"),
            Round.period,
            kept.item_id.label("item"),
            kept.respondents,
            kept.n_dont_know,
            kept.n.label("stored_n"),
            *[getattr(kept, column).label(column) for column in COUNT_COLUMNS],
        )
        .join(Round, kept.round_id == Round.id)
        .join(Team, Round.team_id == Team.id)
    )
    return _filtered(query, scope)


def _medians(counts: np.ndarray, n: np.ndarray) -> np.ndarray:
    cumulative = counts.cumsum(axis=1)
    safe_n = np.maximum(n, 1)

    def score_at(rank: np.ndarray) -> np.ndarray:
        return (cumulative >= rank[:, None]).argmax(axis=1) + 1

    lower = score_at((safe_n + 1) // 2)
    upper = score_at(safe_n // 2 + 1)
    return np.where(n > 0, (lower + upper) / 2, np.nan)


def add_statistics(frame: pd.DataFrame, min_group: int, scores: str = "n") -> pd.DataFrame:
    """Derive n, mean, median and sd from score counts; `policy` blanks what too small a group
    (round rule) or too few scores (item rule, counted in column `scores`) would give away."""
    frame = statistics_of_counts(frame)
    hidden = STAT_COLUMNS + [column for column in EXTRA_COLUMNS if column in frame]
    frame[hidden] = frame[hidden].astype("Float64")
    return policy.withhold_small_groups(frame, min_group, scores)


def pooled(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The score counts of several rows (rounds the policy already let through) added up per
    `by`, with n, mean, median and sd of all those scores together: a figure over teams counts
    every person's score once, never a mean of team means. Withheld counts (NA) add nothing."""
    counts = frame[[*by, *COUNT_COLUMNS]].copy()
    counts[COUNT_COLUMNS] = counts[COUNT_COLUMNS].apply(pd.to_numeric, errors="coerce")
    summed = counts.groupby(by, sort=False, dropna=False)[COUNT_COLUMNS].sum(min_count=1).reset_index()
    return statistics_of_counts(summed.fillna({column: 0 for column in COUNT_COLUMNS})).astype(
        {"mean": "Float64", "median": "Float64", "sd": "Float64"}
    )


def statistics_of_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """n, mean, median and sd of the scores counted in COUNT_COLUMNS, per row (NaN without scores)."""
    counts = frame[COUNT_COLUMNS].to_numpy(dtype=float)
    weights = np.asarray(SCORES, dtype=float)
    n = counts.sum(axis=1)
    total = counts @ weights
    total_squares = counts @ (weights**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total / n, np.nan)
        variance = np.where(n > 1, (total_squares - total * total / np.maximum(n, 1)) / (n - 1), np.nan)
    frame = frame.assign(
        n=n.astype(int),
        mean=mean,
        median=_medians(counts, n),
        sd=np.sqrt(np.clip(variance, 0, None)),
    )
    return frame


def summarize(engine: Engine, scope: Scope = Scope(), *, min_group: int) -> pd.DataFrame:
    """Per team, period and item: respondents, n, mean, median, sd, n_dont_know, count_1..count_5.

    What too small a group would give away is blanked by `policy.withhold_small_groups`: a
    team-period with fewer respondents than `min_group` (never below 3) keeps only its respondent
    count (`suppressed`), and an item with fewer actual scores than that keeps only its counts of
    scores and "weet ik niet" (`too_few_scores`).

    Results are cached per database revision: any write makes the next call compute afresh,
    in this process and in every other process on the same database.
    """
    return _cached_summary(engine, scope, min_group=policy.at_least(min_group))


@cached_per_revision
def _cached_summary(engine: Engine, scope: Scope, *, min_group: int) -> pd.DataFrame:
    return compute_summary(engine, scope, min_group=min_group)


def compute_summary(engine: Engine, scope: Scope = Scope(), *, min_group: int) -> pd.DataFrame:
    """The aggregation itself, without the cache."""
    with engine.connect() as connection:
        raw = pd.read_sql(_counts_query(scope), connection)
        retained = pd.read_sql(_retained_query(scope), connection)
        snapshots = _reveal_snapshots(connection, set(raw["round_id"]))
    if not retained.empty:
        # A round too small when its answers were deleted has no stored n; an item with too few
        # scores has its n but no score counts (both as blanked by the policy at that time).
        retained = retained.assign(
            withheld=retained["stored_n"].isna(), n_discuss=0, target_n=0, target_mean=float("nan")
        )
        retained[[*COUNT_COLUMNS, "n_dont_know"]] = retained[[*COUNT_COLUMNS, "n_dont_know"]].fillna(0)
        raw = retained if raw.empty else pd.concat([raw.assign(withheld=False), retained], ignore_index=True)
    columns = ["round_id", "scales", *SUMMARY_COLUMNS, *EXTRA_COLUMNS, *FLAG_COLUMNS]
    if raw.empty:
        return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})
    frame = add_statistics(raw, min_group)
    if "withheld" in frame:
        # A group too small when its answers were deleted stays hidden, whatever the setting is now.
        withheld = frame["withheld"].astype(bool)
        frame.loc[withheld, STAT_COLUMNS + EXTRA_COLUMNS] = pd.NA
        frame["suppressed"] = frame["suppressed"] | withheld
        kept_n = frame["stored_n"].notna() & ~frame["suppressed"]
        frame.loc[kept_n, "n"] = frame.loc[kept_n, "stored_n"]
    frame = policy.withhold_changed_since_reveal(frame, snapshots, min_group)
    frame["respondents"] = frame["respondents"].astype(int)
    return frame[columns].sort_values(["team", "period", "item"], ignore_index=True)


def _reveal_snapshots(connection, round_ids: set) -> dict[int, dict[str, dict]]:
    """Per workshop round the snapshots its facilitator revealed, per item (see workshop.py)."""
    if not round_ids:
        return {}
    query = select(Round.id, Round.live_snapshot).where(Round.id.in_([int(i) for i in round_ids]), Round.live_snapshot.is_not(None))
    found = {}
    for round_id, stored in connection.execute(query):
        try:
            items = json.loads(stored).get("items", {})
        except (ValueError, AttributeError):
            continue
        found[int(round_id)] = items if isinstance(items, dict) else {}
    return found


def pool_by_principle(frame: pd.DataFrame, principle_of: dict[str, str], min_group: int, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Residents' statements pooled per principle: the score counts of all statements of one
    principle summed, then the same statistics as every other figure (never single answers).
    `statement_n` is the largest number of scores any one of its statements got."""
    voices = frame[frame["item"].isin(principle_of)]
    voices = voices.assign(
        item=voices["item"].map(principle_of), statement_n=pd.to_numeric(voices["n"], errors="coerce").fillna(0)
    )
    sums = {column: "sum" for column in [*COUNT_COLUMNS, "n_dont_know"]}
    pooled = voices.groupby([*by, "item"], as_index=False).agg({**sums, "respondents": "max", "statement_n": "max"})
    pooled[COUNT_COLUMNS] = pooled[COUNT_COLUMNS].astype(float)
    # The item rule counts the statement with the most scores: one resident may answer several.
    return add_statistics(pooled, min_group, scores="statement_n")

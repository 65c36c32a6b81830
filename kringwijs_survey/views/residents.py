"""The team's view next to the residents' view of the same principles (one results object for
the page and the PDF)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from kringwijs_survey.core.vocabulary import (
    AUDIENCE_RESIDENTS,
)
from kringwijs_survey.domain.rounds import count_responses, residents_round_of, results_released
from kringwijs_survey.rules import policy
from kringwijs_survey.rules.own_frameworks import of_round
from kringwijs_survey.stats.aggregation import Scope, pool_by_principle, summarize
from kringwijs_survey.store.models import Round

PERSPECTIVE_COLUMNS = ["item", "title", "team_median", "residents_median", "difference", "residents_n"]


@dataclass(frozen=True)
class Perspectives:
    """The team's view and the residents' view of one round, per principle with resident statements.

    `frame` (PERSPECTIVE_COLUMNS, framework order) is empty unless the residents' round is
    released (closed) and at least `minimum` residents answered; the count is
    always there. difference = residents_median - team_median."""

    residents_round: Round | None
    respondents: int
    minimum: int
    released: bool
    frame: pd.DataFrame
    # Team and residents answered with the same words: only then may their numbers be compared
    # as higher or lower; otherwise the screens only say that they see it differently.
    same_scale: bool = False

    @property
    def shown(self) -> bool:
        return not self.frame.empty

    def largest_differences(self, top: int = 3, at_least: float = 1.0) -> pd.DataFrame:
        """The principles where team and residents differ most (|difference| >= at_least)."""
        frame = self.frame.dropna(subset=["difference"])
        frame = frame[frame["difference"].abs() >= at_least]
        order = frame["difference"].abs().astype(float).sort_values(ascending=False, kind="stable").index
        return frame.loc[order].head(top).reset_index(drop=True)


def perspectives(
    engine: Engine, team_round: Round, *, min_group: int, min_group_residents: int, lang: str
) -> Perspectives:
    """Both views of one round from the one aggregation. A principle with several statements
    gets the median of all residents' answers to those statements together."""
    framework = of_round(engine, team_round)
    minimum = policy.at_least(min_group_residents)
    empty = pd.DataFrame({column: pd.Series(dtype="object") for column in PERSPECTIVE_COLUMNS})
    residents = residents_round_of(engine, team_round)
    if residents is None:
        return Perspectives(None, 0, minimum, False, empty)
    answered = count_responses(engine, residents.id)
    released = results_released(residents)
    hidden = Perspectives(residents, answered, minimum, released, empty)
    if not released or not policy.enough(answered, minimum) or not framework.resident_statements:
        return hidden
    team = summarize(engine, Scope.of(round_ids=[team_round.id], released_only=True), min_group=min_group)
    voices = summarize(
        engine, Scope.of(round_ids=[residents.id], released_only=True, audience=AUDIENCE_RESIDENTS), min_group=minimum
    )
    if team.empty or voices.empty or team["suppressed"].any() or voices["suppressed"].any():
        return hidden
    principle_of = {statement.id: statement.principle for statement in framework.resident_statements}
    pooled = pool_by_principle(voices, principle_of, minimum).set_index("item")
    team = team.set_index("item")
    rows = []
    for principle_id in dict.fromkeys(principle_of.values()):
        team_median = team.at[principle_id, "median"] if principle_id in team.index else pd.NA
        residents_median = pooled.at[principle_id, "median"] if principle_id in pooled.index else pd.NA
        rows.append(
            {
                "item": principle_id,
                "title": framework.item(principle_id).title.get(lang),
                "team_median": team_median,
                "residents_median": residents_median,
                "residents_n": pooled.at[principle_id, "n"] if principle_id in pooled.index else pd.NA,
            }
        )
    frame = pd.DataFrame(rows)
    order = {item_id: index for index, item_id in enumerate(framework.item_ids)}
    frame = frame.sort_values("item", key=lambda ids: ids.map(order), ignore_index=True)
    for column in ["team_median", "residents_median", "residents_n"]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Float64")
    frame["difference"] = frame["residents_median"] - frame["team_median"]
    return Perspectives(
        residents, answered, minimum, released, frame[PERSPECTIVE_COLUMNS], same_scale=_same_words(framework, team_round, residents)
    )


def _same_words(framework, team_round: Round, residents_round: Round) -> bool:
    """Whether the team's principle scale and the residents' scale have the very same words."""
    team_scale = framework.scale_set(team_round.scales).scales["principle"]
    residents_scale = framework.scale_set(residents_round.scales).resident_scale
    words = lambda scale: [label.nl for label in scale.labels.values()]  # noqa: E731
    return residents_scale is not None and words(team_scale) == words(residents_scale)

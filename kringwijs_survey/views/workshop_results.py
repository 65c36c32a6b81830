"""What a workshop shows: the projector's live view and the summary after closing, built once
for the projector page, the PNG and the PDF (render.workshop_report)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd
from sqlalchemy import Engine

from kringwijs_survey.core import formatting, i18n
from kringwijs_survey.core.vocabulary import ROUND_CLOSED
from kringwijs_survey.domain import rounds
from kringwijs_survey.domain.workshop import AGENDA_TOP, enough_phones, get_workshop, snapshot, workshop_name
from kringwijs_survey.rules.content import Framework, Item
from kringwijs_survey.rules.own_frameworks import of_round
from kringwijs_survey.stats.aggregation import Scope, summarize
from kringwijs_survey.store.models import Round
from kringwijs_survey.views import team_results

# ---------------------------------------------------------------------------------------------
# what the projector shows
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveView:
    survey_round: Round
    framework: Framework
    item: Item | None
    index: int | None
    total: int
    frozen: dict | None

    @property
    def signature(self) -> tuple:
        """Changes when the screen must be drawn anew (not on a count change)."""
        return (self.survey_round.id, self.survey_round.status, self.index, self.survey_round.live_revealed)


def live_view(engine: Engine, round_id: int) -> LiveView:
    survey_round = get_workshop(engine, round_id)
    framework = of_round(engine, survey_round)
    index = survey_round.live_index
    item = framework.items[index] if index is not None and 0 <= index < len(framework.items) else None
    return LiveView(survey_round, framework, item, index if item else None, len(framework.items), snapshot(survey_round, engine))


def short_address(link: str) -> str:
    """A join link as people type it: host and path, without scheme and code."""
    parts = urlsplit(link)
    return f"{parts.netloc}{parts.path}"


def format_duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


# ---------------------------------------------------------------------------------------------
# the summary after closing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopSummary:
    name: str
    period: str
    framework: Framework
    respondents: int
    shown: bool  # False: still open, or too few people (statistics suppressed)
    profile: pd.DataFrame
    pairs: pd.DataFrame
    agenda: pd.DataFrame
    # Items whose numbers the policy withheld ("ID · title"): too few actual scores, or changed
    # by fewer than the minimum of people after they were revealed.
    too_few_scores: tuple[str, ...] = ()
    changed_since_reveal: tuple[str, ...] = ()


def workshop_summary(engine: Engine, round_id: int, lang: str, min_group: int, top: int = AGENDA_TOP) -> WorkshopSummary:
    """Profile, blockade pairs and the items to talk about, from the one aggregation of this
    closed round (released_only: nothing of an open round)."""
    survey_round = get_workshop(engine, round_id)
    framework = of_round(engine, survey_round)
    frame = summarize(engine, Scope.of(round_ids=[survey_round.id], released_only=True), min_group=min_group)
    respondents = rounds.count_responses(engine, survey_round.id)
    shown = (
        survey_round.status == ROUND_CLOSED
        and not frame.empty
        and not bool(frame["suppressed"].any())
        and enough_phones(engine, survey_round.id, min_group)
    )
    if not shown:
        frame = frame.iloc[0:0]
    results = team_results.for_period(frame, framework, survey_round.period, lang)
    return WorkshopSummary(
        name=workshop_name(engine, survey_round),
        period=survey_round.period,
        framework=framework,
        respondents=respondents,
        shown=shown,
        profile=results.profile,
        pairs=results.pairs,
        agenda=results.agenda.head(top),
        too_few_scores=tuple(results.withheld["too_few_scores"]),
        changed_since_reveal=tuple(results.withheld["changed_since_reveal"]),
    )


def agenda_rows(summary: WorkshopSummary, decimal: str = ",") -> list[dict[str, object]]:
    """The items to talk about, formatted: rank, item, title, discuss (how many flagged it), sd."""
    return [
        {
            "rank": int(row.rank),
            "item": row.item,
            "title": row.title,
            "discuss": 0 if pd.isna(row.n_discuss) else int(row.n_discuss),
            "sd": formatting.format_number(row.sd, decimal) or "–",
        }
        for row in summary.agenda.itertuples()
    ]


def agenda_lines(summary: WorkshopSummary, lang: str, decimal: str = ",") -> list[str]:
    return [i18n.t("presenter.agenda_line", lang, **values) for values in agenda_rows(summary, decimal)]


def pair_lines(summary: WorkshopSummary, lang: str, decimal: str = ",") -> list[str]:
    return [
        i18n.t(
            "presenter.pair_line", lang, blockade=row.blockade, blockade_title=row.blockade_title,
            blockade_median=formatting.format_number(row.blockade_median, decimal) or "–",
            principle=row.principle, principle_title=row.principle_title,
            principle_median=formatting.format_number(row.principle_median, decimal) or "–",
        )
        for row in summary.pairs.itertuples()
        if not pd.isna(row.principle)
    ]



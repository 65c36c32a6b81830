"""Privacy by design (AVG): access to a team's data, erasure of a team, and a retention period.

- export_team: everything stored about one team, for an access request (inzageverzoek).
- erase_team: one team, completely, through ON DELETE CASCADE, checked by counting.
- apply_retention: raw answers of rounds older than N quarters are deleted; their
  aggregates (from aggregation.summarize, the one aggregation) are kept.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, delete, func, select
from sqlmodel import Session, SQLModel

from kringwijs_survey.core.i18n import t
from kringwijs_survey.core.periods import current_period, shift_period
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.stats.aggregation import STAT_COLUMNS, Scope, summarize
from kringwijs_survey.store.database import read_session, run_write
from kringwijs_survey.store.models import Action, Answer, Invitation, Note, Response, RetainedAggregate, Round, Team

# Hashes of the team's key and of a workshop's beamer code are credentials, not information.
SECRET_COLUMNS = {"key_hash", "presenter_key_hash"}
FLOAT_COLUMNS = {"mean", "median", "sd"}


def _find_team(session: Session, name: str) -> Team:
    team = session.execute(select(Team).where(Team.name == name.strip())).scalars().first()
    if team is None:
        raise InvalidInput("error.no_team_named", name=name)
    return team


# --- access request ------------------------------------------------------------------------


def _plain(row: SQLModel, exclude: set[str] = frozenset()) -> dict:
    return row.model_dump(mode="json", exclude=exclude)


def _responses_of(session: Session, round_id: int) -> dict[str, dict]:
    """Answers keyed by the random respondent key: the team sees no names, and neither does the export."""
    responses = session.execute(select(Response).where(Response.round_id == round_id).order_by(Response.respondent))
    result = {}
    for response in responses.scalars():
        answers = session.execute(select(Answer).where(Answer.response_id == response.id).order_by(Answer.item_id))
        result[response.respondent] = {
            "submitted": response.submitted,
            "answers": [_plain(answer, {"id", "response_id"}) for answer in answers.scalars()],
        }
    return result


def _rows_of_round(session: Session, model, round_id: int) -> list[dict]:
    rows = session.execute(select(model).where(model.round_id == round_id).order_by(model.item_id))
    return [_plain(row, {"round_id"}) for row in rows.scalars()]


def _invitations_of(session: Session, round_id: int) -> dict[str, int]:
    """How many invitations and how many were used: their codes' digests are credentials."""
    used = session.execute(select(Invitation.used).where(Invitation.round_id == round_id)).scalars().all()
    return {"invited": len(used), "used": sum(1 for flag in used if flag)}


def _round_export(session: Session, found: Round) -> dict:
    return {
        **_plain(found, {"team_id", *SECRET_COLUMNS}),
        "invitations": _invitations_of(session, found.id),
        "responses": _responses_of(session, found.id),
        "notes": _rows_of_round(session, Note, found.id),
        "retained_aggregates": _rows_of_round(session, RetainedAggregate, found.id),
    }


def export_team(engine: Engine, team_name: str) -> dict:
    """Everything stored about one team, and nothing about any other team."""
    with read_session(engine) as session:
        team = _find_team(session, team_name)
        rounds = session.execute(select(Round).where(Round.team_id == team.id).order_by(Round.period, Round.id))
        actions = session.execute(select(Action).where(Action.team_id == team.id).order_by(Action.id))
        return {
            "about": t("privacy.export_about"),
            "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "team": {**_plain(team, SECRET_COLUMNS), "has_team_key": team.key_hash is not None},
            "rounds": [_round_export(session, found) for found in rounds.scalars()],
            "actions": [_plain(action, {"team_id"}) for action in actions.scalars()],
        }


def team_export_json(engine: Engine, team_name: str) -> str:
    return json.dumps(export_team(engine, team_name), ensure_ascii=False, indent=2) + "\n"


def write_team_export(engine: Engine, team_name: str, path: Path) -> dict:
    text = team_export_json(engine, team_name)
    Path(path).write_text(text, encoding="utf-8")
    return json.loads(text)


# --- erasure -------------------------------------------------------------------------------


def _count(session: Session, query) -> int:
    return session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def _raw_counts(session: Session, round_ids: list[int]) -> dict[str, int]:
    in_rounds = Response.round_id.in_(round_ids)
    return {
        "responses": _count(session, select(Response.id).where(in_rounds)),
        "answers": _count(session, select(Answer.id).join(Response, Answer.response_id == Response.id).where(in_rounds)),
    }


def _team_row_counts(session: Session, team_id: int, round_ids: list[int]) -> dict[str, int]:
    return {
        "teams": _count(session, select(Team.id).where(Team.id == team_id)),
        "rounds": _count(session, select(Round.id).where(Round.id.in_(round_ids))),
        **_raw_counts(session, round_ids),
        "notes": _count(session, select(Note.id).where(Note.round_id.in_(round_ids))),
        "actions": _count(session, select(Action.id).where((Action.team_id == team_id) | Action.round_id.in_(round_ids))),
        "retained_aggregates": _count(session, select(RetainedAggregate.id).where(RetainedAggregate.round_id.in_(round_ids))),
    }


def _round_ids(session: Session, team_id: int) -> list[int]:
    return list(session.execute(select(Round.id).where(Round.team_id == team_id)).scalars())


def count_team_rows(engine: Engine, team_name: str) -> dict[str, int]:
    """How much is stored about one team (shown before erasing it)."""
    with read_session(engine) as session:
        team = _find_team(session, team_name)
        return _team_row_counts(session, team.id, _round_ids(session, team.id))


def erase_team(engine: Engine, team_name: str) -> dict[str, int]:
    """Delete one team and every row that belongs to it; returns how many rows were erased.

    Deleting the team row cascades to rounds, responses, answers, notes, actions and
    retained aggregates. Counting again afterwards proves nothing is left; if something
    were left, the whole transaction is rolled back.
    """

    def work(session: Session) -> dict[str, int]:
        team = _find_team(session, team_name)
        round_ids = _round_ids(session, team.id)
        erased = _team_row_counts(session, team.id, round_ids)
        session.execute(delete(Team).where(Team.id == team.id))
        left = _team_row_counts(session, team.id, round_ids)
        if any(left.values()):
            raise RuntimeError(f"erasing team {team.id} left rows behind: {left}")
        return erased

    return run_write(engine, work)


# --- retention -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionResult:
    cutoff: str  # rounds of earlier quarters lost their raw answers
    rounds: int
    responses: int
    answers: int
    aggregates: int


def retention_cutoff(quarters: int, today: dt.date | None = None) -> str:
    """The oldest quarter whose raw answers are kept: N quarters before the current quarter."""
    if quarters < 1:
        raise InvalidInput("error.retention_minimum")
    return shift_period(current_period(today), -quarters)


def _keep_writers_out(session: Session) -> None:
    """Nobody may change answers between summarizing and deleting them. SQLite's BEGIN IMMEDIATE
    already holds the only write lock; PostgreSQL gets a table lock that still allows reading."""
    connection = session.connection()  # begins the transaction (BEGIN IMMEDIATE on SQLite)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE response, answer IN SHARE ROW EXCLUSIVE MODE")


def _expired_rounds(session: Session, cutoff: str) -> dict[int, str]:
    """Rounds before the cutoff that still hold raw responses, with their audience."""
    query = (
        select(Round.id, Round.audience)
        .where(Round.period < cutoff, Round.id.in_(select(Response.round_id)))
        .order_by(Round.id)
    )
    return dict(session.execute(query).all())


def _as_number(column: str, value):
    if pd.isna(value):
        return None
    return float(value) if column in FLOAT_COLUMNS else int(value)


def _aggregates(engine: Engine, rounds: dict[int, str], min_group: int) -> list[RetainedAggregate]:
    """The rows of aggregation.summarize for these rounds, as RetainedAggregate rows."""
    kept = []
    for audience in sorted(set(rounds.values())):
        ids = [round_id for round_id, its_audience in rounds.items() if its_audience == audience]
        frame = summarize(engine, Scope.of(round_ids=ids, audience=audience), min_group=min_group)
        for row in frame.to_dict("records"):
            numbers = {column: _as_number(column, row[column]) for column in STAT_COLUMNS}
            identity = {"round_id": int(row["round_id"]), "item_id": row["item"], "respondents": int(row["respondents"])}
            kept.append(RetainedAggregate(**identity, **numbers))
    return kept


def _store(session: Session, aggregates: list[RetainedAggregate]) -> None:
    """A round summarized again (answers added after an earlier run) gets its new numbers."""
    summarized = {aggregate.round_id for aggregate in aggregates}
    session.execute(delete(RetainedAggregate).where(RetainedAggregate.round_id.in_(summarized)))
    session.add_all(aggregates)
    session.flush()


def apply_retention(engine: Engine, quarters: int, *, min_group: int, today: dt.date | None = None) -> RetentionResult:
    """Delete raw answers and responses of rounds older than `quarters` quarters, after storing
    their aggregates (with the team's min_group, so a small group's numbers stay hidden)."""
    cutoff = retention_cutoff(quarters, today)

    def work(session: Session) -> RetentionResult:
        _keep_writers_out(session)
        rounds = _expired_rounds(session, cutoff)
        if not rounds:
            return RetentionResult(cutoff, 0, 0, 0, 0)
        counts = _raw_counts(session, list(rounds))
        aggregates = _aggregates(engine, rounds, min_group)
        _store(session, aggregates)
        session.execute(delete(Response).where(Response.round_id.in_(list(rounds))))  # answers cascade
        return RetentionResult(cutoff, len(rounds), counts["responses"], counts["answers"], len(aggregates))

    return run_write(engine, work)

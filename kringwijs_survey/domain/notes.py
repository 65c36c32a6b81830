"""What a team writes down about a round: notes per item, actions and their review, and the
comments people gave (only in groups big enough to hide who wrote them)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlmodel import Session

from kringwijs_survey.core.validation import (
    InvalidInput,
    clean_comment,
    clean_name,
    clean_text,
)
from kringwijs_survey.core.vocabulary import (
    ACTION_SCOPES,
    ACTION_STATUSES,
)
from kringwijs_survey.domain.rounds import _ensure_changes, count_responses
from kringwijs_survey.rules import policy
from kringwijs_survey.rules.access import Permission, Principal, Resource, ensure_permission
from kringwijs_survey.rules.own_frameworks import of_round
from kringwijs_survey.store.database import read_session, run_write
from kringwijs_survey.store.models import Action, Answer, Note, Response, Round


def round_comments(engine: Engine, round_id: int, min_group: int) -> dict[str, list[str]]:
    """Comments per item for the team itself: only from a group large enough, shuffled, and
    never with a time or next to the scores of the person who wrote them."""
    if not policy.comments_shown(count_responses(engine, round_id), min_group):
        return {}
    query = (
        select(Answer.item_id, Answer.comment)
        .join(Response, Answer.response_id == Response.id)
        .where(Response.round_id == round_id, Response.submitted.is_(True), Answer.comment.is_not(None))
    )
    with read_session(engine) as session:
        rows = session.execute(query).all()
    by_item: dict[str, list[str]] = {}
    for item_id, comment in rows:
        by_item.setdefault(item_id, []).append(comment)
    for comments in by_item.values():
        secrets.SystemRandom().shuffle(comments)
    return by_item


def save_note(engine: Engine, round_id: int, item_id: str, text: str, *, actor: Principal) -> None:
    cleaned = clean_comment(text)

    def work(session: Session) -> None:
        _ensure_changes(actor, session.get(Round, round_id))
        existing = session.execute(select(Note).where(Note.round_id == round_id, Note.item_id == item_id)).scalars().first()
        if cleaned is None:
            if existing:
                session.delete(existing)
            return
        if existing:
            existing.text = cleaned
        else:
            session.add(Note(round_id=round_id, item_id=item_id, text=cleaned))

    run_write(engine, work)


def round_notes(engine: Engine, round_id: int) -> dict[str, str]:
    with read_session(engine) as session:
        rows = session.execute(select(Note.item_id, Note.text).where(Note.round_id == round_id)).all()
    return dict(rows)


@dataclass(frozen=True)
class ActionInput:
    what: str
    item_id: str | None = None
    owner: str | None = None
    due: dt.date | None = None
    scope: str = "team"


def add_action(engine: Engine, round_id: int, action: ActionInput, *, actor: Principal) -> Action:
    what = clean_text(action.what, max_length=500)
    if not what:
        raise InvalidInput("error.action_what")
    if action.scope not in ACTION_SCOPES:
        raise InvalidInput("error.action_scope")
    owner = clean_name(action.owner, "owner") if action.owner and action.owner.strip() else None

    def work(session: Session) -> Action:
        found = _ensure_changes(actor, session.get(Round, round_id))
        if action.item_id is not None and action.item_id not in of_round(engine, found).item_ids:
            raise InvalidInput("error.item_not_in_round")
        new = Action(
            team_id=found.team_id, round_id=round_id, item_id=action.item_id, what=what, owner=owner,
            due=action.due, scope=action.scope, status="open",
        )
        session.add(new)
        session.flush()
        return new

    return run_write(engine, work)


def open_actions(engine: Engine, team_id: int) -> list[Action]:
    """Actions that still need attention: they come back every round until closed."""
    with read_session(engine) as session:
        query = (
            select(Action)
            .where(Action.team_id == team_id, Action.status.in_(("open", "ongoing")))
            .order_by(Action.due.is_(None), Action.due, Action.id)
        )
        return list(session.execute(query).scalars())


def round_actions(engine: Engine, round_id: int) -> list[Action]:
    with read_session(engine) as session:
        return list(session.execute(select(Action).where(Action.round_id == round_id).order_by(Action.id)).scalars())


def review_action(
    engine: Engine, action_id: int, status: str, in_round_id: int | None = None, *, actor: Principal
) -> None:
    if status not in ACTION_STATUSES:
        raise InvalidInput("error.action_status")

    def work(session: Session) -> None:
        found = session.get(Action, action_id)
        ensure_permission(actor, Permission.CHANGE_TEAM, Resource(found.team_id if found else None))
        if found is None:
            raise InvalidInput("error.no_action")
        found.status = status
        found.closed_in_round_id = in_round_id if status in ("done", "dropped") else None

    run_write(engine, work)

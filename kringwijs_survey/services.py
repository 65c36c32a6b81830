"""Use cases: what people do with the app. Pages and the CLI call these, never SQL."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, bindparam, case, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from . import access, policy
from .access import Permission, Principal, Resource, ensure_permission
from .aggregation import Scope, pool_by_principle, summarize
from .content import DEFAULT_FRAMEWORK, builtin_frameworks, get_frameworks
from .database import read_session, run_write
from .models import (
    ACTION_SCOPES,
    ACTION_STATUSES,
    AUDIENCE_RESIDENTS,
    AUDIENCE_TEAM,
    RESPONSE_SOURCES,
    ROUND_CLOSED,
    ROUND_OPEN,
    SOURCE_INVITED,
    SOURCE_OPEN,
    Action,
    Answer,
    Invitation,
    Note,
    Response,
    Round,
    Team,
)
from .own_frameworks import framework_version as stored_version
from .own_frameworks import of_round
from .validation import InvalidInput, Refused, check_period, check_score, clean_comment, clean_name, clean_text


@dataclass(frozen=True)
class AnswerInput:
    item_id: str
    score: int | None
    comment: str | None = None
    discuss: bool = False
    target: int | None = None


def current_period(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def is_empty(engine: Engine) -> bool:
    with read_session(engine) as session:
        return session.execute(select(func.count()).select_from(Team)).one()[0] == 0


def list_teams(engine: Engine) -> list[Team]:
    with read_session(engine) as session:
        return list(session.execute(select(Team).order_by(Team.name)).scalars())


def find_team(engine: Engine, name: str) -> Team | None:
    with read_session(engine) as session:
        return session.execute(select(Team).where(Team.name == name)).scalars().first()


def create_team(
    engine: Engine, name: str, area: str | None = None, *, is_group: bool = False, origin: str | None = None
) -> Team:
    """A new team. origin "self" (the "Nieuw team" page) makes a team that stays out of every
    organisation view until an admin approves it."""
    name = clean_name(name, "team_name")
    origin = origin or ("group" if is_group else "admin")
    area = clean_name(area, "area") if area and area.strip() else None

    def work(session: Session) -> Team:
        if session.execute(select(Team.id).where(Team.name == name)).first():
            raise InvalidInput("error.team_exists", name=name)
        team = Team(name=name, area=area, is_group=is_group, origin=origin, approved=origin != "self")
        session.add(team)
        session.flush()
        return team

    return run_write(engine, work)


def set_residents_informal(engine: Engine, team_id: int, informal: bool, *, actor: Principal) -> None:
    """Whether the residents' page says "jij" (True) or "u" (False) to this team's residents.
    Only the team itself decides how its residents are addressed."""
    ensure_permission(actor, Permission.CHANGE_TEAM, Resource(team_id))

    def work(session: Session) -> None:
        team = session.get(Team, team_id)
        if team is None:
            raise InvalidInput("error.no_team")
        team.residents_informal = bool(informal)

    run_write(engine, work)


def approve_team(engine: Engine, team_id: int) -> None:
    """An admin vouches for a self-made team: from now on it may appear in organisation views."""

    def work(session: Session) -> None:
        if session.execute(update(Team).where(Team.id == team_id).values(approved=True)).rowcount != 1:
            raise InvalidInput("error.no_team")

    run_write(engine, work)


def organisation_teams(engine: Engine) -> list[Team]:
    """Standing teams an organisation view may show: no workshop groups, no unapproved teams."""
    return [team for team in list_teams(engine) if not team.is_group and team.approved]


def issue_team_key(engine: Engine, team_id: int) -> str:
    """A new secret key for the team's link; any older link stops working. Shown once, stored hashed."""
    key = access.new_team_key()

    def work(session: Session) -> None:
        if session.execute(update(Team).where(Team.id == team_id).values(key_hash=access.key_digest(key))).rowcount != 1:
            raise InvalidInput("error.no_team")

    run_write(engine, work)
    return key


def team_by_key(engine: Engine, key: str | None) -> Team | None:
    if not key:
        return None
    with read_session(engine) as session:
        return session.execute(select(Team).where(Team.key_hash == access.key_digest(key))).scalars().first()


def get_team(engine: Engine, team_id: int) -> Team | None:
    with read_session(engine) as session:
        return session.get(Team, team_id)


def round_by_join_code(engine: Engine, code: str | None) -> Round | None:
    code = access.normalise_join_code(code or "")
    if len(code) != access.JOIN_CODE_LENGTH:
        return None
    with read_session(engine) as session:
        return session.execute(select(Round).where(Round.join_code == code)).scalars().first()


def _unused_join_code(session: Session) -> str:
    while True:
        code = access.new_join_code()
        if session.execute(select(Round.id).where(Round.join_code == code)).first() is None:
            return code


def _check_framework(engine: Engine, framework: str):
    """The framework a new round of `framework` is answered with: the built-in file, or the
    newest published version of an organisation's own framework."""
    found = builtin_frameworks().get(framework) or get_frameworks(engine).get(framework)
    if found is None:
        raise InvalidInput("error.no_framework", framework=framework)
    return found


_LATEST = object()


def start_round(
    engine: Engine,
    team_id: int,
    period: str | None = None,
    framework: str = DEFAULT_FRAMEWORK,
    audience: str = AUDIENCE_TEAM,
    *,
    invitation_only: bool | None = None,
    version=_LATEST,
) -> Round:
    """Open a round for a quarter; starting the same quarter again returns the existing round.
    The round keeps the version of the framework it is answered with (for an organisation's own
    framework the newest published one, unless `version` names one).

    A team round takes answers only through personal invitations (create_invitations) unless
    invitation_only=False is asked for explicitly (workshop groups, whose trainer sees the room).
    Residents' rounds keep their open code."""
    if invitation_only is None:
        invitation_only = audience == AUDIENCE_TEAM
    period = check_period(period or current_period())
    chosen = _check_framework(engine, framework)
    version = chosen.version if version is _LATEST else version
    # An own framework's rounds are answered on its own scales; built-in rounds on the current ones.
    scales = {} if version is None else {"scales": stored_version(engine, framework, version).scales_version}

    def work(session: Session) -> Round:
        if session.get(Team, team_id) is None:
            raise InvalidInput("error.no_team")
        existing = session.execute(
            select(Round).where(
                Round.team_id == team_id, Round.period == period, Round.framework == framework, Round.audience == audience
            )
        ).scalars().first()
        if existing:
            return existing
        new_round = Round(
            team_id=team_id,
            period=period,
            framework=framework,
            status=ROUND_OPEN,
            audience=audience,
            join_code=_unused_join_code(session),
            invitation_only=invitation_only,
            framework_version=version,
            **scales,
        )
        session.add(new_round)
        session.flush()
        return new_round

    return run_write(engine, work)


def list_rounds(engine: Engine, team_id: int, audience: str | None = AUDIENCE_TEAM) -> list[Round]:
    """The team's rounds, newest first. Residents' rounds belong to a team round and are left
    out unless asked for (audience=AUDIENCE_RESIDENTS, or None for every round)."""
    with read_session(engine) as session:
        query = select(Round).where(Round.team_id == team_id).order_by(Round.period.desc(), Round.framework)
        if audience is not None:
            query = query.where(Round.audience == audience)
        return list(session.execute(query).scalars())


def get_round(engine: Engine, round_id: int) -> Round | None:
    with read_session(engine) as session:
        return session.get(Round, round_id)


def _ensure_changes(actor: Principal, found: Round | None) -> Round:
    """The round exists and `actor` may change its team's data (else NotAllowed, which says
    nothing about whether the round exists)."""
    if found is None:
        ensure_permission(actor, Permission.CHANGE_TEAM, Resource(None))
        raise InvalidInput("error.no_round")
    ensure_permission(actor, Permission.CHANGE_TEAM, Resource(found.team_id, found.id))
    return found


def set_round_status(engine: Engine, round_id: int, status: str, *, actor: Principal) -> Round:
    """Close or reopen a round. A round that closed with enough answers to show results cannot
    reopen: one more answer followed by a second close would reveal that person's scores."""
    if status not in (ROUND_OPEN, ROUND_CLOSED):
        raise InvalidInput("error.unknown_status")

    def work(session: Session) -> Round:
        # Row lock (PostgreSQL): a submit that already read "open" finishes before the close.
        found = _ensure_changes(actor, session.get(Round, round_id, with_for_update=True))
        if status == ROUND_OPEN and found.status == ROUND_CLOSED:
            answered = session.execute(
                select(func.count()).select_from(Response).where(Response.round_id == round_id, Response.submitted.is_(True))
            ).scalar_one()
            if not policy.may_reopen(answered):
                raise InvalidInput("error.cannot_reopen")
        found.status = status
        session.add(found)
        return found

    return run_write(engine, work)


def close_round(engine: Engine, round_id: int, *, actor: Principal) -> Round:
    return set_round_status(engine, round_id, ROUND_CLOSED, actor=actor)


def count_responses(engine: Engine, round_id: int) -> int:
    """How many people submitted (never who)."""
    with read_session(engine) as session:
        query = select(func.count()).select_from(Response).where(Response.round_id == round_id, Response.submitted.is_(True))
        return session.execute(query).one()[0]


@dataclass(frozen=True)
class OwnResponse:
    submitted: bool
    answers: dict[str, AnswerInput]


def load_own_response(engine: Engine, round_id: int, respondent: str) -> OwnResponse | None:
    """A person's own answers (found only with their own random key), to resume or edit."""
    with read_session(engine) as session:
        response = session.execute(
            select(Response).where(Response.round_id == round_id, Response.respondent == respondent)
        ).scalars().first()
        if response is None:
            return None
        rows = session.execute(select(Answer).where(Answer.response_id == response.id)).scalars().all()
        answers = {a.item_id: AnswerInput(a.item_id, a.score, a.comment, a.discuss, a.target) for a in rows}
        return OwnResponse(submitted=response.submitted, answers=answers)


def _checked_answers(framework, answers: list[AnswerInput], audience: str = AUDIENCE_TEAM) -> list[AnswerInput]:
    known = set(framework.item_ids)
    if audience == AUDIENCE_RESIDENTS:  # a residents' round also takes the residents' statements
        known |= set(framework.resident_statement_ids)
    seen: set[str] = set()
    checked = []
    for answer in answers:
        if answer.item_id not in known:
            raise InvalidInput("error.item_not_in_framework", item=answer.item_id)
        if answer.item_id in seen:
            raise InvalidInput("error.item_twice", item=answer.item_id)
        seen.add(answer.item_id)
        target = check_score(answer.target)
        if target is not None and (answer.item_id not in framework.item_ids or framework.item(answer.item_id).kind != "principle"):
            raise InvalidInput("error.target_only_principle")
        checked.append(
            AnswerInput(answer.item_id, check_score(answer.score), clean_comment(answer.comment), bool(answer.discuss), target)
        )
    return checked


# The hot path of a full workshop hall, built once: plain Core statements on the tables, run on
# the session's connection (the ORM's per-statement work cost more CPU than the database did, and
# 100 phones at once share one Python process).
_ROUND, _RESPONSE, _ANSWER, _INVITATION = Round.__table__, Response.__table__, Answer.__table__, Invitation.__table__
# FOR SHARE: a close or a change of the live item (FOR UPDATE) waits for this answer; other
# people's answers to the same round go ahead at the same time (they used to queue on this row,
# issue 17). PostgreSQL lets new share locks past a waiting FOR UPDATE, so a close that comes in
# during a burst waits until no answer is under way: a moment, as each holds it a few ms.
_SUBMIT_ROUND = (
    select(_ROUND.c.status, _ROUND.c.framework, _ROUND.c.framework_version, _ROUND.c.audience, _ROUND.c.invitation_only)
    .where(_ROUND.c.id == bindparam("round_id"))
    .with_for_update(read=True)
)
# FOR UPDATE: a second send with the same key (double click, second tab) waits for the first.
_SUBMIT_EXISTING = (
    select(_RESPONSE.c.id, _RESPONSE.c.submitted)
    .where(_RESPONSE.c.round_id == bindparam("round_id"), _RESPONSE.c.respondent == bindparam("respondent"))
    .with_for_update()
)
_SUBMIT_NEW = insert(_RESPONSE).returning(_RESPONSE.c.id)
# PostgreSQL, one round trip each instead of two: the round (FOR SHARE) and then, only when the
# round exists, this person's response (FOR UPDATE), in that order (a materialised CTE with a
# row lock is read when the join first needs it); and a new invited response together with the
# use of its invitation and its answers (a unique-key conflict fails the whole statement, which is
# then retried as an update, as above; an invitation that was not there leaves `used` at 0 and
# the transaction is rolled back).
_SUBMIT_ROUND_AND_EXISTING = text(
    "WITH found AS (SELECT status, framework, framework_version, audience, invitation_only FROM round "
    "WHERE id = :round_id FOR SHARE), "
    "existing AS (SELECT id, submitted FROM response WHERE round_id = :round_id AND respondent = :respondent "
    "FOR UPDATE) "
    "SELECT found.*, existing.id AS existing_id, existing.submitted AS existing_submitted "
    "FROM found LEFT JOIN existing ON true"
)
_SUBMIT_NEW_INVITED = text(
    "WITH used AS (UPDATE invitation SET used = true WHERE round_id = :rnd AND code_hash = :digest "
    "AND used IS false RETURNING id), "
    "new AS (INSERT INTO response (round_id, respondent, submitted, source) VALUES (:rnd, :respondent, true, :source) "
    "RETURNING id), "
    "stored AS (INSERT INTO answer (response_id, item_id, score, comment, discuss, target) "
    "SELECT new.id, given.* FROM new, unnest(CAST(:item_id AS varchar[]), CAST(:score AS integer[]), "
    "CAST(:comment AS text[]), CAST(:discuss AS boolean[]), CAST(:target AS integer[])) AS given) "
    "SELECT new.id, (SELECT count(*) FROM used) AS used FROM new"
)
_SUBMIT_SENT = update(_RESPONSE).where(_RESPONSE.c.id == bindparam("rid")).values(submitted=True)
_SUBMIT_DROP_ANSWERS = delete(_ANSWER).where(_ANSWER.c.response_id == bindparam("rid"))
_SUBMIT_ANSWERS = insert(_ANSWER)
# PostgreSQL: a person's answers in one statement, one array per column, instead of one INSERT
# per answer (15 executions on the server and 15 messages from the client for every submission).
_SUBMIT_ANSWERS_ARRAYS = text(
    "INSERT INTO answer (response_id, item_id, score, comment, discuss, target) "
    "SELECT :response_id, * FROM unnest(CAST(:item_id AS varchar[]), CAST(:score AS integer[]), "
    "CAST(:comment AS text[]), CAST(:discuss AS boolean[]), CAST(:target AS integer[]))"
)
_INVITATION_UNUSED = (
    (_INVITATION.c.round_id == bindparam("rnd"))
    & (_INVITATION.c.code_hash == bindparam("digest"))
    & _INVITATION.c.used.is_(False)
)
_USE_INVITATION = update(_INVITATION).where(_INVITATION_UNUSED).values(used=True)
_FIND_INVITATION = select(_INVITATION.c.id).where(_INVITATION_UNUSED)


@dataclass(frozen=True)
class _Existing:
    id: int
    submitted: bool


def _round_and_existing(connection, round_id: int, respondent: str):
    """The open round (locked FOR SHARE) and this person's response in it (FOR UPDATE) or None."""
    if connection.dialect.name == "postgresql":
        found = connection.execute(_SUBMIT_ROUND_AND_EXISTING, {"round_id": round_id, "respondent": respondent}).first()
        existing = None if found is None or found.existing_id is None else _Existing(found.existing_id, found.existing_submitted)
    else:
        found = connection.execute(_SUBMIT_ROUND, {"round_id": round_id}).first()
        existing = connection.execute(_SUBMIT_EXISTING, {"round_id": round_id, "respondent": respondent}).first()
    if found is None:
        raise InvalidInput("error.no_round")
    if found.status != ROUND_OPEN:
        raise InvalidInput("error.round_closed")
    return found, existing


def _insert_invited(
    connection, round_id: int, respondent: str, invitation: str | None, kind: str, checked: list[AnswerInput]
) -> int:
    """PostgreSQL: a new sent response, the use of its invitation and its answers, in one statement."""
    params = {**_invitation_params(round_id, invitation), "respondent": respondent, "source": kind}
    new = connection.execute(_SUBMIT_NEW_INVITED, {**params, **_answer_columns(checked)}).one()
    if new.used != 1:
        raise Refused("invitation.needed")
    return new.id


def _answer_columns(checked: list[AnswerInput]) -> dict[str, list]:
    """The answers as one list per column (PostgreSQL arrays for unnest)."""
    return {
        "item_id": [a.item_id for a in checked],
        "score": [a.score for a in checked],
        "comment": [a.comment for a in checked],
        "discuss": [a.discuss for a in checked],
        "target": [a.target for a in checked],
    }


def _insert_answers(connection, response_id: int, checked: list[AnswerInput]) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(_SUBMIT_ANSWERS_ARRAYS, {"response_id": response_id, **_answer_columns(checked)})
        return
    connection.execute(
        _SUBMIT_ANSWERS,
        [
            {"response_id": response_id, "item_id": a.item_id, "score": a.score, "comment": a.comment,
             "discuss": a.discuss, "target": a.target}
            for a in checked
        ],
    )


def submit_response(
    engine: Engine,
    round_id: int,
    respondent: str,
    answers: list[AnswerInput],
    *,
    final: bool = True,
    invitation: str | None = None,
    source: str = SOURCE_OPEN,
) -> int:
    """Store one person's answers. The respondent key makes it idempotent: sending the same
    key again (double click, reload, second tab) replaces that person's answers, never adds a person.
    With final=False the answers are kept as a draft that does not count until submitted.

    In an invitation-only round a new response needs an unused invitation code; sending it the
    first time uses the invitation up, in the same transaction (paper and imported answers
    come from a trainer or an admin and need none)."""
    if not respondent or len(respondent) > 64:
        raise InvalidInput("error.bad_respondent")
    if source not in RESPONSE_SOURCES:
        raise InvalidInput("error.unknown_source")

    def work(session: Session) -> int:
        # Locks (PostgreSQL; SQLite has one writer at a time anyway): the round FOR SHARE, this
        # person's own response FOR UPDATE (see _SUBMIT_ROUND, _SUBMIT_EXISTING; on PostgreSQL both in
        # _SUBMIT_ROUND_AND_EXISTING).
        connection = session.connection()
        found, existing = _round_and_existing(connection, round_id, respondent)
        checked = _checked_answers(of_round(engine, found), answers, found.audience)
        needs_invitation = found.invitation_only and source in (SOURCE_OPEN, SOURCE_INVITED)
        kind = SOURCE_INVITED if needs_invitation else source
        if existing is None and needs_invitation and final and connection.dialect.name == "postgresql":
            return _insert_invited(connection, round_id, respondent, invitation, kind, checked)
        if existing is None:
            # Before the invitation: a simultaneous first send with the same key waits here on the
            # unique key and is then retried as an update, instead of finding its invitation used.
            response_id = connection.execute(
                _SUBMIT_NEW, {"round_id": round_id, "respondent": respondent, "submitted": final, "source": kind}
            ).scalar_one()
        else:
            response_id = existing.id
        if needs_invitation and not (existing and existing.submitted):
            _check_invitation(session, round_id, invitation, use=final)
        if existing is not None:
            if final:
                connection.execute(_SUBMIT_SENT, {"rid": response_id})
            connection.execute(_SUBMIT_DROP_ANSWERS, {"rid": response_id})
        if checked:
            _insert_answers(connection, response_id, checked)
        return response_id

    try:
        return run_write(engine, work)
    except IntegrityError:
        # A simultaneous first submit with the same key won the race; now it is an update.
        return run_write(engine, work)


# ---------------------------------------------------------------------------------------------
# invitations: respondents are invited by their team, never self-made
# ---------------------------------------------------------------------------------------------

MAX_INVITATIONS = 200


def _invitation_params(round_id: int, code: str | None) -> dict:
    return {"rnd": round_id, "digest": access.key_digest(access.normalise_join_code(code or ""))}


def _check_invitation(session: Session, round_id: int, code: str | None, *, use: bool) -> None:
    """Refuse unless `code` is an unused invitation of this round; with use=True, use it up.
    The UPDATE … WHERE used = false makes two phones with the same code race safely."""
    params = _invitation_params(round_id, code)
    if use:
        if session.connection().execute(_USE_INVITATION, params).rowcount != 1:
            raise Refused("invitation.needed")
    elif session.connection().execute(_FIND_INVITATION, params).first() is None:
        raise Refused("invitation.needed")


def create_invitations(engine: Engine, round_id: int, count: int, *, actor: Principal) -> list[str]:
    """`count` new personal single-use codes for an open invitation-only round. The codes are
    returned once, to hand out; only their digests are stored."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_INVITATIONS:
        raise Refused("invitation.count_range", maximum=MAX_INVITATIONS)
    codes = [access.new_invitation_code() for _ in range(count)]

    def work(session: Session) -> None:
        found = _ensure_changes(actor, session.get(Round, round_id, with_for_update=True))
        if not found.invitation_only:
            raise Refused("invitation.not_for_this_round")
        if found.status != ROUND_OPEN:
            raise InvalidInput("error.round_closed")
        session.execute(insert(Invitation), [{"round_id": round_id, "code_hash": access.key_digest(code)} for code in codes])

    run_write(engine, work)
    return codes


@dataclass(frozen=True)
class InvitationCount:
    invited: int
    used: int


def invitation_count(engine: Engine, round_id: int) -> InvitationCount:
    """How many invitations a round has and how many were used: shown to every member, so an
    invitation a colleague made for a made-up respondent is visible to the whole team."""
    used = func.coalesce(func.sum(case((Invitation.used.is_(True), 1), else_=0)), 0)
    with read_session(engine) as session:
        invited, used_count = session.execute(select(func.count(), used).where(Invitation.round_id == round_id)).one()
    return InvitationCount(int(invited), int(used_count))


def round_by_invitation(engine: Engine, code: str | None) -> Round | None:
    """The open round an unused invitation code belongs to; None for unknown, used or closed."""
    code = access.normalise_join_code(code or "")
    if len(code) != access.INVITATION_CODE_LENGTH:
        return None
    query = (
        select(Round)
        .join(Invitation, Invitation.round_id == Round.id)
        .where(Invitation.code_hash == access.key_digest(code), Invitation.used.is_(False), Round.status == ROUND_OPEN)
    )
    with read_session(engine) as session:
        return session.execute(query).scalars().first()


def response_sources(engine: Engine, round_id: int) -> dict[str, int]:
    """Sent responses per source (invited, open, paper, import): counts only."""
    query = (
        select(Response.source, func.count())
        .where(Response.round_id == round_id, Response.submitted.is_(True))
        .group_by(Response.source)
    )
    with read_session(engine) as session:
        return {source: int(count) for source, count in session.execute(query).all()}


@dataclass(frozen=True)
class Overview:
    teams: int
    rounds: int


def overview(engine: Engine) -> Overview:
    with read_session(engine) as session:
        teams = session.execute(select(func.count()).select_from(Team)).one()[0]
        rounds = session.execute(select(func.count()).select_from(Round)).one()[0]
    return Overview(teams=teams, rounds=rounds)


def shift_period(period: str, quarters: int) -> str:
    index = int(period[:4]) * 4 + int(period[-1]) - 1 + quarters
    return f"{index // 4}-Q{index % 4 + 1}"


def nearby_periods(today: dt.date | None = None, back: int = 4, ahead: int = 1) -> list[str]:
    """Quarters to choose from when starting a round: a year back, the current one and the next."""
    now = current_period(today)
    return [shift_period(now, offset) for offset in range(-back, ahead + 1)]


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


def team_summary(engine: Engine, team: Team, framework: str, min_group: int):
    """The team's own aggregation over every released round of one questionnaire."""
    scope = Scope.of(teams=team.name, frameworks=framework, **policy.rounds_in_view(policy.View.TEAM))
    return summarize(engine, scope, min_group=min_group)


def results_released(quarter: Round) -> bool:
    """While a round is open only the count is shown; results appear once it is closed."""
    return policy.released(quarter.status)


def newest_round_with_results(rounds: list[Round]) -> Round:
    """Of rounds listed newest first, the newest whose results are out (else the newest)."""
    return next((quarter for quarter in rounds if results_released(quarter)), rounds[0])


# ---------------------------------------------------------------------------------------------
# residents: their own short questionnaire next to a team round, and both views side by side
# ---------------------------------------------------------------------------------------------

PERSPECTIVE_COLUMNS = ["item", "title", "team_median", "residents_median", "difference", "residents_n"]


def residents_round_of(engine: Engine, team_round: Round) -> Round | None:
    """The residents' round next to a team round (same team, quarter and questionnaire), if any."""
    with read_session(engine) as session:
        return session.execute(
            select(Round).where(
                Round.team_id == team_round.team_id,
                Round.period == team_round.period,
                Round.framework == team_round.framework,
                Round.audience == AUDIENCE_RESIDENTS,
            )
        ).scalars().first()


def open_residents_round(engine: Engine, team_round_id: int, *, actor: Principal) -> Round:
    """Ask residents too: a residents' round with its own join code next to a team round.
    Asking again returns the same round."""
    found = _ensure_changes(actor, get_round(engine, team_round_id))
    if found.audience != AUDIENCE_TEAM:
        raise InvalidInput("error.no_round")
    if not of_round(engine, found).resident_statements:
        raise InvalidInput("error.no_resident_statements")
    return start_round(
        engine, found.team_id, found.period, found.framework, audience=AUDIENCE_RESIDENTS, version=found.framework_version
    )


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

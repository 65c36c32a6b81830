"""Answers: a participant's own draft and sending it, checked against the round, its scales and
its invitation, in one short transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from kringwijs_survey.core.validation import (
    InvalidInput,
    Refused,
    check_score,
    clean_comment,
)
from kringwijs_survey.core.vocabulary import (
    AUDIENCE_RESIDENTS,
    AUDIENCE_TEAM,
    RESPONSE_SOURCES,
    ROUND_OPEN,
    SOURCE_INVITED,
    SOURCE_OPEN,
)
from kringwijs_survey.rules import access
from kringwijs_survey.rules.own_frameworks import of_round
from kringwijs_survey.store.database import read_session, run_statement, run_write
from kringwijs_survey.store.models import Answer, Invitation, Response, Round


@dataclass(frozen=True)
class AnswerInput:
    item_id: str
    score: int | None
    comment: str | None = None
    discuss: bool = False
    target: int | None = None


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
_ROUND = Round.__table__

_RESPONSE = Response.__table__

_ANSWER = Answer.__table__

_INVITATION = Invitation.__table__

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
# PostgreSQL: a whole send in one statement, run on its own (autocommit): one round trip instead
# of seven (BEGIN, the round and the response, the invitation, mark as sent, drop and store the
# answers, COMMIT). With 100 phones sending at once in one process, every round trip is also a
# wait for the GIL, so the count of round trips is what the p95 follows (issue 17).
# - `found` locks the round FOR SHARE (see _SUBMIT_ROUND) and checks that it is still the round
#   whose framework and audience the answers were checked against (the caller's cached facts);
#   `existing` locks this person's response FOR UPDATE (see _SUBMIT_EXISTING).
# - Nothing is written unless the round is open and, where an invitation is needed, it is unused
#   (a draft) or is used up by this very statement (the send): `allowed` is then empty, and the
#   caller reads from the result why.
# - The answers are replaced in place: answers no longer given are deleted, the others inserted or
#   updated (the two touch different rows).
# - A first send that meets a simultaneous one with the same key fails the whole statement on the
#   response's unique key; the caller sends again, and it is then an update.
_SEND_POSTGRES = text(
    "WITH found AS (SELECT status, invitation_only FROM round WHERE id = :rnd AND framework = :framework "
    "AND framework_version IS NOT DISTINCT FROM CAST(:version AS integer) AND audience = :audience FOR SHARE), "
    "existing AS (SELECT id, submitted FROM response WHERE round_id = :rnd AND respondent = :respondent FOR UPDATE), "
    "facts AS (SELECT found.status = :open_status AS open, existing.id AS existing_id, "
    "found.invitation_only AND CAST(:invitation_source AS boolean) AS invitation_round, "
    "found.invitation_only AND CAST(:invitation_source AS boolean) AND existing.submitted IS NOT TRUE AS needs_invitation "
    "FROM found LEFT JOIN existing ON true), "
    "used AS (UPDATE invitation SET used = true WHERE round_id = :rnd AND code_hash = :digest AND used IS false "
    "AND CAST(:final AS boolean) AND (SELECT open AND needs_invitation FROM facts) RETURNING id), "
    "allowed AS (SELECT existing_id, invitation_round FROM facts WHERE open AND (NOT needs_invitation OR CASE "
    "WHEN CAST(:final AS boolean) THEN EXISTS (SELECT 1 FROM used) "
    "ELSE EXISTS (SELECT 1 FROM invitation WHERE round_id = :rnd AND code_hash = :digest AND used IS false) END)), "
    "new AS (INSERT INTO response (round_id, respondent, submitted, source) "
    "SELECT :rnd, :respondent, CAST(:final AS boolean), CASE WHEN invitation_round THEN :invited_source ELSE :source END "
    "FROM allowed WHERE existing_id IS NULL RETURNING id), "
    "target AS (SELECT id FROM new UNION ALL SELECT existing_id FROM allowed WHERE existing_id IS NOT NULL), "
    "sent AS (UPDATE response SET submitted = true WHERE id = (SELECT existing_id FROM allowed) "
    "AND CAST(:final AS boolean) AND submitted IS false RETURNING id), "
    "dropped AS (DELETE FROM answer WHERE response_id = (SELECT existing_id FROM allowed) "
    "AND item_id <> ALL(CAST(:item_id AS varchar[])) RETURNING id), "
    "stored AS (INSERT INTO answer (response_id, item_id, score, comment, discuss, target) "
    "SELECT target.id, given.* FROM target, unnest(CAST(:item_id AS varchar[]), CAST(:score AS integer[]), "
    "CAST(:comment AS text[]), CAST(:discuss AS boolean[]), CAST(:target AS integer[])) AS given "
    "ON CONFLICT (response_id, item_id) DO UPDATE SET score = excluded.score, comment = excluded.comment, "
    "discuss = excluded.discuss, target = excluded.target RETURNING id) "
    "SELECT (SELECT count(*) FROM found) AS found, (SELECT open FROM facts) AS open, "
    "(SELECT existing_id FROM facts) AS existing_id, (SELECT id FROM target) AS id"
)
# What a send checks its answers against: set when the round is made and never changed.
_ROUND_FACTS = select(
    _ROUND.c.framework, _ROUND.c.framework_version, _ROUND.c.audience, _ROUND.c.invitation_only
).where(_ROUND.c.id == bindparam("round_id"))

_SUBMIT_SENT = update(_RESPONSE).where(_RESPONSE.c.id == bindparam("rid")).values(submitted=True)

_SUBMIT_DROP_ANSWERS = delete(_ANSWER).where(_ANSWER.c.response_id == bindparam("rid"))

_SUBMIT_ANSWERS = insert(_ANSWER)

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
    found = connection.execute(_SUBMIT_ROUND, {"round_id": round_id}).first()
    existing = connection.execute(_SUBMIT_EXISTING, {"round_id": round_id, "respondent": respondent}).first()
    if found is None:
        raise InvalidInput("error.no_round")
    if found.status != ROUND_OPEN:
        raise InvalidInput("error.round_closed")
    return found, existing


_round_facts_seen: dict[tuple[str, int], object] = {}


def _round_facts(engine: Engine, round_id: int, *, fresh: bool = False):
    """The round's framework, version, audience and invitation rule (None: no such round), kept
    per process once the round exists: they are set when the round is made, and the send's
    statement checks them again (a round restored under the same id is read anew)."""
    key = (str(engine.url), round_id)
    facts = None if fresh else _round_facts_seen.get(key)
    if facts is None:
        with engine.connect() as connection:
            facts = connection.execute(_ROUND_FACTS, {"round_id": round_id}).first()
        if facts is not None:  # a round not made yet is looked up again: ids are handed out later
            if len(_round_facts_seen) > 10_000:
                _round_facts_seen.clear()
            _round_facts_seen[key] = facts
    return facts


def _send_postgres(
    engine: Engine, round_id: int, respondent: str, answers: list[AnswerInput], *, final: bool, invitation: str | None,
    source: str,
) -> int:
    """PostgreSQL: a send as one statement (_SEND_POSTGRES); the response's id. It writes all or
    nothing, so it can simply be sent again: after a write race on the same key, with the round's
    facts read anew, or when the invitation was refused before this person's response existed (a
    simultaneous first send with the same key may have made it meanwhile)."""
    fresh = False
    for attempt in range(3):
        facts = _round_facts(engine, round_id, fresh=fresh)
        if facts is None:
            raise InvalidInput("error.no_round")
        try:
            checked = _checked_answers(of_round(engine, facts), answers, facts.audience)
        except InvalidInput:
            if fresh:
                raise
            fresh = True  # perhaps checked against a round since restored under this id: once more
            continue
        params = {
            **_invitation_params(round_id, invitation), **_answer_columns(checked), "respondent": respondent,
            "framework": facts.framework, "version": facts.framework_version, "audience": facts.audience,
            "open_status": ROUND_OPEN, "final": final, "source": source, "invited_source": SOURCE_INVITED,
            "invitation_source": source in (SOURCE_OPEN, SOURCE_INVITED),
        }
        try:
            sent = run_statement(engine, _SEND_POSTGRES, params)
        except IntegrityError:
            continue  # a simultaneous first send with the same key made the response: now an update
        if not sent.found:
            fresh = True  # another round by now under this id (a restore): check against it
            continue
        if not sent.open:
            raise InvalidInput("error.round_closed")
        if sent.id is not None:
            return sent.id
        if sent.existing_id is not None or attempt:
            raise Refused("invitation.needed")
    raise Refused("invitation.needed")


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

    if engine.dialect.name == "postgresql":
        return _send_postgres(engine, round_id, respondent, answers, final=final, invitation=invitation, source=source)

    def work(session: Session) -> int:
        # SQLite has one writer at a time; the statements still take the locks PostgreSQL would
        # (see _SUBMIT_ROUND, _SUBMIT_EXISTING).
        connection = session.connection()
        found, existing = _round_and_existing(connection, round_id, respondent)
        checked = _checked_answers(of_round(engine, found), answers, found.audience)
        needs_invitation = found.invitation_only and source in (SOURCE_OPEN, SOURCE_INVITED)
        kind = SOURCE_INVITED if needs_invitation else source
        invitation_needed = needs_invitation and not (existing and existing.submitted)
        if existing is None:
            # Before the invitation: a simultaneous first send with the same key waits here on the
            # unique key and is then retried as an update, instead of finding its invitation used.
            response_id = connection.execute(
                _SUBMIT_NEW, {"round_id": round_id, "respondent": respondent, "submitted": final, "source": kind}
            ).scalar_one()
        else:
            response_id = existing.id
        if invitation_needed:
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

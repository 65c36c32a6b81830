"""Rounds: a team's quarterly questionnaire (or a residents' one) from start to close, its join
code and personal invitations, and when its results may be seen."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, case, func, insert, select
from sqlmodel import Session

from kringwijs_survey.core.periods import current_period
from kringwijs_survey.core.validation import (
    InvalidInput,
    Refused,
    check_period,
)
from kringwijs_survey.core.vocabulary import (
    AUDIENCE_RESIDENTS,
    AUDIENCE_TEAM,
    ROUND_CLOSED,
    ROUND_OPEN,
)
from kringwijs_survey.rules import access, policy
from kringwijs_survey.rules.access import Permission, Principal, Resource, ensure_permission
from kringwijs_survey.rules.content import DEFAULT_FRAMEWORK, builtin_frameworks, get_frameworks
from kringwijs_survey.rules.own_frameworks import framework_version as stored_version
from kringwijs_survey.rules.own_frameworks import of_round
from kringwijs_survey.stats.aggregation import Scope, summarize
from kringwijs_survey.store.database import read_session, run_write
from kringwijs_survey.store.models import Invitation, Response, Round, Team


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


MAX_INVITATIONS = 200


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


def team_summary(engine: Engine, team: Team, framework: str, min_group: int):
    """The team's own aggregation over every released round of one questionnaire."""
    scope = Scope.of(teams=team.name, frameworks=framework, **policy.rounds_in_view(policy.View.TEAM))
    return summarize(engine, scope, min_group=min_group)


def results_released(survey_round: Round) -> bool:
    """While a round is open only the count is shown; results appear once it is closed."""
    return policy.released(survey_round.status)


def newest_round_with_results(rounds: list[Round]) -> Round:
    """Of rounds listed newest first, the newest whose results are out (else the newest)."""
    return next((survey_round for survey_round in rounds if results_released(survey_round)), rounds[0])


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

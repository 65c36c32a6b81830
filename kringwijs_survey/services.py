"""Use cases: what people do with the app. Pages and the CLI call these, never SQL."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from . import access
from .aggregation import Scope, summarize
from .content import DEFAULT_FRAMEWORK, get_frameworks
from .database import read_session, run_write
from .models import (
    ACTION_SCOPES,
    ACTION_STATUSES,
    AUDIENCE_TEAM,
    ROUND_CLOSED,
    ROUND_OPEN,
    Action,
    Answer,
    Note,
    Response,
    Round,
    Team,
)
from .settings import PRIVACY_FLOOR
from .validation import InvalidInput, check_period, check_score, clean_comment, clean_name, clean_text


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


def create_team(engine: Engine, name: str, area: str | None = None, *, is_group: bool = False) -> Team:
    name = clean_name(name, "De teamnaam")
    area = clean_name(area, "Het gebied") if area and area.strip() else None

    def work(session: Session) -> Team:
        if session.execute(select(Team.id).where(Team.name == name)).first():
            raise InvalidInput(f"Er is al een team met de naam '{name}'. Kies een andere naam.")
        team = Team(name=name, area=area, is_group=is_group)
        session.add(team)
        session.flush()
        return team

    return run_write(engine, work)


def issue_team_key(engine: Engine, team_id: int) -> str:
    """A new secret key for the team's link; any older link stops working. Shown once, stored hashed."""
    key = access.new_team_key()

    def work(session: Session) -> None:
        if session.execute(update(Team).where(Team.id == team_id).values(key_hash=access.key_digest(key))).rowcount != 1:
            raise InvalidInput("Dit team bestaat niet (meer).")

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


def _check_framework(framework: str) -> str:
    if framework not in get_frameworks():
        raise InvalidInput(f"De vragenlijst '{framework}' bestaat niet.")
    return framework


def start_round(
    engine: Engine,
    team_id: int,
    period: str | None = None,
    framework: str = DEFAULT_FRAMEWORK,
    audience: str = AUDIENCE_TEAM,
) -> Round:
    """Open a round for a quarter; starting the same quarter again returns the existing round."""
    period = check_period(period or current_period())
    framework = _check_framework(framework)

    def work(session: Session) -> Round:
        if session.get(Team, team_id) is None:
            raise InvalidInput("Dit team bestaat niet (meer).")
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
        )
        session.add(new_round)
        session.flush()
        return new_round

    return run_write(engine, work)


def list_rounds(engine: Engine, team_id: int) -> list[Round]:
    with read_session(engine) as session:
        query = select(Round).where(Round.team_id == team_id).order_by(Round.period.desc(), Round.framework)
        return list(session.execute(query).scalars())


def get_round(engine: Engine, round_id: int) -> Round | None:
    with read_session(engine) as session:
        return session.get(Round, round_id)


def set_round_status(engine: Engine, round_id: int, status: str) -> Round:
    if status not in (ROUND_OPEN, ROUND_CLOSED):
        raise InvalidInput("Onbekende status.")

    def work(session: Session) -> Round:
        found = session.get(Round, round_id)
        if found is None:
            raise InvalidInput("Deze ronde bestaat niet (meer).")
        found.status = status
        session.add(found)
        return found

    return run_write(engine, work)


def close_round(engine: Engine, round_id: int) -> Round:
    return set_round_status(engine, round_id, ROUND_CLOSED)


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


def _checked_answers(framework_id: str, answers: list[AnswerInput]) -> list[AnswerInput]:
    framework = get_frameworks()[framework_id]
    known = set(framework.item_ids)
    seen: set[str] = set()
    checked = []
    for answer in answers:
        if answer.item_id not in known:
            raise InvalidInput(f"Vraag '{answer.item_id}' hoort niet bij deze vragenlijst.")
        if answer.item_id in seen:
            raise InvalidInput(f"Vraag '{answer.item_id}' staat er twee keer in.")
        seen.add(answer.item_id)
        target = check_score(answer.target)
        if target is not None and framework.item(answer.item_id).kind != "principle":
            raise InvalidInput("Alleen bij een beginsel kun je een doel kiezen.")
        checked.append(
            AnswerInput(answer.item_id, check_score(answer.score), clean_comment(answer.comment), bool(answer.discuss), target)
        )
    return checked


def submit_response(
    engine: Engine, round_id: int, respondent: str, answers: list[AnswerInput], *, final: bool = True
) -> int:
    """Store one person's answers. The respondent key makes it idempotent: sending the same
    key again (double click, reload, second tab) replaces that person's answers, never adds a person.
    With final=False the answers are kept as a draft that does not count until submitted."""
    if not respondent or len(respondent) > 64:
        raise InvalidInput("Deze inzending heeft geen geldige sleutel. Laad de pagina opnieuw.")

    def work(session: Session) -> int:
        found = session.get(Round, round_id)
        if found is None:
            raise InvalidInput("Deze ronde bestaat niet (meer).")
        if found.status != ROUND_OPEN:
            raise InvalidInput("Deze ronde is gesloten. Je kunt niets meer invullen of veranderen.")
        checked = _checked_answers(found.framework, answers)
        response_id = session.execute(
            select(Response.id).where(Response.round_id == round_id, Response.respondent == respondent)
        ).scalar()
        if response_id is None:
            response = Response(round_id=round_id, respondent=respondent, submitted=final)
            session.add(response)
            session.flush()
            response_id = response.id
        elif final:
            session.execute(update(Response).where(Response.id == response_id).values(submitted=True))
        session.execute(delete(Answer).where(Answer.response_id == response_id))
        session.add_all(
            Answer(
                response_id=response_id, item_id=a.item_id, score=a.score, comment=a.comment, discuss=a.discuss, target=a.target
            )
            for a in checked
        )
        return response_id

    try:
        return run_write(engine, work)
    except IntegrityError:
        # A simultaneous first submit with the same key won the race; now it is an update.
        return run_write(engine, work)


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
    if count_responses(engine, round_id) < max(PRIVACY_FLOOR, min_group):
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


def save_note(engine: Engine, round_id: int, item_id: str, text: str) -> None:
    cleaned = clean_comment(text)

    def work(session: Session) -> None:
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


def add_action(engine: Engine, round_id: int, action: ActionInput) -> Action:
    what = clean_text(action.what, max_length=500)
    if not what:
        raise InvalidInput("Schrijf op wat jullie gaan doen.")
    if action.scope not in ACTION_SCOPES:
        raise InvalidInput("Kies wie hier iets aan kan doen: het team, de organisatie of de gemeente.")
    owner = clean_name(action.owner, "De eigenaar") if action.owner and action.owner.strip() else None

    def work(session: Session) -> Action:
        found = session.get(Round, round_id)
        if found is None:
            raise InvalidInput("Deze ronde bestaat niet (meer).")
        if action.item_id is not None and action.item_id not in get_frameworks()[found.framework].item_ids:
            raise InvalidInput("Dit beginsel of deze blokkade hoort niet bij deze ronde.")
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


def review_action(engine: Engine, action_id: int, status: str, in_round_id: int | None = None) -> None:
    if status not in ACTION_STATUSES:
        raise InvalidInput("Kies: open, bezig, gedaan of gestopt.")

    def work(session: Session) -> None:
        found = session.get(Action, action_id)
        if found is None:
            raise InvalidInput("Deze actie bestaat niet (meer).")
        found.status = status
        found.closed_in_round_id = in_round_id if status in ("done", "dropped") else None

    run_write(engine, work)


def team_summary(engine: Engine, team: Team, framework: str, min_group: int):
    """The team's own aggregation over every released round of one questionnaire."""
    scope = Scope.of(teams=team.name, frameworks=framework, released_only=True)
    return summarize(engine, scope, min_group=min_group)


def results_released(quarter: Round) -> bool:
    """While a round is open only the count is shown; results appear once closed or revealed."""
    return quarter.status == ROUND_CLOSED or quarter.revealed

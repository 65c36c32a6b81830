"""Teams: made by an admin, by themselves or by import; their link key, their approval,
their settings; what the organisation holds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from kringwijs_survey.core.validation import (
    InvalidInput,
    clean_name,
)
from kringwijs_survey.core.vocabulary import TEAM_ORIGINS
from kringwijs_survey.rules import access
from kringwijs_survey.rules.access import Permission, Principal, Resource, ensure_permission
from kringwijs_survey.store.database import read_session, run_write
from kringwijs_survey.store.models import Round, Team


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
    if origin not in TEAM_ORIGINS:
        raise ValueError(f"unknown team origin {origin!r}")  # a caller's mistake, never a user's input
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


@dataclass(frozen=True)
class Overview:
    teams: int
    rounds: int


def overview(engine: Engine) -> Overview:
    with read_session(engine) as session:
        teams = session.execute(select(func.count()).select_from(Team)).one()[0]
        rounds = session.execute(select(func.count()).select_from(Round)).one()[0]
    return Overview(teams=teams, rounds=rounds)

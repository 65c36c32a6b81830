"""Workshop mode: a facilitator runs a round live, one item at a time, on a projector.

Participants answer on their phones through the ordinary join flow. While the round is open
the projector shows only counts. A facilitator may reveal the item on screen once enough
people answered; the reveal shows a frozen snapshot of the aggregated counts of that moment,
so nobody can read the newest person's score from a change on screen.

Phones follow the projector: a phone shows the item on screen (a waiting screen between
items), and an answer counts for its item as soon as it is given. The reveal minimum counts the
answers to the item on screen. Someone who missed items fills them in while waiting.

Snapshots are kept per item in ``Round.live_snapshot`` (JSON). Revealing an item again shows
the stored snapshot; it is only taken anew once at least ``min_group`` more people answered
that item, so the difference between two snapshots always hides a group of that size.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, case, func, select
from sqlmodel import Session

from kringwijs_survey.core.settings import NAME_MAX
from kringwijs_survey.core.validation import InvalidInput, Refused, check_score, clean_name
from kringwijs_survey.core.vocabulary import AUDIENCE_TEAM, ROUND_CLOSED, ROUND_OPEN, SOURCE_PAPER
from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.rules import access, policy
from kringwijs_survey.rules.content import DEFAULT_FRAMEWORK, Item
from kringwijs_survey.rules.own_frameworks import of_round
from kringwijs_survey.stats.aggregation import COUNT_COLUMNS, Scope, summarize
from kringwijs_survey.store.database import read_session, run_write
from kringwijs_survey.store.models import Answer, Response, Round, Team

SNAPSHOT_FIELDS = ("respondents", "n", "median", "sd", "n_dont_know", *COUNT_COLUMNS)
AGENDA_TOP = 5
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


# ---------------------------------------------------------------------------------------------
# starting and steering
# ---------------------------------------------------------------------------------------------


WORKSHOP_SUFFIX = " · workshop"
WORKSHOP_KEY_LENGTH = 8


def start_workshop(
    engine: Engine,
    team_id: int | None = None,
    group_name: str | None = None,
    period: str | None = None,
    framework: str = DEFAULT_FRAMEWORK,
) -> Round:
    """The round a workshop runs in: always a round of its own, never a team's own round.

    For a mixed group: a Team with is_group=True (made once, found again by its name). For a
    team: the group "<team> · workshop", so a trainer never gets the code, counts, paper form,
    reveal or close of the team's own round (a team that wants that opens the workshop itself
    with open_team_round_for_workshop). Starting again returns the same round, so a facilitator
    whose browser closed simply continues where they were. Workshop rounds keep an open join
    code: the trainer sees the room.
    """
    if (team_id is None) == (group_name is None or not group_name.strip()):
        raise InvalidInput("error.workshop_team_or_group")
    if team_id is not None:
        team = teams.get_team(engine, team_id)
        if team is None or team.is_group:
            raise InvalidInput("error.no_team")
        group_name = team.name[: NAME_MAX - len(WORKSHOP_SUFFIX)] + WORKSHOP_SUFFIX
    name = clean_name(group_name, "group_name")
    existing = teams.find_team(engine, name)
    if existing is not None and not existing.is_group:
        raise InvalidInput("error.group_name_taken", name=name)
    group = existing or teams.create_team(engine, name, is_group=True)
    found = rounds.start_round(engine, group.id, period, framework, invitation_only=False)
    if found.status != ROUND_OPEN:
        raise InvalidInput("error.workshop_round_closed", period=found.period)
    return found


def issue_workshop_key(engine: Engine, round_id: int) -> str:
    """The secret that lets a signed-in facilitator steer and project this round (the beamer code).
    A new key replaces the old one, so a projector left open elsewhere stops showing the round.
    Only its digest is stored; the join code, which the whole room sees, opens no projector."""
    key = "".join(access.new_join_code() for _ in range(2))[:WORKSHOP_KEY_LENGTH]

    def work(session: Session) -> None:
        found = _locked_open_round(session, round_id, closed=Refused("workshop.closed_round"))
        found.presenter_key_hash = access.key_digest(key)

    run_write(engine, work)
    return key


def open_team_round_for_workshop(engine: Engine, round_id: int, *, actor: access.Principal) -> str:
    """The team itself lets a trainer run its own open round live: returns the workshop key the
    team hands to the trainer (the only way a workshop reaches a team's own round)."""
    found = rounds.get_round(engine, round_id)
    access.ensure_permission(actor, access.Permission.CHANGE_TEAM, access.Resource(found.team_id if found else None, round_id))
    if found is None or found.audience != AUDIENCE_TEAM:
        raise InvalidInput("error.no_round")
    return issue_workshop_key(engine, round_id)


def workshop_by_key(engine: Engine, key: str | None) -> Round | None:
    """The workshop round this key steers and projects; None for anything else (a join code,
    a typo, a replaced key)."""
    key = access.normalise_join_code(key or "")
    if len(key) != WORKSHOP_KEY_LENGTH:
        return None
    with read_session(engine) as session:
        return session.execute(select(Round).where(Round.presenter_key_hash == access.key_digest(key))).scalars().first()


def get_workshop(engine: Engine, round_id: int) -> Round:
    found = rounds.get_round(engine, round_id)
    if found is None:
        raise InvalidInput("error.no_workshop")
    return found


def _locked_open_round(session: Session, round_id: int, *, closed: InvalidInput) -> Round:
    """The workshop round, row-locked for this transaction (PostgreSQL: closing waits for a submit
    that already read "open"); raises `closed` when the round is no longer open."""
    found = session.get(Round, round_id, with_for_update=True)
    if found is None:
        raise InvalidInput("error.no_workshop")
    if found.status != ROUND_OPEN:
        raise closed
    return found


def _change_live(engine: Engine, round_id: int, change) -> Round:
    def work(session: Session) -> Round:
        found = _locked_open_round(session, round_id, closed=InvalidInput("error.workshop_closed"))
        change(session, found)
        session.add(found)
        return found

    return run_write(engine, work)


def item_count(survey_round: Round, engine: Engine | None = None) -> int:
    return len(of_round(engine, survey_round).items)


def set_live_item(engine: Engine, round_id: int, index: int | None) -> Round:
    """Put item `index` (0-based, framework order) on screen, hidden; None shows the welcome screen."""

    def change(session: Session, found: Round) -> None:
        if index is not None and not 0 <= index < item_count(found):
            raise InvalidInput("error.no_question", number=index + 1)
        found.live_index = index
        found.live_revealed = False

    return _change_live(engine, round_id, change)


def step(engine: Engine, round_id: int, direction: int) -> Round:
    """One item forward (+1) or back (-1); back from the first item is the welcome screen."""
    found = get_workshop(engine, round_id)
    last = item_count(found) - 1
    current = -1 if found.live_index is None else found.live_index
    wanted = max(-1, min(last, current + direction))
    return set_live_item(engine, round_id, None if wanted < 0 else wanted)


# ---------------------------------------------------------------------------------------------
# what a phone shows: the room moves with the projector
# ---------------------------------------------------------------------------------------------

# How often a phone in a live workshop looks whether the screen moved on: one read of one row.
PHONE_POLL_SECONDS = 2.0


def follows_projector(survey_round: Round) -> bool:
    """A round run live with a beamer code: its phones show what is on the projector."""
    return survey_round.presenter_key_hash is not None


@dataclass(frozen=True)
class PhoneScreen:
    """What one phone shows now. `index`: the item it answers (None: the waiting screen);
    `on_screen`: the item on the projector (None: the welcome screen); `missed`: items before
    the one on screen that this phone has not answered yet."""

    index: int | None
    on_screen: int | None
    missed: tuple[int, ...]
    answered_on_screen: bool

    @property
    def waiting(self) -> bool:
        return self.index is None


def phone_screen(survey_round: Round, answered: Collection[str], chosen: int | None = None, engine: Engine | None = None) -> PhoneScreen:
    """The item on the projector until this phone answered it, then a waiting screen. `chosen`:
    an item the person picked themselves (a missed one, or changing an answer)."""
    item_ids = of_round(engine, survey_round).item_ids
    live = survey_round.live_index
    on_screen = live if live is not None and 0 <= live < len(item_ids) else None
    missed = tuple(index for index in range(on_screen or 0) if item_ids[index] not in answered)
    answered_on_screen = on_screen is not None and item_ids[on_screen] in answered
    if chosen is not None and 0 <= chosen < len(item_ids):
        index = chosen
    elif on_screen is not None and not answered_on_screen:
        index = on_screen
    else:
        index = None
    return PhoneScreen(index, on_screen, missed, answered_on_screen)


def live_signature(engine: Engine, round_id: int) -> tuple:
    """(item on screen, status): what a phone compares to see whether the screen moved on."""
    with read_session(engine) as session:
        row = session.execute(select(Round.live_index, Round.status).where(Round.id == round_id)).first()
    return (row.live_index, row.status) if row else (None, ROUND_CLOSED)


def send_live_answers(
    engine: Engine, round_id: int, respondent: str, answers: list[responses.AnswerInput], invitation: str | None = None
) -> int:
    """A phone's answers in a live workshop, stored as sent at once: each answer counts for its
    item as soon as it is given (the reveal counts the answers to the item on screen)."""
    return responses.submit_response(engine, round_id, respondent, answers, final=True, invitation=invitation)


@dataclass(frozen=True)
class Sources:
    phone: int
    paper: int


def answer_sources(engine: Engine, round_id: int) -> Sources:
    """Sent answers from phones (join code or invitation) and from the trainer's paper form."""
    sent = rounds.response_sources(engine, round_id)
    paper = sent.get(SOURCE_PAPER, 0)
    return Sources(phone=sum(sent.values()) - paper, paper=paper)


def enough_phones(engine: Engine, round_id: int, minimum: int) -> bool:
    """Paper answers are typed by the trainer: they never make up the minimum on their own."""
    return policy.enough_phone_answers(answer_sources(engine, round_id).phone, minimum)


def item_answers(engine: Engine, round_id: int, item_id: str) -> Sources:
    """Answers to one item ("weet ik niet" included) that count: from phones and from paper."""
    paper = func.coalesce(func.sum(case((Response.source == SOURCE_PAPER, 1), else_=0)), 0)
    query = (
        select(func.count(), paper)
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.round_id == round_id, Response.submitted.is_(True), Answer.item_id == item_id)
    )
    with read_session(engine) as session:
        total, on_paper = session.execute(query).one()
    return Sources(phone=int(total) - int(on_paper), paper=int(on_paper))


def live_counts(engine: Engine, round_id: int) -> tuple[int, int]:
    """(joined, done): people who started (drafts included) and people who sent. Counts only."""
    sent = func.coalesce(func.sum(case((Response.submitted.is_(True), 1), else_=0)), 0)
    query = select(func.count(), sent).where(Response.round_id == round_id)
    with read_session(engine) as session:
        joined, done = session.execute(query).one()
    return int(joined), int(done)


def _stored_snapshots(found: Round) -> dict[str, dict]:
    if not found.live_snapshot:
        return {}
    try:
        stored = json.loads(found.live_snapshot)
    except ValueError:
        return {}
    return stored.get("items", {}) if isinstance(stored, dict) else {}


def _number(value) -> float | int | None:
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def _take_snapshot(engine: Engine, found: Round, item_id: str, min_group: int) -> dict:
    """The item's aggregated counts right now, from the one aggregation, restricted to this round.
    (A phone's answers count per item: in a live workshop every answer is stored as sent.)

    released_only=False: the facilitator's reveal is the deliberate release of an open round."""
    frame = summarize(engine, Scope.of(round_ids=[found.id], released_only=False), min_group=min_group)
    rows = frame[frame["item"] == item_id]
    values = {field: 0 for field in ("n", "n_dont_know", *COUNT_COLUMNS)} | {"median": None, "sd": None}
    if not rows.empty:
        row = rows.iloc[0]
        values = {field: _number(row[field]) for field in SNAPSHOT_FIELDS if field != "respondents"}
        values["too_few_scores"] = bool(row.get("too_few_scores", False))
    # "respondents" of a snapshot: the people who answered this item, not the whole round
    answered = item_answers(engine, found.id, item_id)
    return {"item": item_id, "respondents": answered.phone + answered.paper, **values}


def reveal_item(engine: Engine, round_id: int, min_group: int) -> dict:
    """Show the distribution of the item on screen, frozen at this moment; returns the snapshot.

    Refused while fewer than min_group people (never below 3) answered this item, or fewer
    than that from phones. An item that was revealed before shows its stored snapshot again,
    unless at least min_group more people have answered it since then."""
    threshold = policy.at_least(min_group)
    found = get_workshop(engine, round_id)
    if found.status != ROUND_OPEN:
        raise InvalidInput("error.workshop_closed")
    if found.live_index is None:
        raise InvalidInput("error.no_live_question")
    item_id = of_round(engine, found).items[found.live_index].id
    answers = item_answers(engine, round_id, item_id)
    done = answers.phone + answers.paper
    if not policy.reveal_allowed(done, threshold):
        raise InvalidInput("error.too_few_to_reveal", done=done, minimum=threshold)
    if not policy.enough_phone_answers(answers.phone, threshold):
        raise Refused("workshop.too_few_phones", phone=answers.phone, minimum=threshold)
    stored = _stored_snapshots(found).get(item_id)
    fresh = None
    if stored is None or policy.snapshot_renewed(done, stored.get("respondents", 0), threshold):
        fresh = _take_snapshot(engine, found, item_id, min_group)

    def change(session: Session, current: Round) -> None:
        if current.live_index != found.live_index:
            raise InvalidInput("error.question_moved_on")
        snapshots = _stored_snapshots(current)
        if fresh is not None:
            snapshots[item_id] = fresh
        current.live_snapshot = json.dumps({"items": snapshots})
        current.live_revealed = True

    updated = _change_live(engine, round_id, change)
    return _stored_snapshots(updated)[item_id]


def hide_item(engine: Engine, round_id: int) -> Round:
    def change(session: Session, found: Round) -> None:
        found.live_revealed = False

    return _change_live(engine, round_id, change)


def snapshot(survey_round: Round, engine: Engine | None = None) -> dict | None:
    """The frozen distribution of the item on screen (count_1..count_5, n_dont_know, median, sd,
    n, respondents), or None while nothing is revealed."""
    if not survey_round.live_revealed or survey_round.live_index is None:
        return None
    item_id = of_round(engine, survey_round).items[survey_round.live_index].id
    return _stored_snapshots(survey_round).get(item_id)


def snapshot_frame(found: dict, item: Item) -> pd.DataFrame:
    """One row for charts.distribution: item, count_1..count_5, n_dont_know, sd (the title is
    left out: the screen shows it above the chart already)."""
    return pd.DataFrame(
        [
            {
                "item": item.id,
                **{column: found.get(column) or 0 for column in COUNT_COLUMNS},
                "n_dont_know": found.get("n_dont_know") or 0,
                "sd": found.get("sd"),
            }
        ]
    )


def paper_entry(engine: Engine, round_id: int, answers: Mapping[str, int | None]) -> int:
    """Scores a facilitator types in for someone without a phone: every item needs a score or
    None ("weet ik niet"). Stored as one more sent response under a new random key."""
    found = get_workshop(engine, round_id)
    framework = of_round(engine, found)
    missing = [item_id for item_id in framework.item_ids if item_id not in answers]
    if missing:
        raise InvalidInput("error.paper_missing", missing=", ".join(missing))
    if found.invitation_only:  # a team's own round: everyone answers with their own invitation
        raise Refused("workshop.paper_needs_invitation")
    checked = [responses.AnswerInput(item_id, check_score(answers[item_id])) for item_id in framework.item_ids]
    return responses.submit_response(
        engine, round_id, access.new_respondent_key(), checked, final=True, source=SOURCE_PAPER
    )


def close_workshop(engine: Engine, round_id: int) -> Round:
    """Close the round: nobody can answer any more, the projector shows the summary."""

    def change(session: Session, found: Round) -> None:
        found.live_revealed = False
        found.status = ROUND_CLOSED

    return _change_live(engine, round_id, change)


def workshop_name(engine: Engine, survey_round: Round) -> str:
    team = teams.get_team(engine, survey_round.team_id)
    return team.name if team else ""


def open_teams(engine: Engine) -> list[Team]:
    """Standing teams a workshop can be run for (mixed groups are made by the workshop itself)."""
    return [team for team in teams.list_teams(engine) if not team.is_group]

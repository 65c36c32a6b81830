"""A believable demo municipality, so a trainer can show the app within five minutes."""

from __future__ import annotations

import random
import secrets

from sqlalchemy import Engine, insert

from kringwijs_survey.core.periods import current_period, shift_period
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.core.vocabulary import ROUND_CLOSED, ROUND_OPEN, SOURCE_INVITED
from kringwijs_survey.domain.teams import is_empty
from kringwijs_survey.rules import access
from kringwijs_survey.rules.content import DEFAULT_FRAMEWORK, get_frameworks
from kringwijs_survey.store.database import run_write
from kringwijs_survey.store.models import Answer, Invitation, Response, Round, Team

DEMO_TEAMS = [
    ("Wijkteam Noord", "Kringstad Noord"),
    ("Wijkteam Zuid", "Kringstad Zuid"),
    ("Wijkteam Centrum", "Kringstad Centrum"),
    ("Wijkteam Oost", "Kringstad Oost"),
    ("Wijkteam West", "Kringstad West"),
    ("Jeugd- en gezinsteam", "Heel Kringstad"),
]
DEMO_COMMENTS = [
    "We nemen hier echt de tijd voor, ook als het druk is.",
    "Bij nieuwe aanmeldingen lukt dit nog niet altijd.",
    "Het hangt erg af van wie de casus heeft.",
    "De regels van de indicatie zitten ons hier in de weg.",
    "Mooi voorbeeld: het keukentafelgesprek bij mevrouw uit de Lindestraat.",
    "Hier wil ik het graag met elkaar over hebben.",
]


def previous_periods(count: int, last: str) -> list[str]:
    return [shift_period(last, -offset) for offset in reversed(range(count))]


def _score(rng: random.Random, level: float, spread: float) -> int | None:
    if rng.random() < 0.05:
        return None
    return max(1, min(5, round(rng.gauss(level, spread))))


def create_demo_data(engine: Engine, quarters: int = 4, seed: int = 2026) -> dict:
    """Teams, rounds and answers; returns the counts and each team's secret key (for its link)."""
    if not is_empty(engine):
        raise InvalidInput("error.demo_not_empty")
    rng = random.Random(seed)
    framework = get_frameworks()[DEFAULT_FRAMEWORK]
    periods = previous_periods(quarters, current_period())

    def work(session) -> dict:
        totals = {"teams": 0, "rounds": 0, "responses": 0, "answers": 0, "keys": {}}
        for team_index, (name, area) in enumerate(DEMO_TEAMS):
            key = access.new_team_key()
            team = Team(name=name, area=area, key_hash=access.key_digest(key))
            totals["keys"][name] = key
            session.add(team)
            session.flush()
            totals["teams"] += 1
            base = {item.id: rng.uniform(2.0, 3.8) for item in framework.items}
            trend = rng.uniform(-0.15, 0.35)
            divisive = set(rng.sample(framework.item_ids, 2))
            size = rng.randint(6, 12)
            for quarter_index, period in enumerate(periods):
                is_last = quarter_index == len(periods) - 1
                status = ROUND_OPEN if is_last and team_index == 0 else ROUND_CLOSED
                quarter_round = Round(
                    team_id=team.id, period=period, framework=framework.id, status=status,
                    join_code=access.new_join_code(), invitation_only=True,
                )
                session.add(quarter_round)
                session.flush()
                totals["rounds"] += 1
                answered = max(3, size - rng.randint(0, 2))
                # One invitation per member; the codes themselves are never needed again.
                session.execute(
                    insert(Invitation),
                    [
                        {"round_id": quarter_round.id, "code_hash": access.key_digest(access.new_invitation_code()), "used": index < answered}
                        for index in range(max(size, answered))
                    ],
                )
                for _ in range(answered):
                    response = Response(round_id=quarter_round.id, respondent=secrets.token_urlsafe(16), source=SOURCE_INVITED)
                    session.add(response)
                    session.flush()
                    totals["responses"] += 1
                    rows = []
                    for item in framework.items:
                        level = base[item.id] + trend * quarter_index * (-1 if item.kind == "blockade" else 1)
                        if item.id in divisive:
                            level = rng.choice([1.5, 4.5])
                        comment = rng.choice(DEMO_COMMENTS) if rng.random() < 0.08 else None
                        rows.append(
                            {"response_id": response.id, "item_id": item.id, "score": _score(rng, level, 0.7), "comment": comment}
                        )
                    session.execute(insert(Answer), rows)
                    totals["answers"] += len(rows)
        return totals

    return run_write(engine, work)

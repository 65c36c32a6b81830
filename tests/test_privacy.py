"""AVG: an access request exports one team, erasure removes one team, retention keeps only aggregates.

Runs on a real SQLite file and on a real PostgreSQL database.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from kringwijs_survey.core import periods
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.core.vocabulary import AUDIENCE_RESIDENTS
from kringwijs_survey.domain import privacy, responses, rounds, teams
from kringwijs_survey.stats.aggregation import STAT_COLUMNS, Scope, summarize
from kringwijs_survey.store.database import read_session, run_write
from kringwijs_survey.store.models import Action, Answer, Note, Response, RetainedAggregate, Round, Team

import cli_runner
import factories

TODAY = dt.date(2026, 11, 23)  # quarter 2026-Q4
MIN_GROUP = 3
NOORD, ZUID = "Wijkteam Noord", "Wijkteam Zuid"
SECRET_OF_ZUID = "ZUID-GEHEIM"


def run_cli(db_url, *args, stdin: str | None = None, **env):
    return cli_runner.run_cli(db_url, *args, stdin=stdin, unset=("RETENTION_QUARTERS",), **env)


def _answers(number: int, comment: str | None) -> list[responses.AnswerInput]:
    score = number % 5 + 1
    return [
        responses.AnswerInput("AB1", score, comment),
        responses.AnswerInput("AB2", None if number % 4 == 0 else 6 - score),
        responses.AnswerInput("B1", (number * 3) % 5 + 1),
    ]


def _round(engine, team_id: int, period: str, people: int, prefix: str, audience: str = "team") -> int:
    round_id = rounds.start_round(engine, team_id, period, audience=audience).id
    for number in range(people):
        comment = f"{prefix}: één opmerking 🙂" if number == 0 else None
        factories.submit(engine, round_id, f"{prefix}-{period}-{number}", _answers(number, comment))
    factories.submit(engine, round_id, f"{prefix}-{period}-concept", _answers(9, None), final=False)
    return round_id


def _note_and_action(engine, team_id: int, round_id: int, text: str) -> None:
    def work(session) -> None:
        session.add(Note(round_id=round_id, item_id="AB1", text=text))
        session.add(Action(team_id=team_id, round_id=round_id, item_id="AB1", what=f"Actie: {text}", owner="Team"))

    run_write(engine, work)


@pytest.fixture
def two_teams(engine):
    """Noord: four quarters (two older than a year) incl. a small group and a residents round; Zuid: two."""
    noord = teams.create_team(engine, NOORD, "Kringstad Noord").id
    zuid = teams.create_team(engine, ZUID).id
    round_ids = {
        "noord-old": _round(engine, noord, "2025-Q2", 5, "noord"),
        "noord-small": _round(engine, noord, "2025-Q3", 2, "noord"),
        "noord-residents": _round(engine, noord, "2025-Q3", 4, "bewoner", audience=AUDIENCE_RESIDENTS),
        "noord-recent": _round(engine, noord, "2025-Q4", 4, "noord"),
        "zuid-old": _round(engine, zuid, "2024-Q1", 3, "zuid"),
        "zuid-recent": _round(engine, zuid, "2026-Q4", 3, "zuid"),
    }
    _note_and_action(engine, noord, round_ids["noord-old"], "We bellen eerst, dan pas een brief.")
    _note_and_action(engine, zuid, round_ids["zuid-old"], SECRET_OF_ZUID)
    return engine, {NOORD: noord, ZUID: zuid}, round_ids


def _counts(engine, team_id: int) -> dict[str, int]:
    def count(query) -> int:
        with read_session(engine) as session:
            return session.execute(select(func.count()).select_from(query.subquery())).scalar_one()

    round_list = select(Round.id).where(Round.team_id == team_id)
    return {
        "team": count(select(Team.id).where(Team.id == team_id)),
        "round": count(round_list),
        "response": count(select(Response.id).where(Response.round_id.in_(round_list))),
        "answer": count(select(Answer.id).join(Response).where(Response.round_id.in_(round_list))),
        "note": count(select(Note.id).where(Note.round_id.in_(round_list))),
        "action": count(select(Action.id).where(Action.team_id == team_id)),
        "retained": count(select(RetainedAggregate.id).where(RetainedAggregate.round_id.in_(round_list))),
    }


# --- access request ------------------------------------------------------------------------


def test_export_holds_everything_of_one_team_and_nothing_of_another(two_teams, db_url, tmp_path):
    engine, team_ids, round_ids = two_teams
    teams.issue_team_key(engine, team_ids[NOORD])
    target = tmp_path / "inzage-noord.json"
    result = run_cli(db_url, "export-team", NOORD, str(target))
    assert result.returncode == 0, result.stderr
    assert "4 rondes, 19 deelnemers" in result.stdout

    text = target.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["team"]["name"] == NOORD and data["team"]["area"] == "Kringstad Noord"
    assert data["team"]["has_team_key"] is True and "key_hash" not in text
    assert sorted(r["period"] for r in data["rounds"]) == ["2025-Q2", "2025-Q3", "2025-Q3", "2025-Q4"]
    old = next(r for r in data["rounds"] if r["id"] == round_ids["noord-old"])
    assert len(old["responses"]) == 6  # five sent, one draft
    first = old["responses"]["noord-2025-Q2-0"]
    assert first["submitted"] is True
    expected_answer = {"item_id": "AB1", "score": 1, "comment": "noord: één opmerking 🙂", "discuss": False, "target": None}
    assert first["answers"][0] == expected_answer
    assert old["responses"]["noord-2025-Q2-concept"]["submitted"] is False
    assert old["notes"] == [{"id": old["notes"][0]["id"], "item_id": "AB1", "text": "We bellen eerst, dan pas een brief."}]
    assert [a["what"] for a in data["actions"]] == ["Actie: We bellen eerst, dan pas een brief."]
    assert "zuid" not in text.lower() and SECRET_OF_ZUID not in text
    assert _counts(engine, team_ids[NOORD])["answer"] == sum(
        len(response["answers"]) for found in data["rounds"] for response in found["responses"].values()
    )


def test_export_of_an_unknown_team_says_so(two_teams, db_url, tmp_path):
    result = run_cli(db_url, "export-team", "Wijkteam Nergens", str(tmp_path / "x.json"))
    assert result.returncode != 0 and "Er is geen team met de naam 'Wijkteam Nergens'" in result.stderr
    assert not (tmp_path / "x.json").exists()


# --- erasure -------------------------------------------------------------------------------


def test_erase_removes_one_team_completely_and_no_other(two_teams, db_url):
    engine, team_ids, _ = two_teams
    noord_before, zuid_before = _counts(engine, team_ids[NOORD]), _counts(engine, team_ids[ZUID])
    assert min(noord_before[table] for table in ("round", "response", "answer", "note", "action")) > 0

    result = run_cli(db_url, "erase-team", NOORD, "--yes")
    assert result.returncode == 0, result.stderr
    assert f"{noord_before['answer']} antwoorden" in result.stdout
    assert set(_counts(engine, team_ids[NOORD]).values()) == {0}
    assert _counts(engine, team_ids[ZUID]) == zuid_before


def test_erase_asks_to_type_the_team_name(two_teams, db_url):
    engine, team_ids, _ = two_teams
    before = _counts(engine, team_ids[NOORD])
    for wrong in ("ja", "wijkteam noord", ""):
        refused = run_cli(db_url, "erase-team", NOORD, stdin=f"{wrong}\n")
        assert refused.returncode != 0
        assert "Typ de naam van het team" in refused.stdout and "Er is niets gewist" in refused.stderr
        assert _counts(engine, team_ids[NOORD]) == before

    confirmed = run_cli(db_url, "erase-team", NOORD, stdin=f"{NOORD}\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert set(_counts(engine, team_ids[NOORD]).values()) == {0}


def test_erase_of_an_unknown_team_changes_nothing(two_teams):
    engine, team_ids, _ = two_teams
    before = [_counts(engine, team_id) for team_id in team_ids.values()]
    with pytest.raises(InvalidInput, match="Er is geen team"):
        privacy.erase_team(engine, "Wijkteam Nergens")
    assert [_counts(engine, team_id) for team_id in team_ids.values()] == before


# --- retention -----------------------------------------------------------------------------


def _summaries(engine, round_ids: dict[int, str]) -> dict[tuple[int, str], dict]:
    """What aggregation.summarize says about these rounds, as plain numbers."""
    result = {}
    for audience in set(round_ids.values()):
        ids = [round_id for round_id, its in round_ids.items() if its == audience]
        frame = summarize(engine, Scope.of(round_ids=ids, audience=audience), min_group=MIN_GROUP)
        for row in frame.astype(object).where(frame.notna(), None).to_dict("records"):
            numbers = {column: row[column] for column in ["respondents", *STAT_COLUMNS]}
            result[(row["round_id"], row["item"])] = numbers
    return result


def _rounded(summaries: dict) -> dict:
    return {
        key: {column: None if value is None else round(float(value), 9) for column, value in numbers.items()}
        for key, numbers in summaries.items()
    }


def _retained(engine) -> dict[tuple[int, str], dict]:
    with read_session(engine) as session:
        rows = session.execute(select(RetainedAggregate)).scalars().all()
    columns = ["respondents", *STAT_COLUMNS]
    return {(row.round_id, row.item_id): {column: getattr(row, column) for column in columns} for row in rows}


def _raw_answers(engine, round_id: int) -> list[tuple]:
    with read_session(engine) as session:
        query = (
            select(Response.respondent, Answer.item_id, Answer.score, Answer.comment)
            .join(Answer)
            .where(Response.round_id == round_id)
            .order_by(Response.respondent, Answer.item_id)
        )
        return [tuple(row) for row in session.execute(query)]


def test_retention_deletes_only_old_raw_answers_and_keeps_their_aggregates(two_teams):
    engine, _, round_ids = two_teams
    old = {
        round_ids["noord-old"]: "team",
        round_ids["noord-small"]: "team",
        round_ids["noord-residents"]: AUDIENCE_RESIDENTS,
        round_ids["zuid-old"]: "team",
    }
    recent = [round_ids["noord-recent"], round_ids["zuid-recent"]]
    expected = _summaries(engine, old)
    recent_answers = {round_id: _raw_answers(engine, round_id) for round_id in recent}
    assert any(numbers["mean"] is None for numbers in expected.values())  # the small group stays hidden

    result = privacy.apply_retention(engine, 4, min_group=MIN_GROUP, today=TODAY)

    assert result.cutoff == "2025-Q4" and result.rounds == 4 and result.aggregates == len(expected)
    assert result.responses == 5 + 2 + 4 + 3 + 4  # drafts are raw answers too
    assert _retained(engine) == expected
    for round_id in old:
        assert _raw_answers(engine, round_id) == [] and rounds.get_round(engine, round_id) is not None
    assert {round_id: _raw_answers(engine, round_id) for round_id in recent} == recent_answers
    with read_session(engine) as session:
        assert session.execute(select(func.count()).select_from(Note)).scalar_one() == 2  # discussion notes stay

    assert _rounded(_summaries(engine, old)) == _rounded(expected)  # the team's history stays visible

    again = privacy.apply_retention(engine, 4, min_group=MIN_GROUP, today=TODAY)
    assert (again.rounds, again.responses) == (0, 0)
    assert _retained(engine) == expected


def test_erasing_a_team_also_erases_its_retained_aggregates(two_teams):
    engine, team_ids, _ = two_teams
    privacy.apply_retention(engine, 4, min_group=MIN_GROUP, today=TODAY)
    assert _counts(engine, team_ids[NOORD])["retained"] > 0
    privacy.erase_team(engine, NOORD)
    assert set(_counts(engine, team_ids[NOORD]).values()) == {0}
    assert _counts(engine, team_ids[ZUID])["retained"] > 0


def test_retention_is_off_unless_configured(two_teams, db_url):
    engine, team_ids, _ = two_teams
    before = [_counts(engine, team_id) for team_id in team_ids.values()]
    result = run_cli(db_url, "apply-retention")
    assert result.returncode == 0, result.stderr
    assert "geen bewaartermijn" in result.stdout and "niets gewist" in result.stdout
    assert [_counts(engine, team_id) for team_id in team_ids.values()] == before


def test_retention_from_the_command_line_uses_the_setting(engine, db_url):
    team = teams.create_team(engine, "Wijkteam Nu").id
    now = periods.current_period()
    old = _round(engine, team, periods.shift_period(now, -3), 3, "oud")
    kept = _round(engine, team, periods.shift_period(now, -2), 3, "nieuw")

    result = run_cli(db_url, "apply-retention", RETENTION_QUARTERS="2")
    assert result.returncode == 0, result.stderr
    assert "Bewaartermijn: 2 kwartalen" in result.stdout and "4 deelnemers in 1 rondes" in result.stdout
    assert _raw_answers(engine, old) == [] and len(_raw_answers(engine, kept)) == 4 * 3
    assert {round_id for round_id, _ in _retained(engine)} == {old}


def test_retention_cutoff_counts_whole_quarters():
    assert privacy.retention_cutoff(1, dt.date(2026, 1, 1)) == "2025-Q4"
    assert privacy.retention_cutoff(4, dt.date(2026, 3, 31)) == "2025-Q1"
    assert privacy.retention_cutoff(9, dt.date(2026, 7, 1)) == "2024-Q2"
    with pytest.raises(InvalidInput):
        privacy.retention_cutoff(0)

"""The database enforces its own rules, on SQLite and on PostgreSQL."""

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from kringwijs_survey.core.validation import InvalidInput, Refused
from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.store.database import current_revision, head_revision

import factories


def _round_with_response(engine):
    team = teams.create_team(engine, "Wijkteam Test")
    survey_round = rounds.start_round(engine, team.id, "2026-Q1")
    factories.submit(engine, survey_round.id, "resp-1", [responses.AnswerInput("AB1", 3)])
    with engine.connect() as connection:
        return connection.execute(text("SELECT id FROM response")).scalar_one()


def test_migrated_to_head_with_all_tables(engine):
    assert current_revision(engine) == head_revision()
    assert {"team", "round", "response", "answer"} <= set(inspect(engine).get_table_names())


@pytest.mark.parametrize("score", [0, 6, -1])
def test_database_itself_rejects_scores_outside_1_to_5(engine, score):
    response_id = _round_with_response(engine)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text("INSERT INTO answer (response_id, item_id, score) VALUES (:r, 'AB2', :s)"), {"r": response_id, "s": score}
        )


def test_database_itself_rejects_a_duplicate_answer(engine):
    response_id = _round_with_response(engine)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("INSERT INTO answer (response_id, item_id, score) VALUES (:r, 'AB1', 4)"), {"r": response_id})


def test_database_itself_rejects_a_second_response_with_the_same_respondent_key(engine):
    _round_with_response(engine)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        round_id = connection.execute(text("SELECT id FROM round")).scalar_one()
        connection.execute(text("INSERT INTO response (round_id, respondent) VALUES (:r, 'resp-1')"), {"r": round_id})


def test_database_itself_rejects_an_answer_without_a_response(engine):
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("INSERT INTO answer (response_id, item_id, score) VALUES (9999, 'AB1', 3)"))


def test_database_itself_rejects_a_malformed_period(engine):
    team = teams.create_team(engine, "Wijkteam Periode")
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text("INSERT INTO round (team_id, period, framework, status) VALUES (:t, '2026-Q5', 'x', 'open')"), {"t": team.id}
        )


def test_sqlite_runs_with_wal_foreign_keys_and_full_sync(sqlite_engine):
    with sqlite_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_submitting_twice_with_the_same_key_keeps_one_response(engine):
    team = teams.create_team(engine, "Wijkteam Dubbel")
    survey_round = rounds.start_round(engine, team.id, "2026-Q2")
    for score in (2, 4):
        factories.submit(engine, survey_round.id, "same-key", [responses.AnswerInput("AB1", score)])
    assert rounds.count_responses(engine, survey_round.id) == 1
    with engine.connect() as connection:
        assert connection.execute(text("SELECT score FROM answer")).scalars().all() == [4]


def test_every_field_of_every_answer_is_stored_as_sent(engine):
    """PostgreSQL stores a person's answers in one statement (one array per column): every
    value, a missing one and text that looks like an array or NULL included, comes back as sent."""
    team = teams.create_team(engine, "Wijkteam Velden")
    survey_round = rounds.start_round(engine, team.id, "2026-Q2")
    sent = [
        responses.AnswerInput("AB1", 3, 'a "quote", {braces}, a \\ backslash', True, 4),
        responses.AnswerInput("AB2", None, "NULL"),
        responses.AnswerInput("AB3", 1, None, False, None),
        responses.AnswerInput("B1", 5, "{}"),
    ]
    factories.submit(engine, survey_round.id, "fields", sent)
    assert responses.load_own_response(engine, survey_round.id, "fields").answers == {a.item_id: a for a in sent}
    factories.submit(engine, survey_round.id, "fields", sent[2:])
    assert responses.load_own_response(engine, survey_round.id, "fields").answers == {a.item_id: a for a in sent[2:]}
    assert rounds.count_responses(engine, survey_round.id) == 1


def test_an_invitation_lets_in_one_first_send_only(engine):
    """PostgreSQL inserts a new invited response and uses its invitation in one statement: a
    wrong or used code still stores nothing, and the one who used it can still change answers."""
    team = teams.create_team(engine, "Wijkteam Eenmalig")
    survey_round = rounds.start_round(engine, team.id, "2026-Q2")
    (code,) = rounds.create_invitations(engine, survey_round.id, 1, actor=SYSTEM)
    answer = [responses.AnswerInput("AB1", 3)]
    with pytest.raises(Refused):
        responses.submit_response(engine, survey_round.id, "wrong", answer, invitation="ABCDEFGHJKMN")
    responses.submit_response(engine, survey_round.id, "first", answer, invitation=code)
    with pytest.raises(Refused):
        responses.submit_response(engine, survey_round.id, "second", answer, invitation=code)
    responses.submit_response(engine, survey_round.id, "first", [responses.AnswerInput("AB1", 5)], invitation=code)
    assert rounds.count_responses(engine, survey_round.id) == 1
    assert rounds.invitation_count(engine, survey_round.id) == rounds.InvitationCount(invited=1, used=1)
    assert responses.load_own_response(engine, survey_round.id, "first").answers["AB1"].score == 5
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM answer")).scalar_one() == 1


def test_a_closed_round_refuses_answers_and_changes_nothing(engine):
    team = teams.create_team(engine, "Wijkteam Dicht")
    survey_round = rounds.start_round(engine, team.id, "2026-Q2")
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    with pytest.raises(InvalidInput, match="gesloten"):
        factories.submit(engine, survey_round.id, "late", [responses.AnswerInput("AB1", 3)])
    assert rounds.count_responses(engine, survey_round.id) == 0


def test_unknown_items_and_bad_scores_are_refused_before_anything_is_written(engine):
    team = teams.create_team(engine, "Wijkteam Fout")
    survey_round = rounds.start_round(engine, team.id, "2026-Q2")
    with pytest.raises(InvalidInput):
        factories.submit(engine, survey_round.id, "k", [responses.AnswerInput("AB1", 3), responses.AnswerInput("ZZ9", 3)])
    with pytest.raises(InvalidInput):
        factories.submit(engine, survey_round.id, "k", [responses.AnswerInput("AB1", 7)])
    assert rounds.count_responses(engine, survey_round.id) == 0


def test_team_names_are_cleaned_and_checked(engine):
    team = teams.create_team(engine, "  Wijkteam\x07 Noord \u200b ")
    assert team.name == "Wijkteam Noord"
    with pytest.raises(InvalidInput, match="al een team"):
        teams.create_team(engine, "Wijkteam Noord")
    with pytest.raises(InvalidInput, match="te lang"):
        teams.create_team(engine, "x" * 101)
    with pytest.raises(InvalidInput, match="leeg"):
        teams.create_team(engine, "   ")


def test_a_round_that_showed_results_cannot_reopen(engine):
    team = teams.create_team(engine, "Wijkteam Heropen")
    small = rounds.start_round(engine, team.id, "2026-Q1")
    factories.submit(engine, small.id, "a", [responses.AnswerInput("AB1", 3)])
    rounds.close_round(engine, small.id, actor=SYSTEM)
    assert rounds.set_round_status(engine, small.id, "open", actor=SYSTEM).status == "open"  # never showed results
    full = rounds.start_round(engine, team.id, "2026-Q2")
    for person in "abc":
        factories.submit(engine, full.id, person, [responses.AnswerInput("AB1", 3)])
    rounds.close_round(engine, full.id, actor=SYSTEM)
    with pytest.raises(InvalidInput, match="kan niet meer open"):
        rounds.set_round_status(engine, full.id, "open", actor=SYSTEM)
    assert rounds.get_round(engine, full.id).status == "closed"


def test_drafts_check_the_invitation_and_the_send_uses_it_once(engine):
    """A phone saves drafts on the way and sends at the end (PostgreSQL does each save in one
    statement): a draft needs an unused invitation but does not use it; the send uses it; a second
    person's send with the same code is refused and leaves that person's draft as it was."""
    team = teams.create_team(engine, "Wijkteam Concept")
    survey_round = rounds.start_round(engine, team.id, "2026-Q2")
    (code,) = rounds.create_invitations(engine, survey_round.id, 1, actor=SYSTEM)
    unused = rounds.InvitationCount(invited=1, used=0)
    with pytest.raises(Refused):
        responses.submit_response(engine, survey_round.id, "a", [responses.AnswerInput("AB1", 3)], final=False, invitation="ABCDEFGHJKMN")
    assert responses.load_own_response(engine, survey_round.id, "a") is None
    responses.submit_response(engine, survey_round.id, "a", [responses.AnswerInput("AB1", 3)], final=False, invitation=code)
    responses.submit_response(engine, survey_round.id, "b", [responses.AnswerInput("AB1", 1)], final=False, invitation=code)
    later = [responses.AnswerInput("AB1", 4), responses.AnswerInput("AB2", None, "weet ik niet")]
    responses.submit_response(engine, survey_round.id, "a", later, final=False, invitation=code)
    assert rounds.invitation_count(engine, survey_round.id) == unused
    assert responses.load_own_response(engine, survey_round.id, "a") == responses.OwnResponse(False, {a.item_id: a for a in later})

    responses.submit_response(engine, survey_round.id, "a", later, invitation=code)
    assert rounds.invitation_count(engine, survey_round.id) == rounds.InvitationCount(invited=1, used=1)
    assert responses.load_own_response(engine, survey_round.id, "a").submitted
    with pytest.raises(Refused):
        responses.submit_response(engine, survey_round.id, "b", [responses.AnswerInput("AB1", 2)], invitation=code)
    assert responses.load_own_response(engine, survey_round.id, "b") == responses.OwnResponse(
        False, {"AB1": responses.AnswerInput("AB1", 1)}
    )
    assert rounds.count_responses(engine, survey_round.id) == 1


def test_a_send_to_a_round_not_made_yet_is_refused_and_taken_once_the_round_is_made(engine):
    """A phone (or a prober) sending to the next round id before a trainer starts that round must
    not make the round unreachable later in the same process."""
    team = teams.create_team(engine, "Wijkteam Volgende")
    first = rounds.start_round(engine, team.id, "2026-Q1", invitation_only=False)
    with pytest.raises(InvalidInput, match="bestaat niet"):
        responses.submit_response(engine, first.id + 1, "vroeg", [responses.AnswerInput("AB1", 3)])
    second = rounds.start_round(engine, team.id, "2026-Q2", invitation_only=False)
    assert second.id == first.id + 1
    responses.submit_response(engine, second.id, "op-tijd", [responses.AnswerInput("AB1", 3)])
    assert rounds.count_responses(engine, second.id) == 1


def test_a_round_changed_under_a_running_app_checks_answers_against_what_it_is_now(engine):
    """What a send checks answers against (lens, audience) is kept per process; a restore that puts
    another round under the same id is still checked against the stored round."""
    team = teams.create_team(engine, "Wijkteam Terugzetten")
    survey_round = rounds.start_round(engine, team.id, "2026-Q1", invitation_only=False)
    responses.submit_response(engine, survey_round.id, "voor", [responses.AnswerInput("AB1", 3)])
    resident_statement = [responses.AnswerInput("R1", 4)]
    with pytest.raises(InvalidInput):
        responses.submit_response(engine, survey_round.id, "bewoner-1", resident_statement)

    with engine.begin() as connection:
        connection.execute(text("UPDATE round SET audience = 'residents' WHERE id = :r"), {"r": survey_round.id})
    responses.submit_response(engine, survey_round.id, "bewoner-2", resident_statement)

    with engine.begin() as connection:
        connection.execute(text("UPDATE round SET audience = 'team' WHERE id = :r"), {"r": survey_round.id})
    with pytest.raises(InvalidInput):
        responses.submit_response(engine, survey_round.id, "bewoner-3", resident_statement)
    assert {responses.load_own_response(engine, survey_round.id, key) is not None for key in ("bewoner-1", "bewoner-3")} == {False}
    assert rounds.count_responses(engine, survey_round.id) == 2

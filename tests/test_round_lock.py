"""On PostgreSQL an answer never lands after its round closed (issue 12, point 8): a submit
locks the round's row FOR SHARE and a close FOR UPDATE, so a close that comes in while a submit
is halfway waits for it, and a submit that comes in after a close is refused. Other people's
submits to the same round do not wait for each other (issue 17: 100 at once)."""

import threading

import pytest

from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import responses, rounds, teams, workshop
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate

pytestmark = pytest.mark.postgres
ANSWERS = [responses.AnswerInput("AB1", 4)]


@pytest.fixture
def open_round(fresh_postgres_url):
    """An engine on a new PostgreSQL database, and an open round (no invitations) of a team in it."""
    migrate(fresh_postgres_url)
    engine = get_engine(fresh_postgres_url)
    try:
        team = teams.create_team(engine, "Wijkteam Slot")
        yield engine, rounds.start_round(engine, team.id, "2026-Q3", invitation_only=False)
    finally:
        dispose_engines()


def close_team_round(engine, round_id):
    rounds.close_round(engine, round_id, actor=SYSTEM)


def close_workshop_round(engine, round_id):
    workshop.close_workshop(engine, round_id)


@pytest.mark.parametrize("close", [close_team_round, close_workshop_round], ids=["team round", "workshop"])
def test_a_close_waits_for_a_submit_that_already_read_open(open_round, monkeypatch, close):
    engine, survey_round = open_round
    has_read_open, may_go_on = threading.Event(), threading.Event()
    check_answers = responses._checked_answers

    def slow_check(*args, **kwargs):  # the forced delay: after reading "open", before writing
        has_read_open.set()
        may_go_on.wait(timeout=60)
        return check_answers(*args, **kwargs)

    monkeypatch.setattr(responses, "_checked_answers", slow_check)
    order, errors = [], []

    def submit():
        try:
            responses.submit_response(engine, survey_round.id, "laatkomer", ANSWERS)
            order.append("answer stored")
        except InvalidInput as error:
            errors.append(error)

    def closer():
        close(engine, survey_round.id)
        order.append("round closed")

    submitting = threading.Thread(target=submit)
    submitting.start()
    assert has_read_open.wait(timeout=60)
    closing = threading.Thread(target=closer)
    closing.start()
    closing.join(timeout=3)  # give an unlocked close every chance to finish first
    assert closing.is_alive(), "the close finished while an answer was halfway"
    may_go_on.set()
    submitting.join(timeout=60)
    closing.join(timeout=60)

    # Both went through; which thread noted its end first says nothing (the close goes on
    # the moment the answer commits), so the database tells: the answer is in the closed round.
    assert errors == [] and sorted(order) == ["answer stored", "round closed"]
    assert rounds.get_round(engine, survey_round.id).status == "closed"
    assert rounds.count_responses(engine, survey_round.id) == 1
    monkeypatch.setattr(responses, "_checked_answers", check_answers)
    with pytest.raises(InvalidInput, match="gesloten"):
        responses.submit_response(engine, survey_round.id, "te-laat", ANSWERS)
    assert rounds.count_responses(engine, survey_round.id) == 1


def test_other_people_do_not_wait_for_a_submit_that_is_halfway(open_round, monkeypatch):
    """Submits used to lock the round's row FOR UPDATE, so a full room queued behind one phone."""
    engine, survey_round = open_round
    first_is_halfway, first_may_go_on = threading.Event(), threading.Event()
    check_answers = responses._checked_answers

    def slow_first(*args, **kwargs):  # only the first submit stops after reading "open"
        if not first_is_halfway.is_set():
            first_is_halfway.set()
            first_may_go_on.wait(timeout=60)
        return check_answers(*args, **kwargs)

    monkeypatch.setattr(responses, "_checked_answers", slow_first)
    order = []
    first = threading.Thread(
        target=lambda: (responses.submit_response(engine, survey_round.id, "eerste", ANSWERS), order.append("first"))
    )
    first.start()
    assert first_is_halfway.wait(timeout=60)
    second = threading.Thread(
        target=lambda: (responses.submit_response(engine, survey_round.id, "tweede", ANSWERS), order.append("second"))
    )
    second.start()
    second.join(timeout=10)  # a second submit queued behind the first's lock would still wait here
    first_may_go_on.set()
    first.join(timeout=60)
    second.join(timeout=60)

    assert order == ["second", "first"]
    assert rounds.count_responses(engine, survey_round.id) == 2

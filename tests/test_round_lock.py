"""On PostgreSQL an answer never lands after its round closed (issue 12, point 8): a send locks
the round's row FOR SHARE and a close FOR UPDATE, so a close that comes in while a send is
halfway waits for it, and a send that comes in after a close is refused. Other people's sends to
the same round do not wait for each other (issue 17: 100 at once).

A send is one statement (issue 17), so there is no Python line between reading "open" and
writing to stop it at. The tests stop it where a real send can stop: behind the same person's
other send (a second tab or a double click) that holds their response's row, after the round's
row is already locked."""

import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import responses, rounds, teams, workshop
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate

from browser_helpers import wait_until

pytestmark = pytest.mark.postgres
ANSWERS = [responses.AnswerInput("AB1", 4)]
WAITING_SENDS = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND wait_event_type = 'Lock' AND query LIKE 'WITH found%'"
)


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


@contextmanager
def own_other_send_in_progress(engine, round_id, respondent):
    """The person's draft exists and another send of theirs holds its row until the block ends."""
    responses.submit_response(engine, round_id, respondent, ANSWERS, final=False)
    with engine.connect() as other_tab:
        with other_tab.begin():
            other_tab.execute(
                text("SELECT id FROM response WHERE round_id = :r AND respondent = :p FOR UPDATE"),
                {"r": round_id, "p": respondent},
            ).one()
            yield
            # leaving the block ends the other send without a change: the waiting one goes on


def wait_until_a_send_waits(engine):
    def a_send_waits() -> bool:
        with engine.connect() as connection:  # pg_stat_activity stays as it was within one transaction
            return bool(connection.execute(WAITING_SENDS).scalar_one())

    assert wait_until(a_send_waits, 60), "the send never came to wait"


def close_team_round(engine, round_id):
    rounds.close_round(engine, round_id, actor=SYSTEM)


def close_workshop_round(engine, round_id):
    workshop.close_workshop(engine, round_id)


def in_thread(work):
    thread = threading.Thread(target=work)
    thread.start()
    return thread


@pytest.mark.parametrize("close", [close_team_round, close_workshop_round], ids=["team round", "workshop"])
def test_a_close_waits_for_a_send_that_already_read_open(open_round, close):
    engine, survey_round = open_round
    order, errors = [], []

    def send():
        try:
            responses.submit_response(engine, survey_round.id, "laatkomer", ANSWERS)
            order.append("answer stored")
        except InvalidInput as error:
            errors.append(error)

    def closer():
        close(engine, survey_round.id)
        order.append("round closed")

    with own_other_send_in_progress(engine, survey_round.id, "laatkomer"):
        sending = in_thread(send)
        wait_until_a_send_waits(engine)
        closing = in_thread(closer)
        closing.join(timeout=3)  # give an unlocked close every chance to finish first
        assert closing.is_alive(), "the close finished while an answer was halfway"
    sending.join(timeout=60)
    closing.join(timeout=60)

    # Both went through; which thread noted its end first says nothing (the close goes on
    # the moment the answer is stored), so the database tells: the answer is in the closed round.
    assert errors == [] and sorted(order) == ["answer stored", "round closed"]
    assert rounds.get_round(engine, survey_round.id).status == "closed"
    assert rounds.count_responses(engine, survey_round.id) == 1
    with pytest.raises(InvalidInput, match="gesloten"):
        responses.submit_response(engine, survey_round.id, "te-laat", ANSWERS)
    assert rounds.count_responses(engine, survey_round.id) == 1


def test_other_people_do_not_wait_for_a_send_that_is_halfway(open_round):
    """Sends used to lock the round's row FOR UPDATE, so a full room queued behind one phone."""
    engine, survey_round = open_round
    order = []
    with own_other_send_in_progress(engine, survey_round.id, "eerste"):
        first = in_thread(lambda: (responses.submit_response(engine, survey_round.id, "eerste", ANSWERS), order.append("first")))
        wait_until_a_send_waits(engine)
        second = in_thread(lambda: (responses.submit_response(engine, survey_round.id, "tweede", ANSWERS), order.append("second")))
        second.join(timeout=10)  # a second send queued behind the first's lock would still wait here
        assert order == ["second"]
    first.join(timeout=60)

    assert order == ["second", "first"]
    assert rounds.count_responses(engine, survey_round.id) == 2

"""Respondents are invited, not self-made (issue 12, finding 1), and the doors around it:
one response per browser session, single-use invitations stored as digests, rounds from before
invitations, import-csv and the demo data."""

import threading

import pytest
from sqlalchemy import inspect, text

from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.rules import access
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.store.database import current_revision, dispose_engines, get_engine, head_revision, migrate

from app_helpers import all_text, open_page

ITEMS = get_frameworks()["verklaring-van-eindhoven"].items


@pytest.fixture
def team_round(app_engine):
    team = teams.create_team(app_engine, "Wijkteam Uitnodiging")
    key = teams.issue_team_key(app_engine, team.id)
    return app_engine, key, rounds.start_round(app_engine, team.id, "2026-Q3")


def fill_in_and_send(app, score: int) -> None:
    for _ in ITEMS:
        radio = next(r for r in app.radio if r.key and r.key.startswith("score-"))
        radio.set_value(score)
        next(b for b in app.button if b.label == "Volgende").click().run()
    next(b for b in app.button if b.label == "Versturen").click().run()
    assert "Dank je wel" in all_text(app), all_text(app)


def test_made_up_respondents_cannot_reach_the_threshold_unseen(team_round):
    """Finding 1: a member with the team link opened the join link in two fresh browser
    sessions, answered both, closed the round and subtracted the one real colleague's scores."""
    engine, key, survey_round = team_round
    colleague, insider = rounds.create_invitations(engine, survey_round.id, 2, actor=SYSTEM)  # a team of two
    fill_in_and_send(open_page("pages/join.py", query={"invite": colleague}), 4)
    fill_in_and_send(open_page("pages/join.py", query={"invite": insider}), 1)

    # The open join code no longer makes respondents, in any number of fresh sessions.
    for _ in range(2):
        fresh = open_page("pages/join.py", query={"join": survey_round.join_code})
        assert "Deze code werkt niet" in all_text(fresh)
        assert not any(r.key and r.key.startswith("score-") for r in fresh.radio)
    # Nor does an invitation that was used, nor a typed code that is not one.
    used = open_page("pages/join.py", query={"invite": insider})
    assert "Deze uitnodiging werkt niet (meer)" in all_text(used)
    with pytest.raises(InvalidInput, match="persoonlijke uitnodiging"):
        responses.submit_response(engine, survey_round.id, "sok-pop", [responses.AnswerInput("AB1", 1)])
    assert rounds.count_responses(engine, survey_round.id) == 2

    # The insider can make extra invitations, but the whole team sees how many there are.
    extra = rounds.create_invitations(engine, survey_round.id, 2, actor=SYSTEM)
    for code in extra:
        fill_in_and_send(open_page("pages/join.py", query={"invite": code}), 1)
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    results = open_page("pages/results.py", query={"team": key}, session={"results_round": survey_round.id})
    assert "**4** uitnodigingen, **4** ingevuld" in all_text(results)
    team_page = open_page("pages/team.py", query={"team": key})
    assert "**4** uitnodigingen, **4** ingevuld" in all_text(team_page)


def test_one_browser_session_holds_one_response_per_round(team_round):
    engine, _, survey_round = team_round
    first, second = rounds.create_invitations(engine, survey_round.id, 2, actor=SYSTEM)
    app = open_page("pages/join.py", query={"invite": first})
    fill_in_and_send(app, 3)
    mine = app.session_state["principal"].respondent
    app.query_params["invite"] = second  # the same browser opens a second invitation
    app.run()
    assert "Eén persoon geeft één keer antwoord" in all_text(app)
    assert app.session_state["principal"].respondent == mine
    assert "15 van 15 vragen beantwoord" in all_text(app)  # still their own, sent answers
    assert rounds.count_responses(engine, survey_round.id) == 1
    assert rounds.invitation_count(engine, survey_round.id) == rounds.InvitationCount(invited=2, used=1)


def test_an_invitation_works_once_even_when_two_phones_send_at_once(team_round):
    engine, _, survey_round = team_round
    (shared,) = rounds.create_invitations(engine, survey_round.id, 1, actor=SYSTEM)
    answers = [responses.AnswerInput("AB1", 3)]
    barrier, refused = threading.Barrier(2), []

    def send(respondent):
        barrier.wait()
        try:
            responses.submit_response(engine, survey_round.id, respondent, answers, invitation=shared)
        except InvalidInput:
            refused.append(respondent)

    threads = [threading.Thread(target=send, args=(name,)) for name in ("phone-1", "phone-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(refused) == 1 and rounds.count_responses(engine, survey_round.id) == 1
    # A draft does not use the invitation up; sending does. Editing after sending needs none.
    (later,) = rounds.create_invitations(engine, survey_round.id, 1, actor=SYSTEM)
    responses.submit_response(engine, survey_round.id, "draft", answers, final=False, invitation=later)
    assert rounds.invitation_count(engine, survey_round.id).used == 1
    responses.submit_response(engine, survey_round.id, "draft", answers, invitation=later)
    responses.submit_response(engine, survey_round.id, "draft", [responses.AnswerInput("AB1", 5)])
    assert rounds.invitation_count(engine, survey_round.id) == rounds.InvitationCount(invited=2, used=2)


def test_invitations_are_stored_as_digests_with_no_link_to_any_response(team_round):
    engine, _, survey_round = team_round
    codes = rounds.create_invitations(engine, survey_round.id, 3, actor=SYSTEM)
    assert len(set(codes)) == 3 and all(len(code) == access.INVITATION_CODE_LENGTH for code in codes)
    assert not set("".join(codes)) & set("0O1IL")
    responses.submit_response(engine, survey_round.id, "r1", [responses.AnswerInput("AB1", 2)], invitation=codes[0])
    columns = {column["name"] for column in inspect(engine).get_columns("invitation")}
    assert columns == {"id", "round_id", "code_hash", "used"}  # nothing that points at a response
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT code_hash FROM invitation")).scalars().all()
        dumped = " ".join(str(row) for table in ("invitation", "response") for row in connection.execute(text(f"SELECT * FROM {table}")))
    assert sorted(stored) == sorted(access.key_digest(code) for code in codes)
    assert not any(code in dumped for code in codes)
    # A typed code with dashes or lower case works as well as the link.
    assert rounds.round_by_invitation(engine, access.format_invitation_code(codes[1]).lower()).id == survey_round.id
    assert rounds.round_by_invitation(engine, codes[0]) is None  # used


def test_invitations_only_for_an_open_invitation_round_and_a_sane_number(team_round):
    engine, _, survey_round = team_round
    for wrong in (0, -1, rounds.MAX_INVITATIONS + 1, "8", True):
        with pytest.raises(InvalidInput, match="1 tot en met"):
            rounds.create_invitations(engine, survey_round.id, wrong, actor=SYSTEM)
    workshop_round = rounds.start_round(engine, survey_round.team_id, "2026-Q4", invitation_only=False)
    with pytest.raises(InvalidInput, match="niet met uitnodigingen"):
        rounds.create_invitations(engine, workshop_round.id, 1, actor=SYSTEM)
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    with pytest.raises(InvalidInput, match="gesloten"):
        rounds.create_invitations(engine, survey_round.id, 1, actor=SYSTEM)


def test_the_team_makes_invitations_on_its_page_and_sees_them_once(team_round):
    engine, key, survey_round = team_round
    app = open_page("pages/team.py", query={"team": key})
    assert "**0** uitnodigingen, **0** ingevuld" in all_text(app)
    app.number_input[0].set_value(6)
    next(b for b in app.button if b.label == "Uitnodigingen maken").click().run()
    assert not app.exception
    shown = next(c.value for c in app.code if "Uitnodiging 1:" in c.value)
    assert shown.count("/join?invite=") == 6
    assert "**6** uitnodigingen, **0** ingevuld" in all_text(app)
    code = shown.split("/join?invite=")[1].split(" ")[0]
    assert rounds.round_by_invitation(engine, code).id == survey_round.id
    app.run()  # the next run no longer shows the codes
    assert not any("/join?invite=" in c.value for c in app.code)


def test_rounds_from_before_invitations_keep_their_open_code(tmp_path):
    url = f"sqlite:///{tmp_path / 'oud.db'}"
    migrate(url, "0004")
    engine = get_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO team (name, is_group) VALUES ('Wijkteam Oud', false)"))
        connection.execute(text(
            "INSERT INTO round (team_id, period, framework, status, audience, join_code) "
            "SELECT id, '2026-Q2', 'verklaring-van-eindhoven', 'open', 'team', 'OUD234' FROM team"
        ))
        connection.execute(text("INSERT INTO response (round_id, respondent, submitted) SELECT id, 'oud-1', true FROM round"))
    dispose_engines()
    migrate(url)
    engine = get_engine(url)
    try:
        assert current_revision(engine) == head_revision()
        old = rounds.round_by_join_code(engine, "OUD234")
        assert not old.invitation_only and rounds.response_sources(engine, old.id) == {"open": 1}
        responses.submit_response(engine, old.id, "oud-2", [responses.AnswerInput("AB1", 3)])
        assert rounds.count_responses(engine, old.id) == 2
        team = teams.find_team(engine, "Wijkteam Oud")
        assert team.origin == "admin" and team.approved
        assert rounds.start_round(engine, team.id, "2026-Q3").invitation_only  # new rounds invite
    finally:
        dispose_engines()


def test_demo_data_has_invitations_and_counts_them(app_engine):
    from kringwijs_survey.domain.demo import create_demo_data

    totals = create_demo_data(app_engine)
    team = teams.find_team(app_engine, "Wijkteam Noord")
    for survey_round in rounds.list_rounds(app_engine, team.id):
        counted = rounds.invitation_count(app_engine, survey_round.id)
        assert survey_round.invitation_only and counted.used == rounds.count_responses(app_engine, survey_round.id)
        assert counted.invited >= counted.used
    assert totals["responses"] == sum(
        rounds.count_responses(app_engine, r.id) for t in teams.list_teams(app_engine) for r in rounds.list_rounds(app_engine, t.id)
    )


def test_a_session_that_guesses_codes_has_to_wait_and_others_still_get_in(team_round):
    """Finding 8: join codes could be guessed with no slow-down."""
    engine, _, survey_round = team_round
    (real,) = rounds.create_invitations(engine, survey_round.id, 1, actor=SYSTEM)
    guesser = open_page("pages/join.py")
    for guess in range(access.FREE_ATTEMPTS):
        guesser.text_input[0].input(f"ABCD-EFGH-JK{guess + 2}2")
        guesser.button[0].click().run()
        assert "Deze uitnodiging werkt niet (meer)" in all_text(guesser)
    guesser.text_input[0].input(real)  # even the right code waits now, in this session
    guesser.button[0].click().run()
    assert "Te veel pogingen" in all_text(guesser)
    assert "vragen beantwoord" not in all_text(guesser)
    member = open_page("pages/join.py", query={"invite": real})  # the real member's own phone
    assert "0 van 15 vragen beantwoord" in all_text(member)

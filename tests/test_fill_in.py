"""A team member fills in on their own: one item at a time, resumable, one person one response."""

import pytest

from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.rules.content import get_frameworks

from app_helpers import all_text, open_page

ITEMS = get_frameworks()["verklaring-van-eindhoven"].items


@pytest.fixture
def open_round(app_engine):
    team = teams.create_team(app_engine, "Wijkteam Invullen")
    return app_engine, rounds.start_round(app_engine, team.id, "2026-Q3")


def invited(engine, survey_round) -> dict[str, str]:
    """The query of a personal invitation link, as a team hands it to one member."""
    return {"invite": rounds.create_invitations(engine, survey_round.id, 1, actor=SYSTEM)[0]}


def own_respondent(app) -> str:
    return app.session_state["principal"].respondent


def answer_current_item(app, score_index=2, discuss=False, comment=""):
    radio = next(r for r in app.radio if r.key and r.key.startswith("score-"))
    radio.set_value(int(radio.options[score_index].split(" ")[0]) if score_index < 5 else 0)
    if discuss:
        next(c for c in app.checkbox if c.key.startswith("discuss-")).check()
    if comment:
        next(t for t in app.text_area if t.key.startswith("comment-")).input(comment)
    next(b for b in app.button if b.label == "Volgende").click().run()


def test_fill_in_all_fifteen_and_send(open_round):
    engine, survey_round = open_round
    app = open_page("pages/join.py", query=invited(engine, survey_round))
    assert "0 van 15 vragen beantwoord" in all_text(app)
    for index, _item in enumerate(ITEMS):
        assert not app.exception
        answer_current_item(app, score_index=index % 6, discuss=index == 0, comment="Mooi 🙂" if index == 1 else "")
    assert "15 van 15 vragen beantwoord" in all_text(app)
    assert rounds.count_responses(engine, survey_round.id) == 0  # a draft does not count yet
    next(b for b in app.button if b.label == "Versturen").click().run()
    assert "Dank je wel" in all_text(app)
    assert rounds.count_responses(engine, survey_round.id) == 1
    assert "me" not in app.query_params  # the respondent key never enters the address bar
    own = responses.load_own_response(engine, survey_round.id, own_respondent(app))
    assert own.submitted and len(own.answers) == 15
    assert own.answers[ITEMS[0].id].discuss and own.answers[ITEMS[1].id].comment == "Mooi 🙂"
    assert own.answers[ITEMS[5].id].score is None  # "weet ik niet"


def test_send_twice_and_come_back_keep_one_response(open_round):
    engine, survey_round = open_round
    app = open_page("pages/join.py", query=invited(engine, survey_round))
    for _ in ITEMS:
        answer_current_item(app)
    send = next(b for b in app.button if b.label == "Versturen")
    send.click().run()
    assert not [b for b in app.button if b.label == "Versturen"]  # nothing left to send twice
    app.switch_page("pages/principles.py").run()
    app.switch_page("pages/join.py").run()  # back in the same browser session
    assert "15 van 15 vragen beantwoord" in all_text(app) and "Dank je wel" in all_text(app)
    assert not [b for b in app.button if b.label == "Versturen"]
    assert rounds.count_responses(engine, survey_round.id) == 1
    assert rounds.invitation_count(engine, survey_round.id) == rounds.InvitationCount(invited=1, used=1)


def test_a_member_resumes_a_half_filled_response_in_the_same_session(open_round):
    engine, survey_round = open_round
    app = open_page("pages/join.py", query=invited(engine, survey_round))
    for _ in range(5):
        answer_current_item(app, score_index=3)
    app.switch_page("pages/principles.py").run()
    app.switch_page("pages/join.py").run()
    text = all_text(app)
    assert "5 van 15 vragen beantwoord" in text
    assert "Vraag 6 van 15" in text
    next(b for b in app.button if b.label == "Vorige").click().run()
    radio = next(r for r in app.radio if r.key.startswith("score-"))
    assert radio.value == 4


def test_a_me_link_from_someone_elses_history_opens_nothing(open_round):
    """Finding 8: the old links carried the respondent key (?me=); whoever found one in a
    browser's history opened that person's draft. Now the key lives only in the session."""
    engine, survey_round = open_round
    invitation = invited(engine, survey_round)
    app = open_page("pages/join.py", query=invitation)
    for _ in range(3):
        answer_current_item(app, score_index=0)
    victim = own_respondent(app)
    history = {**invitation, "me": victim}  # everything the address bar could ever have held
    snooper = open_page("pages/join.py", query=history)
    assert own_respondent(snooper) != victim
    assert "0 van 15 vragen beantwoord" in all_text(snooper)
    assert responses.load_own_response(engine, survey_round.id, victim).answers[ITEMS[0].id].score == 1


def test_sending_is_refused_until_every_item_has_an_answer(open_round):
    engine, survey_round = open_round
    app = open_page("pages/join.py", query=invited(engine, survey_round))
    for _ in range(len(ITEMS) - 1):
        answer_current_item(app)
    next(b for b in app.button if b.label == "Volgende").click().run()  # skip the last one
    assert "nog 1 vraag niet beantwoord" in all_text(app)
    assert next(b for b in app.button if b.label == "Versturen").disabled
    assert rounds.count_responses(engine, survey_round.id) == 0


def test_after_the_round_closes_answers_cannot_change(open_round):
    engine, survey_round = open_round
    app = open_page("pages/join.py", query=invited(engine, survey_round))
    answer_current_item(app)
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    next(b for b in app.button if b.label == "Volgende").click().run()
    assert "Deze ronde is gesloten" in all_text(app)


def test_the_first_stored_answer_writes_this_browsers_own_cookie_and_no_link(open_round):
    """The respondent key goes into a cookie of this browser only (so a reload, also on another
    app instance, continues: tests/test_browser_resume.py), never into the address bar."""
    from kringwijs_survey.rules.access import answer_cookie_name, answer_cookie_value

    engine, survey_round = open_round
    query = invited(engine, survey_round)
    app = open_page("pages/join.py", query=query)

    def scripts() -> str:
        return " ".join(element.proto.body for element in app.get("html"))

    assert answer_cookie_name(survey_round.id) not in scripts()  # nothing stored yet, nothing to keep
    answer_current_item(app)
    cookie = f"{answer_cookie_name(survey_round.id)}={answer_cookie_value(own_respondent(app), query['invite'])}"
    assert cookie in scripts() and "SameSite=Strict" in scripts()
    assert own_respondent(app) not in str(dict(app.query_params))
    answer_current_item(app)
    assert answer_cookie_name(survey_round.id) not in scripts()  # written once per session


def test_the_overview_fits_a_phone_and_a_change_after_sending_is_stored_at_once(open_round):
    """One list of answers and one choice to change one (not fifteen rows of buttons); after
    "Versturen" the page says the answers are sent, and a changed answer counts at once."""
    engine, survey_round = open_round
    app = open_page("pages/join.py", query=invited(engine, survey_round))
    for _ in ITEMS:
        answer_current_item(app, score_index=2)
    assert "Je hebt alle vragen beantwoord" in all_text(app)
    listed = [m.value for m in app.markdown if ITEMS[0].title.nl in m.value]
    assert len(listed) == 1 and all(item.title.nl in listed[0] for item in ITEMS)
    blockade = next(item for item in ITEMS if item.kind == "blockade")  # each answer in its own scale's words
    assert f"**{blockade.title.nl}** — 3 · Nogal" in listed[0] and f"**{ITEMS[0].title.nl}** — 3 · Voor de helft" in listed[0]
    assert not [b for b in app.button if b.label == "Veranderen"]
    next(b for b in app.button if b.label == "Versturen").click().run()
    assert "Dank je wel" in all_text(app)

    app.selectbox(key="change-item").set_value(3).run()  # the fourth question
    assert f"Vraag 4 van {len(ITEMS)}" in all_text(app)
    answer_current_item(app, score_index=4)  # a 5 instead of a 3; "Volgende" stores it
    own = responses.load_own_response(engine, survey_round.id, own_respondent(app))
    assert own.submitted and own.answers[ITEMS[3].id].score == 5
    assert rounds.count_responses(engine, survey_round.id) == 1

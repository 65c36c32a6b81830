"""A phone keeps its own answers across reloads and app instances, and nobody else gets them.

The respondent key lives in a cookie of the phone's own browser (kw_answer_<round>), written by
the page after the first stored answer: never in the address bar. Cookies are per host, not per
port, so a second `streamlit run` on 127.0.0.1 gets the cookie the first one wrote, as a second
app instance behind the proxy does (tests/test_multi_instance.py shows that with HAProxy).
"""

import pytest

from kringwijs_survey.domain import responses, rounds, teams, workshop
from kringwijs_survey.rules.access import SYSTEM, answer_cookie_name, parse_answer_cookie
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.store.database import dispose_engines, get_engine, migrate

from browser_helpers import choose_score, page_ready, screenshot

pytestmark = pytest.mark.browser
FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def app(tmp_path_factory, module_streamlit_server):
    """One database and two app instances on it, shared by the module's tests."""
    url = f"sqlite:///{tmp_path_factory.mktemp('resume') / 'resume.db'}"
    migrate(url)
    first = module_streamlit_server({"DATABASE_URL": url})
    second = module_streamlit_server({"DATABASE_URL": url})  # another app instance on the same database
    yield url, first, second
    dispose_engines()


@pytest.fixture
def world(app, request):
    """A team and an open round of the test's own (the answer cookie is per round)."""
    url, first, second = app
    engine = get_engine(url)
    team = teams.create_team(engine, f"Wijkteam Herladen {request.node.name[5:40]}")
    survey_round = rounds.start_round(engine, team.id, "2026-Q3")
    return engine, survey_round, first, second


def answer_items(page, first: int, last: int) -> None:
    for index in range(first, last):
        page.get_by_text(f"Vraag {index + 1} van 15").wait_for(timeout=60_000)
        page_ready(page, settle_ms=50)
        choose_score(page, index % 5)
        page.get_by_role("button", name="Volgende").click()
    page.get_by_text(f"{last} van 15 vragen beantwoord").wait_for(timeout=60_000)
    page_ready(page)


def held_key(context, base: str, round_id: int):
    name = answer_cookie_name(round_id)
    return parse_answer_cookie(next((c["value"] for c in context.cookies(base) if c["name"] == name), None))


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_a_reload_on_another_instance_continues_and_another_browser_gets_nothing(browser, world):
    engine, survey_round, first, second = world
    (invitation,) = rounds.create_invitations(engine, survey_round.id, 1, actor=SYSTEM)
    mine = browser.new_context(**PHONE)
    theirs = browser.new_context(**PHONE)
    try:
        phone = mine.new_page()
        phone.goto(f"{first}/join?invite={invitation}")
        answer_items(phone, 0, 3)
        held = held_key(mine, first, survey_round.id)
        assert held is not None and held[1] == invitation.upper()
        cookie = next(c for c in mine.cookies(first) if c["name"] == answer_cookie_name(survey_round.id))
        assert cookie["sameSite"] == "Strict" and cookie["path"] == "/" and cookie["expires"] > 0
        assert held[0] not in phone.url and "me=" not in phone.url  # nothing to copy from the address bar

        # The same browser reloads on the other instance: its three answers are there.
        phone.goto(phone.url.replace(first, second))
        page_ready(phone)
        phone.get_by_text("3 van 15 vragen beantwoord").wait_for(timeout=60_000)
        phone.get_by_text("Vraag 4 van 15").wait_for(timeout=60_000)
        assert held_key(mine, second, survey_round.id) == held

        # Someone who saw the link (a shared screen, a forwarded message) opens it elsewhere:
        # they see none of the answers, and they cannot send a second response on the invitation.
        other = theirs.new_page()
        other.goto(f"{second}/join?invite={invitation}")
        page_ready(other)
        other.get_by_text("0 van 15 vragen beantwoord").wait_for(timeout=60_000)
        screenshot(other, "resume-other-browser-sees-nothing", full_page=False)

        answer_items(phone, 3, 15)
        phone.get_by_role("button", name="Versturen").click()
        phone.get_by_text("Dank je wel").wait_for(timeout=60_000)
        assert rounds.invitation_count(engine, survey_round.id) == rounds.InvitationCount(invited=1, used=1)

        # Once sent, the invitation still opens the round for its own browser (to change an
        # answer) on either instance, and no longer for anyone else.
        phone.goto(f"{first}/join?invite={invitation}")
        page_ready(phone)
        phone.get_by_text("15 van 15 vragen beantwoord").wait_for(timeout=60_000)
        other.goto(f"{first}/join?invite={invitation}")
        page_ready(other)
        other.get_by_text("Deze uitnodiging werkt niet (meer)").wait_for(timeout=60_000)
        assert "vragen beantwoord" not in main_text(other)
        assert rounds.count_responses(engine, survey_round.id) == 1
        assert responses.load_own_response(engine, survey_round.id, held[0]).submitted
    finally:
        mine.close()
        theirs.close()


def test_a_made_up_or_copied_cookie_opens_nothing_of_anyone_else(browser, world):
    """An insider who knows how the cookie looks writes one into their own browser: for a round
    they never answered (no code at all), or with a key they made up. Neither opens the round or
    anybody's answers; an old ?me= link with the victim's key opens nothing either."""
    engine, survey_round, base, _ = world
    victim_invitation, own_invitation = rounds.create_invitations(engine, survey_round.id, 2, actor=SYSTEM)
    victim_key = "victim-key-0123456789abcdef"
    answers = [responses.AnswerInput(item.id, 5) for item in FRAMEWORK.items[:4]]
    responses.submit_response(engine, survey_round.id, victim_key, answers, final=False, invitation=victim_invitation)
    attacker = browser.new_context(**PHONE)
    try:
        attacker.add_cookies([
            {"name": answer_cookie_name(survey_round.id), "value": f"made-up-key-0123456789.{victim_invitation}", "url": base}
        ])
        page = attacker.new_page()
        page.goto(f"{base}/join")
        page_ready(page)
        page.get_by_label("Code").first.wait_for(timeout=60_000)  # still the code form: not in the round
        assert "vragen beantwoord" not in main_text(page)

        page.goto(f"{base}/join?invite={victim_invitation}&me={victim_key}")  # the victim's old link
        page_ready(page)
        page.get_by_text("0 van 15 vragen beantwoord").wait_for(timeout=60_000)
        assert held_key(attacker, base, survey_round.id) is None or held_key(attacker, base, survey_round.id)[0] != victim_key

        page.goto(f"{base}/join?invite={own_invitation}")  # their own invitation: a fresh, empty response
        page_ready(page)
        page.get_by_text("0 van 15 vragen beantwoord").wait_for(timeout=60_000)
        mine = responses.load_own_response(engine, survey_round.id, victim_key)
        assert not mine.submitted and {a.score for a in mine.answers.values()} == {5}
    finally:
        attacker.close()


def test_in_a_workshop_a_second_tab_of_the_same_phone_is_the_same_person(browser, world):
    """Workshops keep their open code (the trainer sees the room): a new phone is a new person,
    but a second tab or a reload of the same phone continues that phone's one response."""
    engine, _, base, _ = world
    survey_round = workshop.start_workshop(engine, group_name="Training Herladen", period="2026-Q3")
    phone_browser = browser.new_context(**PHONE)
    try:
        tab = phone_browser.new_page()
        tab.goto(f"{base}/join?join={survey_round.join_code}")
        answer_items(tab, 0, 2)
        second_tab = phone_browser.new_page()
        second_tab.goto(f"{base}/join?join={survey_round.join_code}")
        page_ready(second_tab)
        second_tab.get_by_text("2 van 15 vragen beantwoord").wait_for(timeout=60_000)
        answer_items(second_tab, 2, 3)
        assert workshop.live_counts(engine, survey_round.id) == (1, 0)  # one person joined, none sent
    finally:
        phone_browser.close()

"""Workshop mode: a facilitator runs a round live; the projector shows counts, then frozen outcomes."""

import io
import json

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from kringwijs_survey.core import periods
from kringwijs_survey.core.i18n import table
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import responses, rounds, teams, workshop
from kringwijs_survey.render import qr, workshop_report
from kringwijs_survey.rules.access import SYSTEM, Principal, Role
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.views import workshop_results
from kringwijs_survey.web import signin

import factories
from app_helpers import APP, all_text, open_page

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
FACILITATOR = {"principal": Principal(Role.FACILITATOR)}
LABELS = {key[len("chart."):]: value for key, value in table("nl").items() if key.startswith("chart.")}


@pytest.fixture
def world(app_engine, monkeypatch):
    monkeypatch.setenv("MIN_GROUP", "3")
    engine = app_engine
    team = teams.create_team(engine, "Wijkteam Workshop")
    return engine, team


def answer(engine, round_id, person, first_score, *, final=True):
    """Scores first_score, first_score+1, ... (wrapping 1..5) over the items, in framework order."""
    answers = [
        responses.AnswerInput(item.id, (first_score - 1 + position) % 5 + 1, discuss=position == 2)
        for position, item in enumerate(FRAMEWORK.items)
    ]
    factories.submit(engine, round_id, person, answers, final=final)


def button(app, label):
    return next(b for b in app.button if b.label == label)


KEYS: dict[int, str] = {}  # round id -> the beamer code its facilitator got


def start(engine, team_id, group_name, period, framework="verklaring-van-eindhoven"):
    """A facilitator starts a workshop and gets its beamer code, as the workshop page does."""
    survey_round = workshop.start_workshop(engine, team_id, group_name, period, framework)
    KEYS[survey_round.id] = workshop.issue_workshop_key(engine, survey_round.id)
    return survey_round


def start_from_page(engine):
    app = open_page("pages/workshop.py", session=FACILITATOR)
    assert not app.exception, app.exception
    assert "Workshop leiden" in all_text(app)
    button(app, "Workshop starten").click().run()
    assert not app.exception, app.exception
    KEYS[app.session_state["workshop_round"]] = app.session_state["workshop_key"]
    return app


def page_round(engine, app):
    return rounds.get_round(engine, app.session_state["workshop_round"])


def presenter(survey_round):
    app = open_page("pages/presenter.py", session={**FACILITATOR, "presenter_code": KEYS[survey_round.id]})
    assert not app.exception, app.exception
    return app


def test_a_workshop_for_a_team_runs_in_a_round_of_its_own(world):
    engine, team = world
    app = start_from_page(engine)
    survey_round = page_round(engine, app)
    assert survey_round.period == periods.current_period() and survey_round.status == "open"
    assert rounds.list_rounds(engine, team.id) == []  # the team's own history is the team's
    assert workshop.workshop_name(engine, survey_round) == "Wijkteam Workshop · workshop"
    text = all_text(app)
    assert survey_round.join_code in text and signin.join_link(survey_round.join_code).split("?")[1] in text
    assert KEYS[survey_round.id] in text  # the beamer code, for the facilitator's eyes
    # Starting again (a browser that closed) continues in the same round.
    again = workshop.start_workshop(engine, team.id, None, survey_round.period, survey_round.framework)
    assert again.id == survey_round.id
    assert {b.label for b in app.button} >= {"Vorige", "Volgende", "Laat uitkomst zien", "Verberg"}


def test_a_trainer_cannot_take_over_a_teams_own_round(world):
    """Finding 2: "Workshop leiden" for a team and a quarter with an open team round used to
    return that round: its code, counts, paper form, reveal and close went to the trainer."""
    engine, team = world
    own = rounds.start_round(engine, team.id, periods.current_period())
    for person in "abc":
        answer(engine, own.id, person, 2)
    app = start_from_page(engine)
    taken = page_round(engine, app)
    assert taken.id != own.id and taken.join_code != own.join_code
    assert own.join_code not in all_text(app)
    assert workshop.live_counts(engine, taken.id) == (0, 0)  # none of the team's three answers
    button(app, "Antwoorden van papier invoeren").click().run()
    for item in FRAMEWORK.items:
        next(r for r in app.radio if r.key == f"paper-{item.id}").set_value(1)
    button(app, "Antwoorden opslaan").click().run()
    button(app, "Ja, sluit de workshop").click().run()
    own = rounds.get_round(engine, own.id)
    assert own.status == "open" and rounds.count_responses(engine, own.id) == 3
    assert rounds.response_sources(engine, own.id) == {"invited": 3}
    # Only the team itself can open its own round for a trainer, with a code it hands over.
    key = workshop.open_team_round_for_workshop(engine, own.id, actor=SYSTEM)
    assert workshop.workshop_by_key(engine, key).id == own.id
    with pytest.raises(InvalidInput, match="eigen uitnodiging"):
        workshop.paper_entry(engine, own.id, {item_id: 1 for item_id in FRAMEWORK.item_ids})


def test_counts_show_started_and_sent_but_never_who(world):
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q3")
    answer(engine, survey_round.id, "a", 1)
    answer(engine, survey_round.id, "b", 2)
    answer(engine, survey_round.id, "c", 3, final=False)
    assert workshop.live_counts(engine, survey_round.id) == (3, 2)
    app = presenter(survey_round)
    text = all_text(app)
    assert "**3** begonnen" in text and "**2** klaar" in text
    assert "Doe mee met je telefoon" in text and survey_round.join_code in text
    assert len(app.get("image")) == 1  # the QR code


def test_reveal_is_refused_below_the_minimum_and_allowed_at_it(world):
    engine, team = world
    app = start_from_page(engine)
    survey_round = page_round(engine, app)
    answer(engine, survey_round.id, "a", 1)
    answer(engine, survey_round.id, "b", 2)
    button(app, "Volgende").click().run()
    assert rounds.get_round(engine, survey_round.id).live_index == 0
    button(app, "Laat uitkomst zien").click().run()
    assert "te weinig antwoorden: 2" in all_text(app)
    assert not rounds.get_round(engine, survey_round.id).live_revealed

    screen = presenter(survey_round)
    text = all_text(screen)
    assert FRAMEWORK.items[0].title.nl in text
    assert "Middelste score" not in text and not screen.get("image")

    answer(engine, survey_round.id, "c", 3)
    button(app, "Laat uitkomst zien").click().run()
    assert not app.error, [e.value for e in app.error]
    assert rounds.get_round(engine, survey_round.id).live_revealed
    screen = presenter(survey_round)
    text = all_text(screen)
    assert "Middelste score: **2,0**" in text and "Antwoorden van 3 mensen" in text
    assert len(screen.get("image")) == 1  # the distribution
    with pytest.raises(InvalidInput, match="minstens 3"):
        other = workshop.start_workshop(engine, None, "Kleine groep", "2026-Q3")
        workshop.set_live_item(engine, other.id, 0)
        workshop.reveal_item(engine, other.id, min_group=3)


def test_the_revealed_snapshot_stays_fixed_when_more_answers_arrive(world):
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q3")
    for person, first in zip("abc", (1, 1, 4)):
        answer(engine, survey_round.id, person, first)
    workshop.set_live_item(engine, survey_round.id, 0)
    frozen = workshop.reveal_item(engine, survey_round.id, min_group=3)
    assert (frozen["count_1"], frozen["count_4"], frozen["n"], frozen["respondents"]) == (2, 1, 3, 3)
    assert frozen["median"] == 1 and frozen["sd"] == pytest.approx(1.7320508)

    answer(engine, survey_round.id, "d", 5)  # the fourth person, after the reveal
    assert workshop.snapshot(rounds.get_round(engine, survey_round.id)) == frozen
    workshop.hide_item(engine, survey_round.id)
    assert workshop.snapshot(rounds.get_round(engine, survey_round.id)) is None
    # Revealing again shows the same set, so the fourth score cannot be read from a change.
    assert workshop.reveal_item(engine, survey_round.id, min_group=3) == frozen
    assert "**1** Helemaal niet: **2**" in all_text(presenter(survey_round))
    # Only once a whole group more (3) answered is a new snapshot taken.
    for person in "ef":
        answer(engine, survey_round.id, person, 5)
    workshop.hide_item(engine, survey_round.id)
    newer = workshop.reveal_item(engine, survey_round.id, min_group=3)
    assert newer["respondents"] == 6 and newer["count_5"] == 3
    stored = json.loads(rounds.get_round(engine, survey_round.id).live_snapshot)
    assert set(stored["items"]) == {FRAMEWORK.items[0].id}


def test_counts_reveal_and_paper_work_on_sqlite_and_postgresql(engine):
    team = teams.create_team(engine, "Wijkteam Beide")
    survey_round = start(engine, team.id, None, "2026-Q3")
    for person, first in zip("abc", (2, 2, 5)):
        answer(engine, survey_round.id, person, first)
    answer(engine, survey_round.id, "draft", 1, final=False)
    workshop.paper_entry(engine, survey_round.id, {item_id: None for item_id in FRAMEWORK.item_ids})
    assert workshop.live_counts(engine, survey_round.id) == (5, 4)
    workshop.step(engine, survey_round.id, 1)
    frozen = workshop.reveal_item(engine, survey_round.id, min_group=3)
    assert (frozen["count_2"], frozen["count_5"], frozen["n_dont_know"], frozen["n"]) == (2, 1, 1, 3)
    assert frozen["median"] == 2 and frozen["respondents"] == 4
    assert workshop.close_workshop(engine, survey_round.id).status == "closed"


def test_the_snapshot_is_the_one_aggregation_of_that_round_only(world):
    engine, team = world
    other = teams.create_team(engine, "Ander team")
    elsewhere = rounds.start_round(engine, other.id, "2026-Q3")
    for person in "xyz":
        answer(engine, elsewhere.id, person, 5)
    survey_round = start(engine, team.id, None, "2026-Q3")
    for person in "abc":
        answer(engine, survey_round.id, person, 2)
    workshop.set_live_item(engine, survey_round.id, 0)
    frozen = workshop.reveal_item(engine, survey_round.id, min_group=3)
    assert frozen["count_2"] == 3 and frozen["count_5"] == 0


def test_paper_answers_count_as_one_more_sent_response(world):
    engine, team = world
    app = start_from_page(engine)
    survey_round = page_round(engine, app)
    assert rounds.count_responses(engine, survey_round.id) == 0
    button(app, "Antwoorden van papier invoeren").click().run()
    assert "Volgende" not in {b.label for b in app.button}  # no arrow-key shortcuts while typing in scores
    for index, item in enumerate(FRAMEWORK.items):
        radio = next(r for r in app.radio if r.key == f"paper-{item.id}")
        radio.set_value(0 if index == 4 else 1 + index % 5)
    button(app, "Antwoorden opslaan").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert "Er telt één persoon meer mee" in all_text(app)
    assert rounds.count_responses(engine, survey_round.id) == 1
    assert workshop.live_counts(engine, survey_round.id) == (1, 1)
    # A half-filled paper form is refused and stores nothing.
    button(app, "Antwoorden van papier invoeren").click().run()
    next(r for r in app.radio if r.key == f"paper-{FRAMEWORK.items[0].id}").set_value(3)
    button(app, "Antwoorden opslaan").click().run()
    assert "Vul bij elke vraag een score in" in all_text(app)
    assert rounds.count_responses(engine, survey_round.id) == 1
    button(app, "Terug zonder opslaan").click().run()
    assert "Volgende" in {b.label for b in app.button}


def test_closing_asks_first_then_shows_the_summary_link(world):
    engine, team = world
    app = start_from_page(engine)
    survey_round = page_round(engine, app)
    assert rounds.get_round(engine, survey_round.id).status == "open"
    button(app, "Ja, sluit de workshop").click().run()
    assert rounds.get_round(engine, survey_round.id).status == "closed"
    assert "De workshop is gesloten" in all_text(app)
    button(app, "Nieuwe workshop").click().run()
    assert "Workshop starten" in {b.label for b in app.button}


def test_a_mixed_group_gets_a_group_of_its_own(world):
    engine, team = world
    app = open_page("pages/workshop.py", session=FACILITATOR)
    app.radio[0].set_value("group").run()
    app.text_input[0].input("Trainingsdag maart")
    button(app, "Workshop starten").click().run()
    assert not app.exception and not app.error
    group = teams.find_team(engine, "Trainingsdag maart")
    assert group is not None and group.is_group
    assert [r.id for r in rounds.list_rounds(engine, group.id)] == [app.session_state["workshop_round"]]
    assert rounds.list_rounds(engine, team.id) == []
    with pytest.raises(InvalidInput, match="Er is al een team"):
        workshop.start_workshop(engine, None, "Wijkteam Workshop", "2026-Q3")
    # Groups are not offered as teams.
    assert [t.name for t in workshop.open_teams(engine)] == ["Wijkteam Workshop"]


def test_the_qr_code_holds_the_join_link(world):
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q3")
    link = signin.join_link(survey_round.join_code)
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.qr_png(link, scale=12))))
    assert [code.text for code in found] == [link]
    assert link.endswith(f"/join?join={survey_round.join_code}")


def test_after_closing_the_projector_shows_the_summary_with_downloads(world):
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q3")
    for person, first in zip("abcd", (1, 2, 3, 4)):
        answer(engine, survey_round.id, person, first)
    workshop.close_workshop(engine, survey_round.id)
    with pytest.raises(InvalidInput):
        answer(engine, survey_round.id, "late", 3)
    screen = presenter(survey_round)
    text = all_text(screen)
    assert "Samenvatting van de workshop" in text and "4 mensen deden mee" in text
    assert "Hier willen we over praten" in text and "willen erover praten" in text
    assert len(screen.get("image")) == 2  # profile and blockades
    assert {b.label for b in screen.get("download_button")} == {"Download als PDF", "Download als afbeelding (PNG)"}

    summary = workshop_results.workshop_summary(engine, survey_round.id, "nl", 3)
    assert summary.shown and summary.respondents == 4 and len(summary.agenda) == workshop.AGENDA_TOP
    assert summary.agenda.iloc[0]["n_discuss"] == 4  # everyone flagged the third item
    assert workshop_results.pair_lines(summary, "nl")[0].startswith("B1 Te grote schaal: staat in de weg ")
    assert "Antwoord: AO1 Kleinschalig en dichtbij werken" in workshop_results.pair_lines(summary, "nl")[0]
    pdf = PdfReader(io.BytesIO(workshop_report.summary_pdf(summary, LABELS, "nl")))
    words = "".join(page.extract_text() for page in pdf.pages)
    assert "Samenvatting van de workshop" in words and "Hier willen we over praten" in words
    assert len(pdf.pages[0].images) == 1
    png = Image.open(io.BytesIO(workshop_report.summary_png(summary, LABELS, "nl")))
    assert png.format == "PNG" and png.width > 800
    # The workshop's round stays out of the team's own history.
    assert survey_round.id not in {r.id for r in rounds.list_rounds(engine, team.id)}


def test_a_summary_of_too_few_people_shows_no_numbers(world):
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q3")
    for person in "ab":
        answer(engine, survey_round.id, person, 2)
    workshop.close_workshop(engine, survey_round.id)
    text = all_text(presenter(survey_round))
    assert "te weinig antwoorden" in text
    assert not presenter(survey_round).get("download_button")


def test_a_closed_workshop_quarter_cannot_host_a_workshop_again(world):
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q2")
    workshop.close_workshop(engine, survey_round.id)
    with pytest.raises(InvalidInput, match="al gesloten"):
        workshop.start_workshop(engine, team.id, None, "2026-Q2")


def test_stepping_goes_from_the_welcome_through_the_items_and_back(world):
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q3")
    assert workshop.step(engine, survey_round.id, -1).live_index is None
    assert workshop.step(engine, survey_round.id, 1).live_index == 0
    workshop.set_live_item(engine, survey_round.id, 14)
    assert workshop.step(engine, survey_round.id, 1).live_index == 14
    with pytest.raises(InvalidInput):
        workshop.set_live_item(engine, survey_round.id, 15)


def test_the_presenter_asks_for_a_code_and_hides_the_sidebar(world):
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q3")
    app = open_page("pages/presenter.py", session=FACILITATOR)
    assert not app.exception
    assert "Typ de code van de workshop" in all_text(app) and "Wijkteam Workshop" not in all_text(app)
    app.text_input[0].input(KEYS[survey_round.id].lower())
    app.button[0].click().run()
    assert "Doe mee met je telefoon" in all_text(app)
    css = next(h for h in app.get("html") if "stSidebar" in h.proto.body).proto.body
    assert "display: none" in css and survey_round.join_code not in css


def test_the_projector_opens_only_workshops_this_facilitator_started(world):
    """Finding 4: /presenter?workshop=CODE showed the summary, agenda and downloads of any
    round, also a closed team round that was never shared. Now only a beamer code opens it."""
    engine, team = world
    own = rounds.start_round(engine, team.id, "2026-Q1")
    for person, first in zip("abcd", (1, 2, 3, 4)):
        answer(engine, own.id, person, first)
    rounds.close_round(engine, own.id, actor=SYSTEM)
    for query in ({"workshop": own.join_code}, {"workshop": "ABCDEFGH"}):
        app = open_page("pages/presenter.py", query=query, session=FACILITATOR)
        text = all_text(app)
        assert "Samenvatting van de workshop" not in text and "Wijkteam Workshop" not in text
        assert not app.get("download_button") and not app.get("image")
    app = open_page("pages/presenter.py", session=FACILITATOR)
    app.text_input[0].input(own.join_code)
    app.button[0].click().run()
    assert "Deze code werkt niet" in all_text(app) and "Samenvatting" not in all_text(app)
    # A second facilitator who starts the same workshop gets a new beamer code; the first one's
    # projector stops showing it.
    survey_round = start(engine, team.id, None, "2026-Q3")
    first_key = KEYS[survey_round.id]
    second = start(engine, team.id, None, "2026-Q3")
    assert second.id == survey_round.id and workshop.workshop_by_key(engine, first_key) is None


def test_paper_answers_alone_never_reach_the_reveal_minimum(world):
    """Finding 3: one real answer plus two paper answers used to allow a reveal, from which the
    trainer who typed the paper could subtract the one real person's scores."""
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q3")
    answer(engine, survey_round.id, "the-only-phone", 5)
    for _ in range(2):
        workshop.paper_entry(engine, survey_round.id, {item_id: 1 for item_id in FRAMEWORK.item_ids})
    workshop.set_live_item(engine, survey_round.id, 0)
    with pytest.raises(InvalidInput, match="te weinig antwoorden via telefoon: 1"):
        workshop.reveal_item(engine, survey_round.id, min_group=3)
    text = all_text(presenter(survey_round))
    assert "**1** via telefoon" in text and "**2** op papier" in text
    workshop.close_workshop(engine, survey_round.id)
    summary = workshop_results.workshop_summary(engine, survey_round.id, "nl", 3)
    assert not summary.shown and summary.profile["median"].isna().all()
    screen = presenter(survey_round)
    assert not screen.get("download_button") and not screen.get("image")


def test_a_team_opens_its_own_round_for_a_trainer_with_its_team_link(world):
    engine, team = world
    key = teams.issue_team_key(engine, team.id)
    own = rounds.start_round(engine, team.id, "2026-Q3")
    team_page = open_page("pages/team.py", query={"team": key})
    button(team_page, "Workshopcode maken").click().run()
    text = all_text(team_page)
    code = text.split("Workshopcode voor de trainer: **")[1].split("**")[0]
    app = open_page("pages/workshop.py", session=FACILITATOR)
    next(t for t in app.text_input if t.label == "Workshopcode (8 tekens)").input(code)
    button(app, "Ronde van het team openen").click().run()
    assert app.session_state["workshop_round"] == own.id
    KEYS[own.id] = code
    screen = all_text(presenter(own))
    assert "eigen uitnodiging" in screen and own.join_code not in screen  # no QR to a code that opens nothing
    # A made-up or another team's code opens nothing.
    other = open_page("pages/workshop.py", session=FACILITATOR)
    next(t for t in other.text_input if t.label == "Workshopcode (8 tekens)").input(own.join_code + "XY")
    button(other, "Ronde van het team openen").click().run()
    assert "Deze code werkt niet" in all_text(other) and "workshop_round" not in other.session_state


# ---------------------------------------------------------------------------------------------
# phones follow the projector
# ---------------------------------------------------------------------------------------------


def live_answer(engine, round_id, person, scores: dict[int, int | None]):
    """A phone's answers in a live workshop: item index -> score (None: "weet ik niet")."""
    answers = [responses.AnswerInput(FRAMEWORK.items[index].id, score) for index, score in scores.items()]
    return workshop.send_live_answers(engine, round_id, person, answers)


def phone(survey_round):
    app = open_page("pages/join.py", query={"join": survey_round.join_code})
    assert not app.exception, app.exception
    return app


def test_a_phone_shows_the_item_on_screen_and_waits_once_it_answered(world):
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q3")
    ids = FRAMEWORK.item_ids
    welcome = workshop.phone_screen(rounds.get_round(engine, survey_round.id), set())
    assert welcome.waiting and welcome.on_screen is None and welcome.missed == ()

    on_screen = workshop.set_live_item(engine, survey_round.id, 3)
    fresh = workshop.phone_screen(on_screen, set())
    assert (fresh.index, fresh.on_screen, fresh.missed) == (3, 3, (0, 1, 2))
    answered = workshop.phone_screen(on_screen, {ids[3], ids[1]})
    assert answered.waiting and answered.answered_on_screen and answered.missed == (0, 2)
    # a missed item (or changing an answer) is the person's own choice
    assert workshop.phone_screen(on_screen, {ids[3]}, chosen=0).index == 0


def test_an_answer_counts_for_its_item_at_once_and_the_reveal_counts_that_item(world):
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q3")
    workshop.set_live_item(engine, survey_round.id, 0)
    for person, score in zip("abc", (2, 2, None)):  # one "weet ik niet": an answer too
        live_answer(engine, survey_round.id, person, {0: score})
    assert workshop.item_answers(engine, survey_round.id, FRAMEWORK.items[0].id) == workshop.Sources(phone=3, paper=0)
    frozen = workshop.reveal_item(engine, survey_round.id, min_group=3)
    assert (frozen["respondents"], frozen["n"], frozen["n_dont_know"]) == (3, 2, 1)
    assert frozen["too_few_scores"] and frozen["count_2"] is None  # two actual scores: no distribution

    workshop.set_live_item(engine, survey_round.id, 1)  # nobody answered item 2 yet
    with pytest.raises(InvalidInput, match="te weinig antwoorden: 0"):
        workshop.reveal_item(engine, survey_round.id, min_group=3)
    for person in "ab":
        live_answer(engine, survey_round.id, person, {0: 2, 1: 4})
    with pytest.raises(InvalidInput, match="te weinig antwoorden: 2"):
        workshop.reveal_item(engine, survey_round.id, min_group=3)


def test_a_snapshot_is_renewed_only_after_a_group_more_answered_that_item(world):
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q3")
    workshop.set_live_item(engine, survey_round.id, 0)
    for person in "abc":
        live_answer(engine, survey_round.id, person, {0: 1})
    first = workshop.reveal_item(engine, survey_round.id, min_group=3)
    # Two more people answer item 1 and three answer only item 2: no new snapshot of item 1.
    for person in "de":
        live_answer(engine, survey_round.id, person, {0: 5})
    for person in "fgh":
        live_answer(engine, survey_round.id, person, {1: 5})
    workshop.hide_item(engine, survey_round.id)
    assert workshop.reveal_item(engine, survey_round.id, min_group=3) == first
    live_answer(engine, survey_round.id, "i", {0: 5})  # now three more answered item 1
    workshop.hide_item(engine, survey_round.id)
    renewed = workshop.reveal_item(engine, survey_round.id, min_group=3)
    assert (renewed["respondents"], renewed["count_5"]) == (6, 3)


def test_a_late_joiner_lands_on_the_item_on_screen_and_can_fill_in_what_they_missed(world):
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q3")
    workshop.set_live_item(engine, survey_round.id, 4)
    app = phone(survey_round)
    text = all_text(app)
    assert "Vraag 5 van 15" in text and FRAMEWORK.items[4].title.nl in text
    button(app, "Antwoord versturen").click().run()  # nothing chosen: told, nothing stored
    assert "Kies eerst een antwoord" in all_text(app)
    assert workshop.item_answers(engine, survey_round.id, FRAMEWORK.items[4].id).phone == 0

    app.radio(key=f"score-{FRAMEWORK.items[4].id}").set_value(4)
    button(app, "Antwoord versturen").click().run()
    assert not app.exception, app.exception
    text = all_text(app)
    assert "Je antwoord op vraag 5 is binnen" in text and "Je beantwoordde 1 van 15 vragen" in text
    assert workshop.item_answers(engine, survey_round.id, FRAMEWORK.items[4].id).phone == 1  # counts at once

    missed = app.selectbox(key="live-missed")
    assert missed.options == [f"{number}. {FRAMEWORK.items[number - 1].title.nl}" for number in range(1, 5)]
    missed.set_value(1).run()
    assert "Vraag 2 van 15" in all_text(app)
    app.radio(key=f"score-{FRAMEWORK.items[1].id}").set_value(0)  # "weet ik niet"
    button(app, "Antwoord versturen").click().run()
    assert "Je antwoord op vraag 5 is binnen" in all_text(app)
    assert len(app.selectbox(key="live-missed").options) == 3

    # The facilitator moves on: the next run shows item 6 without a click.
    workshop.set_live_item(engine, survey_round.id, 5)
    app.run()
    assert "Vraag 6 van 15" in all_text(app)


def test_a_phone_can_change_its_answer_to_the_item_on_screen(world):
    engine, team = world
    survey_round = start(engine, team.id, None, "2026-Q3")
    workshop.set_live_item(engine, survey_round.id, 0)
    app = phone(survey_round)
    item_id = FRAMEWORK.items[0].id
    app.radio(key=f"score-{item_id}").set_value(2)
    button(app, "Antwoord versturen").click().run()
    button(app, "Mijn antwoord veranderen").click().run()
    assert app.radio(key=f"score-{item_id}").value == 2
    app.radio(key=f"score-{item_id}").set_value(5)
    button(app, "Antwoord versturen").click().run()
    assert workshop.item_answers(engine, survey_round.id, item_id).phone == 1  # one person, changed answer
    assert rounds.count_responses(engine, survey_round.id) == 1


def test_the_projector_opens_in_a_new_tab_signed_in_with_a_link_that_works_once(world):
    engine, team = world
    app = start_from_page(engine)
    survey_round = page_round(engine, app)
    link = next(element for element in app.get("link_button") if element.proto.label == "Beamerscherm openen").proto.url
    assert link.startswith("presenter?handoff=") and KEYS[survey_round.id] not in link  # no secret in the address
    token = link.split("handoff=")[1]

    projector = open_page("pages/presenter.py", query={"handoff": token})  # a new tab: a new session
    assert not projector.exception, projector.exception
    text = all_text(projector)
    assert "Doe mee met je telefoon" in text and survey_round.join_code in text
    assert "handoff" not in projector.query_params

    again = AppTest.from_file(APP, default_timeout=30)  # the same link once more, straight to the page
    again.query_params["handoff"] = token
    again.switch_page("pages/presenter.py")
    again.run()
    text = all_text(again)
    assert "al gebruikt of verlopen" in text and survey_round.join_code not in text
    assert "geen toegang" in text  # a used link signs nobody in
    participant = open_page("pages/workshop.py", query={"handoff": "made-up-token"})
    assert "Workshop starten" not in all_text(participant)  # a made-up link signs nobody in


def test_a_handoff_link_expires(world, monkeypatch):
    from kringwijs_survey.rules import access

    token = access.handoffs.issue(Principal(Role.FACILITATOR), "ABCDEFGH")
    clock = access.time.monotonic() + access.HANDOFF_SECONDS + 1
    monkeypatch.setattr(access.time, "monotonic", lambda: clock)
    assert not access.handoffs.is_open(token)
    assert access.handoffs.redeem(token) is None

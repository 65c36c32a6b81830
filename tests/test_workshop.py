"""Workshop mode: a facilitator runs a round live; the projector shows counts, then frozen outcomes."""

import io
import json

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from app_helpers import all_text, open_page
from kringwijs_survey import services, ui, workshop
from kringwijs_survey.access import Principal, Role
from kringwijs_survey.content import get_frameworks
from kringwijs_survey.database import get_engine, migrate
from kringwijs_survey.i18n import table
from kringwijs_survey.validation import InvalidInput

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
FACILITATOR = {"principal": Principal(Role.FACILITATOR)}
LABELS = {key[len("chart."):]: value for key, value in table("nl").items() if key.startswith("chart.")}


@pytest.fixture
def world(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'workshop.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MIN_GROUP", "3")
    migrate(url)
    engine = get_engine(url)
    team = services.create_team(engine, "Wijkteam Workshop")
    return engine, team


def answer(engine, round_id, person, first_score, *, final=True):
    """Scores first_score, first_score+1, ... (wrapping 1..5) over the items, in framework order."""
    answers = [
        services.AnswerInput(item.id, (first_score - 1 + position) % 5 + 1, discuss=position == 2)
        for position, item in enumerate(FRAMEWORK.items)
    ]
    services.submit_response(engine, round_id, person, answers, final=final)


def button(app, label):
    return next(b for b in app.button if b.label == label)


def start_from_page(engine):
    app = open_page("pages/workshop.py", session=FACILITATOR)
    assert not app.exception, app.exception
    assert "Workshop leiden" in all_text(app)
    button(app, "Workshop starten").click().run()
    assert not app.exception, app.exception
    return app


def presenter(code):
    app = open_page("pages/presenter.py", session={**FACILITATOR, "presenter_code": code})
    assert not app.exception, app.exception
    return app


def test_a_workshop_for_a_team_runs_in_that_teams_round_of_the_quarter(world):
    engine, team = world
    app = start_from_page(engine)
    rounds = services.list_rounds(engine, team.id)
    assert len(rounds) == 1
    quarter = rounds[0]
    assert quarter.period == services.current_period() and quarter.status == "open"
    assert app.session_state["workshop_round"] == quarter.id
    text = all_text(app)
    assert quarter.join_code in text and ui.join_link(quarter.join_code).split("?")[1] in text
    # Starting again (a browser that closed) continues in the same round.
    again = workshop.start_workshop(engine, team.id, None, quarter.period, quarter.framework)
    assert again.id == quarter.id
    assert {b.label for b in app.button} >= {"Vorige", "Volgende", "Laat uitkomst zien", "Verberg"}


def test_counts_show_started_and_sent_but_never_who(world):
    engine, team = world
    quarter = workshop.start_workshop(engine, team.id, None, "2026-Q3")
    answer(engine, quarter.id, "a", 1)
    answer(engine, quarter.id, "b", 2)
    answer(engine, quarter.id, "c", 3, final=False)
    assert workshop.live_counts(engine, quarter.id) == (3, 2)
    app = presenter(quarter.join_code)
    text = all_text(app)
    assert "**3** begonnen" in text and "**2** klaar" in text
    assert "Doe mee met je telefoon" in text and quarter.join_code in text
    assert len(app.get("image")) == 1  # the QR code


def test_reveal_is_refused_below_the_minimum_and_allowed_at_it(world):
    engine, team = world
    app = start_from_page(engine)
    quarter = services.list_rounds(engine, team.id)[0]
    answer(engine, quarter.id, "a", 1)
    answer(engine, quarter.id, "b", 2)
    button(app, "Volgende").click().run()
    assert services.get_round(engine, quarter.id).live_item == 0
    button(app, "Laat uitkomst zien").click().run()
    assert "te weinig antwoorden: 2" in all_text(app)
    assert not services.get_round(engine, quarter.id).live_revealed

    screen = presenter(quarter.join_code)
    text = all_text(screen)
    assert FRAMEWORK.items[0].title.nl in text
    assert "Middelste score" not in text and not screen.get("image")

    answer(engine, quarter.id, "c", 3)
    button(app, "Laat uitkomst zien").click().run()
    assert not app.error, [e.value for e in app.error]
    assert services.get_round(engine, quarter.id).live_revealed
    screen = presenter(quarter.join_code)
    text = all_text(screen)
    assert "Middelste score: **2,0**" in text and "Antwoorden van 3 mensen" in text
    assert len(screen.get("image")) == 1  # the distribution
    with pytest.raises(InvalidInput, match="minstens 3"):
        other = workshop.start_workshop(engine, None, "Kleine groep", "2026-Q3")
        workshop.set_live_item(engine, other.id, 0)
        workshop.reveal_item(engine, other.id, min_group=3)


def test_the_revealed_snapshot_stays_fixed_when_more_answers_arrive(world):
    engine, team = world
    quarter = workshop.start_workshop(engine, team.id, None, "2026-Q3")
    for person, first in zip("abc", (1, 1, 4)):
        answer(engine, quarter.id, person, first)
    workshop.set_live_item(engine, quarter.id, 0)
    frozen = workshop.reveal_item(engine, quarter.id, min_group=3)
    assert (frozen["count_1"], frozen["count_4"], frozen["n"], frozen["respondents"]) == (2, 1, 3, 3)
    assert frozen["median"] == 1 and frozen["sd"] == pytest.approx(1.7320508)

    answer(engine, quarter.id, "d", 5)  # the fourth person, after the reveal
    assert workshop.snapshot(services.get_round(engine, quarter.id)) == frozen
    workshop.hide_item(engine, quarter.id)
    assert workshop.snapshot(services.get_round(engine, quarter.id)) is None
    # Revealing again shows the same set, so the fourth score cannot be read from a change.
    assert workshop.reveal_item(engine, quarter.id, min_group=3) == frozen
    assert "**1** Helemaal niet: **2**" in all_text(presenter(quarter.join_code))
    # Only once a whole group more (3) answered is a new snapshot taken.
    for person in "ef":
        answer(engine, quarter.id, person, 5)
    workshop.hide_item(engine, quarter.id)
    newer = workshop.reveal_item(engine, quarter.id, min_group=3)
    assert newer["respondents"] == 6 and newer["count_5"] == 3
    stored = json.loads(services.get_round(engine, quarter.id).live_snapshot)
    assert set(stored["items"]) == {FRAMEWORK.items[0].id}


def test_counts_reveal_and_paper_work_on_sqlite_and_postgresql(engine):
    team = services.create_team(engine, "Wijkteam Beide")
    quarter = workshop.start_workshop(engine, team.id, None, "2026-Q3")
    for person, first in zip("abc", (2, 2, 5)):
        answer(engine, quarter.id, person, first)
    answer(engine, quarter.id, "draft", 1, final=False)
    workshop.paper_entry(engine, quarter.id, {item_id: None for item_id in FRAMEWORK.item_ids})
    assert workshop.live_counts(engine, quarter.id) == (5, 4)
    workshop.step(engine, quarter.id, 1)
    frozen = workshop.reveal_item(engine, quarter.id, min_group=3)
    assert (frozen["count_2"], frozen["count_5"], frozen["n_dont_know"], frozen["n"]) == (2, 1, 1, 3)
    assert frozen["median"] == 2 and frozen["respondents"] == 4
    assert workshop.close_workshop(engine, quarter.id).status == "closed"


def test_the_snapshot_is_the_one_aggregation_of_that_round_only(world):
    engine, team = world
    other = services.create_team(engine, "Ander team")
    elsewhere = services.start_round(engine, other.id, "2026-Q3")
    for person in "xyz":
        answer(engine, elsewhere.id, person, 5)
    quarter = workshop.start_workshop(engine, team.id, None, "2026-Q3")
    for person in "abc":
        answer(engine, quarter.id, person, 2)
    workshop.set_live_item(engine, quarter.id, 0)
    frozen = workshop.reveal_item(engine, quarter.id, min_group=3)
    assert frozen["count_2"] == 3 and frozen["count_5"] == 0


def test_paper_answers_count_as_one_more_sent_response(world):
    engine, team = world
    app = start_from_page(engine)
    quarter = services.list_rounds(engine, team.id)[0]
    assert services.count_responses(engine, quarter.id) == 0
    button(app, "Antwoorden van papier invoeren").click().run()
    assert "Volgende" not in {b.label for b in app.button}  # no arrow-key shortcuts while typing in scores
    for index, item in enumerate(FRAMEWORK.items):
        radio = next(r for r in app.radio if r.key == f"paper-{item.id}")
        radio.set_value(0 if index == 4 else 1 + index % 5)
    button(app, "Antwoorden opslaan").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert "Er telt één persoon meer mee" in all_text(app)
    assert services.count_responses(engine, quarter.id) == 1
    assert workshop.live_counts(engine, quarter.id) == (1, 1)
    # A half-filled paper form is refused and stores nothing.
    button(app, "Antwoorden van papier invoeren").click().run()
    next(r for r in app.radio if r.key == f"paper-{FRAMEWORK.items[0].id}").set_value(3)
    button(app, "Antwoorden opslaan").click().run()
    assert "Vul bij elke vraag een score in" in all_text(app)
    assert services.count_responses(engine, quarter.id) == 1
    button(app, "Terug zonder opslaan").click().run()
    assert "Volgende" in {b.label for b in app.button}


def test_closing_asks_first_then_shows_the_summary_link(world):
    engine, team = world
    app = start_from_page(engine)
    quarter = services.list_rounds(engine, team.id)[0]
    assert services.get_round(engine, quarter.id).status == "open"
    button(app, "Ja, sluit de workshop").click().run()
    assert services.get_round(engine, quarter.id).status == "closed"
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
    group = services.find_team(engine, "Trainingsdag maart")
    assert group is not None and group.is_group
    assert [r.id for r in services.list_rounds(engine, group.id)] == [app.session_state["workshop_round"]]
    assert services.list_rounds(engine, team.id) == []
    with pytest.raises(InvalidInput, match="Er is al een team"):
        workshop.start_workshop(engine, None, "Wijkteam Workshop", "2026-Q3")
    # Groups are not offered as teams.
    assert [t.name for t in workshop.open_teams(engine)] == ["Wijkteam Workshop"]


def test_the_qr_code_holds_the_join_link(world):
    engine, team = world
    quarter = workshop.start_workshop(engine, team.id, None, "2026-Q3")
    link = ui.join_link(quarter.join_code)
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(workshop.qr_png(link))))
    assert [code.text for code in found] == [link]
    assert link.endswith(f"/join?join={quarter.join_code}")


def test_after_closing_the_projector_shows_the_summary_with_downloads(world):
    engine, team = world
    quarter = workshop.start_workshop(engine, team.id, None, "2026-Q3")
    for person, first in zip("abcd", (1, 2, 3, 4)):
        answer(engine, quarter.id, person, first)
    workshop.close_workshop(engine, quarter.id)
    with pytest.raises(InvalidInput):
        answer(engine, quarter.id, "late", 3)
    screen = presenter(quarter.join_code)
    text = all_text(screen)
    assert "Samenvatting van de workshop" in text and "4 mensen deden mee" in text
    assert "Hier willen we over praten" in text and "willen erover praten" in text
    assert len(screen.get("image")) == 2  # profile and blockades
    assert {b.label for b in screen.get("download_button")} == {"Download als PDF", "Download als afbeelding (PNG)"}

    summary = workshop.workshop_summary(engine, quarter.id, "nl", 3)
    assert summary.shown and summary.respondents == 4 and len(summary.agenda) == workshop.AGENDA_TOP
    assert summary.agenda.iloc[0]["n_discuss"] == 4  # everyone flagged the third item
    assert workshop.pair_lines(summary, "nl")[0].startswith("B1 Te grote schaal: staat in de weg ")
    assert "Antwoord: AO1 Kleinschalig en dichtbij werken" in workshop.pair_lines(summary, "nl")[0]
    pdf = PdfReader(io.BytesIO(workshop.summary_pdf(summary, LABELS, "nl")))
    words = "".join(page.extract_text() for page in pdf.pages)
    assert "Samenvatting van de workshop" in words and "Hier willen we over praten" in words
    assert len(pdf.pages[0].images) == 1
    png = Image.open(io.BytesIO(workshop.summary_png(summary, LABELS, "nl")))
    assert png.format == "PNG" and png.width > 800
    # The round is now part of the team's own history.
    assert services.results_released(services.get_round(engine, quarter.id))


def test_a_summary_of_too_few_people_shows_no_numbers(world):
    engine, team = world
    quarter = workshop.start_workshop(engine, team.id, None, "2026-Q3")
    for person in "ab":
        answer(engine, quarter.id, person, 2)
    workshop.close_workshop(engine, quarter.id)
    text = all_text(presenter(quarter.join_code))
    assert "te weinig antwoorden" in text
    assert not presenter(quarter.join_code).get("download_button")


def test_a_closed_quarter_cannot_host_a_workshop(world):
    engine, team = world
    quarter = services.start_round(engine, team.id, "2026-Q2")
    services.close_round(engine, quarter.id)
    with pytest.raises(InvalidInput, match="al gesloten"):
        workshop.start_workshop(engine, team.id, None, "2026-Q2")


def test_stepping_goes_from_the_welcome_through_the_items_and_back(world):
    engine, team = world
    quarter = workshop.start_workshop(engine, team.id, None, "2026-Q3")
    assert workshop.step(engine, quarter.id, -1).live_item is None
    assert workshop.step(engine, quarter.id, 1).live_item == 0
    workshop.set_live_item(engine, quarter.id, 14)
    assert workshop.step(engine, quarter.id, 1).live_item == 14
    with pytest.raises(InvalidInput):
        workshop.set_live_item(engine, quarter.id, 15)


def test_the_presenter_asks_for_a_code_and_hides_the_sidebar(world):
    engine, team = world
    quarter = workshop.start_workshop(engine, team.id, None, "2026-Q3")
    app = open_page("pages/presenter.py", session=FACILITATOR)
    assert not app.exception
    assert "Typ de code van de workshop" in all_text(app) and "Wijkteam Workshop" not in all_text(app)
    app.text_input[0].input(quarter.join_code.lower())
    app.button[0].click().run()
    assert "Doe mee met je telefoon" in all_text(app)
    css = next(h for h in app.get("html") if "stSidebar" in h.proto.body).proto.body
    assert "display: none" in css and quarter.join_code not in css

"""Every registered page renders without an exception, on an empty database and on demo data."""

import pytest

from kringwijs_survey.core import periods
from kringwijs_survey.domain import rounds, teams
from kringwijs_survey.rules.access import Principal, Role
from kringwijs_survey.web.navigation import PAGES

from app_helpers import all_text, open_page


@pytest.fixture
def app_db(app_engine):
    """The URL of an empty database with the newest schema, which the app uses."""
    return app_engine.url.render_as_string(hide_password=False)


@pytest.fixture
def blank_app_db(tmp_path, monkeypatch):
    """A database file that does not exist yet (the app creates and migrates it when it needs it)."""
    url = f"sqlite:///{tmp_path / 'pages.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


STAFF = {"facilitator": Role.FACILITATOR, "manager": Role.MANAGER, "admin": Role.ADMIN}


def as_its_user(spec, demo=None):
    """Query parameters and session for opening a page as someone allowed to see it."""
    roles = set(spec.roles)
    if roles & set(STAFF):
        return {}, {"principal": Principal(STAFF[next(role for role in spec.roles if role in STAFF)])}
    if "team" in roles and demo:
        return {"team": demo["key"]}, {}
    if spec.url_path == "join" and demo:
        return {"join": demo["code"]}, {}
    return {}, {}


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_every_page_renders_on_an_empty_database(app_db, spec):
    query, session = as_its_user(spec)
    app = open_page(spec.path, query=query, session=session)
    assert not app.exception, app.exception


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_every_page_renders_on_demo_data_for_its_own_users(demo_app_engine, spec):
    engine, created = demo_app_engine  # a copy of create_demo_data's municipality
    keys = created["keys"]
    code = next(r.join_code for t in teams.list_teams(engine) for r in rounds.list_rounds(engine, t.id) if r.status == "open")
    query, session = as_its_user(spec, {"key": next(iter(keys.values())), "code": code})
    app = open_page(spec.path, query=query, session=session)
    assert not app.exception, app.exception
    if spec.roles != ("everyone",):
        assert "Je hebt geen toegang" not in all_text(app)


def test_first_start_welcomes_in_dutch_and_says_how_to_begin(blank_app_db):
    app = open_page("pages/welcome.py")
    text = all_text(app)
    assert "Verklaring van Eindhoven" in text
    assert "Maak een team aan" in text and "Bekijk eerst de demo" in text
    assert "python -m" not in text  # a visitor is never told to type a command


def test_principles_page_shows_all_fifteen_items_with_text_questions_and_examples(app_db):
    app = open_page("pages/principles.py")
    labels = [e.label for e in app.expander if "·" in e.label]
    assert len(labels) == 15
    text = all_text(app)
    assert "Wat gij niet wil dat u geschiedt" in text  # the source's own words, shown without a click
    assert "Zo ziet het eruit als het lukt" in "\n".join(s.value for s in app.success)
    assert "In gewone woorden" in text


def test_language_switches_to_english_and_stays(app_db):
    app = open_page("pages/welcome.py")
    app.sidebar.radio[0].set_value("en").run()
    assert "Looking at our work together" in all_text(app)
    app.switch_page("pages/principles.py").run()
    assert app.title[0].value == "The principles"


def test_a_link_made_in_english_opens_in_english(app_engine):
    engine = app_engine
    team = teams.create_team(engine, "Wijkteam Taal")
    key = teams.issue_team_key(engine, team.id)
    survey_round = rounds.start_round(engine, team.id, periods.current_period())
    def invitation_made_on_the_team_page(query, button):
        team_page = open_page("pages/team.py", query=query)
        team_page.number_input[0].set_value(1)
        next(b for b in team_page.button if b.label == button).click().run()
        shown = next(code.value for code in team_page.code if "/join?invite=" in code.value)
        return shown.split(": ", 1)[1].split(" ")[0]  # "Invitation 1: <link> (code …)"

    english = invitation_made_on_the_team_page({"team": key, "lang": "en"}, "Make invitations")
    assert english.startswith("http://localhost:8501/join?invite=") and english.endswith("&lang=en")
    dutch = invitation_made_on_the_team_page({"team": key}, "Uitnodigingen maken")
    assert "&lang=" not in dutch
    code = english.split("invite=")[1].split("&")[0]
    joined = open_page("pages/join.py", query={"invite": code, "lang": "en"})
    assert "Question 1 of 15" in all_text(joined) and survey_round.invitation_only


def test_principles_page_lets_people_browse_every_lens_with_its_source(app_db):
    from kringwijs_survey.rules.content import get_frameworks

    app = open_page("pages/principles.py")
    for framework in get_frameworks().values():
        app.selectbox[0].set_value(framework.id).run()
        assert not app.exception, framework.id
        assert len([e for e in app.expander if "·" in e.label]) == len(framework.items), framework.id
        text = all_text(app).replace("\\", "")  # t() escapes markdown in what it fills in
        assert framework.items[0].text.nl in text and f"Bron: {framework.source}" in text, framework.id
        if framework.source_note:
            assert framework.source_note.nl in text, framework.id


def test_a_question_from_another_source_names_it_under_the_question(app_db):
    app = open_page("pages/principles.py")
    questions = "\n".join(m.value for m in app.markdown if "keukentafelgesprek" in m.value)
    assert "Naar een idee uit NL Kantelt" in questions and "‘systeemwaarden’" in questions

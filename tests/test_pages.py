"""Every registered page renders without an exception, on an empty database and on demo data."""

import pytest
from app_helpers import all_text, open_page
from kringwijs_survey.demo import create_demo_data
from kringwijs_survey.navigation import PAGES


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'pages.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.mark.parametrize("path", [spec.path for spec in PAGES])
def test_every_page_renders_on_an_empty_database(app_db, path):
    app = open_page(path)
    assert not app.exception, app.exception


@pytest.mark.parametrize("path", [spec.path for spec in PAGES])
def test_every_page_renders_on_demo_data(app_db, path):
    from kringwijs_survey.database import get_engine, migrate

    migrate(app_db)
    create_demo_data(get_engine(app_db))
    app = open_page(path)
    assert not app.exception, app.exception


def test_first_start_welcomes_in_dutch_and_says_how_to_begin(app_db):
    app = open_page("pages/welcome.py")
    text = all_text(app)
    assert "Verklaring van Eindhoven" in text
    assert "Maak een team aan" in text and "demo-data" in text


def test_principles_page_shows_all_fifteen_items_with_text_questions_and_examples(app_db):
    app = open_page("pages/principles.py")
    labels = [e.label for e in app.expander if "·" in e.label]
    assert len(labels) == 15
    text = all_text(app)
    assert "Wat gij niet wil dat u geschiedt" in "\n".join(x.value for x in app.text)
    assert "Zo ziet het eruit als het lukt" in "\n".join(s.value for s in app.success)
    assert "In gewone woorden" in text


def test_language_switches_to_english_and_stays(app_db):
    app = open_page("pages/welcome.py")
    app.sidebar.radio[0].set_value("en").run()
    assert "Looking at our work together" in all_text(app)
    app.switch_page("pages/principles.py").run()
    assert app.title[0].value == "The principles"

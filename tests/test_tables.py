"""Tables speak the interface language: headers, coded values and numbers as a person reads them."""

import json
import re

import pandas as pd
import pytest

from kringwijs_survey.domain import rounds, sharing, teams
from kringwijs_survey.render.tables import readable
from kringwijs_survey.rules.access import Principal, Role

from app_helpers import open_page, typed_texts

INTERNAL_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$|^(item|title|median|mean|sd|delta|direction|count_\d)$")
TOO_PRECISE = re.compile(r"\d[.,]\d{2,}")
NUMBER = re.compile(r"^[+\u2212-]?\d+([.,]\d+)?$")


def test_headers_values_and_numbers_are_dutch_and_plain():
    frame = pd.DataFrame(
        {
            "item": ["AB1", "B2"],
            "previous_mean": [7 / 3, None],
            "delta": [1.333, -0.5],
            "direction": ["up", None],
            "outcome": ["better", "worse"],
            "count_1": [2.0, float("nan")],
        }
    )
    shown = readable(frame, "nl")
    assert list(shown.columns) == ["Nr.", "Gemiddelde vorige ronde", "Verschil", "Richting", "Wat dat betekent", "Aantal 1"]
    assert shown.iloc[0].tolist() == ["AB1", "2,3", "+1,3", "hoger", "beter", "2"]
    assert shown.iloc[1].tolist() == ["B2", "–", "\u22120,5", "–", "minder goed", "–"]


def test_english_uses_a_decimal_point_and_english_words():
    shown = readable(pd.DataFrame({"mean": [3.25], "direction": ["same"]}), "en")
    assert list(shown.columns) == ["Mean", "Direction"]
    assert shown.iloc[0].tolist() in (["3.2", "same"], ["3.3", "same"])


def test_readable_values_pass_through_and_an_unknown_internal_name_fails_loudly():
    assert list(readable(pd.DataFrame({"2026-Q3": [1.0], "AB1": [2.5]}), "nl").columns) == ["2026-Q3", "AB1"]
    with pytest.raises(KeyError, match="made_up_column"):
        readable(pd.DataFrame({"made_up_column": [1]}), "nl")


def test_typed_text_in_a_table_is_never_translated():
    """A team that calls itself "better" keeps its name; only coded columns become words."""
    shown = readable(pd.DataFrame({"team": ["better"], "what": ["up"]}), "nl")
    assert shown.iloc[0].tolist() == ["better", "up"]


def assert_plain(tables, where):
    assert tables, f"{where}: no table shown"
    for table in tables:
        for header in table.columns:
            assert not INTERNAL_NAME.match(str(header)), f"{where}: internal column name {header!r}"
        for value in table.astype(str).to_numpy().ravel():
            assert value not in ("None", "nan", "NaN", "<NA>", "up", "down", "same"), f"{where}: {value!r} in {table}"
            assert not NUMBER.match(value) or not TOO_PRECISE.search(value), f"{where}: {value!r} has more than one decimal"


@pytest.fixture
def demo(demo_app_engine):
    engine, created = demo_app_engine  # a copy of create_demo_data's municipality
    return engine, created["keys"]


def assert_described_as_a_whole(app, where: str) -> None:
    """What a screen reader hears of a chart: its summary (the caption under it), never a list of
    marks by internal field names ("teams_high: 0; row_label: …")."""
    captions = [caption.value for caption in app.caption] + typed_texts(app, "caption")
    for chart in app.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        assert spec["config"]["aria"] is False and spec["config"]["mark"]["aria"] is False, where
        assert spec["description"] in captions, (where, spec["description"])


def assert_every_view_plain(app, page: str, views) -> None:
    """Each of `views` of the page (its radio "<page>_view") shows only plain tables, and its charts
    are described as a whole."""
    for name in views:
        app.radio(key=f"{page}_view").set_value(name).run()
        assert not app.exception, app.exception
        assert_plain([frame.value for frame in app.dataframe], f"{page}/{name}")
        assert_described_as_a_whole(app, f"{page}/{name}")


def test_every_results_view_shows_plain_tables(demo):
    engine, keys = demo
    key = next(iter(keys.values()))
    team = teams.team_by_key(engine, key)
    closed = [r for r in rounds.list_rounds(engine, team.id) if r.status == "closed"]
    app = open_page("pages/results.py", query={"team": key}, session={"results_round": closed[-1].id})
    assert not app.exception, app.exception
    assert_every_view_plain(app, "results", ("profile", "blockades", "spread", "changes", "agenda"))


def test_every_manager_view_shows_plain_tables(demo):
    engine, _ = demo
    for team in teams.list_teams(engine):
        for survey_round in rounds.list_rounds(engine, team.id):
            if survey_round.status == "closed" and not survey_round.published:
                sharing.publish_round(engine, survey_round.id)
    app = open_page("pages/manager.py", session={"principal": Principal(Role.MANAGER)})
    assert not app.exception, app.exception
    assert_every_view_plain(app, "manager", ("overview", "profiles", "spread", "trend", "blockades"))


def _table_on_a_narrow_page(frame: pd.DataFrame, width: int):
    from streamlit.testing.v1 import AppTest

    def page(frame, width):
        import streamlit as st

        from kringwijs_survey.web import ui

        st.session_state[ui.CONTENT_WIDTH_SEEN] = width
        ui.show_table(frame)

    app = AppTest.from_function(page, args=(frame, width))
    app.run()
    assert not app.exception, app.exception
    return json.loads(app.dataframe[0].proto.columns)


def test_a_header_cut_to_fit_ends_in_an_ellipsis_and_shows_whole_on_hover():
    long = "Middelste score van de vorige ronde van dit team"
    frame = pd.DataFrame({"Nr.": ["AB1"], long: ["2,0"], "Gemiddelde van alle teams samen": ["3,1"], "Kort": ["1"]})
    columns = _table_on_a_narrow_page(frame, 300)
    cut = {name: config for name, config in columns.items() if config.get("help")}
    assert long in cut
    for name, config in cut.items():
        assert config["label"].endswith("…") and config["label"] != name and config["help"] == name
        assert name.startswith(config["label"][:-1].rstrip())
    assert "label" not in columns.get("Kort", {})  # a header that fits is shown as it is
    wide = _table_on_a_narrow_page(frame, 2000)
    assert not any(config.get("help") or config.get("label") for config in wide.values())  # room enough: nothing cut

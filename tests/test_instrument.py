"""The instrument: every number is shown with the words of its own scale (principle, blockade,
resident), rounds keep the scale they were answered on, and quarters on different scales are
never compared silently."""

from __future__ import annotations

import html
import json
import re

import altair as alt
import pytest

from kringwijs_survey import charts, reports, services, team_results
from kringwijs_survey.access import SYSTEM
from kringwijs_survey.content import get_frameworks
from kringwijs_survey.database import run_write
from kringwijs_survey.models import CURRENT_SCALES, FIRST_SCALES, Round

from app_helpers import open_page
from factories import submit

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
ITEM_ID = re.compile(r"\b(AB\d|AO\d|B\d|KU\d)\b")
SCORE_WORDS = re.compile(r"^[1-5] · ")


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def legend_words(spec: dict) -> set[str]:
    """The score words a chart's legends print ("5 · Heel erg")."""
    words = set()
    for node in _walk(spec):
        expression = node.get("labelExpr")
        if isinstance(expression, str) and expression.startswith("{") and " · " in expression:
            table = json.loads(expression[: expression.rindex("}") + 1]).values()
            words |= {value for value in table if isinstance(value, str) and SCORE_WORDS.match(value)}
    return words


def panels(spec: dict) -> list[dict]:
    """The per-kind panels of a distribution chart (one panel when only one kind is shown)."""
    return spec.get("vconcat", [spec])


def expected_words(framework, version: str, kind: str) -> set[str]:
    scale = framework.scale_set(version).scales[kind]
    return {f"{score} · {label.nl}" for score, label in scale.labels.items()}


def assert_each_row_has_its_own_scale(spec: dict, framework, version: str) -> set[str]:
    """Every panel names only items of one kind and prints exactly that kind's scale words."""
    kinds_seen = set()
    for panel in panels(spec):
        panel_text = json.dumps(panel, ensure_ascii=False)
        item_kinds = {framework.item(item_id).kind for item_id in ITEM_ID.findall(panel_text) if item_id in framework.item_ids}
        assert len(item_kinds) == 1, f"one panel mixes kinds: {item_kinds}"
        (kind,) = item_kinds
        assert legend_words(panel) == expected_words(framework, version, kind), kind
        kinds_seen.add(kind)
    return kinds_seen


@pytest.fixture
def round_with_both_kinds(app_engine):
    team = services.create_team(app_engine, "Buurtteam Schaal", "Kringstad")
    quarter = services.start_round(app_engine, team.id, "2026-Q3")
    for person in range(4):
        answers = [services.AnswerInput(item.id, 1 + (person * 2 + index) % 5) for index, item in enumerate(FRAMEWORK.items)]
        submit(app_engine, quarter.id, f"p{person}", answers)
    services.close_round(app_engine, quarter.id, actor=SYSTEM)
    return app_engine, team, quarter


def test_a_new_round_is_answered_on_the_current_scales(round_with_both_kinds):
    _, _, quarter = round_with_both_kinds
    assert quarter.scales == CURRENT_SCALES == FRAMEWORK.scales_version
    question = FRAMEWORK.scale_set(quarter.scales).scales
    assert question["principle"].question.nl == "In hoeverre werken wij zo?"
    assert question["blockade"].question.nl == "Hoeveel staat dit ons werk in de weg?"


def test_distribution_gives_blockades_their_own_words(round_with_both_kinds):
    engine, team, quarter = round_with_both_kinds
    summary = services.team_summary(engine, team, FRAMEWORK.id, 3)
    spread = team_results.disagreement(summary, FRAMEWORK, quarter.period, "nl")
    by_kind = FRAMEWORK.scale_set(quarter.scales).score_labels("nl")
    chart = charts.distribution(spread, labels=reports.chart_labels("nl"), score_labels_by_kind=by_kind)
    spec = chart.to_dict()
    assert assert_each_row_has_its_own_scale(spec, FRAMEWORK, quarter.scales) == {"principle", "blockade"}
    assert "5 · Heel erg" in legend_words(spec) and "5 · Helemaal" in legend_words(spec)


def drawn_texts(chart) -> list[str]:
    """The texts of the chart as drawn (SVG), in drawing order."""
    return [html.unescape(text) for text in re.findall(r"<text[^>]*>([^<]*)</text>", charts.chart_image(chart, "svg").decode())]


def test_each_panel_is_drawn_with_its_own_rows(round_with_both_kinds):
    """The panels come from one builder; each must be drawn from its own rows, not all from the
    rows of one of them (Vega-Lite does that when the panels' views share names)."""
    engine, team, quarter = round_with_both_kinds
    summary = services.team_summary(engine, team, FRAMEWORK.id, 3)
    spread = team_results.disagreement(summary, FRAMEWORK, quarter.period, "nl")
    by_kind = FRAMEWORK.scale_set(quarter.scales).score_labels("nl")
    chart = charts.distribution(spread, labels=reports.chart_labels("nl"), score_labels_by_kind=by_kind)
    rows = [text for text in drawn_texts(chart) if ITEM_ID.match(text)]
    expected = [f"{row.item} · {row.title}" for kind in ("principle", "blockade") for row in spread.itertuples() if row.kind == kind]
    assert rows == expected

    import pandas as pd

    frame = pd.DataFrame([{"team": "Noord", "item": item.id, "title": item.title.nl, "mean": 2.0} for item in FRAMEWORK.items])
    heat = charts.heatmap(frame, labels=reports.chart_labels("nl", mean="Gemiddelde"), item_order=FRAMEWORK.item_ids, kind_of=FRAMEWORK.kind_of)
    columns = [text for text in drawn_texts(heat) if ITEM_ID.fullmatch(text)]
    kinds = {item_id: FRAMEWORK.item(item_id).kind for item_id in FRAMEWORK.item_ids}
    assert columns == [i for i in FRAMEWORK.item_ids if kinds[i] == "principle"] + [i for i in FRAMEWORK.item_ids if kinds[i] == "blockade"]


def test_the_results_page_shows_blockades_on_their_own_scale(round_with_both_kinds):
    _, team, quarter = round_with_both_kinds
    key = services.issue_team_key(round_with_both_kinds[0], team.id)
    app = open_page("pages/results.py", query={"team": key}, session={"results_round": quarter.id})
    app.radio(key="results_view").set_value("spread").run()
    assert not app.exception, app.exception
    specs = [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]
    checked = [assert_each_row_has_its_own_scale(spec, FRAMEWORK, quarter.scales) for spec in specs if legend_words(spec)]
    assert {"principle", "blockade"} in checked


def test_the_team_pdf_uses_each_rows_scale(round_with_both_kinds, monkeypatch):
    engine, team, quarter = round_with_both_kinds
    drawn = []
    real_image = charts.chart_image

    def spy(chart, *args, **kwargs):
        drawn.append(chart.to_dict() if isinstance(chart, alt.TopLevelMixin) else chart)
        return real_image(chart, *args, **kwargs)

    monkeypatch.setattr(charts, "chart_image", spy)
    reports.team_report_pdf(engine, team.id, quarter.id, min_group=3)
    with_scale_words = [spec for spec in drawn if legend_words(spec)]
    assert with_scale_words, "the report has no chart with score words"
    for spec in with_scale_words:
        assert_each_row_has_its_own_scale(spec, FRAMEWORK, quarter.scales)
    # Where blockades and principles share one track, the legend names each kind's own question.
    labels = reports.chart_labels("nl")
    pairs = [spec for spec in drawn if labels["blockade"] in json.dumps(spec, ensure_ascii=False)]
    assert pairs and all(labels["principle"] in json.dumps(spec, ensure_ascii=False) for spec in pairs)


def test_an_old_round_keeps_its_words_and_is_not_compared_with_a_new_one(round_with_both_kinds):
    engine, team, new_round = round_with_both_kinds
    old_round = services.start_round(engine, team.id, "2026-Q2")
    run_write(engine, lambda session: setattr(session.get(Round, old_round.id), "scales", FIRST_SCALES))
    for person in range(3):
        submit(engine, old_round.id, f"old{person}", [services.AnswerInput(item.id, 2) for item in FRAMEWORK.items])
    services.close_round(engine, old_round.id, actor=SYSTEM)

    summary = services.team_summary(engine, team, FRAMEWORK.id, 3)
    assert team_results.other_scale_periods(summary, FRAMEWORK, new_round.period) == ["2026-Q2"]
    changed = team_results.changes(summary, FRAMEWORK, new_round.period, "nl")
    assert changed["previous_period"].isna().all() and changed["delta"].isna().all()
    assert set(team_results.history(summary, FRAMEWORK, "nl", new_round.period)["period"]) == {new_round.period}

    old = services.get_round(engine, old_round.id)
    spread = team_results.disagreement(summary, FRAMEWORK, old.period, "nl")
    by_kind = FRAMEWORK.scale_set(old.scales).score_labels("nl")
    spec = charts.distribution(spread, labels=reports.chart_labels("nl"), score_labels_by_kind=by_kind).to_dict()
    assert "5 · Bijna altijd" in legend_words(spec)  # the 2025 words it was answered with
    assert_each_row_has_its_own_scale(spec, FRAMEWORK, FIRST_SCALES)


def test_the_heatmap_reads_blockades_in_their_own_direction():
    """A bright blockade cell must not look good: blockades get their own panel, their colours
    reversed, and a legend that says so; bright means favourable in both panels."""
    import pandas as pd

    frame = pd.DataFrame(
        [{"team": team, "item": item.id, "title": item.title.nl, "mean": 5.0} for team in ("Noord", "Zuid") for item in FRAMEWORK.items]
    )
    labels = reports.chart_labels("nl", mean="Gemiddelde score")
    spec = charts.heatmap(frame, labels=labels, item_order=FRAMEWORK.item_ids, kind_of=FRAMEWORK.kind_of).to_dict()
    assert len(spec["hconcat"]) == 2
    principle_panel, blockade_panel = spec["hconcat"]
    for panel, kind, reversed_ in ((principle_panel, "principle", False), (blockade_panel, "blockade", True)):
        shown = set(ITEM_ID.findall(json.dumps(panel)))
        assert shown and {FRAMEWORK.item(item_id).kind for item_id in shown} == {kind}
        colours = [node["color"] for node in _walk(panel) if isinstance(node.get("color"), dict) and "scale" in node["color"]]
        assert colours and all(colour["scale"].get("reverse", False) is reversed_ for colour in colours)
        titles = [colour["legend"]["title"] for colour in colours]
        # the whole legend title is read, in lines no wider than the panel, never cut off with "…"
        assert any(" ".join(title) == labels[f"heat_{kind}"] for title in titles if isinstance(title, list))
        assert all(colour["legend"].get("titleLimit", 0) >= 1000 for colour in colours)
    assert "omgedraaid" in labels["heat_blockade"]


OLD_BLOCKADE_WORDS = {"5 · Heel veel last", "1 · Geen last"}


@pytest.fixture
def imported_old_round(app_engine, tmp_path):
    """A quarter collected on the first (2025) scales, brought in with `import-csv --scales 2025`."""
    from kringwijs_survey import csv_io

    lines = ["team,period,respondent,item,score"]
    for person in range(4):
        lines += [f"Buurtteam Archief,2025-Q4,oud{person},{item.id},{1 + (person + index) % 5}" for index, item in enumerate(FRAMEWORK.items)]
    path = tmp_path / "old.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = csv_io.import_csv(app_engine, path, scales=FIRST_SCALES)
    assert result.scales == (FIRST_SCALES,)
    team = services.find_team(app_engine, "Buurtteam Archief")
    (quarter,) = services.list_rounds(app_engine, team.id)
    return app_engine, team, quarter


def test_an_imported_round_stores_the_scales_it_was_answered_on(imported_old_round):
    _, _, quarter = imported_old_round
    assert quarter.scales == FIRST_SCALES != CURRENT_SCALES


def test_an_imported_old_round_is_charted_with_its_own_words(imported_old_round):
    engine, team, quarter = imported_old_round
    key = services.issue_team_key(engine, team.id)
    app = open_page("pages/results.py", query={"team": key}, session={"results_round": quarter.id})
    app.radio(key="results_view").set_value("spread").run()
    assert not app.exception, app.exception
    specs = [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]
    checked = [assert_each_row_has_its_own_scale(spec, FRAMEWORK, FIRST_SCALES) for spec in specs if legend_words(spec)]
    assert {"principle", "blockade"} in checked
    words = set().union(*(legend_words(spec) for spec in specs))
    assert OLD_BLOCKADE_WORDS <= words and "5 · Heel erg" not in words and "5 · Helemaal" not in words


def test_the_pdf_of_an_imported_old_round_uses_its_own_words(imported_old_round, monkeypatch):
    engine, team, quarter = imported_old_round
    drawn = []
    real_image = charts.chart_image

    def spy(chart, *args, **kwargs):
        drawn.append(chart.to_dict() if isinstance(chart, alt.TopLevelMixin) else chart)
        return real_image(chart, *args, **kwargs)

    monkeypatch.setattr(charts, "chart_image", spy)
    reports.team_report_pdf(engine, team.id, quarter.id, min_group=3)
    with_scale_words = [spec for spec in drawn if legend_words(spec)]
    assert with_scale_words
    for spec in with_scale_words:
        assert_each_row_has_its_own_scale(spec, FRAMEWORK, FIRST_SCALES)

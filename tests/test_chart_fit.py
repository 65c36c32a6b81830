"""Charts fit the width a page gives them (a phone's 358 px column, a laptop's, a wide screen's)
and a projector's box, without smaller type: the scene Vega lays out (what a browser and a PNG
draw) is measured, not the spec."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import vl_convert

from kringwijs_survey.render import chart_words, charts
from kringwijs_survey.render.charts import style
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.views import team_results

from factories import CURRENT, FRAMEWORK, font_sizes, realistic_summary

WIDTHS = [358, 820, 1500]
SCORE_WORDS = {score: label.nl for score, label in FRAMEWORK.scales["principle"].labels.items()}
TEAMS = ["Jeugd- en gezinsteam", "Wijkteam Centrum", "Wijkteam Noord", "Wijkteam Oost", "Wijkteam West", "Wijkteam Zuid"]


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return realistic_summary()


def shown_size(chart) -> tuple[float, float]:
    """Width and height in CSS px of the chart as a browser shows it and a PNG holds it (padding
    included; a PNG rounds them down). Vega's laid-out scene is measured: rendering the PNG
    itself takes three times as long and gives the same size."""
    spec = charts.without_mark_descriptions(charts.natural_size(chart).to_dict(validate=False))
    scene = vl_convert.vegalite_to_scenegraph(json.dumps(spec))
    return scene["width"], scene["height"]


def organisation_frames() -> dict[str, pd.DataFrame]:
    items = get_frameworks()["verklaring-van-eindhoven"].items
    rows = [
        {"team": team, "item": item.id, "title": item.title.nl, "mean": 1 + (index * 7 + number * 3) % 40 / 10, "org_mean": 3.1}
        for index, team in enumerate(TEAMS)
        for number, item in enumerate(items)
    ]
    blockades = [item for item in items if item.id.startswith("B")]
    return {
        "spread": pd.DataFrame(rows),
        "heatmap": pd.DataFrame(rows),
        "pressure": pd.DataFrame(
            [{"item": item.id, "title": item.title.nl, "teams": 6, "teams_high": number, "mean": 3.2} for number, item in enumerate(blockades)]
        ),
        "trend": pd.DataFrame(
            [
                {"series": series, "is_organisation": series == "Organisatie", "period": period, "mean": 2.5 + step / 4}
                for series in [*TEAMS, "Organisatie"]
                for step, period in enumerate(["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"])
            ]
        ),
    }


def builders(summary) -> dict:
    """Every chart of the results and manager pages, as a function of the width it gets."""
    nl = chart_words.chart_labels("nl")
    org = organisation_frames()
    profile = team_results.profile(summary, FRAMEWORK, CURRENT, "nl")
    return {
        "radar": lambda width: charts.radar(profile, labels=nl, width=width),
        "member_dots": lambda width: charts.member_dots(profile, labels=nl, score_labels=SCORE_WORDS, width=width),
        "blockade_pairs": lambda width: charts.blockade_pairs_chart(
            team_results.blockade_pairs(summary, FRAMEWORK, CURRENT, "nl"), labels=nl, width=width
        ),
        "distribution": lambda width: charts.distribution(
            team_results.disagreement(summary, FRAMEWORK, CURRENT, "nl"), labels=nl, score_labels=SCORE_WORDS, width=width
        ),
        "changes": lambda width: charts.changes_chart(team_results.changes(summary, FRAMEWORK, CURRENT, "nl"), labels=nl, width=width),
        "small_multiples": lambda width: charts.small_multiples(team_results.history(summary, FRAMEWORK, "nl"), labels=nl, width=width),
        "heatmap": lambda width: charts.heatmap(org["heatmap"], labels={**nl, "mean": "Gemiddelde"}, width=width),
        "team_spread": lambda width: charts.team_spread_chart(
            org["spread"], labels={**nl, **chart_words.spread_labels("nl")}, highlight="Wijkteam Noord", width=width
        ),
        "pressure": lambda width: charts.pressure_chart(org["pressure"], labels={**nl, **chart_words.pressure_labels("nl")}, width=width),
        "trend": lambda width: charts.trend_chart(org["trend"], labels={**nl, **chart_words.trend_labels("nl")}, width=width),
    }


@pytest.mark.parametrize("name", list(builders(realistic_summary())))
def test_every_chart_fits_the_width_it_gets_with_the_same_type_sizes(summary, name):
    build = builders(summary)[name]
    natural = build(None)
    for width in WIDTHS:
        chart = build(width)
        shown_width, _ = shown_size(chart)
        assert shown_width <= width, f"{name} at {width} px is {shown_width} px wide"
        assert min(font_sizes(chart.to_dict())) >= 13, f"{name} at {width} px has smaller type"
    assert sorted(set(font_sizes(build(WIDTHS[0]).to_dict()))) == sorted(set(font_sizes(natural.to_dict())))


def test_without_a_width_every_chart_keeps_its_natural_size(summary):
    """PDF and PNG downloads build charts without a width: they look as before."""
    for name, build in builders(summary).items():
        assert build(None).to_dict() == build(None).to_dict(), name
    profile = team_results.profile(summary, FRAMEWORK, CURRENT, "nl")
    nl = chart_words.chart_labels("nl")
    assert shown_size(charts.radar(profile, labels=nl)) == shown_size(charts.radar(profile, labels=nl, width=5000))


def test_the_radar_stays_round_and_names_its_axes_by_id_when_titles_do_not_fit(summary):
    profile = team_results.profile(summary, FRAMEWORK, CURRENT, "nl")
    nl = chart_words.chart_labels("nl")
    for width in (240, 358, 820):
        spec = charts.radar(profile, labels=nl, width=width).to_dict()
        assert spec["width"] == spec["height"]
    narrow = charts.radar(profile, labels=nl, width=240).to_dict()
    axis_labels = [row["axis_label"] for rows in narrow["datasets"].values() for row in rows if "axis_label" in row]
    assert set(axis_labels) == set(profile["item"])  # the titles are in the dot chart right below


def test_narrow_row_labels_wrap_instead_of_running_off(summary):
    profile = team_results.profile(summary, FRAMEWORK, CURRENT, "nl")
    narrow = charts.member_dots(profile, labels=chart_words.chart_labels("nl"), width=358).to_json()
    wide = charts.member_dots(profile, labels=chart_words.chart_labels("nl"), width=1500).to_json()
    assert '\\"versterken\\"' in narrow  # "AB4 · Eigenwaarde en draagkracht versterken" on lines
    assert "AB4 · Eigenwaarde en draagkracht versterken" in wide and '\\"versterken\\"' not in wide



def row_label_panels(chart) -> list[list[tuple[float, int, float]]]:
    """The row labels left of the plot in the rendered SVG, per panel (an axis of its own):
    (first line's y, number of lines, line height) per label, top to bottom."""
    svg = charts.chart_image(chart, "svg").decode()
    panels: list[list[tuple[float, int, float]]] = []
    for found in re.finditer(r'<text[^>]*transform="translate\((-?[\d.]+),(-?[\d.]+)\)"[^>]*>(.*?)</text>', svg):
        x, y, body = float(found.group(1)), float(found.group(2)), found.group(3)
        if x >= 0 or "·" not in body:  # row labels ("AB4 · …") end left of their axis
            continue
        steps = [float(step) for step in re.findall(r'dy="(-?[\d.]+)"', body)]
        if not panels or y <= panels[-1][-1][0]:  # an axis's labels come in order, top to bottom
            panels.append([])
        panels[-1].append((y, len(steps) + 1, steps[0] if steps else 0.0))
    return panels


@pytest.mark.parametrize("name", ["member_dots", "distribution", "changes"])
def test_wrapped_row_labels_sit_centred_on_their_rows(summary, name):
    """On a phone the row labels wrap to several lines; every label's lines stay centred on its
    own row instead of hanging down into the next one (seen at 390 px: AB4's five lines)."""
    panels = row_label_panels(builders(summary)[name](WIDTHS[0]))
    assert any(lines >= 3 for panel in panels for _, lines, _ in panel), panels  # the case that went wrong
    for panel in panels:
        centres = [first + (lines - 1) * height / 2 for first, lines, height in panel]
        steps = [below - above for above, below in zip(centres, centres[1:])]
        assert not steps or max(steps) - min(steps) <= 1, f"label centres not evenly spaced like the rows: {panel}"
        for (first, lines, height), following in zip(panel, panel[1:]):
            assert first + (lines - 1) * height < following[0], f"a label runs into the next row's label: {panel}"


def test_the_projector_summary_is_built_for_its_box_with_big_type(summary):
    """At 1280 × 720 the projector has about 1200 × 500 px for a chart, and the picture is shrunk
    to fit it. Built for that box (instead of at its natural size, about 1150 × 900), the radar
    and the blockade pairs keep projector type (26 px) that is shown at 18 px or more (it was
    14 px), 27 px or more at 1920 × 1080; the radar keeps every title."""
    profile = team_results.profile(summary, FRAMEWORK, CURRENT, "nl")
    pairs = team_results.blockade_pairs(summary, FRAMEWORK, CURRENT, "nl")
    nl = chart_words.chart_labels("nl")
    radar = charts.radar(profile, labels=nl, big=True, width=1200, height=500)
    for chart in (radar, charts.blockade_pairs_chart(pairs, labels=nl, big=True, width=1200, height=500)):
        width, height = shown_size(chart)
        assert 26 * min(1, 1200 / width, 500 / height) >= 18, (width, height)
        assert min(font_sizes(chart.to_dict())) >= 26
    axis_labels = {row["title"] for rows in radar.to_dict()["datasets"].values() for row in rows if "axis_label" in row}
    assert axis_labels == set(profile["title"])


def test_a_team_name_longer_than_the_screen_neither_breaks_the_heatmap_nor_widens_it():
    """A team may be called anything (up to the name limit): its name ends in "…" on screen."""
    rows = organisation_frames()["heatmap"]
    rows.loc[rows["team"] == "Wijkteam Oost", "team"] = "Wijkteam " + "Heel-lang-" * 20
    nl = chart_words.chart_labels("nl")
    for width in WIDTHS:
        assert shown_size(charts.heatmap(rows, labels={**nl, "mean": "Gemiddelde"}, width=width))[0] <= width


def test_every_chart_has_the_same_spec_as_with_altairs_own_schema_lookup(summary, monkeypatch):
    """The charts let Altair reuse one table of its schema classes and skip its check of every
    part as it is made (render/charts/style.py, speed-ups): each chart of the results and manager
    pages comes out exactly as Altair alone builds it, with that check on and passing."""
    from altair.utils import schemapi

    shared_table = {name: build(820).to_dict(validate=False) for name, build in builders(summary).items()}
    monkeypatch.setattr(schemapi.SchemaBase, "from_dict", style.ALTAIR_OWN_FROM_DICT)
    monkeypatch.setattr(schemapi, "DEBUG_MODE", True)
    altair_alone = {name: build(820).to_dict(validate=False) for name, build in builders(summary).items()}
    assert shared_table == altair_alone
    assert len(shared_table) >= 10

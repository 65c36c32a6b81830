"""Chart builders: specs carry the right data, PNGs render, empty input works.

Every chart is also saved under tests/output/charts/ so a person can look at it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from kringwijs_survey.core import formatting
from kringwijs_survey.render import charts
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.views import team_results

from factories import CURRENT, PERIODS, font_sizes, realistic_summary

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
OUTPUT = Path(__file__).resolve().parent / "output" / "charts"
PNG = b"\x89PNG"

LABELS_NL = {
    "no_data": "Nog geen gegevens om te tonen",
    "median": "Mediaan dit kwartaal",
    "previous": "Vorig kwartaal",
    "target": "Gewenst niveau",
    "member": "Eén teamlid",
    "blockade": "Blokkade (last)",
    "principle": "Beginsel (doen we)",
    "dont_know": "Weet ik niet",
    "score": "Score",
    "sd": "sd",
    "better": "Beter",
    "worse": "Slechter",
    "same": "Gelijk",
    "mean": "Gemiddelde",
    "suppressed": "te weinig deelnemers om te tonen",
    "decimal": ",",
}


def labels(**extra: str) -> dict[str, str]:
    return {**LABELS_NL, **extra}


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return realistic_summary()


def save(chart: alt.TopLevelMixin, name: str) -> bytes:
    image = charts.chart_image(chart, "png")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / f"{name}.png").write_bytes(image)
    return image


def datasets(chart: alt.TopLevelMixin) -> list[list[dict]]:
    spec = chart.to_dict()
    return list(spec.get("datasets", {}).values())


def named_layers(spec: dict) -> dict[str, dict]:
    """Layers by name, with their inline data looked up in spec["datasets"]."""
    found = {}
    for layer in spec.get("layer", []):
        if "name" in layer:
            data = layer.get("data") or spec.get("data", {})
            found[layer["name"].removesuffix("_0").removesuffix("_1")] = (
                spec["datasets"][data["name"]] if "name" in data else data.get("values", [])
            )
    return found


def assert_valid(chart: alt.TopLevelMixin, name: str) -> dict:
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    json.dumps(spec)
    assert save(chart, name).startswith(PNG)
    assert charts.chart_image(chart, "svg").lstrip().startswith(b"<svg")
    return spec


def assert_no_data_chart(chart: alt.TopLevelMixin, name: str) -> None:
    spec = assert_valid(chart, name)
    text = json.dumps(spec, ensure_ascii=False)
    assert LABELS_NL["no_data"] in text


# --- radar --------------------------------------------------------------------------------


def test_radar_has_all_axes_a_closed_polygon_ghost_and_targets(summary):
    frame = team_results.profile(summary, FRAMEWORK, CURRENT, "nl")
    chart = charts.radar(frame, labels=labels(title="Ons profiel", subtitle="Wijkteam Test · 2026-Q4"))
    assert isinstance(chart, alt.LayerChart)
    spec = assert_valid(chart, "radar")
    layers = named_layers(spec)

    axis_labels = [row for name, rows in layers.items() if name.startswith("axis_labels") for row in rows]
    principles = FRAMEWORK.items_of_kind("principle")
    assert len(axis_labels) == len(principles) == 10
    assert sorted(row["title"] for row in axis_labels) == sorted(item.title.nl for item in principles)

    polygon = layers["median_polygon"]
    assert len(polygon) == len(principles) + 1
    assert (polygon[0]["x"], polygon[0]["y"]) == pytest.approx((polygon[-1]["x"], polygon[-1]["y"]))
    # first axis points straight up: x = r·sin 0 = 0, y = r·cos 0 = r
    assert polygon[0]["x"] == pytest.approx(0)
    assert polygon[0]["y"] == pytest.approx(frame["median"].iloc[0])
    for row in polygon:
        assert (row["x"] ** 2 + row["y"] ** 2) ** 0.5 == pytest.approx(row["median"])

    # the previous quarter (Q3) was suppressed: the ghost is Q2
    assert set(frame["previous_period"]) == {"2026-Q2"}
    ghost = layers["ghost"]
    assert ghost[0]["x"] == pytest.approx(ghost[-1]["x"]) and ghost[0]["y"] == pytest.approx(ghost[-1]["y"])
    assert "targets" in layers and len(layers["targets"]) == 10
    assert [row["series"] for row in layers["targets"]][0] == LABELS_NL["target"]


def test_radar_without_previous_or_targets_has_no_ghost_or_diamonds():
    first_only = realistic_summary()
    first_only = first_only[first_only["period"] == PERIODS[0]].assign(target_mean=pd.NA)
    frame = team_results.profile(first_only, FRAMEWORK, PERIODS[0], "en")
    assert frame["previous_median"].isna().all()
    chart = charts.radar(frame, labels={"no_data": "No data yet", "median": "Median"})
    spec = assert_valid(chart, "radar_first_round_en")
    layers = named_layers(spec)
    assert "ghost" not in layers and "ghost_points" not in layers and "targets" not in layers
    assert "median_polygon" in layers


def test_radar_big_doubles_the_fonts(summary):
    frame = team_results.profile(summary, FRAMEWORK, CURRENT, "nl")
    normal = charts.radar(frame, labels=labels()).to_dict()
    big = charts.radar(frame, labels=labels(), big=True)
    assert_valid(big, "radar_big")
    big = big.to_dict()

    def label_size(spec):
        return next(
            layer["mark"]["fontSize"] for layer in spec["layer"] if layer.get("name", "").startswith("axis_labels")
        )

    assert label_size(normal) >= 13
    assert label_size(big) == 2 * label_size(normal)
    assert big["width"] == big["height"]  # still round


def test_radar_empty_and_suppressed():
    assert_no_data_chart(charts.radar(pd.DataFrame(), labels=labels()), "radar_empty")
    summary = realistic_summary()
    frame = team_results.profile(summary, FRAMEWORK, "2026-Q3", "nl")  # suppressed quarter
    assert_no_data_chart(charts.radar(frame, labels=labels()), "radar_suppressed")


def test_chart_words_must_come_from_labels(summary):
    frame = team_results.profile(summary, FRAMEWORK, CURRENT, "nl")
    with pytest.raises(KeyError, match="target"):
        charts.radar(frame, labels={"no_data": "x", "median": "y", "previous": "z"})


# --- member dots --------------------------------------------------------------------------


def test_member_dots_one_dot_per_member_and_a_median_tick(summary):
    frame = team_results.profile(summary, FRAMEWORK, CURRENT, "nl")
    scale = FRAMEWORK.scales["principle"].labels
    chart = charts.member_dots(
        frame,
        labels=labels(title="Ieder teamlid één stip", x_title="In hoeverre werken wij zo?"),
        score_labels={score: text.nl for score, text in scale.items()},
    )
    spec = assert_valid(chart, "member_dots")
    layers = named_layers(spec)
    dots = layers["members"]
    assert len(dots) == int(frame[[f"count_{s}" for s in range(1, 6)]].to_numpy().sum())
    first = frame.iloc[0]
    for score in range(1, 6):
        at_score = [d for d in dots if d["row"] == 0 and d["score"] == score]
        assert len(at_score) == first[f"count_{score}"]
        assert len({(d["x"], d["y"]) for d in at_score}) == len(at_score)  # no dot hides another
    medians = layers["median"]
    assert [row["median"] for row in medians] == list(frame["median"])
    assert next(layer for layer in spec["layer"] if layer["name"] == "median")["mark"]["type"] == "tick"


def test_member_positions_stack_and_center():
    frame = pd.DataFrame({"count_1": [0], "count_2": [1], "count_3": [6], "count_4": [0], "count_5": [2]})
    dots = charts.member_positions(frame, per_column=4)
    assert len(dots) == 9
    assert dots[dots["score"] == 2][["dx", "dy"]].values.tolist() == [[0.0, 0.0]]
    threes = dots[dots["score"] == 3]
    assert sorted(threes["column"].unique()) == [0, 1]
    assert sorted(threes["dx"].unique()) == pytest.approx([-0.0425, 0.0425])  # columns centred on the score
    assert dots[dots["score"] == 5]["dy"].sum() == pytest.approx(0)


def test_member_dots_empty():
    assert_no_data_chart(charts.member_dots(pd.DataFrame(), labels=labels()), "member_dots_empty")


# --- blockade pairs -----------------------------------------------------------------------


def test_blockade_pairs_chart_labels_both_sides(summary):
    pairs = team_results.blockade_pairs(summary, FRAMEWORK, CURRENT, "nl")
    chart = charts.blockade_pairs_chart(pairs, labels=labels(title="Blokkade en antwoord", x_title="Mediaan (1–5)"))
    spec = assert_valid(chart, "blockade_pairs")
    values = named_layers(spec)["values"]
    assert len(values) == 2 * len(FRAMEWORK.items_of_kind("blockade"))
    for pair in pairs.itertuples():
        rows = [row for row in values if row["row_label"].startswith(f"{pair.blockade} ·")]
        assert rows and rows[0]["value"] == pytest.approx(pair.blockade_median)
        assert rows[0]["role"] == LABELS_NL["blockade"]
        answer = [row for row in values if row["row_label"].startswith(f"{pair.principle} ·")]
        assert answer and answer[0]["value"] == pytest.approx(pair.principle_median)
        assert answer[0]["role"] == LABELS_NL["principle"]
        assert answer[0]["value_text"] == formatting.format_number(pair.principle_median, ",")


def test_blockade_pairs_chart_empty():
    assert_no_data_chart(charts.blockade_pairs_chart(pd.DataFrame(), labels=labels()), "blockade_pairs_empty")


# --- distribution -------------------------------------------------------------------------


def test_distribution_segments_follow_the_spread_order(summary):
    frame = team_results.disagreement(summary, FRAMEWORK, CURRENT, "nl")
    chart = charts.distribution(frame, labels=labels(title="Waar verschillen we?", x_title="Aantal teamleden"))
    spec = assert_valid(chart, "distribution")
    main = spec["hconcat"][0]
    segments = named_layers({**main, "datasets": spec["datasets"]})["segments"]
    first = frame.iloc[0]
    first_label = f"{first['item']} · {first['title']}"
    mine = [row for row in segments if row["row_label"] == first_label]
    assert [row["count"] for row in mine] == [first[f"count_{s}"] for s in range(1, 6) if first[f"count_{s}"] > 0]
    y_sort = main["layer"][0]["encoding"]["y"]["sort"]
    assert y_sort == [f"{row.item} · {row.title}" for row in frame.itertuples()]
    unknown = named_layers({**spec["hconcat"][1], "datasets": spec["datasets"]})["dont_know"]
    assert [row["count"] for row in unknown] == [float(n) for n in frame["n_dont_know"] if n > 0]


def test_distribution_empty():
    assert_no_data_chart(charts.distribution(pd.DataFrame(), labels=labels()), "distribution_empty")


# --- changes ------------------------------------------------------------------------------


def test_changes_chart_prints_direction_glyphs(summary):
    frame = team_results.changes(summary, FRAMEWORK, CURRENT, "nl")
    chart = charts.changes_chart(
        frame, labels=labels(title="Wat is er veranderd?", x_title="Verschil in gemiddelde", from_to="Toen → nu")
    )
    spec = assert_valid(chart, "changes")
    rows = named_layers(spec)["deltas"]
    assert len(rows) == len(frame)
    glyph = {"up": "▲", "down": "▼", "same": "="}
    for row in rows:
        assert row["delta_text"].startswith(glyph[row["direction"]])
        assert row["outcome_label"] == LABELS_NL[row["outcome"]]


def test_changes_chart_hand_made_frame():
    frame = pd.DataFrame(
        {
            "item": ["X1", "X2", "X3"],
            "title": ["Een", "Twee", "Drie"],
            "delta": [0.6, -0.7, 0.1],
            "direction": ["up", "down", "same"],
            "outcome": ["better", "better", "same"],
            "mean": [3.8, 2.1, 3.0],
            "previous_mean": [3.2, 2.8, 2.9],
        }
    )
    spec = assert_valid(charts.changes_chart(frame, labels=labels()), "changes_small")
    rows = named_layers(spec)["deltas"]
    assert [row["delta_text"] for row in rows] == ["▲ +0,6", "▼ \u22120,7", "= +0,1"]
    assert rows[0]["from_to"] == "3,2 → 3,8"


def test_changes_chart_empty_and_without_previous():
    assert_no_data_chart(charts.changes_chart(pd.DataFrame(), labels=labels()), "changes_empty")
    first = realistic_summary()
    frame = team_results.changes(first[first["period"] == PERIODS[0]], FRAMEWORK, PERIODS[0], "nl")
    assert_no_data_chart(charts.changes_chart(frame, labels=labels()), "changes_first_round")


# --- small multiples ----------------------------------------------------------------------


def test_small_multiples_one_panel_per_item(summary):
    frame = team_results.history(summary, FRAMEWORK, "nl")
    chart = charts.small_multiples(frame, labels=labels(title="Verloop per kwartaal"))
    spec = assert_valid(chart, "small_multiples")
    rows = list(spec["datasets"].values())[0]
    assert {row["period"] for row in rows if row["mean"] is not None} == {"2026-Q1", "2026-Q2", "2026-Q4"}
    # the suppressed Q3 stays on the axis, as a gap in every line
    assert spec["spec"]["layer"][0]["encoding"]["x"]["scale"]["domain"] == PERIODS
    assert sum(row["period"] == "2026-Q3" and row["mean"] is None for row in rows) == len(FRAMEWORK.item_ids)
    panels = spec["facet"]["sort"]
    assert len(panels) == len(FRAMEWORK.item_ids)
    assert [panel.split(" · ")[0] for panel in panels] == FRAMEWORK.item_ids
    y = spec["spec"]["layer"][0]["encoding"]["y"]
    assert y["scale"]["domain"] == [1, 5]


def test_quarters_between():
    assert charts.quarters_between(["2025-Q4", "2026-Q2"]) == ["2025-Q4", "2026-Q1", "2026-Q2"]
    assert charts.quarters_between(["voorjaar", "najaar"]) == ["voorjaar", "najaar"]


def test_small_multiples_big_and_empty(summary):
    frame = team_results.history(summary, FRAMEWORK, "en")
    chart = charts.small_multiples(frame, labels=labels(), big=True, columns=3)
    assert_valid(chart, "small_multiples_big")
    assert_no_data_chart(charts.small_multiples(pd.DataFrame(), labels=labels()), "small_multiples_empty")


# --- heatmap ------------------------------------------------------------------------------


def test_heatmap_prints_every_value():
    frames = []
    for index, team in enumerate(["Wijkteam Noord", "Wijkteam Zuid", "Wijkteam Centrum", "Jeugd- en gezinsteam"]):
        summary = realistic_summary(seed=index)
        frames.append(summary[summary["period"] == CURRENT].assign(team=team))
    frame = pd.concat(frames, ignore_index=True)
    frame.loc[frame["team"] == "Wijkteam Centrum", "suppressed"] = True
    chart = charts.heatmap(frame, labels=labels(title="Teams naast elkaar"), item_order=FRAMEWORK.item_ids)
    spec = assert_valid(chart, "heatmap")
    layers = named_layers(spec)
    values = layers["values"]
    assert len(values) == len(frame) - len(FRAMEWORK.item_ids)  # all but the suppressed team
    shown = {(row["team"], row["item"]): row["value_text"] for row in values}
    for row in frame[frame["team"] != "Wijkteam Centrum"].itertuples():
        assert shown[(row.team, row.item)] == formatting.format_number(row.mean, ",")
    assert not any(team == "Wijkteam Centrum" for team, _ in shown)
    assert layers["notes"] == [{"team": "Wijkteam Centrum", "note": LABELS_NL["suppressed"]}]
    assert all(row["mean"] is None for row in layers["cells_empty"] if row["team"] == "Wijkteam Centrum")
    assert spec["layer"][0]["encoding"]["x"]["sort"] == FRAMEWORK.item_ids


def test_heatmap_empty():
    assert_no_data_chart(charts.heatmap(pd.DataFrame(), labels=labels()), "heatmap_empty")


# --- projector size -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "builder",
    ["radar", "member_dots", "blockade_pairs_chart", "distribution", "changes_chart", "small_multiples", "heatmap"],
)
def test_every_builder_has_readable_fonts_and_a_big_version(summary, builder):
    frames = {
        "radar": team_results.profile(summary, FRAMEWORK, CURRENT, "nl"),
        "member_dots": team_results.profile(summary, FRAMEWORK, CURRENT, "nl"),
        "blockade_pairs_chart": team_results.blockade_pairs(summary, FRAMEWORK, CURRENT, "nl"),
        "distribution": team_results.disagreement(summary, FRAMEWORK, CURRENT, "nl"),
        "changes_chart": team_results.changes(summary, FRAMEWORK, CURRENT, "nl"),
        "small_multiples": team_results.history(summary, FRAMEWORK, "nl"),
        "heatmap": summary[summary["period"] == CURRENT],
    }
    build = getattr(charts, builder)
    normal = build(frames[builder], labels=labels(title="Titel", x_title="As")).to_dict()
    big = build(frames[builder], labels=labels(title="Titel", x_title="As"), big=True)
    assert_valid(big, f"{builder}_big")
    assert min(font_sizes(normal)) >= 13
    assert sorted(font_sizes(big.to_dict())) == [2 * size for size in sorted(font_sizes(normal))]


# --- images -------------------------------------------------------------------------------


def test_chart_image_formats(summary):
    chart = charts.radar(team_results.profile(summary, FRAMEWORK, CURRENT, "nl"), labels=labels())
    assert charts.chart_image(chart, "png").startswith(PNG)
    assert b"<svg" in charts.chart_image(chart, "svg")[:200]
    with pytest.raises(ValueError):
        charts.chart_image(chart, "gif")


def test_a_chart_drawn_again_with_other_numbers_is_a_new_picture(summary):
    """Pictures are kept by their whole spec: the same chart again is the same picture, and a
    chart whose numbers changed (a new answer came in) never gets the picture of the old ones."""
    profile = team_results.profile(summary, FRAMEWORK, CURRENT, "nl")
    before = charts.chart_image(charts.radar(profile, labels=labels()), "svg")
    assert charts.chart_image(charts.radar(profile, labels=labels()), "svg") == before
    changed = profile.assign(median=1.0, mean=1.0)
    assert charts.chart_image(charts.radar(changed, labels=labels()), "svg") != before
    assert charts.chart_image(charts.radar(profile, labels=labels()), "png", scale=1) != charts.chart_image(
        charts.radar(profile, labels=labels()), "png", scale=2
    )


def test_english_titles_come_from_the_data(summary):
    frame = team_results.profile(summary, FRAMEWORK, CURRENT, "en")
    spec = charts.radar(frame, labels={**LABELS_NL, "decimal": "."}).to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    for item in FRAMEWORK.items_of_kind("principle"):
        assert item.title.en in text


def test_a_heatmap_of_four_hundred_teams_still_builds():
    import pandas as pd

    from kringwijs_survey.render import charts

    frame = pd.DataFrame(
        [{"team": f"Team {t:03d}", "item": f"I{i}", "title": f"Vraag {i}", "mean": 1 + (t + i) % 5} for t in range(400) for i in range(15)]
    )
    spec = charts.heatmap(frame, labels={"no_data": "-", "mean": "Gemiddelde"}).to_dict()
    assert spec and len(frame) == 6000


def test_a_downloaded_svg_names_no_field_to_screen_readers():
    profile = team_results.profile(realistic_summary(), FRAMEWORK, CURRENT, "nl")
    svg = charts.chart_image(charts.member_dots(profile, labels=labels()), "svg").decode()
    assert "row_label" not in svg and not re.findall(r'aria-label="[^"]*:', svg)

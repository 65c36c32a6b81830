"""Chart builders: a DataFrame in, an Altair chart out. No Streamlit, no SQL, no words of its own.

Every text a reader sees comes in through ``labels`` (a mapping from the keys documented per
builder to already translated strings) or from the data (item titles, team names, periods).
Builders never call ``.configure_*()``: all styling sits on the marks, axes and legends, so a
page may still layer or concatenate the charts it gets back.

Design rules, for every builder:

* colour-blind-safe colours (Okabe–Ito for categories, ColorBrewer PuOr / viridis for scales),
  and colour is never the only carrier of meaning: shapes, dashes, positions and printed values
  say the same thing;
* labels of at least 13 px; ``big=True`` doubles every font (and grows marks and the canvas)
  for a projector;
* an empty frame (or one without any numbers, e.g. a suppressed period) gives a chart that
  shows ``labels["no_data"]``;
* numbers printed in a chart use ``labels.get("decimal", ".")`` as decimal separator.

Show the radar with its own width (``st.altair_chart(chart, use_container_width=False)``):
stretching only its width would make the circle an ellipse.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc

# Organisation charts can hold more than Altair's default 5,000 rows (400 teams × 15 items);
# the data is aggregated already, so the guard against huge inline datasets is not needed.
alt.data_transformers.disable_max_rows()

SCORES = (1, 2, 3, 4, 5)
COUNT_COLUMNS = [f"count_{score}" for score in SCORES]

# Okabe & Ito (2008), "Color Universal Design": blue and vermillion stay apart for every
# kind of colour blindness; grey and black carry the rest.
BLUE = "#0072B2"
VERMILLION = "#D55E00"
BLACK = "#000000"
INK = "#1A1A1A"
MUTED = "#4D4D4D"
GHOST = "#6E6E6E"
GRID = "#CFCFCF"
FAINT = "#EDEDED"
# ColorBrewer PuOr (colour-blind safe, no built-in "good/bad"); the middle darkened a little so
# it stays visible on white.
SCORE_COLOURS = ["#E66101", "#FDB863", "#D9D9D9", "#B2ABD2", "#5E3C99"]
SCORE_TEXT = ["dark", "dark", "dark", "dark", "light"]  # printed count on each score colour
DONT_KNOW_COLOUR = "#A6A6A6"
# First family must exist for the PNG/SVG renderer (vl-convert only tries the first one).
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
GLYPHS = {"up": "▲", "down": "▼", "same": "="}
# "2026-Q3" -> "Q3" over "2026"; the year only under the first tick and under each Q1.
PERIOD_LABEL = (
    "indexof(datum.value, '-Q') == 4 ? [split(datum.value, '-')[1], "
    "(datum.index == 0 || split(datum.value, '-')[1] == 'Q1') ? split(datum.value, '-')[0] : ''] : datum.value"
)
VERTICAL_BAR = "M-0.18,-1H0.18V1H-0.18Z"  # a legend symbol that looks like the median tick
LEGEND_TITLE_BESIDE = 180  # px: Vega cuts a longer legend title off with "…"


# ---------------------------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """Sizes for normal screens and (``big``) for a projector."""

    big: bool = False

    @property
    def font_factor(self) -> int:
        return 2 if self.big else 1

    @property
    def size_factor(self) -> float:
        return 1.6 if self.big else 1.0

    @property
    def label(self) -> int:
        return 13 * self.font_factor

    @property
    def value(self) -> int:
        return 14 * self.font_factor

    @property
    def heading(self) -> int:
        return 18 * self.font_factor

    def px(self, value: float) -> float:
        return value * self.size_factor

    def area(self, value: float) -> float:
        return value * self.size_factor**2


def _require(labels: Mapping[str, str], *keys: str) -> None:
    missing = [key for key in keys if key not in labels]
    if missing:
        raise KeyError(f"charts: labels {missing} missing (all chart words come from the translation table)")


def _decimal(labels: Mapping[str, str]) -> str:
    return labels.get("decimal", ".")


def format_number(value, decimal: str = ".", digits: int = 1, sign: bool = False) -> str:
    """1 decimal, the given separator, a real minus sign; "" for a missing value."""
    if value is None or pd.isna(value):
        return ""
    rounded = round(float(value), digits)
    text = (
        f"{rounded:+.{digits}f}" if sign and rounded != 0 else f"{abs(rounded) if rounded == 0 else rounded:.{digits}f}"
    )
    return text.replace("-", "\u2212").replace(".", decimal)


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=False, break_on_hyphens=False)) or str(text)


def _item_label(frame: pd.DataFrame, item: str = "item", title: str = "title") -> pd.Series:
    """ "AB1 · Title" when both id and title are there (ids tie the charts together)."""
    if title in frame and item in frame:
        return frame[item].astype(str) + " · " + frame[title].astype(str)
    return frame[item].astype(str) if item in frame else frame[title].astype(str)


def _title(labels: Mapping[str, str], style: Style):
    text = labels.get("title")
    if not text:
        return alt.Undefined
    return alt.TitleParams(
        text=text,
        subtitle=labels.get("subtitle") or alt.Undefined,
        fontSize=style.heading,
        subtitleFontSize=style.label,
        font=FONT,
        subtitleFont=FONT,
        color=INK,
        subtitleColor=MUTED,
        anchor="start",
        offset=12 * style.font_factor,
    )


def _axis(style: Style, **kwargs) -> alt.Axis:
    settings = dict(
        labelFontSize=style.label,
        titleFontSize=style.label,
        labelFont=FONT,
        titleFont=FONT,
        labelColor=INK,
        titleColor=INK,
        titleFontWeight="normal",
        domainColor=MUTED,
        tickColor=MUTED,
        gridColor=FAINT,
        labelLimit=1000,
        titlePadding=10 * style.font_factor,
        labelPadding=6 * style.font_factor,
    )
    settings.update(kwargs)
    return alt.Axis(**settings)


def _legend(style: Style, **kwargs) -> alt.Legend:
    settings = dict(
        orient="bottom",
        direction="horizontal",
        labelFontSize=style.label,
        titleFontSize=style.label,
        labelFont=FONT,
        titleFont=FONT,
        labelColor=INK,
        titleColor=INK,
        titleFontWeight="normal",
        labelLimit=1000,
        symbolSize=style.area(160),
        symbolStrokeWidth=2 * style.size_factor,
        columnPadding=24 * style.font_factor,
        titleOrient="left",
        titleAnchor="middle",
        padding=8 * style.font_factor,
    )
    settings.update(kwargs)
    return alt.Legend(**settings)


def _no_data(labels: Mapping[str, str], style: Style, width: float = 480, height: float = 200) -> alt.Chart:
    """A chart that only says there is nothing to show (labels["no_data"])."""
    _require(labels, "no_data")
    return (
        alt.Chart(pd.DataFrame({"message": [labels["no_data"]]}), title=_title(labels, style), name="no_data")
        .mark_text(fontSize=style.value, font=FONT, color=MUTED, lineBreak="\n")
        .encode(x=alt.value(width / 2), y=alt.value(height / 2), text="message:N")
        .properties(width=width, height=height, view=alt.ViewBackground(stroke=None))
    )


def _array_expression(values: Sequence[str]) -> str:
    """A Vega expression looking a label up by its row position (for labelExpr)."""
    return f"{json.dumps(list(values), ensure_ascii=False)}[datum.value] || ''"


def _lookup_expression(table: Mapping[str, object], key: str) -> str:
    """A Vega expression looking `key` (an expression) up in `table`; the tick's own label if absent."""
    return f"{json.dumps(dict(table), ensure_ascii=False)}[{key}] || datum.label"


def _score_label_expression(score_labels: Mapping[int, str] | None, wrap: int = 13) -> alt.UndefinedType | str:
    """labelExpr printing "3" and under it the (wrapped) scale label of 3."""
    if not score_labels:
        return alt.Undefined
    lookup = {str(score): [str(score), *_wrap(text, wrap).split("\n")] for score, text in score_labels.items()}
    return _lookup_expression(lookup, "''+datum.value")


def chart_image(chart: alt.TopLevelMixin | dict, fmt: Literal["png", "svg"] = "png", *, scale: float = 2) -> bytes:
    """The chart (Altair, or a Vega-Lite spec) as PNG (at `scale`×) or SVG bytes, rendered without a browser."""
    spec = json.dumps(chart) if isinstance(chart, dict) else chart.to_json()
    if fmt == "png":
        return vlc.vegalite_to_png(spec, scale=scale)
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode("utf-8")
    raise ValueError(f"fmt must be 'png' or 'svg', not {fmt!r}")


# ---------------------------------------------------------------------------------------------
# radar
# ---------------------------------------------------------------------------------------------

RADAR_MAX = 5
RADAR_DOMAIN = 5.3  # a little room outside the outer ring
RADAR_LABEL_RADIUS = 5.45
RADAR_CIRCLE_STEPS = 120


def _polar(radius: pd.Series | np.ndarray | float, theta: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    radius = np.asarray(radius, dtype=float)
    theta = np.asarray(theta, dtype=float)
    return radius * np.sin(theta), radius * np.cos(theta)


def radar_polygon(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """The closed polygon through `value` per axis: one row per axis plus the first row again."""
    x, y = _polar(frame[value], frame["theta"])
    polygon = frame.assign(x=x, y=y, step=range(len(frame)))
    return pd.concat([polygon, polygon.iloc[[0]].assign(step=len(frame))], ignore_index=True)


def radar(profile_df: pd.DataFrame, *, labels: Mapping[str, str], big: bool = False) -> alt.LayerChart:
    """Spider chart of the principles' medians (1–5 per axis, first axis at the top, clockwise).

    Columns: item, title, median; optional target_mean (diamonds), previous_median (dashed grey
    "ghost" polygon of the previous round). Labels: no_data, median (legend entry of the current
    polygon); previous and target (needed when those columns hold values); optional title,
    subtitle, decimal.
    """
    style = Style(big)
    _require(labels, "no_data", "median")
    frame = (profile_df if profile_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    medians = _numbers(frame, "median")
    if frame.empty or medians.isna().all():
        return alt.layer(_no_data(labels, style, width=style.px(440), height=style.px(220)))

    decimal = _decimal(labels)
    frame["median"] = medians
    frame["target_mean"] = _numbers(frame, "target_mean")
    frame["previous_median"] = _numbers(frame, "previous_median")
    count = len(frame)
    frame["theta"] = 2 * math.pi * np.arange(count) / count
    frame["axis_label"] = [_wrap(title, 18) for title in frame["title"]]
    frame["median_text"] = [format_number(value, decimal) for value in frame["median"]]
    frame["target_text"] = [format_number(value, decimal) for value in frame["target_mean"]]
    frame["previous_text"] = [format_number(value, decimal) for value in frame["previous_median"]]
    has_previous = frame["previous_median"].notna().any()
    has_target = frame["target_mean"].notna().any()
    if has_previous:
        _require(labels, "previous")
    if has_target:
        _require(labels, "target")

    # Square view, equal units on x and y (so rings stay circles), with room inside the view
    # for the labels above and below the circle (legends are placed against the view).
    unit = style.px(34)  # px per scale point
    label_x, label_y = _polar(RADAR_LABEL_RADIUS, frame["theta"])
    sines, cosines = np.sin(frame["theta"]), np.cos(frame["theta"])
    aligns = np.where(sines > 0.25, "left", np.where(sines < -0.25, "right", "center"))
    baselines = np.where(cosines > 0.6, "bottom", np.where(cosines < -0.6, "top", "middle"))
    heights = np.array([(label.count("\n") + 1) * style.label * 1.2 / unit for label in frame["axis_label"]])
    tops = np.where(
        baselines == "bottom", label_y + heights, np.where(baselines == "top", label_y, label_y + heights / 2)
    )
    bottoms = np.where(
        baselines == "bottom", label_y, np.where(baselines == "top", label_y - heights, label_y - heights / 2)
    )
    reach = max(RADAR_DOMAIN, float(np.max(tops)), float(-np.min(bottoms))) + 4 * style.font_factor / unit
    side = 2 * reach * unit
    scale = alt.Scale(domain=[-reach, reach], nice=False, zero=False)
    x = alt.X("x:Q", scale=scale, axis=None)
    y = alt.Y("y:Q", scale=scale, axis=None)

    series = (
        [labels["median"]] + ([labels["previous"]] if has_previous else []) + ([labels["target"]] if has_target else [])
    )
    colours = [BLUE] + ([GHOST] if has_previous else []) + ([VERMILLION] if has_target else [])
    shapes = ["circle"] + (["M-1,0L-0.35,0M0.35,0L1,0"] if has_previous else []) + (["diamond"] if has_target else [])
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=series, range=colours),
        legend=_legend(style, title=None, symbolStrokeWidth=3 * style.size_factor),
    )
    shape = alt.Shape("series:N", scale=alt.Scale(domain=series, range=shapes), legend=None)
    tooltip = [
        alt.Tooltip("title:N", title=" "),
        alt.Tooltip("median_text:N", title=labels["median"]),
        *([alt.Tooltip("previous_text:N", title=labels["previous"])] if has_previous else []),
        *([alt.Tooltip("target_text:N", title=labels["target"])] if has_target else []),
    ]

    # Grid: rings 1..5, spokes, ring numbers along the top spoke.
    steps = np.linspace(0, 2 * math.pi, RADAR_CIRCLE_STEPS + 1)
    rings = pd.concat(
        [
            pd.DataFrame(
                {"ring": ring, "step": range(len(steps)), "x": ring * np.sin(steps), "y": ring * np.cos(steps)}
            )
            for ring in SCORES
        ],
        ignore_index=True,
    )
    ring_layer = (
        alt.Chart(rings, name="rings")
        .mark_line(strokeWidth=style.px(1), interpolate="linear")
        .encode(
            x=x,
            y=y,
            detail="ring:N",
            order="step:Q",
            color=alt.condition(f"datum.ring == {RADAR_MAX}", alt.value("#9A9A9A"), alt.value(GRID)),
        )
    )
    spoke_x, spoke_y = _polar(RADAR_MAX, frame["theta"])
    spokes = pd.DataFrame({"x": 0.0, "y": 0.0, "x2": spoke_x, "y2": spoke_y})
    spoke_layer = (
        alt.Chart(spokes, name="spokes")
        .mark_rule(color=GRID, strokeWidth=style.px(1))
        .encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    )
    # Ring numbers in the middle between two spokes, on the half-sector nearest to "3 o'clock",
    # where they read like a horizontal axis and stay clear of the labels at top and bottom.
    middles = (np.arange(count) + 0.5) * 2 * math.pi / count
    ring_angle = float(middles[np.argmin(np.abs(middles - math.pi / 2))])
    ring_x, ring_y = _polar(np.asarray(SCORES, dtype=float), np.full(len(SCORES), ring_angle))
    ring_numbers = pd.DataFrame(
        {"ring": list(SCORES), "x": ring_x, "y": ring_y, "text": [str(ring) for ring in SCORES]}
    )
    ring_label_layer = (
        alt.Chart(ring_numbers, name="ring_labels")
        .mark_text(
            align="center",
            baseline="middle",
            fontSize=style.label,
            font=FONT,
            color=MUTED,
        )
        .encode(x=x, y=y, text="text:N")
    )

    # Axis labels, in up to three alignment groups (Vega-Lite cannot encode alignment).
    # Vega places the first line of multi-line text at the anchor, so every label is anchored
    # at its top: above the circle the block grows upwards, at the sides it is centred.
    axis_labels = frame[["item", "title", "axis_label"]].assign(x=label_x, y=tops, align=aligns)
    label_layers = [
        alt.Chart(group, name=f"axis_labels_{align}")
        .mark_text(
            align=align,
            baseline="top",
            lineBreak="\n",
            fontSize=style.label,
            font=FONT,
            color=INK,
            lineHeight=style.label * 1.2,
        )
        .encode(x=x, y=y, text="axis_label:N")
        for align, group in axis_labels.groupby("align", sort=False)
    ]

    ring_badges = (
        alt.Chart(ring_numbers, name="ring_badges")
        .mark_point(filled=True, shape="circle", color="#FFFFFF", opacity=0.85, size=(style.label * 1.45) ** 2)
        .encode(x=x, y=y)
    )
    layers = [ring_layer, spoke_layer, *label_layers, ring_badges, ring_label_layer]
    if has_previous:
        ghost = radar_polygon(frame.assign(series=labels["previous"]), "previous_median")
        layers.append(
            alt.Chart(ghost, name="ghost")
            .mark_line(strokeDash=[8, 5], strokeWidth=style.px(2.5), interpolate="linear")
            .encode(x=x, y=y, order="step:Q", color=colour)
        )
    current = radar_polygon(frame.assign(series=labels["median"]), "median")
    layers.append(
        alt.Chart(current, name="median_polygon")
        .mark_line(fill=BLUE, fillOpacity=0.14, strokeWidth=style.px(3), interpolate="linear")
        .encode(x=x, y=y, order="step:Q", color=colour)
    )
    points = current.iloc[:-1]
    layers.append(
        alt.Chart(points, name="median_points")
        .mark_point(filled=True, size=style.area(90), opacity=1, stroke="#FFFFFF", strokeWidth=1.5)
        .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
    )
    if has_previous:
        # An invisible point layer gives the ghost its (dashed) legend symbol.
        ghost_points = radar_polygon(frame.assign(series=labels["previous"]), "previous_median").iloc[:-1]
        layers.append(
            alt.Chart(ghost_points, name="ghost_points")
            .mark_point(filled=False, size=style.area(70), strokeWidth=style.px(2), opacity=0)
            .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
        )
    if has_target:
        targets = frame[frame["target_mean"].notna()].assign(series=labels["target"])
        targets["x"], targets["y"] = _polar(targets["target_mean"], targets["theta"])
        layers.append(
            alt.Chart(targets, name="targets")
            .mark_point(filled=True, size=style.area(170), opacity=1, stroke="#FFFFFF", strokeWidth=1.5)
            .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
        )
    return alt.layer(*layers, title=_title(labels, style)).properties(
        width=side, height=side, view=alt.ViewBackground(stroke=None)
    )


# ---------------------------------------------------------------------------------------------
# member dots
# ---------------------------------------------------------------------------------------------


def member_positions(frame: pd.DataFrame, per_column: int = 4) -> pd.DataFrame:
    """One row per member score, derived from count_1..count_5 only (never from single answers).

    k members at score s become k dots in a small grid centred on (s, row): up to `per_column`
    dots on top of each other, further dots in extra columns beside them. Returns row, score,
    column (0-based), level (0-based) and the offsets dx (score units) and dy (row units).
    """
    rows = []
    for row_index, (_, record) in enumerate(frame.iterrows()):
        for score, column in zip(SCORES, COUNT_COLUMNS):
            count = record.get(column)
            count = 0 if count is None or pd.isna(count) else int(count)
            columns = math.ceil(count / per_column) if count else 0
            for index in range(count):
                grid_column, level = divmod(index, per_column)
                in_column = min(per_column, count - grid_column * per_column)
                rows.append(
                    {
                        "row": row_index,
                        "score": score,
                        "column": grid_column,
                        "level": level,
                        "dx": (grid_column - (columns - 1) / 2) * 0.085,
                        "dy": (level - (in_column - 1) / 2) * 0.17,
                    }
                )
    return pd.DataFrame(rows, columns=["row", "score", "column", "level", "dx", "dy"])


def member_dots(
    profile_df: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    score_labels: Mapping[int, str] | None = None,
    big: bool = False,
) -> alt.LayerChart:
    """Per principle one row: every member's score as a dot, the team median as a vertical tick.

    Columns: item, title, count_1..count_5, median. Labels: no_data, member (legend: one dot =
    one member), median; optional x_title, title, subtitle, decimal. `score_labels` (1..5 ->
    text, e.g. the framework's scale labels) are printed under the score numbers.
    """
    style = Style(big)
    _require(labels, "no_data", "member", "median")
    frame = (profile_df if profile_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    counts = frame[COUNT_COLUMNS].apply(pd.to_numeric, errors="coerce") if set(COUNT_COLUMNS) <= set(frame) else None
    if frame.empty or counts is None or counts.fillna(0).to_numpy().sum() == 0:
        return alt.layer(_no_data(labels, style, width=style.px(520), height=style.px(200)))

    frame["median"] = _numbers(frame, "median")
    frame["row_label"] = _item_label(frame)
    frame["row"] = range(len(frame))
    frame["median_text"] = [format_number(value, _decimal(labels)) for value in frame["median"]]
    row_height = style.px(46)
    width = style.px(540)
    height = row_height * len(frame)
    dots = member_positions(frame)
    dots["x"] = dots["score"] + dots["dx"]
    dots["y"] = dots["row"] + dots["dy"]
    dots["series"] = labels["member"]
    dots = dots.merge(frame[["row", "row_label"]], on="row")

    x = alt.X(
        "x:Q",
        scale=alt.Scale(domain=[0.55, 5.45], nice=False, zero=False),
        axis=_axis(
            style,
            values=list(SCORES),
            title=labels.get("x_title") or None,
            orient="bottom",
            grid=True,
            labelExpr=_score_label_expression(score_labels),
            labelLineHeight=style.label * 1.2,
            labelOverlap=False,
            labelBaseline="top",
        ),
    )
    y_scale = alt.Scale(domain=[-0.5, len(frame) - 0.5], reverse=True, nice=False, zero=False)
    y = alt.Y(
        "y:Q",
        scale=y_scale,
        axis=_axis(
            style,
            values=list(range(len(frame))),
            labelExpr=_array_expression(list(frame["row_label"])),
            title=None,
            grid=False,
            ticks=False,
            domain=False,
        ),
    )
    series = [labels["member"], labels["median"]]
    colour = alt.Color(
        "series:N", scale=alt.Scale(domain=series, range=[BLUE, BLACK]), legend=_legend(style, title=None)
    )
    shape = alt.Shape("series:N", scale=alt.Scale(domain=series, range=["circle", VERTICAL_BAR]), legend=None)

    stripes = frame[frame["row"] % 2 == 0][["row"]].assign(y=lambda f: f["row"] - 0.5, y2=lambda f: f["row"] + 0.5)
    stripe_layer = (
        alt.Chart(stripes, name="stripes")
        .mark_rect(color="#F6F6F6")
        .encode(y=alt.Y("y:Q", scale=y_scale), y2="y2:Q", x=alt.value(0), x2=alt.value(width))
    )
    dot_layer = (
        alt.Chart(dots, name="members")
        .mark_point(filled=True, size=style.area(70), opacity=0.9, stroke="#FFFFFF", strokeWidth=0.8)
        .encode(x=x, y=y, color=colour, shape=shape)
    )
    medians = frame[frame["median"].notna()].assign(
        x=lambda f: f["median"], y=lambda f: f["row"].astype(float), series=labels["median"]
    )
    median_layer = (
        alt.Chart(medians, name="median")
        .mark_tick(orient="vertical", thickness=style.px(3.5), size=row_height * 0.96, opacity=1)
        .encode(
            x=x,
            y=y,
            color=colour,
            shape=shape,
            tooltip=[alt.Tooltip("row_label:N", title=" "), alt.Tooltip("median_text:N", title=labels["median"])],
        )
    )
    # The median is printed too, right of the plot, under a header.
    value_x = width + 12 * style.font_factor
    median_values = (
        alt.Chart(medians, name="median_values")
        .mark_text(align="left", fontSize=style.value, font=FONT, fontWeight="bold", color=INK)
        .encode(x=alt.value(value_x), y=y, text="median_text:N")
    )
    header_lines = _wrap(labels["median"], 10).count("\n") + 1
    median_header = (
        alt.Chart(pd.DataFrame({"header": [_wrap(labels["median"], 10)]}), name="median_header")
        .mark_text(
            align="left",
            baseline="top",
            fontSize=style.label,
            font=FONT,
            color=MUTED,
            lineBreak="\n",
            lineHeight=style.label * 1.2,
        )
        .encode(
            x=alt.value(value_x),
            y=alt.value(-6 * style.font_factor - header_lines * style.label * 1.2),
            text="header:N",
        )
    )
    # The median tick sits behind the dots and reaches beyond them, so neither hides the other.
    return alt.layer(
        stripe_layer, median_layer, dot_layer, median_values, median_header, title=_title(labels, style)
    ).properties(width=width, height=height, view=alt.ViewBackground(stroke=None))


# ---------------------------------------------------------------------------------------------
# blockade pairs
# ---------------------------------------------------------------------------------------------


def _score_track_axes(style: Style, labels: Mapping[str, str], long: pd.DataFrame, label_column: str, top: float, bottom: float):
    """Axes for rows of dots on a 1–5 track: scores along the top, one labelled row per y value."""
    x_scale = alt.Scale(domain=[0.8, 5.6], nice=False, zero=False)
    x = alt.X(
        "value:Q",
        scale=x_scale,
        axis=_axis(
            style, values=list(SCORES), format="d", title=labels.get("x_title") or None, orient="top", grid=True
        ),
    )
    y_scale = alt.Scale(domain=[top, bottom], reverse=True, nice=False, zero=False)
    y = alt.Y(
        "y:Q",
        scale=y_scale,
        axis=_axis(
            style,
            values=list(long["y"]),
            labelExpr=_lookup_expression(
                dict(zip([_key(v) for v in long["y"]], long[label_column])), "format(datum.value, '.1f')"
            ),
            title=None,
            grid=False,
            ticks=False,
            domain=False,
        ),
    )
    return x_scale, x, y_scale, y


def _median_marks(valued: pd.DataFrame, x, y, colour, shape, style: Style, tooltip_fields: list[str]):
    """A labelled dot per median on a 1–5 track: the dot (colour and shape), and its value beside it."""
    points = (
        alt.Chart(valued, name="medians")
        .mark_point(filled=True, size=style.area(200), opacity=1, stroke="#FFFFFF", strokeWidth=1.5)
        .encode(x=x, y=y, color=colour, shape=shape, tooltip=[alt.Tooltip(field, title=" ") for field in tooltip_fields])
    )
    values = (
        alt.Chart(valued, name="values")
        .mark_text(align="left", dx=12 * style.size_factor, fontSize=style.value, font=FONT, fontWeight="bold", color=INK)
        .encode(x=x, y=y, text="value_text:N")
    )
    return points, values


def blockade_pairs_chart(pairs_df: pd.DataFrame, *, labels: Mapping[str, str], big: bool = False) -> alt.LayerChart:
    """Per blockade: its median on one line and the median of the principle that answers it just
    below, both as labelled dots on a 1–5 track.

    Columns: blockade, blockade_title, blockade_median, principle, principle_title,
    principle_median. Labels: no_data, blockade, principle (legend entries); optional x_title,
    title, subtitle, decimal.
    """
    style = Style(big)
    _require(labels, "no_data", "blockade", "principle")
    frame = (pairs_df if pairs_df is not None else pd.DataFrame()).reset_index(drop=True)
    if frame.empty or (
        _numbers(frame, "blockade_median").isna().all() and _numbers(frame, "principle_median").isna().all()
    ):
        return alt.layer(_no_data(labels, style, width=style.px(520), height=style.px(200)))

    decimal = _decimal(labels)
    rows = []
    for index, record in frame.iterrows():
        for offset, role in enumerate(["blockade", "principle"]):
            item_id = record.get(role)
            if item_id is None or pd.isna(item_id):
                continue
            value = pd.to_numeric(pd.Series([record.get(f"{role}_median")]), errors="coerce").iloc[0]
            rows.append(
                {
                    "pair": index,
                    "y": index * 2.9 + offset,
                    "role": labels[role],
                    "row_label": f"{item_id} · {record.get(f'{role}_title')}",
                    "value": value,
                    "value_text": format_number(value, decimal),
                }
            )
    long = pd.DataFrame(rows)
    top, bottom = -0.7, long["y"].max() + 0.7
    row_px = style.px(30)
    height = (bottom - top) * row_px
    width = style.px(420)
    x_scale, x, y_scale, y = _score_track_axes(style, labels, long, "row_label", top, bottom)
    roles = [labels["blockade"], labels["principle"]]
    role_scale = alt.Scale(domain=roles, range=[VERMILLION, BLUE])
    colour = alt.Color("role:N", scale=role_scale, legend=_legend(style, title=None))
    shape = alt.Shape("role:N", scale=alt.Scale(domain=roles, range=["square", "circle"]), legend=None)

    blocks = pd.DataFrame({"pair": frame.index, "y": frame.index * 2.9 - 0.55, "y2": frame.index * 2.9 + 1.55})
    block_layer = (
        alt.Chart(blocks, name="pair_blocks")
        .mark_rect(color="#F5F5F5", cornerRadius=4)
        .encode(y=alt.Y("y:Q", scale=y_scale), y2="y2:Q", x=alt.value(0), x2=alt.value(width))
    )
    tracks = long.assign(start=1.0, end=long["value"])
    track_layer = (
        alt.Chart(tracks[tracks["value"].notna()], name="tracks")
        .mark_rule(strokeWidth=style.px(3), opacity=0.45)
        .encode(
            x=alt.X("start:Q", scale=x_scale),
            x2="end:Q",
            y=y,
            color=alt.condition(
                f"datum.role == {json.dumps(labels['blockade'], ensure_ascii=False)}",
                alt.value(VERMILLION),
                alt.value(BLUE),
            ),
        )
    )
    valued = long[long["value"].notna()]
    point_layer, value_layer = _median_marks(valued, x, y, colour, shape, style, ["row_label:N", "value_text:N"])
    return alt.layer(block_layer, track_layer, point_layer, value_layer, title=_title(labels, style)).properties(
        width=width, height=height, view=alt.ViewBackground(stroke=None)
    )


def _key(value: float) -> str:
    return f"{value:.1f}"


# ---------------------------------------------------------------------------------------------
# distribution
# ---------------------------------------------------------------------------------------------


def _own_view_names(chart: alt.TopLevelMixin, prefix: str) -> alt.TopLevelMixin:
    """Panels drawn by the same builder repeat its view names ("segments", "cells"), and
    Vega-Lite then draws every panel from the data of one of them: before panels are put side
    by side or one under the other, each one's names get a prefix of its own."""
    for attribute in ("layer", "hconcat", "vconcat"):
        parts = getattr(chart, attribute, None)
        if isinstance(parts, list):
            for part in parts:
                _own_view_names(part, prefix)
    name = getattr(chart, "name", None)
    if isinstance(name, str):
        chart.name = f"{prefix}_{name}"
    return chart


def distribution(
    disagreement_df: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    score_labels: Mapping[int, str] | None = None,
    score_labels_by_kind: Mapping[str, Mapping[int, str]] | None = None,
    big: bool = False,
) -> alt.HConcatChart | alt.VConcatChart | alt.LayerChart:
    """Per item a segmented bar of count_1..count_5 (score 1 left, 5 right, each count printed in
    its segment) and, apart, a grey bar of "weet ik niet"; rows keep the frame's order (the
    disagreement order). The sd is printed after the bar when labels has "sd".

    Columns: item, title, count_1..count_5, n_dont_know; optional sd, kind. Labels: no_data,
    dont_know, score (legend title); optional x_title, sd, title, subtitle, decimal, and a
    heading per kind. `score_labels` (1..5 -> text) extend the legend entries. With
    `score_labels_by_kind` (kind -> 1..5 -> text) and a `kind` column, every kind gets its own
    panel with its own legend, so a blockade's 5 is never read in a principle's words.
    """
    frame = disagreement_df if disagreement_df is not None else pd.DataFrame()
    if score_labels_by_kind is not None and "kind" in frame and not frame.empty:
        kinds = [kind for kind in score_labels_by_kind if (frame["kind"] == kind).any()]
        panels = [
            _own_view_names(
                distribution(
                    frame[frame["kind"] == kind],
                    labels={**labels, "title": labels.get(kind, kind), "subtitle": ""},
                    score_labels=score_labels_by_kind[kind],
                    big=big,
                ),
                kind,
            )
            for kind in kinds
        ]
        if len(panels) == 1:
            return panels[0]
        if panels:
            return alt.vconcat(*panels, spacing=24 * Style(big).font_factor, title=_title(labels, Style(big))).resolve_scale(
                color="independent"
            )
    style = Style(big)
    _require(labels, "no_data", "dont_know", "score")
    frame = (disagreement_df if disagreement_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    if frame.empty or not set(COUNT_COLUMNS) <= set(frame):
        return alt.layer(_no_data(labels, style, width=style.px(560), height=style.px(200)))
    counts = frame[COUNT_COLUMNS].apply(pd.to_numeric, errors="coerce").fillna(0)
    dont_know = _numbers(frame, "n_dont_know").fillna(0)
    if counts.to_numpy().sum() + dont_know.sum() == 0:
        return alt.layer(_no_data(labels, style, width=style.px(560), height=style.px(200)))

    decimal = _decimal(labels)
    frame["row_label"] = _item_label(frame)
    order = list(frame["row_label"])
    segments = []
    for index, record in frame.iterrows():
        start = 0.0
        for score, column in zip(SCORES, COUNT_COLUMNS):
            count = float(counts.at[index, column])
            if count > 0:
                segments.append(
                    {
                        "row_label": record["row_label"],
                        "score": str(score),
                        "count": count,
                        "start": start,
                        "end": start + count,
                        "middle": start + count / 2,
                        "count_text": str(int(count)),
                        "text_colour": SCORE_TEXT[score - 1],
                    }
                )
            start += count
    segments = pd.DataFrame(segments)
    totals = counts.sum(axis=1)
    longest = max(float(totals.max()), 1.0)
    row_px = style.px(34)
    height = row_px * len(frame)
    main_width = style.px(420)

    score_domain = [str(score) for score in SCORES]
    legend_labels = (
        _lookup_expression({str(score): f"{score} · {text}" for score, text in score_labels.items()}, "datum.value")
        if score_labels
        else alt.Undefined
    )
    y_scale = alt.Scale(domain=order, paddingInner=0.3, paddingOuter=0.15)
    y = alt.Y(
        "row_label:N",
        sort=order,
        scale=y_scale,
        axis=_axis(style, title=None, ticks=False, domain=False),
    )
    x_scale = alt.Scale(domain=[0, longest * (1.18 if "sd" in labels else 1.02)], nice=False)
    colour = alt.Color(
        "score:N",
        scale=alt.Scale(domain=score_domain, range=SCORE_COLOURS),
        legend=_legend(
            style, title=labels["score"], symbolType="square", labelExpr=legend_labels, columns=3 if score_labels else 5
        ),
    )
    bar_layer = (
        alt.Chart(segments, name="segments")
        .mark_bar(stroke="#FFFFFF", strokeWidth=style.px(1.5))
        .encode(
            x=alt.X(
                "start:Q",
                scale=x_scale,
                axis=_axis(style, title=labels.get("x_title") or None, tickMinStep=1, format="d", grid=True),
            ),
            x2="end:Q",
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip("row_label:N", title=" "),
                alt.Tooltip("score:N", title=labels["score"]),
                alt.Tooltip("count_text:N", title=" "),
            ],
        )
    )
    text_layer = (
        alt.Chart(segments, name="segment_counts")
        .mark_text(fontSize=style.label, font=FONT, fontWeight="bold")
        .encode(
            x=alt.X("middle:Q", scale=x_scale),
            y=y,
            text="count_text:N",
            color=alt.condition("datum.text_colour == 'light'", alt.value("#FFFFFF"), alt.value(BLACK)),
        )
    )
    layers = [bar_layer, text_layer]
    if "sd" in labels and "sd" in frame:
        spread = frame.assign(
            total=totals,
            sd_text=[
                f"{labels['sd']} {format_number(value, decimal)}" if pd.notna(value) else ""
                for value in _numbers(frame, "sd")
            ],
        )
        layers.append(
            alt.Chart(spread, name="sd")
            .mark_text(align="left", dx=8 * style.size_factor, fontSize=style.label, font=FONT, color=MUTED)
            .encode(x=alt.X("total:Q", scale=x_scale), y=y, text="sd_text:N")
        )
    main = alt.layer(*layers).properties(width=main_width, height=height, view=alt.ViewBackground(stroke=None))

    unknown = frame[["row_label"]].assign(
        count=dont_know.astype(float), count_text=[str(int(v)) if v else "" for v in dont_know]
    )
    most_unknown = max(float(dont_know.max()), 1.0)
    unknown_scale = alt.Scale(domain=[0, most_unknown * 1.6], nice=False)
    unknown_y = alt.Y("row_label:N", sort=order, scale=y_scale, axis=None)
    unknown_bar = (
        alt.Chart(unknown[unknown["count"] > 0], name="dont_know")
        .mark_bar(color=DONT_KNOW_COLOUR, stroke=MUTED, strokeWidth=style.px(1), strokeDash=[3, 2])
        .encode(
            x=alt.X(
                "count:Q",
                scale=unknown_scale,
                axis=_axis(style, title=labels["dont_know"], tickMinStep=1, format="d", grid=True, tickCount=2),
            ),
            y=unknown_y,
            tooltip=[alt.Tooltip("row_label:N", title=" "), alt.Tooltip("count_text:N", title=labels["dont_know"])],
        )
    )
    unknown_text = (
        alt.Chart(unknown, name="dont_know_counts")
        .mark_text(align="left", dx=5 * style.size_factor, fontSize=style.label, font=FONT, color=INK)
        .encode(x=alt.X("count:Q", scale=unknown_scale), y=unknown_y, text="count_text:N")
    )
    side = alt.layer(unknown_bar, unknown_text).properties(
        width=style.px(90), height=height, view=alt.ViewBackground(stroke=None)
    )
    return alt.hconcat(main, side, spacing=18 * style.font_factor, title=_title(labels, style))


# ---------------------------------------------------------------------------------------------
# changes
# ---------------------------------------------------------------------------------------------


def changes_chart(changes_df: pd.DataFrame, *, labels: Mapping[str, str], big: bool = False) -> alt.LayerChart:
    """Per item a bar from 0 to the change in mean, with ▲/▼/= and the signed change printed
    at its end, and "previous → now" beside it. Colour says whether the change is good news
    (a principle up, a blockade down), the glyph says the direction.

    Columns: item, title, delta, direction, outcome; optional mean, previous_mean. Labels:
    no_data, better, worse, same (legend entries); optional from_to (header above the
    "previous → now" column), x_title, title, subtitle, decimal.
    """
    style = Style(big)
    _require(labels, "no_data", "better", "worse", "same")
    frame = (changes_df if changes_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    frame["delta"] = _numbers(frame, "delta")
    frame = frame[frame["delta"].notna()].reset_index(drop=True) if not frame.empty else frame
    if frame.empty:
        return alt.layer(_no_data(labels, style, width=style.px(560), height=style.px(200)))

    decimal = _decimal(labels)
    if "direction" not in frame:
        frame["direction"] = np.where(frame["delta"].abs() < 0.25, "same", np.where(frame["delta"] > 0, "up", "down"))
    if "outcome" not in frame:
        frame["outcome"] = frame["direction"].map({"up": "better", "down": "worse", "same": "same"})
    frame["row_label"] = _item_label(frame)
    frame["outcome_label"] = frame["outcome"].map({key: labels[key] for key in ("better", "worse", "same")})
    frame["delta_text"] = [
        f"{GLYPHS.get(direction, '')} {format_number(delta, decimal, sign=True)}".strip()
        for direction, delta in zip(frame["direction"], frame["delta"])
    ]
    mean, previous = _numbers(frame, "mean"), _numbers(frame, "previous_mean")
    frame["from_to"] = [
        (
            f"{format_number(before, decimal)} → {format_number(after, decimal)}"
            if pd.notna(before) and pd.notna(after)
            else ""
        )
        for before, after in zip(previous, mean)
    ]
    frame["zero"] = 0.0
    order = list(frame["row_label"])
    reach = max(float(frame["delta"].abs().max()), 0.5)
    row_px = style.px(32)
    height = row_px * len(frame)
    width = style.px(440)
    # Leave room beyond the longest bar for its printed label: (R - reach) units >= label px.
    label_px = max(len(text) for text in frame["delta_text"]) * 0.7 * style.value + 10 * style.size_factor
    reach = reach / max(1 - 2 * label_px / width, 0.3)
    domain = [-reach, reach]

    x_scale = alt.Scale(domain=domain, nice=False, zero=True)
    x = alt.X(
        "delta:Q",
        scale=x_scale,
        axis=_axis(
            style,
            title=labels.get("x_title") or None,
            grid=True,
            format="+.1f",
            tickCount=5,
            labelExpr=f"datum.value == 0 ? '0' : replace(replace(datum.label, '.', '{decimal}'), '-', '\u2212')",
        ),
    )
    y = alt.Y(
        "row_label:N",
        sort=order,
        scale=alt.Scale(domain=order, paddingInner=0.35),
        axis=_axis(style, title=None, ticks=False, domain=False),
    )
    outcomes = [labels["better"], labels["worse"], labels["same"]]
    colour = alt.Color(
        "outcome_label:N",
        scale=alt.Scale(domain=outcomes, range=[BLUE, VERMILLION, "#8C8C8C"]),
        legend=_legend(style, title=None, symbolType="square"),
    )
    tooltip = [
        alt.Tooltip("row_label:N", title=" "),
        alt.Tooltip("delta_text:N", title=" "),
        alt.Tooltip("from_to:N", title=" "),
    ]
    bars = (
        alt.Chart(frame, name="deltas")
        .mark_bar(cornerRadius=2)
        .encode(x=x, x2="zero:Q", y=y, color=colour, tooltip=tooltip)
    )
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0]}), name="zero")
        .mark_rule(color=INK, strokeWidth=style.px(1.5))
        .encode(x=alt.X("zero:Q", scale=x_scale))
    )
    rising = frame[frame["delta"] >= 0]
    falling = frame[frame["delta"] < 0]
    texts = [
        alt.Chart(part, name=f"delta_labels_{align}")
        .mark_text(
            align=align, dx=dx * style.size_factor, fontSize=style.value, font=FONT, fontWeight="bold", color=INK
        )
        .encode(x=x, y=y, text="delta_text:N")
        for part, align, dx in [(rising, "left", 6), (falling, "right", -6)]
        if not part.empty
    ]
    from_to = (
        alt.Chart(frame, name="from_to")
        .mark_text(align="left", fontSize=style.label, font=FONT, color=MUTED)
        .encode(x=alt.value(width + 14 * style.font_factor), y=y, text="from_to:N")
    )
    layers = [bars, zero, *texts, from_to]
    if labels.get("from_to"):
        layers.append(
            alt.Chart(pd.DataFrame({"header": [labels["from_to"]]}), name="from_to_header")
            .mark_text(align="left", baseline="bottom", fontSize=style.label, font=FONT, color=MUTED, fontWeight="bold")
            .encode(x=alt.value(width + 14 * style.font_factor), y=alt.value(-6 * style.font_factor), text="header:N")
        )
    return alt.layer(*layers, title=_title(labels, style)).properties(
        width=width, height=height, view=alt.ViewBackground(stroke=None)
    )


# ---------------------------------------------------------------------------------------------
# small multiples
# ---------------------------------------------------------------------------------------------


def quarters_between(periods: Sequence[str]) -> list[str]:
    """Every quarter from the first to the last of `periods` ("2026-Q1" style); other period
    names are returned as given."""
    try:
        first, last = periods[0], periods[-1]
        index = [int(first[:4]) * 4 + int(first[-1]) - 1, int(last[:4]) * 4 + int(last[-1]) - 1]
        if not all(len(period) == 7 and period[4:6] == "-Q" for period in periods):
            raise ValueError(periods)
    except (IndexError, ValueError):
        return list(periods)
    return [f"{value // 4}-Q{value % 4 + 1}" for value in range(index[0], index[1] + 1)]


def small_multiples(
    history_df: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    columns: int = 5,
    periods: Sequence[str] | None = None,
    big: bool = False,
) -> alt.FacetChart | alt.LayerChart:
    """One small line chart of the mean per item across quarters, y fixed on 1–5.

    Columns: item, title, period, mean; optional kind ("principle"/"blockade": colour + shape,
    because for a blockade higher is worse). The x axis holds every quarter from the first to
    the last (or `periods`), so a quarter without numbers shows as a gap, not as a smooth line.
    Labels: no_data, mean (y title); principle and blockade (legend entries, needed when kind
    is present); optional title, subtitle, decimal.
    """
    style = Style(big)
    _require(labels, "no_data", "mean")
    frame = (history_df if history_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    frame["mean"] = _numbers(frame, "mean")
    frame = frame[frame["mean"].notna()] if not frame.empty else frame
    if frame.empty:
        return alt.layer(_no_data(labels, style, width=style.px(560), height=style.px(200)))

    decimal = _decimal(labels)
    frame["panel"] = [_wrap(label, 22 if not big else 18) for label in _item_label(frame)]
    panels = list(dict.fromkeys(frame["panel"]))
    frame["period"] = frame["period"].astype(str)
    periods = list(periods) if periods else quarters_between(sorted(frame["period"].unique()))
    frame["mean_text"] = [format_number(value, decimal) for value in frame["mean"]]
    last = frame.sort_values("period").groupby("panel", sort=False).tail(1)
    frame["is_last"] = frame.index.isin(last.index)
    # A quarter without numbers (none held, or too few respondents) breaks the line.
    gaps = [
        {"panel": panel, "period": period, "mean": np.nan, "is_last": False, "kind": kinds_of.get(panel)}
        for kinds_of in [dict(zip(frame["panel"], frame["kind"])) if "kind" in frame else {}]
        for panel in panels
        for period in sorted(set(periods) - set(frame.loc[frame["panel"] == panel, "period"]))
    ]
    if gaps:
        frame = pd.concat([frame, pd.DataFrame(gaps)], ignore_index=True)

    has_kind = "kind" in frame and frame["kind"].notna().any()
    if has_kind:
        _require(labels, "principle", "blockade")
        frame["kind_label"] = frame["kind"].map({"principle": labels["principle"], "blockade": labels["blockade"]})
        kinds = [labels["principle"], labels["blockade"]]
        colour = alt.Color(
            "kind_label:N", scale=alt.Scale(domain=kinds, range=[BLUE, VERMILLION]), legend=_legend(style, title=None)
        )
        shape = alt.Shape("kind_label:N", scale=alt.Scale(domain=kinds, range=["circle", "square"]), legend=None)
    else:
        frame["kind_label"] = ""
        colour = alt.value(BLUE)
        shape = alt.value("circle")

    x = alt.X(
        "period:O",
        sort=periods,
        scale=alt.Scale(domain=periods, paddingOuter=0.35),
        axis=_axis(
            style, title=None, labelAngle=0, labelExpr=PERIOD_LABEL, labelLineHeight=style.label * 1.15, grid=False
        ),
    )
    y = alt.Y(
        "mean:Q",
        scale=alt.Scale(domain=[1, 5], nice=False, zero=False),
        axis=_axis(style, title=labels["mean"], values=list(SCORES), grid=True),
    )
    base = alt.Chart(frame)
    line = base.mark_line(strokeWidth=style.px(2.5)).encode(x=x, y=y, color=colour)
    points = base.mark_point(filled=True, size=style.area(60), opacity=1).encode(
        x=x,
        y=y,
        color=colour,
        shape=shape,
        tooltip=[
            alt.Tooltip("panel:N", title=" "),
            alt.Tooltip("period:N", title=" "),
            alt.Tooltip("mean_text:N", title=labels["mean"]),
        ],
    )
    value = (
        base.transform_filter(alt.datum.is_last)
        .mark_text(
            align="center",
            baseline="bottom",
            dy=-8 * style.size_factor,
            fontSize=style.label,
            font=FONT,
            fontWeight="bold",
            color=INK,
        )
        .encode(x=x, y=y, text="mean_text:N")
    )
    width = max(style.px(150 if not big else 170), len(periods) * 1.1 * style.label * 3)
    layered = alt.layer(line, points, value).properties(width=width, height=style.px(120))
    return layered.facet(
        facet=alt.Facet(
            "panel:N",
            sort=panels,
            header=alt.Header(
                title=None,
                labelFontSize=style.label,
                labelFont=FONT,
                labelColor=INK,
                labelAnchor="start",
                labelAlign="left",
                labelExpr="split(datum.value, '\\n')",
                labelLineHeight=style.label * 1.2,
                labelPadding=6 * style.font_factor,
                labelFontWeight="bold",
            ),
        ),
        columns=columns,
        spacing={"row": 18 * style.font_factor, "column": 22 * style.font_factor},
        title=_title(labels, style),
    )


# ---------------------------------------------------------------------------------------------
# heatmap
# ---------------------------------------------------------------------------------------------


def _heat_legend_title(title: str, *, width: float, style: Style) -> dict:
    """A legend title that is read in full: beside the gradient when it is short, otherwise
    above it in lines as wide as the panel (a blockade panel's title says its colours are
    reversed; cut off, it would not)."""
    characters = int(width / (style.label * 0.55))
    if len(title) * style.label * 0.55 <= LEGEND_TITLE_BESIDE:
        return {"title": title}
    lines = textwrap.wrap(title, width=max(characters, 20), break_long_words=False, break_on_hyphens=False)
    return {"title": lines, "titleOrient": "top", "titleAnchor": "start", "titleLimit": 1000}


def heatmap(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    item_order: Sequence[str] | None = None,
    kind_of: Mapping[str, str] | None = None,
    reverse_colours: bool = False,
    big: bool = False,
) -> alt.LayerChart | alt.HConcatChart:
    """Teams × items: the mean as a viridis cell colour with the value printed in every cell.

    Columns: team, item, mean; optional title (tooltip), suppressed (no colour; the cell
    shows "–", and a team without any number gets labels["suppressed"] once across its row).
    `item_order` fixes the column order (e.g. framework.item_ids). Labels: no_data, mean
    (legend title); optional suppressed, title, subtitle, decimal, heat_principle and
    heat_blockade (legend titles of the two panels).

    With `kind_of` (item -> "principle"/"blockade") blockades get their own panel with the
    colours reversed, so bright always means good: a principle done fully, a blockade that
    hardly stands in the way. `reverse_colours` draws one panel that way.
    """
    style = Style(big)
    _require(labels, "no_data", "mean")
    data = (frame if frame is not None else pd.DataFrame()).reset_index(drop=True).copy()
    if kind_of and not data.empty and "item" in data:
        kinds = data["item"].map(kind_of)
        if (kinds == "blockade").any():
            order = list(item_order or dict.fromkeys(data["item"]))
            panels = []
            for kind in ("principle", "blockade"):
                part = data[kinds == kind]
                if part.empty:
                    continue
                panels.append(_own_view_names(heatmap(
                    part, labels={**labels, "mean": labels.get(f"heat_{kind}", labels["mean"]), "title": "", "subtitle": ""},
                    item_order=[item for item in order if kind_of.get(item) == kind], reverse_colours=kind == "blockade", big=big,
                ), kind))
            if len(panels) == 1:
                return panels[0]
            return alt.hconcat(*panels, spacing=28 * style.font_factor, title=_title(labels, style)).resolve_scale(color="independent")
    if data.empty or not {"team", "item"} <= set(data):
        return alt.layer(_no_data(labels, style, width=style.px(560), height=style.px(200)))
    data["mean"] = _numbers(data, "mean")
    if "suppressed" in data:
        hidden = data["suppressed"].map(lambda value: value is True or (not pd.isna(value) and bool(value)))
        data.loc[hidden, "mean"] = np.nan
    if data["mean"].isna().all() and "suppressed" not in data:
        return alt.layer(_no_data(labels, style, width=style.px(560), height=style.px(200)))

    decimal = _decimal(labels)
    items = [item for item in (item_order or []) if item in set(data["item"])] or list(dict.fromkeys(data["item"]))
    teams = list(dict.fromkeys(data["team"]))
    data["item"] = data["item"].astype(str)
    data["value_text"] = [format_number(value, decimal) if pd.notna(value) else "–" for value in data["mean"]]
    # viridis is dark at the low end (the high end when reversed): white text there, black elsewhere.
    dark_cells = data["mean"].fillna(3) > 3.3 if reverse_colours else data["mean"].fillna(5) < 2.7
    data["text_colour"] = np.where(dark_cells, "light", "dark")
    # A team without any number gets one note across its row instead of a dash per cell.
    silent = data.groupby("team")["mean"].transform(lambda values: values.isna().all())
    notes = pd.DataFrame({"team": list(dict.fromkeys(data.loc[silent, "team"]))})
    notes["note"] = labels.get("suppressed", "–")
    data["tooltip_title"] = data["title"].astype(str) if "title" in data else data["item"]
    cell = style.px(48)
    x = alt.X(
        "item:N",
        sort=items,
        scale=alt.Scale(domain=items),
        axis=_axis(style, title=None, orient="top", labelAngle=0, ticks=False, domain=False),
    )
    y = alt.Y(
        "team:N", sort=teams, scale=alt.Scale(domain=teams), axis=_axis(style, title=None, ticks=False, domain=False)
    )
    background = (
        alt.Chart(data, name="cells_empty")
        .mark_rect(color="#F2F2F2", stroke="#FFFFFF", strokeWidth=style.px(2))
        .encode(x=x, y=y)
    )
    cells = (
        alt.Chart(data[data["mean"].notna()], name="cells")
        .mark_rect(stroke="#FFFFFF", strokeWidth=style.px(2))
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "mean:Q",
                scale=alt.Scale(scheme="viridis", domain=[1, 5], reverse=reverse_colours),
                legend=_legend(
                    style,
                    **_heat_legend_title(labels["mean"], width=max(cell * len(items), style.px(220)), style=style),
                    gradientLength=style.px(220),
                    gradientThickness=style.px(14),
                    values=list(SCORES),
                    format="d",
                ),
            ),
            tooltip=[
                alt.Tooltip("team:N", title=" "),
                alt.Tooltip("tooltip_title:N", title=" "),
                alt.Tooltip("value_text:N", title=labels["mean"]),
            ],
        )
    )
    text = (
        alt.Chart(data[~silent], name="values")
        .mark_text(fontSize=style.label, font=FONT)
        .encode(
            x=x,
            y=y,
            text="value_text:N",
            color=alt.condition("datum.text_colour == 'light'", alt.value("#FFFFFF"), alt.value(BLACK)),
        )
    )
    layers = [background, cells, text]
    if not notes.empty:
        layers.append(
            alt.Chart(notes, name="notes")
            .mark_text(fontSize=style.label, font=FONT, color=MUTED, fontStyle="italic")
            .encode(x=alt.value(cell * len(items) / 2), y=y, text="note:N")
        )
    return alt.layer(*layers, title=_title(labels, style)).properties(
        width=cell * len(items), height=cell * len(teams), view=alt.ViewBackground(stroke=None)
    )


# ---------------------------------------------------------------------------------------------
# two perspectives: the team and residents
# ---------------------------------------------------------------------------------------------

PERSPECTIVE_BLOCK = 3.3  # y units per principle: its title line, the team row, the residents row


def perspectives_chart(frame_df: pd.DataFrame, *, labels: Mapping[str, str], big: bool = False) -> alt.LayerChart:
    """Per principle a small block: its title, then the team's median on one line and the
    residents' median on the line below, each as a labelled mark on a 1–5 track, and the
    difference (residents − team) printed at the right.

    Columns: item, title, team_median, residents_median; optional difference (computed when
    absent). Labels: no_data, team, residents (row names and legend entries), difference (header
    of the printed differences); optional missing (printed where a median is missing), x_title,
    title, subtitle, decimal. The team is a blue
    circle, residents a vermillion square: shape, row name and printed value say the same as
    the colour.
    """
    style = Style(big)
    _require(labels, "no_data", "team", "residents", "difference")
    frame = (frame_df if frame_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    if frame.empty or (_numbers(frame, "team_median").isna().all() and _numbers(frame, "residents_median").isna().all()):
        return alt.layer(_no_data(labels, style, width=style.px(520), height=style.px(200)))

    decimal = _decimal(labels)
    frame["team_median"] = _numbers(frame, "team_median")
    frame["residents_median"] = _numbers(frame, "residents_median")
    frame["difference"] = (
        _numbers(frame, "difference")
        if "difference" in frame and _numbers(frame, "difference").notna().any()
        else frame["residents_median"] - frame["team_median"]
    )
    frame["block"] = np.arange(len(frame)) * PERSPECTIVE_BLOCK
    frame["heading"] = _item_label(frame)

    series = [labels["team"], labels["residents"]]
    rows = []
    for _, record in frame.iterrows():
        for offset, (column, name) in enumerate(zip(["team_median", "residents_median"], series), start=1):
            value = record[column]
            rows.append(
                {
                    "y": record["block"] + offset,
                    "series": name,
                    "heading": record["heading"],
                    "value": value,
                    "value_text": format_number(value, decimal),
                }
            )
    long = pd.DataFrame(rows)
    top, bottom = -0.75, float(frame["block"].max()) + 2.75
    row_px = style.px(27)
    height = (bottom - top) * row_px
    width = style.px(460)
    x_scale, x, y_scale, y = _score_track_axes(style, labels, long, "series", top, bottom)
    series_scale = alt.Scale(domain=series, range=[BLUE, VERMILLION])
    colour = alt.Color("series:N", scale=series_scale, legend=_legend(style, title=None))
    shape = alt.Shape("series:N", scale=alt.Scale(domain=series, range=["circle", "square"]), legend=None)

    blocks = frame.assign(y=frame["block"] - 0.55, y2=frame["block"] + 2.55)
    block_layer = (
        alt.Chart(blocks[["y", "y2"]], name="principle_blocks")
        .mark_rect(color="#F5F5F5", cornerRadius=4)
        .encode(y=alt.Y("y:Q", scale=y_scale), y2="y2:Q", x=alt.value(0), x2=alt.value(width))
    )
    heading_layer = (
        alt.Chart(frame[["block", "heading"]], name="principle_titles")
        .mark_text(align="left", baseline="middle", dx=6 * style.font_factor, fontSize=style.label, font=FONT, fontWeight="bold", color=INK)
        .encode(x=alt.value(0), y=alt.Y("block:Q", scale=y_scale), text="heading:N")
    )
    valued = long[long["value"].notna()]
    track_layer = (
        alt.Chart(valued.assign(start=1.0), name="tracks")
        .mark_rule(strokeWidth=style.px(3), opacity=0.45)
        .encode(x=alt.X("start:Q", scale=x_scale), x2="value:Q", y=y, color=alt.Color("series:N", scale=series_scale, legend=None))
    )
    point_layer, value_layer = _median_marks(
        valued, x, y, colour, shape, style, ["heading:N", "series:N", "value_text:N"]
    )
    missing = long[long["value"].isna()].assign(start=1.0, text=labels.get("missing") or "\u2014")
    missing_layer = (
        alt.Chart(missing[["start", "y", "text"]], name="missing")
        .mark_text(align="left", fontSize=style.label, font=FONT, fontStyle="italic", color=MUTED)
        .encode(x=alt.X("start:Q", scale=x_scale), y=y, text="text:N")
    )
    # The difference, right of the plot between the two rows it compares, under a header.
    value_x = width + 14 * style.font_factor
    differences = frame.assign(
        y=frame["block"] + 1.5, text=[format_number(value, decimal, sign=True) for value in frame["difference"]]
    )
    difference_layer = (
        alt.Chart(differences[["y", "text"]], name="differences")
        .mark_text(align="left", baseline="middle", fontSize=style.value, font=FONT, fontWeight="bold", color=INK)
        .encode(x=alt.value(value_x), y=alt.Y("y:Q", scale=y_scale), text="text:N")
    )
    header_layer = (
        alt.Chart(pd.DataFrame({"header": [_wrap(labels["difference"], 12)]}), name="difference_header")
        .mark_text(align="left", baseline="bottom", fontSize=style.label, font=FONT, color=MUTED, lineBreak="\n")
        .encode(x=alt.value(value_x), y=alt.value(-4 * style.font_factor), text="header:N")
    )
    return alt.layer(
        block_layer, heading_layer, track_layer, point_layer, value_layer, missing_layer, difference_layer, header_layer,
        title=_title(labels, style),
    ).properties(
        width=width,
        height=height,
        view=alt.ViewBackground(stroke=None),
        # "pad": the plot keeps its width and the row names and differences come around it (a
        # viewer that fits the whole chart into `width` would squeeze the 1–5 track instead).
        autosize=alt.AutoSizeParams(type="pad", contains="padding"),
    )

"""The radar: a team's profile over the principles of one framework."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from kringwijs_survey.core.formatting import format_number
from kringwijs_survey.render.charts import style as shared
from kringwijs_survey.rules.content import SCORES

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


RADAR_MIN_UNIT = 24  # px per scale point: below it the titles make way for the item ids


def _radar_extent(
    axis_labels: Sequence[str], theta: np.ndarray, style: shared.Style, unit: float
) -> tuple[float, float]:
    """The reach (scale units from the centre to the view's edge, labels above and below
    included) and the whole width in px, labels at the sides included."""
    label_x, label_y = _polar(RADAR_LABEL_RADIUS, theta)
    sines, cosines = np.sin(theta), np.cos(theta)
    heights = np.array([(str(label).count("\n") + 1) * style.label * 1.2 / unit for label in axis_labels])
    tops = np.where(cosines > 0.6, label_y + heights, np.where(cosines < -0.6, label_y, label_y + heights / 2))
    bottoms = np.where(cosines > 0.6, label_y, np.where(cosines < -0.6, label_y - heights, label_y - heights / 2))
    reach = max(RADAR_DOMAIN, float(np.max(tops)), float(-np.min(bottoms))) + 4 * style.font_factor / unit
    widths = np.array([shared.text_px(label, style.label) for label in axis_labels])
    centre = label_x * unit
    rights = np.where(sines > 0.25, centre + widths, np.where(sines < -0.25, centre, centre + widths / 2))
    lefts = np.where(sines > 0.25, centre, np.where(sines < -0.25, centre - widths, centre - widths / 2))
    half = reach * unit
    return reach, max(half, float(rights.max())) + max(half, float(-lefts.min()))


def _radar_fit(
    frame: pd.DataFrame, style: shared.Style, width: float | None, height: float | None = None
) -> tuple[list[str], float]:
    """Axis labels and px per scale point: the natural size, or the largest that fits `width`
    and the view's `height` with wrapped titles (more or fewer lines). A box too low for titles
    around a readable circle gets the titles anyway, as low as they go (the picture is then
    shrunk to the box); a box too narrow for them gets the item ids."""
    theta = frame["theta"].to_numpy()
    natural = style.px(34)
    titles = [[shared._wrap(title, chars) for title in frame["title"]] for chars in (18, 30, 11)]
    ids = list(frame["item"].astype(str))
    if width is None and height is None:
        return titles[0], natural
    smallest = max(RADAR_MIN_UNIT, 1.5 * style.label)  # below it the labels run into each other

    def too_wide(axis_labels: list[str], unit: float) -> bool:
        return width is not None and _radar_extent(axis_labels, theta, style, unit)[1] > width - 2 * shared.PADDING

    def too_big(axis_labels: list[str], unit: float) -> bool:
        return too_wide(axis_labels, unit) or (height is not None and 2 * _radar_extent(axis_labels, theta, style, unit)[0] * unit > height)

    def largest(axis_labels: list[str]) -> float:
        unit = natural
        while unit > 8 and too_big(axis_labels, unit):
            unit -= 1
        return unit

    for axis_labels in titles:
        if (unit := largest(axis_labels)) >= smallest:
            return axis_labels, unit
    fitting = [axis_labels for axis_labels in titles if not too_wide(axis_labels, smallest)]
    if fitting:
        return fitting[0], smallest
    return ids, largest(ids)


def radar(
    profile_df: pd.DataFrame, *, labels: Mapping[str, str], big: bool = False, width: float | None = None,
    height: float | None = None,
) -> alt.LayerChart:
    """Spider chart of the principles' medians (1–5 per axis, first axis at the top, clockwise).

    Columns: item, title, median; optional target_mean (diamonds), previous_median (dashed grey
    "ghost" polygon of the previous round). Labels: no_data, median (legend entry of the current
    polygon); previous and target (needed when those columns hold values); optional title,
    subtitle, decimal. `width`, `height`: the px the whole chart may take (it stays round:
    both shrink together, e.g. to fill a projector's screen); None for its natural size.
    """
    style = shared.Style(big)
    shared._require(labels, "no_data", "median")
    frame = (profile_df if profile_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    medians = shared._numbers(frame, "median")
    if frame.empty or medians.isna().all():
        return alt.layer(shared._no_data(labels, style, width=style.px(440), height=style.px(220)))

    decimal = shared._decimal(labels)
    frame["median"] = medians
    frame["target_mean"] = shared._numbers(frame, "target_mean")
    frame["previous_median"] = shared._numbers(frame, "previous_median")
    count = len(frame)
    frame["theta"] = 2 * math.pi * np.arange(count) / count
    around = shared._legend_height(style) + (shared._title_height(labels, style) + 2 * shared.PADDING)
    frame["axis_label"], unit = _radar_fit(frame, style, width, None if height is None else height - around)
    frame["median_text"] = [format_number(value, decimal) for value in frame["median"]]
    frame["target_text"] = [format_number(value, decimal) for value in frame["target_mean"]]
    frame["previous_text"] = [format_number(value, decimal) for value in frame["previous_median"]]
    has_previous = frame["previous_median"].notna().any()
    has_target = frame["target_mean"].notna().any()
    if has_previous:
        shared._require(labels, "previous")
    if has_target:
        shared._require(labels, "target")

    # Square view, equal units on x and y (so rings stay circles), with room inside the view
    # for the labels above and below the circle (legends are placed against the view).
    label_x, label_y = _polar(RADAR_LABEL_RADIUS, frame["theta"])
    sines, cosines = np.sin(frame["theta"]), np.cos(frame["theta"])
    aligns = np.where(sines > 0.25, "left", np.where(sines < -0.25, "right", "center"))
    baselines = np.where(cosines > 0.6, "bottom", np.where(cosines < -0.6, "top", "middle"))
    heights = np.array([(label.count("\n") + 1) * style.label * 1.2 / unit for label in frame["axis_label"]])
    tops = np.where(
        baselines == "bottom", label_y + heights, np.where(baselines == "top", label_y, label_y + heights / 2)
    )
    reach, _ = _radar_extent(list(frame["axis_label"]), frame["theta"].to_numpy(), style, unit)
    side = 2 * reach * unit
    scale = alt.Scale(domain=[-reach, reach], nice=False, zero=False)
    x = alt.X("x:Q", scale=scale, axis=None)
    y = alt.Y("y:Q", scale=scale, axis=None)

    series = (
        [labels["median"]] + ([labels["previous"]] if has_previous else []) + ([labels["target"]] if has_target else [])
    )
    colours = [shared.BLUE] + ([shared.GHOST] if has_previous else []) + ([shared.VERMILLION] if has_target else [])
    shapes = ["circle"] + (["M-1,0L-0.35,0M0.35,0L1,0"] if has_previous else []) + (["diamond"] if has_target else [])
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=series, range=colours),
        legend=shared._legend(
            style, title=None, symbolStrokeWidth=3 * style.size_factor,
            **shared._legend_fit(series, style, width, len(series)),
        ),
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
            color=alt.condition(f"datum.ring == {RADAR_MAX}", alt.value("#9A9A9A"), alt.value(shared.GRID)),
        )
    )
    spoke_x, spoke_y = _polar(RADAR_MAX, frame["theta"])
    spokes = pd.DataFrame({"x": 0.0, "y": 0.0, "x2": spoke_x, "y2": spoke_y})
    spoke_layer = (
        alt.Chart(spokes, name="spokes")
        .mark_rule(color=shared.GRID, strokeWidth=style.px(1))
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
            font=shared.FONT,
            color=shared.MUTED,
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
            font=shared.FONT,
            color=shared.INK,
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
        .mark_line(fill=shared.BLUE, fillOpacity=0.14, strokeWidth=style.px(3), interpolate="linear")
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
    return alt.layer(*layers, title=shared._title(labels, style, width)).properties(
        width=side, height=side, view=alt.ViewBackground(stroke=None)
    )



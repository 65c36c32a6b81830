"""Blockade pairs: each blockade beside the principle that answers it."""

from __future__ import annotations

import json
from collections.abc import Mapping

import altair as alt
import pandas as pd

from kringwijs_survey.core.formatting import format_number
from kringwijs_survey.render.charts import style as shared
from kringwijs_survey.rules.content import SCORES


def _score_track_axes(
    style: shared.Style, labels: Mapping[str, str], long: pd.DataFrame, label_column: str, top: float, bottom: float,
    lines: Mapping[str, list[str]] | None = None,
):
    """Axes for rows of dots on a 1–5 track: scores along the top, one labelled row per y value
    (`lines`: wrapped labels, see _fit_rows)."""
    row_labels = [lines[label] if lines and shared._wrapped(lines) else label for label in long[label_column]]
    x_scale = alt.Scale(domain=[0.8, 5.6], nice=False, zero=False)
    x = alt.X(
        "value:Q",
        scale=x_scale,
        axis=shared._axis(
            style, values=list(SCORES), format="d", title=labels.get("x_title") or None, orient="top", grid=True
        ),
    )
    y_scale = alt.Scale(domain=[top, bottom], reverse=True, nice=False, zero=False)
    y = alt.Y(
        "y:Q",
        scale=y_scale,
        axis=shared._axis(
            style,
            values=list(long["y"]),
            labelExpr=shared._lookup_expression(dict(zip([_key(v) for v in long["y"]], row_labels)), "format(datum.value, '.1f')"),
            labelLineHeight=style.label * 1.2,
            labelOffset=alt.ExprRef(
                f"{json.dumps(dict(zip([_key(v) for v in long['y']], shared._centring_offsets(row_labels, style))))}"
                "[format(datum.value, '.1f')] || 0"
            ) if lines and shared._wrapped(lines) else alt.Undefined,
            title=None,
            grid=False,
            ticks=False,
            domain=False,
        ),
    )
    return x_scale, x, y_scale, y


def _median_marks(valued: pd.DataFrame, x, y, colour, shape, style: shared.Style, tooltip_fields: list[str]):
    """A labelled dot per median on a 1–5 track: the dot (colour and shape), and its value beside it."""
    points = (
        alt.Chart(valued, name="medians")
        .mark_point(filled=True, size=style.area(200), opacity=1, stroke="#FFFFFF", strokeWidth=1.5)
        .encode(x=x, y=y, color=colour, shape=shape, tooltip=[alt.Tooltip(field, title=" ") for field in tooltip_fields])
    )
    values = (
        alt.Chart(valued, name="values")
        .mark_text(align="left", dx=12 * style.size_factor, fontSize=style.value, font=shared.FONT, fontWeight="bold", color=shared.INK)
        .encode(x=x, y=y, text="value_text:N")
    )
    return points, values


def blockade_pairs_chart(
    pairs_df: pd.DataFrame, *, labels: Mapping[str, str], big: bool = False, width: float | None = None,
    height: float | None = None,
) -> alt.LayerChart:
    """Per blockade: its median on one line and the median of the principle that answers it just
    below, both as labelled dots on a 1–5 track.

    Columns: blockade, blockade_title, blockade_median, principle, principle_title,
    principle_median. Labels: no_data, blockade, principle (legend entries); optional x_title,
    title, subtitle, decimal. `width`, `height`: the px the whole chart may take (closer rows,
    e.g. to fill a projector's screen); None for its natural size.
    """
    style = shared.Style(big)
    shared._require(labels, "no_data", "blockade", "principle")
    frame = (pairs_df if pairs_df is not None else pd.DataFrame()).reset_index(drop=True)
    if frame.empty or (
        shared._numbers(frame, "blockade_median").isna().all()
        and shared._numbers(frame, "principle_median").isna().all()
    ):
        return alt.layer(shared._no_data(labels, style, width=style.px(520), height=style.px(200)))

    decimal = shared._decimal(labels)
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
    fitting = width is not None
    width, row_lines = shared._fit_rows(list(long["row_label"]), style, width, style.px(420), 4)
    row_px = shared._row_px(row_lines, style, style.px(30))
    if height is not None:  # the score axis on top, the legend below
        around = style.label * 1.3 + 16 * style.font_factor + shared._legend_height(style) + shared._title_height(labels, style) + 2 * shared.PADDING
        row_px = max(style.label * 1.15, min(row_px, (height - around) / (bottom - top)))
    height = (bottom - top) * row_px
    x_scale, x, y_scale, y = _score_track_axes(style, labels, long, "row_label", top, bottom, row_lines)
    roles = [labels["blockade"], labels["principle"]]
    role_scale = alt.Scale(domain=roles, range=[shared.VERMILLION, shared.BLUE])
    colour = alt.Color(
        "role:N", scale=role_scale,
        legend=shared._legend(
            style, title=None, **shared._legend_fit(roles, style, width if fitting else None, len(roles))
        ),
    )
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
                alt.value(shared.VERMILLION),
                alt.value(shared.BLUE),
            ),
        )
    )
    valued = long[long["value"].notna()]
    point_layer, value_layer = _median_marks(valued, x, y, colour, shape, style, ["row_label:N", "value_text:N"])
    return alt.layer(
        block_layer, track_layer, point_layer, value_layer, title=shared._title(labels, style, width)
    ).properties(width=width, height=height, view=alt.ViewBackground(stroke=None))


def _key(value: float) -> str:
    return f"{value:.1f}"



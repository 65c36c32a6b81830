"""Member dots: each person's answer as a dot, without a name."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

import altair as alt
import pandas as pd

from kringwijs_survey.core.formatting import format_number
from kringwijs_survey.render.charts import style as shared
from kringwijs_survey.rules.content import COUNT_COLUMNS, SCORES


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
    width: float | None = None,
) -> alt.LayerChart:
    """Per principle one row: every member's score as a dot, the team median as a vertical tick.

    Columns: item, title, count_1..count_5, median. Labels: no_data, member (legend: one dot =
    one member), median; optional x_title, title, subtitle, decimal. `score_labels` (1..5 ->
    text, e.g. the framework's scale labels) are printed under the score numbers when there is
    room. `width`: the px the whole chart may take (see _fit_rows); None for its natural size.
    """
    style = shared.Style(big)
    shared._require(labels, "no_data", "member", "median")
    frame = (profile_df if profile_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    counts = frame[COUNT_COLUMNS].apply(pd.to_numeric, errors="coerce") if set(COUNT_COLUMNS) <= set(frame) else None
    if frame.empty or counts is None or counts.fillna(0).to_numpy().sum() == 0:
        return alt.layer(shared._no_data(labels, style, width=style.px(520), height=style.px(200)))

    frame["median"] = shared._numbers(frame, "median")
    frame["row_label"] = shared._item_label(frame)
    frame["row"] = range(len(frame))
    frame["median_text"] = [format_number(value, shared._decimal(labels)) for value in frame["median"]]
    header_text = shared._wrap(labels["median"], 10)
    beside = (
        12 * style.font_factor
        + max(shared.text_px(header_text, style.label), shared.text_px("0,0", style.value) * 1.2)
        + 6
    )
    fitting = width is not None
    width, row_lines = shared._fit_rows(list(frame["row_label"]), style, width, style.px(540), beside)
    legend_room = width + beside if fitting else None  # the legend starts under the plot
    row_height = shared._row_px(row_lines, style, style.px(46))
    height = row_height * len(frame)
    # Scale words under the numbers only when they fit between two ticks (wrapped narrower if need be).
    word_chars = int((width / 4.9 - 8) / (shared.CHAR_WIDTH * style.label))
    score_words = (
        shared._score_label_expression(score_labels, min(13, word_chars)) if word_chars >= 8 else alt.Undefined
    )
    dots = member_positions(frame)
    dots["x"] = dots["score"] + dots["dx"]
    dots["y"] = dots["row"] + dots["dy"]
    dots["series"] = labels["member"]
    dots = dots.merge(frame[["row", "row_label"]], on="row")

    x = alt.X(
        "x:Q",
        scale=alt.Scale(domain=[0.55, 5.45], nice=False, zero=False),
        axis=shared._axis(
            style,
            values=list(SCORES),
            title=labels.get("x_title") or None,
            orient="bottom",
            grid=True,
            labelExpr=score_words,
            labelLineHeight=style.label * 1.2,
            labelOverlap=False,
            labelBaseline="top",
        ),
    )
    y_scale = alt.Scale(domain=[-0.5, len(frame) - 0.5], reverse=True, nice=False, zero=False)
    y = alt.Y(
        "y:Q",
        scale=y_scale,
        axis=shared._axis(
            style,
            values=list(range(len(frame))),
            labelExpr=shared._array_expression(
                [row_lines[label] for label in frame["row_label"]]
                if shared._wrapped(row_lines)
                else list(frame["row_label"])
            ),
            labelLineHeight=style.label * 1.2,
            labelOffset=alt.ExprRef(
                f"{json.dumps(shared._centring_offsets([row_lines[label] for label in frame['row_label']], style))}[datum.value] || 0"
            ) if shared._wrapped(row_lines) else alt.Undefined,
            title=None,
            grid=False,
            ticks=False,
            domain=False,
        ),
    )
    series = [labels["member"], labels["median"]]
    colour = alt.Color(
        "series:N", scale=alt.Scale(domain=series, range=[shared.BLUE, shared.BLACK]),
        legend=shared._legend(style, title=None, **shared._legend_fit(series, style, legend_room, len(series))),
    )
    shape = alt.Shape("series:N", scale=alt.Scale(domain=series, range=["circle", shared.VERTICAL_BAR]), legend=None)

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
        .mark_text(align="left", fontSize=style.value, font=shared.FONT, fontWeight="bold", color=shared.INK)
        .encode(x=alt.value(value_x), y=y, text="median_text:N")
    )
    header_lines = header_text.count("\n") + 1
    median_header = (
        alt.Chart(pd.DataFrame({"header": [header_text]}), name="median_header")
        .mark_text(
            align="left",
            baseline="top",
            fontSize=style.label,
            font=shared.FONT,
            color=shared.MUTED,
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
        stripe_layer, median_layer, dot_layer, median_values, median_header, title=shared._title(labels, style, width)
    ).properties(width=width, height=height, view=alt.ViewBackground(stroke=None))



"""Two perspectives: the team's and the residents' view of the same principles."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from kringwijs_survey.core.formatting import format_number
from kringwijs_survey.render.charts import style as shared
from kringwijs_survey.render.charts.pairs import _median_marks, _score_track_axes

PERSPECTIVE_BLOCK = 3.3  # y units per principle: its title line, the team row, the residents row


def perspectives_chart(
    frame_df: pd.DataFrame, *, labels: Mapping[str, str], big: bool = False, width: float | None = None
) -> alt.LayerChart:
    """Per principle a small block: its title, then the team's median on one line and the
    residents' median on the line below, each as a labelled mark on a 1–5 track, and the
    difference (residents − team) printed at the right.

    Columns: item, title, team_median, residents_median; optional difference (computed when
    absent). Labels: no_data, team, residents (row names and legend entries), difference (header
    of the printed differences); optional missing (printed where a median is missing), x_title,
    title, subtitle, decimal. The team is a blue
    circle, residents a vermillion square: shape, row name and printed value say the same as
    the colour. `width`: the px the whole chart may take; None for its natural size.
    """
    style = shared.Style(big)
    shared._require(labels, "no_data", "team", "residents", "difference")
    frame = (frame_df if frame_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    if frame.empty or (shared._numbers(frame, "team_median").isna().all() and shared._numbers(frame, "residents_median").isna().all()):
        return alt.layer(shared._no_data(labels, style, width=style.px(520), height=style.px(200)))

    decimal = shared._decimal(labels)
    frame["team_median"] = shared._numbers(frame, "team_median")
    frame["residents_median"] = shared._numbers(frame, "residents_median")
    frame["difference"] = (
        shared._numbers(frame, "difference")
        if "difference" in frame and shared._numbers(frame, "difference").notna().any()
        else frame["residents_median"] - frame["team_median"]
    )
    frame["block"] = np.arange(len(frame)) * PERSPECTIVE_BLOCK
    frame["heading"] = shared._item_label(frame)

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
    beside = 14 * style.font_factor + max(shared.text_px(shared._wrap(labels["difference"], 12), style.label), shared.text_px("+0,0", style.value)) + 6
    fitting = width is not None
    width, _ = shared._fit_rows(series, style, width, style.px(460), beside)
    x_scale, x, y_scale, y = _score_track_axes(style, labels, long, "series", top, bottom)
    series_scale = alt.Scale(domain=series, range=[shared.BLUE, shared.VERMILLION])
    colour = alt.Color(
        "series:N", scale=series_scale,
        legend=shared._legend(
            style, title=None, **shared._legend_fit(series, style, width + beside if fitting else None, 2)
        ),
    )
    shape = alt.Shape("series:N", scale=alt.Scale(domain=series, range=["circle", "square"]), legend=None)

    blocks = frame.assign(y=frame["block"] - 0.55, y2=frame["block"] + 2.55)
    block_layer = (
        alt.Chart(blocks[["y", "y2"]], name="principle_blocks")
        .mark_rect(color="#F5F5F5", cornerRadius=4)
        .encode(y=alt.Y("y:Q", scale=y_scale), y2="y2:Q", x=alt.value(0), x2=alt.value(width))
    )
    heading_layer = (
        alt.Chart(frame[["block", "heading"]], name="principle_titles")
        .mark_text(
            align="left", baseline="middle", dx=6 * style.font_factor, fontSize=style.label, font=shared.FONT, fontWeight="bold", color=shared.INK,
            limit=width - 8 * style.font_factor if fitting else 0,  # the full title is in the tooltip and the table
        )
        .encode(x=alt.value(0), y=alt.Y("block:Q", scale=y_scale), text="heading:N", tooltip=alt.Tooltip("heading:N", title=" "))
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
        .mark_text(align="left", fontSize=style.label, font=shared.FONT, fontStyle="italic", color=shared.MUTED)
        .encode(x=alt.X("start:Q", scale=x_scale), y=y, text="text:N")
    )
    # The difference, right of the plot between the two rows it compares, under a header.
    value_x = width + 14 * style.font_factor
    differences = frame.assign(
        y=frame["block"] + 1.5, text=[format_number(value, decimal, sign=True) for value in frame["difference"]]
    )
    difference_layer = (
        alt.Chart(differences[["y", "text"]], name="differences")
        .mark_text(
            align="left", baseline="middle", fontSize=style.value, font=shared.FONT, fontWeight="bold", color=shared.INK
        )
        .encode(x=alt.value(value_x), y=alt.Y("y:Q", scale=y_scale), text="text:N")
    )
    header_layer = (
        alt.Chart(pd.DataFrame({"header": [shared._wrap(labels["difference"], 12)]}), name="difference_header")
        .mark_text(
            align="left", baseline="bottom", fontSize=style.label, font=shared.FONT, color=shared.MUTED, lineBreak="\n"
        )
        .encode(x=alt.value(value_x), y=alt.value(-4 * style.font_factor), text="header:N")
    )
    return alt.layer(
        block_layer, heading_layer, track_layer, point_layer, value_layer, missing_layer, difference_layer, header_layer,
        title=shared._title(labels, style, width),
    ).properties(
        width=width,
        height=height,
        view=alt.ViewBackground(stroke=None),
        # "pad": the plot keeps its width and the row names and differences come around it (a
        # viewer that fits the whole chart into `width` would squeeze the 1–5 track instead).
        autosize=alt.AutoSizeParams(type="pad", contains="padding"),
    )

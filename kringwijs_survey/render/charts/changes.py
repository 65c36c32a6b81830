"""Changes: the median now against the previous quarter."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from kringwijs_survey.core.formatting import format_number
from kringwijs_survey.render.charts import style as shared


def changes_chart(
    changes_df: pd.DataFrame, *, labels: Mapping[str, str], big: bool = False, width: float | None = None
) -> alt.LayerChart:
    """Per item a bar from 0 to the change in mean, with ▲/▼/= and the signed change printed
    at its end, and "previous → now" beside it. Colour says whether the change is good news
    (a principle up, a blockade down), the glyph says the direction.

    Columns: item, title, delta, direction, outcome; optional mean, previous_mean. Labels:
    no_data, better, worse, same (legend entries); optional from_to (header above the
    "previous → now" column), x_title, title, subtitle, decimal. `width`: the px the whole chart
    may take; None for its natural size.
    """
    style = shared.Style(big)
    shared._require(labels, "no_data", "better", "worse", "same")
    frame = (changes_df if changes_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    frame["delta"] = shared._numbers(frame, "delta")
    frame = frame[frame["delta"].notna()].reset_index(drop=True) if not frame.empty else frame
    if frame.empty:
        return alt.layer(shared._no_data(labels, style, width=style.px(560), height=style.px(200)))

    decimal = shared._decimal(labels)
    if "direction" not in frame:
        frame["direction"] = np.where(frame["delta"].abs() < 0.25, "same", np.where(frame["delta"] > 0, "up", "down"))
    if "outcome" not in frame:
        frame["outcome"] = frame["direction"].map({"up": "better", "down": "worse", "same": "same"})
    frame["row_label"] = shared._item_label(frame)
    frame["outcome_label"] = frame["outcome"].map({key: labels[key] for key in ("better", "worse", "same")})
    frame["delta_text"] = [
        f"{shared.GLYPHS.get(direction, '')} {format_number(delta, decimal, sign=True)}".strip()
        for direction, delta in zip(frame["direction"], frame["delta"])
    ]
    mean, previous = shared._numbers(frame, "mean"), shared._numbers(frame, "previous_mean")
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
    beside = 14 * style.font_factor + max(
        shared.text_px(labels.get("from_to") or "", style.label) * 1.1, *(shared.text_px(text, style.label) for text in frame["from_to"])
    ) + 6
    fitting = width is not None
    width, row_lines = shared._fit_rows(order, style, width, style.px(440), beside)
    row_px = shared._row_px(row_lines, style, style.px(32))
    height = row_px * len(frame)
    # Leave room beyond the longest bar for its printed label: (R - reach) units >= label px.
    label_px = max(len(text) for text in frame["delta_text"]) * 0.7 * style.value + 10 * style.size_factor
    reach = reach / max(1 - 2 * label_px / width, 0.3)
    domain = [-reach, reach]

    x_scale = alt.Scale(domain=domain, nice=False, zero=True)
    x = alt.X(
        "delta:Q",
        scale=x_scale,
        axis=shared._axis(
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
        axis=shared._axis(style, title=None, ticks=False, domain=False, **shared._label_lines_axis(row_lines, style)),
    )
    outcomes = [labels["better"], labels["worse"], labels["same"]]
    colour = alt.Color(
        "outcome_label:N",
        scale=alt.Scale(domain=outcomes, range=[shared.BLUE, shared.VERMILLION, "#8C8C8C"]),
        legend=shared._legend(
            style, title=None, symbolType="square",
            **shared._legend_fit(outcomes, style, width + beside if fitting else None, len(outcomes)),
        ),
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
        .mark_rule(color=shared.INK, strokeWidth=style.px(1.5))
        .encode(x=alt.X("zero:Q", scale=x_scale))
    )
    rising = frame[frame["delta"] >= 0]
    falling = frame[frame["delta"] < 0]
    texts = [
        alt.Chart(part, name=f"delta_labels_{align}")
        .mark_text(
            align=align, dx=dx * style.size_factor, fontSize=style.value, font=shared.FONT, fontWeight="bold",
            color=shared.INK,
        )
        .encode(x=x, y=y, text="delta_text:N")
        for part, align, dx in [(rising, "left", 6), (falling, "right", -6)]
        if not part.empty
    ]
    from_to = (
        alt.Chart(frame, name="from_to")
        .mark_text(align="left", fontSize=style.label, font=shared.FONT, color=shared.MUTED)
        .encode(x=alt.value(width + 14 * style.font_factor), y=y, text="from_to:N")
    )
    layers = [bars, zero, *texts, from_to]
    if labels.get("from_to"):
        layers.append(
            alt.Chart(pd.DataFrame({"header": [labels["from_to"]]}), name="from_to_header")
            .mark_text(
                align="left", baseline="bottom", fontSize=style.label, font=shared.FONT, color=shared.MUTED,
                fontWeight="bold",
            )
            .encode(x=alt.value(width + 14 * style.font_factor), y=alt.value(-6 * style.font_factor), text="header:N")
        )
    return alt.layer(*layers, title=shared._title(labels, style, width)).properties(
        width=width, height=height, view=alt.ViewBackground(stroke=None)
    )



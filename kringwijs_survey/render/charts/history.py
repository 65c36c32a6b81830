"""Small multiples: the median over the quarters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from kringwijs_survey.core.formatting import format_number
from kringwijs_survey.render.charts import style as shared
from kringwijs_survey.rules.content import SCORES


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
    width: float | None = None,
) -> alt.FacetChart | alt.LayerChart:
    """One small line chart of the mean per item across quarters, y fixed on 1–5.

    Columns: item, title, period, mean; optional kind ("principle"/"blockade": colour + shape,
    because for a blockade higher is worse). The x axis holds every quarter from the first to
    the last (or `periods`), so a quarter without numbers shows as a gap, not as a smooth line.
    Labels: no_data, mean (y title); principle and blockade (legend entries, needed when kind
    is present); optional title, subtitle, decimal. `width`: the px the whole chart may take
    (fewer panels side by side); None for `columns` panels of their natural size.
    """
    style = shared.Style(big)
    shared._require(labels, "no_data", "mean")
    frame = (history_df if history_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    frame["mean"] = shared._numbers(frame, "mean")
    frame = frame[frame["mean"].notna()] if not frame.empty else frame
    if frame.empty:
        return alt.layer(shared._no_data(labels, style, width=style.px(560), height=style.px(200)))

    decimal = shared._decimal(labels)
    frame["period"] = frame["period"].astype(str)
    periods = list(periods) if periods else quarters_between(sorted(frame["period"].unique()))
    panel_width = max(style.px(150 if not big else 170), len(periods) * 1.1 * style.label * 3)
    spacing = 22 * style.font_factor
    room = None if width is None else width - 2 * shared.PADDING - (2 * style.label + 44 * style.font_factor)  # beside the y axis
    if room is not None:  # as many panels side by side as fit, each at least 3 characters per quarter
        narrowest = max(style.px(110), len(periods) * 3 * shared.CHAR_WIDTH * style.label)
        columns = max(1, min(columns, int((room + spacing) // (narrowest + spacing))))
        panel_width = min(max(narrowest, (room - (columns - 1) * spacing) / columns), panel_width * 1.6)
    header_chars = 22 if room is None and not big else 18 if room is None else int(panel_width / (shared.CHAR_WIDTH * style.label))
    frame["panel"] = [shared._wrap(label, header_chars) for label in shared._item_label(frame)]
    panels = list(dict.fromkeys(frame["panel"]))
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
        shared._require(labels, "principle", "blockade")
        frame["kind_label"] = frame["kind"].map({"principle": labels["principle"], "blockade": labels["blockade"]})
        kinds = [labels["principle"], labels["blockade"]]
        colour = alt.Color(
            "kind_label:N", scale=alt.Scale(domain=kinds, range=[shared.BLUE, shared.VERMILLION]),
            legend=shared._legend(
                style, title=None, **shared._legend_fit(kinds, style, None if room is None else room + spacing, 2)
            ),
        )
        shape = alt.Shape("kind_label:N", scale=alt.Scale(domain=kinds, range=["circle", "square"]), legend=None)
    else:
        frame["kind_label"] = ""
        colour = alt.value(shared.BLUE)
        shape = alt.value("circle")

    x = alt.X(
        "period:O",
        sort=periods,
        scale=alt.Scale(domain=periods, paddingOuter=0.35),
        axis=shared._axis(
            style, title=None, labelAngle=0, labelExpr=shared.PERIOD_LABEL, labelLineHeight=style.label * 1.15,
            grid=False,
        ),
    )
    y = alt.Y(
        "mean:Q",
        scale=alt.Scale(domain=[1, 5], nice=False, zero=False),
        axis=shared._axis(style, title=labels["mean"], values=list(SCORES), grid=True),
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
            font=shared.FONT,
            fontWeight="bold",
            color=shared.INK,
        )
        .encode(x=x, y=y, text="mean_text:N")
    )
    layered = alt.layer(line, points, value).properties(width=panel_width, height=style.px(120))
    return layered.facet(
        facet=alt.Facet(
            "panel:N",
            sort=panels,
            header=alt.Header(
                title=None,
                labelFontSize=style.label,
                labelFont=shared.FONT,
                labelColor=shared.INK,
                labelAnchor="start",
                labelAlign="left",
                labelExpr="split(datum.value, '\\n')",
                labelLineHeight=style.label * 1.2,
                labelPadding=6 * style.font_factor,
                labelFontWeight="bold",
            ),
        ),
        columns=columns,
        spacing={"row": 18 * style.font_factor, "column": spacing},
        title=shared._title(labels, style, width),
    )



"""Distribution: how many people gave each score."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from kringwijs_survey.core.formatting import format_number
from kringwijs_survey.render.charts import style as shared
from kringwijs_survey.rules.content import COUNT_COLUMNS, SCORES


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
    width: float | None = None,
) -> alt.HConcatChart | alt.VConcatChart | alt.LayerChart:
    """Per item a segmented bar of count_1..count_5 (score 1 left, 5 right, each count printed in
    its segment) and, apart, a grey bar of "weet ik niet"; rows keep the frame's order (the
    disagreement order). The sd is printed after the bar when labels has "sd".

    Columns: item, title, count_1..count_5, n_dont_know; optional sd, kind. Labels: no_data,
    dont_know, score (legend title); optional x_title, sd, title, subtitle, decimal, and a
    heading per kind. `score_labels` (1..5 -> text) extend the legend entries. With
    `score_labels_by_kind` (kind -> 1..5 -> text) and a `kind` column, every kind gets its own
    panel with its own legend, so a blockade's 5 is never read in a principle's words.
    `width`: the px the whole chart may take; None for its natural size.
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
                    # the panels' frame takes its padding
                    width=None if width is None else width - 4 * shared.PADDING - 4,
                ),
                kind,
            )
            for kind in kinds
        ]
        if len(panels) == 1:
            return panels[0]
        if panels:
            return alt.vconcat(*panels, spacing=24 * shared.Style(big).font_factor, title=shared._title(labels, shared.Style(big), width)).resolve_scale(
                color="independent"
            )
    style = shared.Style(big)
    shared._require(labels, "no_data", "dont_know", "score")
    frame = (disagreement_df if disagreement_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    if frame.empty or not set(COUNT_COLUMNS) <= set(frame):
        return alt.layer(shared._no_data(labels, style, width=style.px(560), height=style.px(200)))
    counts = frame[COUNT_COLUMNS].apply(pd.to_numeric, errors="coerce").fillna(0)
    dont_know = shared._numbers(frame, "n_dont_know").fillna(0)
    if counts.to_numpy().sum() + dont_know.sum() == 0:
        return alt.layer(shared._no_data(labels, style, width=style.px(560), height=style.px(200)))

    decimal = shared._decimal(labels)
    frame["row_label"] = shared._item_label(frame)
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
                        "text_colour": shared.SCORE_TEXT[score - 1],
                    }
                )
            start += count
    segments = pd.DataFrame(segments)
    totals = counts.sum(axis=1)
    longest = max(float(totals.max()), 1.0)
    side_width = style.px(90 if width is None or width >= 600 else 56)  # narrower on a phone
    beside = 18 * style.font_factor + side_width + 20
    fitting = width is not None
    main_width, row_lines = shared._fit_rows(order, style, width, style.px(420), beside)
    row_px = shared._row_px(row_lines, style, style.px(34))
    height = row_px * len(frame)

    score_domain = [str(score) for score in SCORES]
    legend_labels = (
        shared._lookup_expression(
            {str(score): f"{score} · {text}" for score, text in score_labels.items()}, "datum.value"
        )
        if score_labels
        else alt.Undefined
    )
    y_scale = alt.Scale(domain=order, paddingInner=0.3, paddingOuter=0.15)
    y = alt.Y(
        "row_label:N",
        sort=order,
        scale=y_scale,
        axis=shared._axis(style, title=None, ticks=False, domain=False, **shared._label_lines_axis(row_lines, style)),
    )
    x_scale = alt.Scale(domain=[0, longest * (1.18 if "sd" in labels else 1.02)], nice=False)
    legend_entries = [f"{score} · {text}" for score, text in score_labels.items()] if score_labels else score_domain
    legend_fit = shared._legend_fit(
        dict(zip(score_domain, legend_entries)), style, main_width + beside if fitting else None, 3 if score_labels else 5
    )
    colour = alt.Color(
        "score:N",
        scale=alt.Scale(domain=score_domain, range=shared.SCORE_COLOURS),
        legend=shared._legend(
            style, title=labels["score"], symbolType="square", **{"labelExpr": legend_labels, **legend_fit},
            **({"titleOrient": "top", "titleAnchor": "start"} if legend_fit["columns"] < 3 else {}),
        ),
    )
    bar_layer = (
        alt.Chart(segments, name="segments")
        .mark_bar(stroke="#FFFFFF", strokeWidth=style.px(1.5))
        .encode(
            x=alt.X(
                "start:Q",
                scale=x_scale,
                axis=shared._axis(style, title=labels.get("x_title") or None, tickMinStep=1, format="d", grid=True),
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
        .mark_text(fontSize=style.label, font=shared.FONT, fontWeight="bold")
        .encode(
            x=alt.X("middle:Q", scale=x_scale),
            y=y,
            text="count_text:N",
            color=alt.condition("datum.text_colour == 'light'", alt.value("#FFFFFF"), alt.value(shared.BLACK)),
        )
    )
    layers = [bar_layer, text_layer]
    if "sd" in labels and "sd" in frame:
        spread = frame.assign(
            total=totals,
            sd_text=[
                f"{labels['sd']} {format_number(value, decimal)}" if pd.notna(value) else ""
                for value in shared._numbers(frame, "sd")
            ],
        )
        layers.append(
            alt.Chart(spread, name="sd")
            .mark_text(
                align="left", dx=8 * style.size_factor, fontSize=style.label, font=shared.FONT, color=shared.MUTED
            )
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
        .mark_bar(color=shared.DONT_KNOW_COLOUR, stroke=shared.MUTED, strokeWidth=style.px(1), strokeDash=[3, 2])
        .encode(
            x=alt.X(
                "count:Q",
                scale=unknown_scale,
                axis=shared._axis(style, title=labels["dont_know"], tickMinStep=1, format="d", grid=True, tickCount=2),
            ),
            y=unknown_y,
            tooltip=[alt.Tooltip("row_label:N", title=" "), alt.Tooltip("count_text:N", title=labels["dont_know"])],
        )
    )
    unknown_text = (
        alt.Chart(unknown, name="dont_know_counts")
        .mark_text(align="left", dx=5 * style.size_factor, fontSize=style.label, font=shared.FONT, color=shared.INK)
        .encode(x=alt.X("count:Q", scale=unknown_scale), y=unknown_y, text="count_text:N")
    )
    side = alt.layer(unknown_bar, unknown_text).properties(
        width=side_width, height=height, view=alt.ViewBackground(stroke=None)
    )
    return alt.hconcat(main, side, spacing=18 * style.font_factor, title=shared._title(labels, style, width))



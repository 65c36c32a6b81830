"""The organisation's heatmap: teams by items."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from kringwijs_survey.core.formatting import format_number
from kringwijs_survey.render.charts import style as shared
from kringwijs_survey.render.charts.distribution import _own_view_names
from kringwijs_survey.rules.content import SCORES


def _heat_legend_title(title: str, *, width: float, style: shared.Style) -> dict:
    """A legend title that is read in full: beside the gradient when it is short, otherwise
    above it in lines as wide as the panel (a blockade panel's title says its colours are
    reversed; cut off, it would not)."""
    characters = int(width / (style.label * 0.55))
    if len(title) * style.label * 0.55 <= shared.LEGEND_TITLE_BESIDE:
        return {"title": title}
    lines = textwrap.wrap(title, width=max(characters, 20), break_long_words=False, break_on_hyphens=False)
    return {"title": lines, "titleOrient": "top", "titleAnchor": "start", "titleLimit": 1000}


def _heat_panels_fit(data: pd.DataFrame, items: Sequence[str], width: float, style: shared.Style) -> bool:
    """Whether a principles panel and a blockades panel fit beside each other in `width` px with
    48 px cells: each panel repeats the team names."""
    names = max((shared.text_px(team, style.label) for team in dict.fromkeys(data["team"])), default=0)
    needed = (
        2 * (names + 12 * style.font_factor + 2 * shared.PADDING) + len(items) * style.px(48) + 28 * style.font_factor
    )
    return needed <= width


def heatmap(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    item_order: Sequence[str] | None = None,
    kind_of: Mapping[str, str] | None = None,
    reverse_colours: bool = False,
    big: bool = False,
    width: float | None = None,
) -> alt.LayerChart | alt.HConcatChart | alt.VConcatChart:
    """Teams × items: the mean as a viridis cell colour with the value printed in every cell.

    Columns: team, item, mean; optional title (tooltip), suppressed (no colour; the cell
    shows "–", and a team without any number gets labels["suppressed"] once across its row).
    `item_order` fixes the column order (e.g. framework.item_ids). Labels: no_data, mean
    (legend title); optional suppressed, title, subtitle, decimal, heat_principle and
    heat_blockade (legend titles of the two panels). `width`: the px the whole chart may take
    (narrower cells, or the items in blocks one under the other); None for its natural size.

    With `kind_of` (item -> "principle"/"blockade") blockades get their own panel with the
    colours reversed, so bright always means good: a principle done fully, a blockade that
    hardly stands in the way. `reverse_colours` draws one panel that way. With a `width` the
    two panels stand one under the other, each as wide as the page allows.
    """
    style = shared.Style(big)
    shared._require(labels, "no_data", "mean")
    data = (frame if frame is not None else pd.DataFrame()).reset_index(drop=True).copy()
    if kind_of and not data.empty and "item" in data:
        kinds = data["item"].map(kind_of)
        if (kinds == "blockade").any():
            order = list(item_order or dict.fromkeys(data["item"]))
            # Side by side when both panels fit at their natural size, else one under the other.
            beside = width is None or _heat_panels_fit(data, order, width, style)
            panel_width = None if beside else width
            panels = []
            for kind in ("principle", "blockade"):
                part = data[kinds == kind]
                if part.empty:
                    continue
                panels.append(_own_view_names(heatmap(
                    part, labels={**labels, "mean": labels.get(f"heat_{kind}", labels["mean"]), "title": "", "subtitle": ""},
                    item_order=[item for item in order if kind_of.get(item) == kind], reverse_colours=kind == "blockade", big=big,
                    width=panel_width,
                ), kind))
            if len(panels) == 1:
                return panels[0]
            concat = alt.hconcat if beside else alt.vconcat
            return concat(*panels, spacing=28 * style.font_factor, title=shared._title(labels, style, width)).resolve_scale(color="independent")
    if data.empty or not {"team", "item"} <= set(data):
        return alt.layer(shared._no_data(labels, style, width=style.px(560), height=style.px(200)))
    data["mean"] = shared._numbers(data, "mean")
    if "suppressed" in data:
        hidden = data["suppressed"].map(lambda value: value is True or (not pd.isna(value) and bool(value)))
        data.loc[hidden, "mean"] = np.nan
    if data["mean"].isna().all() and "suppressed" not in data:
        return alt.layer(shared._no_data(labels, style, width=style.px(560), height=style.px(200)))

    decimal = shared._decimal(labels)
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
    legend_length = style.px(220)
    team_limit = 1000  # px of a team's name; a longer one ends in "…" (the tooltip and the table hold it whole)
    if width is not None:
        team_limit = max(120, 0.45 * width)
        room = width - 2 * shared.PADDING - min(team_limit, max(shared.text_px(team, style.label) for team in teams)) - 12 * style.font_factor
        per_row = max(1, int(room // style.px(34)))  # a cell still holds "3,4"
        if per_row < len(items):
            blocks = [items[start:start + per_row] for start in range(0, len(items), per_row)]
            untitled = {key: value for key, value in labels.items() if key not in ("title", "subtitle")}
            return alt.vconcat(
                *[
                    heatmap(frame[frame["item"].astype(str).isin(block)], labels=labels if number == 0 else untitled,
                            item_order=block, reverse_colours=reverse_colours, big=big, width=width)
                    for number, block in enumerate(blocks)
                ],
                spacing=16 * style.font_factor,
            ).resolve_scale(color="shared")
        cell = min(cell, room / len(items))
        legend_length = max(60, min(legend_length, room - shared.text_px(labels["mean"], style.label) - 40))
    x = alt.X(
        "item:N",
        sort=items,
        scale=alt.Scale(domain=items),
        axis=shared._axis(style, title=None, orient="top", labelAngle=0, ticks=False, domain=False),
    )
    y = alt.Y(
        "team:N", sort=teams, scale=alt.Scale(domain=teams),
        axis=shared._axis(style, title=None, ticks=False, domain=False, labelLimit=team_limit),
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
                legend=shared._legend(
                    style,
                    **_heat_legend_title(labels["mean"], width=max(cell * len(items), legend_length), style=style),
                    gradientLength=legend_length,
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
        .mark_text(fontSize=style.label, font=shared.FONT)
        .encode(
            x=x,
            y=y,
            text="value_text:N",
            color=alt.condition("datum.text_colour == 'light'", alt.value("#FFFFFF"), alt.value(shared.BLACK)),
        )
    )
    layers = [background, cells, text]
    if not notes.empty:
        layers.append(
            alt.Chart(notes, name="notes")
            .mark_text(fontSize=style.label, font=shared.FONT, color=shared.MUTED, fontStyle="italic")
            .encode(x=alt.value(cell * len(items) / 2), y=y, text="note:N")
        )
    return alt.layer(*layers, title=shared._title(labels, style, width)).properties(
        width=cell * len(items), height=cell * len(teams), view=alt.ViewBackground(stroke=None)
    )



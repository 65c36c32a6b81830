"""The organisation's charts: how teams spread per item, where blockades press, the trend."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from kringwijs_survey.core.formatting import format_number
from kringwijs_survey.render.charts import style as shared
from kringwijs_survey.render.charts.distribution import _own_view_names
from kringwijs_survey.render.charts.history import quarters_between

TEAM_GREY = "#7A7A7A"


def natural_size(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart at its own size on screen. Streamlit otherwise fits the whole chart, axis
    labels included, into the plot's width: heatmap cells shrink and every other item label
    is dropped (seen in Chromium with 30 teams)."""
    return chart.properties(autosize=alt.AutoSizeParams(type="pad"))


def team_spread_chart(
    frame: pd.DataFrame, *, labels: Mapping[str, str], highlight: str | None = None, big: bool = False,
    width: float | None = None,
) -> alt.LayerChart:
    """Per item one row: every team's mean as a grey dot on 1–5, the organisation's mean of team
    means as a black tick, one highlighted team as a large blue diamond; both values printed
    right of the plot.

    Columns: team, item, title, mean, org_mean (rows in the order to show); optional kind
    ("principle"/"blockade"). Labels: no_data, team_dot (legend: one dot = one team),
    organisation; optional x_title, title, decimal; principle and blockade (panel headings, needed
    when blockades are among the rows). With blockades among the rows every kind gets its own
    panel under its own heading, which says what a higher score means for that kind: a high
    blockade is never read as a high principle. `width`: the px the whole chart may take; None
    for its natural size.
    """
    style = shared.Style(big)
    shared._require(labels, "no_data", "team_dot", "organisation")
    data = (frame if frame is not None else pd.DataFrame()).reset_index(drop=True).copy()
    if "kind" in data and (data["kind"] == "blockade").any():
        shared._require(labels, "principle", "blockade")
        kinds = [kind for kind in ("principle", "blockade") if (data["kind"] == kind).any()]
        panels = [
            _own_view_names(
                team_spread_chart(
                    data[data["kind"] == kind].drop(columns="kind"), labels={**labels, "title": labels[kind]}, highlight=highlight,
                    big=big, width=None if width is None else width - 4 * shared.PADDING - 4,
                ),
                kind,
            )
            for kind in kinds
        ]
        return panels[0] if len(panels) == 1 else alt.vconcat(*panels, spacing=24 * style.font_factor)
    data["mean"] = shared._numbers(data, "mean")
    if data.empty or data["mean"].isna().all():
        return alt.layer(shared._no_data(labels, style, width=style.px(520), height=style.px(200)))
    decimal = labels.get("decimal", ".")
    data["row_label"] = shared._item_label(data)
    order = list(dict.fromkeys(data["row_label"]))
    data["org_mean"] = shared._numbers(data, "org_mean")
    data["mean_text"] = [format_number(value, decimal) for value in data["mean"]]
    highlight_label = str(highlight) if highlight is not None and highlight in set(data["team"]) else None
    series = [labels["team_dot"], *([highlight_label] if highlight_label else []), labels["organisation"]]
    data["series"] = np.where(data["team"] == highlight_label, highlight_label or "", labels["team_dot"])

    headers = [shared._wrap(header, 11) for header in ([highlight_label] if highlight_label else []) + [labels["organisation"]]]
    # On a phone only the first column is printed (the organisation's mean is the black tick,
    # and in the table under the chart).
    narrow = width is not None and width < 480
    headers = headers[:1] if narrow else headers
    column_step = 96 * style.font_factor
    beside = 14 * style.font_factor + column_step * (len(headers) - 1) + max(shared.text_px(header, style.label) for header in headers) + 6
    fitting = width is not None
    width, row_lines = shared._fit_rows(order, style, width, style.px(460), beside)
    row_px = shared._row_px(row_lines, style, style.px(34))
    height = row_px * len(order)
    x_scale = alt.Scale(domain=[0.8, 5.2], nice=False, zero=False)
    x = alt.X("mean:Q", scale=x_scale, axis=shared._axis(style, values=[1, 2, 3, 4, 5], format="d", grid=True, title=labels.get("x_title") or None))
    y = alt.Y(
        "row_label:N", sort=order, scale=alt.Scale(domain=order),
        axis=shared._axis(style, title=None, ticks=False, domain=False, **shared._label_lines_axis(row_lines, style)),
    )
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=series, range=[TEAM_GREY, *([shared.BLUE] if highlight_label else []), shared.BLACK]),
        legend=shared._legend(style, title=None, **shared._legend_fit(series, style, width + beside if fitting else None, len(series))),
    )
    shape = alt.Shape(
        "series:N", scale=alt.Scale(domain=series, range=["circle", *(["diamond"] if highlight_label else []), shared.VERTICAL_BAR]),
        legend=None,
    )
    tooltip = [alt.Tooltip("team:N", title=" "), alt.Tooltip("row_label:N", title=" "), alt.Tooltip("mean_text:N", title=" ")]
    others = data[data["series"] == labels["team_dot"]]
    layers = [
        alt.Chart(others, name="teams")
        .mark_point(filled=True, size=style.area(70), opacity=0.55)
        .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
    ]
    org = data.drop_duplicates("row_label").assign(series=labels["organisation"])
    org["org_text"] = [format_number(value, decimal) for value in org["org_mean"]]
    layers.append(
        alt.Chart(org[org["org_mean"].notna()], name="organisation")
        .mark_tick(orient="vertical", thickness=style.px(3), size=row_px * 0.8, opacity=1)
        .encode(x=alt.X("org_mean:Q", scale=x_scale), y=y, color=colour, shape=shape,
                tooltip=[alt.Tooltip("row_label:N", title=" "), alt.Tooltip("org_text:N", title=labels["organisation"])])
    )
    columns = [(labels["organisation"], org, "org_text", shared.BLACK)]
    if highlight_label:
        chosen = data[data["team"] == highlight_label]
        layers.append(
            alt.Chart(chosen, name="highlight")
            .mark_point(filled=True, size=style.area(220), opacity=1, stroke="#FFFFFF", strokeWidth=1.5)
            .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
        )
        columns.insert(0, (highlight_label, chosen, "mean_text", shared.BLUE))
    columns = columns[: len(headers)]
    # The numbers beside the plot, each under its own header.
    column_x = width + 14 * style.font_factor
    for header, part, text_field, colour_value in columns:
        layers.append(
            alt.Chart(part, name=f"values_{chr(97 + len(layers))}")
            .mark_text(align="left", fontSize=style.value, font=shared.FONT, fontWeight="bold", color=colour_value)
            .encode(x=alt.value(column_x), y=y, text=f"{text_field}:N")
        )
        wrapped = shared._wrap(header, 11)
        layers.append(
            alt.Chart(pd.DataFrame({"header": [wrapped]}), name=f"header_{chr(97 + len(layers))}")
            .mark_text(
                align="left", baseline="bottom", fontSize=style.label, font=shared.FONT, color=shared.MUTED,
                lineBreak="\n",
            )
            .encode(x=alt.value(column_x), y=alt.value(-4 * style.font_factor), text="header:N")
        )
        column_x += column_step
    return alt.layer(*layers, title=shared._title(labels, style, width + beside if fitting else None)).properties(
        width=width, height=height, view=alt.ViewBackground(stroke=None)
    )


def pressure_chart(
    frame: pd.DataFrame, *, labels: Mapping[str, str], big: bool = False, width: float | None = None
) -> alt.LayerChart:
    """Per blockade a bar of how many shown teams have a median of 4 or more (vermillion) on a
    light track of all shown teams, with "7 van 30 teams" and the mean of everyone's scores printed.

    Columns: item, title, teams, teams_high, mean. Labels: no_data, teams_high, teams_all
    (legend entries), of_teams (a template with {high} and {teams}), mean, blockade (the heading
    when there is no title: it says that higher means more in the way); optional title,
    decimal. `width`: the px the whole chart may take (the printed numbers go on two lines when
    narrow); None for its natural size.
    """
    style = shared.Style(big)
    shared._require(labels, "no_data", "teams_high", "teams_all", "of_teams", "mean", "blockade")
    labels = {**labels, "title": labels.get("title") or labels["blockade"]}
    data = (frame if frame is not None else pd.DataFrame()).reset_index(drop=True).copy()
    data["teams"] = shared._numbers(data, "teams")
    if data.empty or data["teams"].fillna(0).sum() == 0:
        return alt.layer(shared._no_data(labels, style, width=style.px(520), height=style.px(200)))
    decimal = labels.get("decimal", ".")
    data["teams_high"] = shared._numbers(data, "teams_high").fillna(0)
    data["row_label"] = shared._item_label(data)
    data["zero"] = 0.0
    data["text"] = [
        labels["of_teams"].format(high=int(high), teams=int(total)) + f" · {labels['mean']} {format_number(mean, decimal)}"
        for high, total, mean in zip(data["teams_high"], data["teams"], shared._numbers(data, "mean"))
    ]
    order = list(data["row_label"])
    most = float(data["teams"].max())
    fitting = width is not None
    one_line = 12 * style.font_factor + max(shared.text_px(text, style.label) for text in data["text"]) + 6
    if fitting and width - one_line < 2 * shared.NARROWEST_PLOT:
        data["text"] = data["text"].str.replace(" · ", "\n", regex=False)
    beside = 12 * style.font_factor + max(shared.text_px(text, style.label) for text in data["text"]) + 6
    width, row_lines = shared._fit_rows(order, style, width, style.px(360), beside)
    row_px = shared._row_px({text: text.split("\n") for text in data["text"]}, style, shared._row_px(row_lines, style, style.px(36)) / 0.65) * 0.65
    x_scale = alt.Scale(domain=[0, most], nice=False)
    y = alt.Y(
        "row_label:N", sort=order, scale=alt.Scale(domain=order, paddingInner=0.35),
        axis=shared._axis(style, title=None, ticks=False, domain=False, **shared._label_lines_axis(row_lines, style)),
    )
    series = [labels["teams_high"], labels["teams_all"]]
    track = data.assign(series=labels["teams_all"])
    high = data.assign(series=labels["teams_high"])
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=series, range=[shared.VERMILLION, "#E3E3E3"]),
        legend=shared._legend(
            style, title=None, symbolType="square", **shared._legend_fit(series, style, width + beside if fitting else None, 2),
        ),
    )
    x_axis = shared._axis(style, title=None, format="d", tickMinStep=1, grid=True)
    layers = [
        alt.Chart(track, name="all_teams").mark_bar(cornerRadius=2).encode(x=alt.X("teams:Q", scale=x_scale, axis=x_axis), x2="zero:Q", y=y, color=colour),
        alt.Chart(high, name="teams_high").mark_bar(cornerRadius=2).encode(
            x=alt.X("teams_high:Q", scale=x_scale), x2="zero:Q", y=y, color=colour,
            tooltip=[alt.Tooltip("row_label:N", title=" "), alt.Tooltip("text:N", title=" ")],
        ),
        alt.Chart(data, name="counts").mark_text(align="left", fontSize=style.label, font=shared.FONT, color=shared.INK, lineBreak="\n").encode(
            x=alt.value(width + 12 * style.font_factor), y=y, text="text:N"
        ),
    ]
    return alt.layer(*layers, title=shared._title(labels, style, width + beside if fitting else None)).properties(
        width=width, height=row_px * len(order), view=alt.ViewBackground(stroke=None)
    )


def trend_chart(
    frame: pd.DataFrame, *, labels: Mapping[str, str], highlight: str | None = None, big: bool = False,
    width: float | None = None, kind: str = "principle",
) -> alt.LayerChart:
    """Quarters left to right, y fixed on 1–5: every team a thin grey line, one highlighted team
    blue, the organisation a thick black line with its values printed. A quarter without numbers
    breaks a line. Columns: series, is_organisation, period, mean. Labels: no_data, mean (y
    title), team_line, organisation, and the `kind` of what is shown ("principle" for one or all
    principles, "blockade") as the heading when there is no title: it says what higher means
    (for a blockade: more in the way); optional title, decimal. `width`: the px the whole chart
    may take; None for its natural size."""
    style = shared.Style(big)
    shared._require(labels, "no_data", "mean", "team_line", "organisation", kind)
    labels = {**labels, "title": labels.get("title") or labels[kind]}
    data = (frame if frame is not None else pd.DataFrame()).reset_index(drop=True).copy()
    data["mean"] = shared._numbers(data, "mean")
    data = data[data["mean"].notna()] if not data.empty else data
    if data.empty:
        return alt.layer(shared._no_data(labels, style, width=style.px(560), height=style.px(200)))
    decimal = labels.get("decimal", ".")
    data["period"] = data["period"].astype(str)
    periods = quarters_between(sorted(data["period"].unique()))
    data["is_organisation"] = data["is_organisation"].astype(bool)
    gaps = [
        {"series": series, "is_organisation": is_org, "period": period, "mean": np.nan}
        for (series, is_org), part in data.groupby(["series", "is_organisation"])
        for period in sorted(set(periods) - set(part["period"]))
    ]
    if gaps:
        data = pd.concat([data, pd.DataFrame(gaps)], ignore_index=True)
    highlight_label = highlight if highlight is not None and highlight in set(data["series"]) else None
    data["role"] = np.where(data["is_organisation"], labels["organisation"], np.where(data["series"] == highlight_label, highlight_label or "", labels["team_line"]))
    data["mean_text"] = [format_number(value, decimal) for value in data["mean"]]
    roles = [labels["team_line"], *([highlight_label] if highlight_label else []), labels["organisation"]]
    colour = alt.Color("role:N", scale=alt.Scale(domain=roles, range=["#B5B5B5", *([shared.BLUE] if highlight_label else []), shared.BLACK]), legend=shared._legend(
        style, title=None, symbolType="stroke",
        **shared._legend_fit(roles, style, None if width is None else width - 2 * style.label - 40 * style.font_factor, len(roles)),
    ))
    x = alt.X("period:O", sort=periods, scale=alt.Scale(domain=periods, paddingOuter=0.3),
              axis=shared._axis(style, title=None, labelAngle=0, labelExpr=shared.PERIOD_LABEL, labelLineHeight=style.label * 1.15, grid=False))
    y = alt.Y("mean:Q", scale=alt.Scale(domain=[1, 5], nice=False, zero=False), axis=shared._axis(style, title=labels["mean"], values=[1, 2, 3, 4, 5], grid=True))
    tooltip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("period:N", title=" "), alt.Tooltip("mean_text:N", title=labels["mean"])]
    teams = data[~data["is_organisation"] & (data["role"] == labels["team_line"])]
    layers = [
        alt.Chart(teams, name="teams").mark_line(strokeWidth=style.px(1.2), opacity=0.8).encode(x=x, y=y, detail="series:N", color=colour, tooltip=tooltip)
    ]
    for name, part, stroke, dash in (
        ("highlight", data[data["role"] == highlight_label] if highlight_label else data.iloc[0:0], 3, [6, 3]),
        ("organisation", data[data["is_organisation"]], 4, [1, 0]),
    ):
        if part.empty:
            continue
        layers.append(alt.Chart(part, name=f"{name}_line").mark_line(strokeWidth=style.px(stroke), strokeDash=dash).encode(x=x, y=y, color=colour))
        layers.append(alt.Chart(part, name=f"{name}_points").mark_point(filled=True, size=style.area(70), opacity=1).encode(x=x, y=y, color=colour, tooltip=tooltip))
        layers.append(
            alt.Chart(part, name=f"{name}_values")
            .mark_text(baseline="bottom", dy=-9 * style.size_factor, fontSize=style.label, font=shared.FONT, fontWeight="bold", color=shared.BLACK if name == "organisation" else shared.BLUE)
            .encode(x=x, y=y, text="mean_text:N")
        )
    natural = max(style.px(420), len(periods) * style.px(90))
    room = None if width is None else width - 2 * shared.PADDING - (2 * style.label + 40 * style.font_factor)  # the 1–5 axis and its title
    fitting = room is not None
    width = natural if room is None else max(min(natural, room), len(periods) * 3 * style.label)
    # The heading starts where the plot starts (right of the 1–5 axis) and wraps to the plot's width.
    return alt.layer(*layers, title=shared._title(labels, style, width if fitting else None)).properties(width=width, height=style.px(260), view=alt.ViewBackground(stroke=None))

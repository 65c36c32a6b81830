"""Exports: CSV and XLSX of aggregates, PNG/SVG of charts, PDF reports for a team and for the
organisation; and the three charts only the organisation view needs.

Everything here reads numbers from the one aggregation (through `sharing.organisation_view`
for the organisation, `services.team_summary` for a team) and never a single answer.

PDFs are made with fpdf2 (pure Python) in DejaVu Sans, so accents, curly quotes and "·"
print as they are; charts go in as PNG from `charts.chart_image`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
from sqlalchemy import Engine

from . import charts, i18n, policy, services, sharing, team_results

# charts.py keeps its helpers private; the organisation charts below follow the same rules
# (labels from the translation table, colour never alone, ≥13 px), so they share them.
from .charts import (
    BLACK,
    BLUE,
    FONT,
    INK,
    MUTED,
    VERMILLION,
    Style,
    _axis,
    _fit_rows,
    _item_label,
    _label_lines_axis,
    _legend,
    _legend_fit,
    _no_data,
    _numbers,
    _require,
    _row_px,
    _title,
    _wrap,
    format_number,
    text_px,
)
from .content import framework_named
from .own_frameworks import of_round
from .spreadsheet import csv_frame, text_cells
from .validation import InvalidInput

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
EXPORT_COLUMNS = ["team", "area", "period", "item", "title", *sharing.NUMBER_COLUMNS]


def chart_labels(lang: str, **extra: str) -> dict[str, str]:
    """Every word a chart shows (keys chart.*), for code that runs without Streamlit."""
    prefix = "chart."
    table = i18n.table(lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)
    return {**{key[len(prefix):]: value for key, value in table.items() if key.startswith(prefix)}, **extra}


# ---------------------------------------------------------------------------------------------
# charts of the organisation view (pure: a DataFrame in, an Altair chart out)
# ---------------------------------------------------------------------------------------------

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
    style = Style(big)
    _require(labels, "no_data", "team_dot", "organisation")
    data = (frame if frame is not None else pd.DataFrame()).reset_index(drop=True).copy()
    if "kind" in data and (data["kind"] == "blockade").any():
        _require(labels, "principle", "blockade")
        kinds = [kind for kind in ("principle", "blockade") if (data["kind"] == kind).any()]
        panels = [
            charts._own_view_names(
                team_spread_chart(
                    data[data["kind"] == kind].drop(columns="kind"), labels={**labels, "title": labels[kind]}, highlight=highlight,
                    big=big, width=None if width is None else width - 4 * charts.PADDING - 4,
                ),
                kind,
            )
            for kind in kinds
        ]
        return panels[0] if len(panels) == 1 else alt.vconcat(*panels, spacing=24 * style.font_factor)
    data["mean"] = _numbers(data, "mean")
    if data.empty or data["mean"].isna().all():
        return alt.layer(_no_data(labels, style, width=style.px(520), height=style.px(200)))
    decimal = labels.get("decimal", ".")
    data["row_label"] = _item_label(data)
    order = list(dict.fromkeys(data["row_label"]))
    data["org_mean"] = _numbers(data, "org_mean")
    data["mean_text"] = [format_number(value, decimal) for value in data["mean"]]
    highlight_label = str(highlight) if highlight is not None and highlight in set(data["team"]) else None
    series = [labels["team_dot"], *([highlight_label] if highlight_label else []), labels["organisation"]]
    data["series"] = np.where(data["team"] == highlight_label, highlight_label or "", labels["team_dot"])

    headers = [_wrap(header, 11) for header in ([highlight_label] if highlight_label else []) + [labels["organisation"]]]
    # On a phone only the first column is printed (the organisation's mean is the black tick,
    # and in the table under the chart).
    narrow = width is not None and width < 480
    headers = headers[:1] if narrow else headers
    column_step = 96 * style.font_factor
    beside = 14 * style.font_factor + column_step * (len(headers) - 1) + max(text_px(header, style.label) for header in headers) + 6
    fitting = width is not None
    width, row_lines = _fit_rows(order, style, width, style.px(460), beside)
    row_px = _row_px(row_lines, style, style.px(34))
    height = row_px * len(order)
    x_scale = alt.Scale(domain=[0.8, 5.2], nice=False, zero=False)
    x = alt.X("mean:Q", scale=x_scale, axis=_axis(style, values=[1, 2, 3, 4, 5], format="d", grid=True, title=labels.get("x_title") or None))
    y = alt.Y(
        "row_label:N", sort=order, scale=alt.Scale(domain=order),
        axis=_axis(style, title=None, ticks=False, domain=False, **_label_lines_axis(row_lines, style)),
    )
    colour = alt.Color(
        "series:N", scale=alt.Scale(domain=series, range=[TEAM_GREY, *([BLUE] if highlight_label else []), BLACK]),
        legend=_legend(style, title=None, **_legend_fit(series, style, width + beside if fitting else None, len(series))),
    )
    shape = alt.Shape(
        "series:N", scale=alt.Scale(domain=series, range=["circle", *(["diamond"] if highlight_label else []), charts.VERTICAL_BAR]),
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
    columns = [(labels["organisation"], org, "org_text", BLACK)]
    if highlight_label:
        chosen = data[data["team"] == highlight_label]
        layers.append(
            alt.Chart(chosen, name="highlight")
            .mark_point(filled=True, size=style.area(220), opacity=1, stroke="#FFFFFF", strokeWidth=1.5)
            .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
        )
        columns.insert(0, (highlight_label, chosen, "mean_text", BLUE))
    columns = columns[: len(headers)]
    # The numbers beside the plot, each under its own header.
    column_x = width + 14 * style.font_factor
    for header, part, text_field, colour_value in columns:
        layers.append(
            alt.Chart(part, name=f"values_{chr(97 + len(layers))}")
            .mark_text(align="left", fontSize=style.value, font=FONT, fontWeight="bold", color=colour_value)
            .encode(x=alt.value(column_x), y=y, text=f"{text_field}:N")
        )
        wrapped = _wrap(header, 11)
        layers.append(
            alt.Chart(pd.DataFrame({"header": [wrapped]}), name=f"header_{chr(97 + len(layers))}")
            .mark_text(align="left", baseline="bottom", fontSize=style.label, font=FONT, color=MUTED, lineBreak="\n")
            .encode(x=alt.value(column_x), y=alt.value(-4 * style.font_factor), text="header:N")
        )
        column_x += column_step
    return alt.layer(*layers, title=_title(labels, style, width + beside if fitting else None)).properties(
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
    style = Style(big)
    _require(labels, "no_data", "teams_high", "teams_all", "of_teams", "mean", "blockade")
    labels = {**labels, "title": labels.get("title") or labels["blockade"]}
    data = (frame if frame is not None else pd.DataFrame()).reset_index(drop=True).copy()
    data["teams"] = _numbers(data, "teams")
    if data.empty or data["teams"].fillna(0).sum() == 0:
        return alt.layer(_no_data(labels, style, width=style.px(520), height=style.px(200)))
    decimal = labels.get("decimal", ".")
    data["teams_high"] = _numbers(data, "teams_high").fillna(0)
    data["row_label"] = _item_label(data)
    data["zero"] = 0.0
    data["text"] = [
        labels["of_teams"].format(high=int(high), teams=int(total)) + f" · {labels['mean']} {format_number(mean, decimal)}"
        for high, total, mean in zip(data["teams_high"], data["teams"], _numbers(data, "mean"))
    ]
    order = list(data["row_label"])
    most = float(data["teams"].max())
    fitting = width is not None
    one_line = 12 * style.font_factor + max(text_px(text, style.label) for text in data["text"]) + 6
    if fitting and width - one_line < 2 * charts.NARROWEST_PLOT:
        data["text"] = data["text"].str.replace(" · ", "\n", regex=False)
    beside = 12 * style.font_factor + max(text_px(text, style.label) for text in data["text"]) + 6
    width, row_lines = _fit_rows(order, style, width, style.px(360), beside)
    row_px = _row_px({text: text.split("\n") for text in data["text"]}, style, _row_px(row_lines, style, style.px(36)) / 0.65) * 0.65
    x_scale = alt.Scale(domain=[0, most], nice=False)
    y = alt.Y(
        "row_label:N", sort=order, scale=alt.Scale(domain=order, paddingInner=0.35),
        axis=_axis(style, title=None, ticks=False, domain=False, **_label_lines_axis(row_lines, style)),
    )
    series = [labels["teams_high"], labels["teams_all"]]
    track = data.assign(series=labels["teams_all"])
    high = data.assign(series=labels["teams_high"])
    colour = alt.Color("series:N", scale=alt.Scale(domain=series, range=[VERMILLION, "#E3E3E3"]), legend=_legend(
        style, title=None, symbolType="square", **_legend_fit(series, style, width + beside if fitting else None, 2),
    ))
    x_axis = _axis(style, title=None, format="d", tickMinStep=1, grid=True)
    layers = [
        alt.Chart(track, name="all_teams").mark_bar(cornerRadius=2).encode(x=alt.X("teams:Q", scale=x_scale, axis=x_axis), x2="zero:Q", y=y, color=colour),
        alt.Chart(high, name="teams_high").mark_bar(cornerRadius=2).encode(
            x=alt.X("teams_high:Q", scale=x_scale), x2="zero:Q", y=y, color=colour,
            tooltip=[alt.Tooltip("row_label:N", title=" "), alt.Tooltip("text:N", title=" ")],
        ),
        alt.Chart(data, name="counts").mark_text(align="left", fontSize=style.label, font=FONT, color=INK, lineBreak="\n").encode(
            x=alt.value(width + 12 * style.font_factor), y=y, text="text:N"
        ),
    ]
    return alt.layer(*layers, title=_title(labels, style, width + beside if fitting else None)).properties(
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
    style = Style(big)
    _require(labels, "no_data", "mean", "team_line", "organisation", kind)
    labels = {**labels, "title": labels.get("title") or labels[kind]}
    data = (frame if frame is not None else pd.DataFrame()).reset_index(drop=True).copy()
    data["mean"] = _numbers(data, "mean")
    data = data[data["mean"].notna()] if not data.empty else data
    if data.empty:
        return alt.layer(_no_data(labels, style, width=style.px(560), height=style.px(200)))
    decimal = labels.get("decimal", ".")
    data["period"] = data["period"].astype(str)
    periods = charts.quarters_between(sorted(data["period"].unique()))
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
    colour = alt.Color("role:N", scale=alt.Scale(domain=roles, range=["#B5B5B5", *([BLUE] if highlight_label else []), BLACK]), legend=_legend(
        style, title=None, symbolType="stroke",
        **_legend_fit(roles, style, None if width is None else width - 2 * style.label - 40 * style.font_factor, len(roles)),
    ))
    x = alt.X("period:O", sort=periods, scale=alt.Scale(domain=periods, paddingOuter=0.3),
              axis=_axis(style, title=None, labelAngle=0, labelExpr=charts.PERIOD_LABEL, labelLineHeight=style.label * 1.15, grid=False))
    y = alt.Y("mean:Q", scale=alt.Scale(domain=[1, 5], nice=False, zero=False), axis=_axis(style, title=labels["mean"], values=[1, 2, 3, 4, 5], grid=True))
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
            .mark_text(baseline="bottom", dy=-9 * style.size_factor, fontSize=style.label, font=FONT, fontWeight="bold", color=BLACK if name == "organisation" else BLUE)
            .encode(x=x, y=y, text="mean_text:N")
        )
    natural = max(style.px(420), len(periods) * style.px(90))
    room = None if width is None else width - 2 * charts.PADDING - (2 * style.label + 40 * style.font_factor)  # the 1–5 axis and its title
    fitting = room is not None
    width = natural if room is None else max(min(natural, room), len(periods) * 3 * style.label)
    # The heading starts where the plot starts (right of the 1–5 axis) and wraps to the plot's width.
    return alt.layer(*layers, title=_title(labels, style, width if fitting else None)).properties(width=width, height=style.px(260), view=alt.ViewBackground(stroke=None))


# ---------------------------------------------------------------------------------------------
# CSV and XLSX: aggregates only
# ---------------------------------------------------------------------------------------------


def _team_rows(view: sharing.OrgView) -> pd.DataFrame:
    """One row per shown team and item; counts as whole numbers."""
    frame = view.latest.reindex(columns=EXPORT_COLUMNS).copy()
    for column in ("respondents", "n", "n_dont_know", "count_1", "count_2", "count_3", "count_4", "count_5"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").round().astype("Int64")
    return frame


def aggregates_csv(view: sharing.OrgView) -> bytes:
    """The view's team rows (one round per team) and the organisation rows, as UTF-8 CSV.

    Columns: level (team / organisation), team, area, period, item, title, respondents, n,
    mean, median, sd, n_dont_know, count_1..count_5, teams, sd_teams. Empty with < 3 teams."""
    if not view.enough:
        return pd.DataFrame(columns=["level", *EXPORT_COLUMNS]).to_csv(index=False).encode("utf-8")
    teams = _team_rows(view).assign(level="team")
    org = view.organisation.rename(columns={"teams": "teams"}).assign(level="organisation", team=pd.NA, area=pd.NA, period=view.period)
    frame = pd.concat([teams, org], ignore_index=True)
    columns = ["level", *EXPORT_COLUMNS, "teams", "sd_teams", "lowest", "highest"]
    return csv_frame(frame.reindex(columns=columns)).to_csv(index=False).encode("utf-8")


def _sheet(workbook, title: str, frame: pd.DataFrame, headers: Sequence[str], formats: Mapping[str, str] | None = None) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for record in frame.itertuples(index=False):
        sheet.append([None if (not isinstance(value, (list, tuple)) and pd.isna(value)) else (value.item() if hasattr(value, "item") else value) for value in record])
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        if formats and column in formats:
            for cell in sheet[letter][1:]:
                cell.number_format = formats[column]
        longest = max([len(str(headers[index - 1]))] + [len(str(cell.value or "")) for cell in sheet[letter][1:]])
        sheet.column_dimensions[letter].width = min(60, max(8, longest + 2))
    sheet.freeze_panes = "A2"
    text_cells(sheet)


def aggregates_xlsx(engine: Engine, view: sharing.OrgView, lang: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """A workbook of aggregates only: teams (one round each), organisation, blockades, to-do list,
    and a sheet that says what the numbers are. With fewer than 3 teams only that last sheet."""
    from openpyxl import Workbook

    t = lambda key, **values: i18n.t(key, lang, **values)  # noqa: E731
    workbook = Workbook()
    about = workbook.active
    about.title = t("report.sheet.about")[:31]
    about.append([t("report.org_title")])
    about.append([t("report.made_on", date=dt.date.today().strftime("%d-%m-%Y"))])
    about.append([t("report.privacy", min_group=view.min_group_org)])
    if not view.enough:
        about.append([view.explanation(lang)])
    else:
        about.append([t("report.teams_in_view", count=view.team_count)])
        if view.anonymous:
            about.append([t("manager.low_trust_on")])
    about.column_dimensions["A"].width = 120
    text_cells(about)
    buffer = io.BytesIO()
    if not view.enough:
        workbook.save(buffer)
        return buffer.getvalue()

    one = {"mean": "0.00", "median": "0.0", "sd": "0.00", "sd_teams": "0.00", "lowest": "0.00", "highest": "0.00"}
    teams = _team_rows(view)
    _sheet(workbook, t("report.sheet.teams"), teams, [t(f"report.col.{column}") for column in teams.columns], one)
    org = view.organisation
    _sheet(workbook, t("report.sheet.organisation"), org, [t(f"report.col.{column}") for column in org.columns], one)
    pressure = sharing.blockade_pressure(view, lang)
    _sheet(workbook, t("report.sheet.blockades"), pressure, [t(f"report.col.{column}") for column in pressure.columns], one)
    actions = sharing.organisation_actions(engine, view, lang)
    actions = actions.assign(
        scope=actions["scope"].map(lambda s: t(f"results.scope.{s}")), status=actions["status"].map(lambda s: t(f"results.status.{s}"))
    )
    _sheet(workbook, t("report.sheet.actions"), actions, [t(f"report.col.{column}") for column in actions.columns])
    workbook.save(buffer)
    return buffer.getvalue()


def chart_file_name(name: str, fmt: str) -> str:
    safe = "".join(char if char.isalnum() or char in "-_" else "-" for char in name.lower()).strip("-")
    return f"{safe or 'grafiek'}.{fmt}"


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------


def _font_paths() -> dict[str, Path]:
    paths = {style: FONT_DIR / name for style, name in FONT_FILES.items()}
    missing = [str(path) for path in paths.values() if not path.exists()]
    if missing:
        raise InvalidInput("error.no_font")
    return paths


class _Report:
    """A small A4 layout on top of fpdf2: headings with bookmarks, paragraphs, tables, images."""

    MARGIN = 18.0
    BODY = 10.5

    def __init__(self, title: str, lang: str) -> None:
        from fpdf import FPDF

        footer_text = title

        class Document(FPDF):
            def footer(self) -> None:
                self.set_y(-12)
                self.set_font("DejaVu", "", 8)
                self.set_text_color(90, 90, 90)
                self.cell(0, 6, f"{footer_text} · {self.page_no()}/{{nb}}", align="C")

        self.lang = lang
        self.pdf = Document(format="A4", unit="mm")
        for style, path in _font_paths().items():
            self.pdf.add_font("DejaVu", style, str(path))
        self.pdf.set_margins(self.MARGIN, self.MARGIN, self.MARGIN)
        self.pdf.set_auto_page_break(True, margin=self.MARGIN)
        self.pdf.set_title(title)
        self.pdf.set_lang(lang)
        self.pdf.set_creator("Kringwijs – Verklaring van Eindhoven")
        self.pdf.add_page()
        self.pdf.set_text_color(26, 26, 26)

    @property
    def width(self) -> float:
        return self.pdf.epw

    def title(self, text: str, subtitle: str | None = None) -> None:
        self.pdf.set_font("DejaVu", "B", 20)
        self.pdf.multi_cell(0, 9, text, align="L", new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.pdf.set_font("DejaVu", "", 12)
            self.pdf.set_text_color(77, 77, 77)
            self.pdf.multi_cell(0, 6.5, subtitle, align="L", new_x="LMARGIN", new_y="NEXT")
            self.pdf.set_text_color(26, 26, 26)
        self.pdf.ln(3)

    def heading(self, text: str, level: int = 0, *, new_page: bool = False, keep: float = 40) -> None:
        if new_page:
            self.pdf.add_page()
        elif self.pdf.get_y() + keep > self.pdf.page_break_trigger:
            self.pdf.add_page()
        self.pdf.start_section(text, level=level)
        size = 15 if level == 0 else 12
        self.pdf.set_font("DejaVu", "B", size)
        self.pdf.ln(2 if level else 3)
        self.pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1.5)

    def paragraph(
        self, text: str, *, size: float | None = None, style: str = "", colour: tuple[int, int, int] = (26, 26, 26),
        markdown: bool = False,
    ) -> None:
        """A paragraph; markdown=True only for our own texts (their **bold**), never for what
        people typed."""
        self.pdf.set_font("DejaVu", style, size or self.BODY)
        self.pdf.set_text_color(*colour)
        self.pdf.multi_cell(0, (size or self.BODY) * 0.52, text, align="L", new_x="LMARGIN", new_y="NEXT", markdown=markdown)
        self.pdf.set_text_color(26, 26, 26)
        self.pdf.ln(1.2)

    def bullets(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.paragraph(f"•  {line}")

    def _size(self, png: bytes, max_width: float | None, max_height: float) -> tuple[float, float]:
        from PIL import Image

        with Image.open(io.BytesIO(png)) as picture:
            pixels_w, pixels_h = picture.size
        width = min(max_width or self.width, self.width)
        height = width * pixels_h / pixels_w
        if height > max_height:
            height, width = max_height, max_height * pixels_w / pixels_h
        return width, height

    def image(self, png: bytes, alt_text: str, *, max_width: float | None = None, max_height: float = 235) -> None:
        from PIL import Image

        width, height = self._size(png, max_width, max_height)
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()
        with Image.open(io.BytesIO(png)) as picture:
            # Flattened on white: a transparent PNG prints with a grey haze in some viewers.
            flat = Image.new("RGB", picture.size, "white")
            flat.paste(picture, mask=picture.convert("RGBA").getchannel("A"))
        self.pdf.image(flat, x=self.pdf.l_margin, w=width, h=height, alt_text=alt_text)
        self.pdf.ln(3)

    def chart_section(
        self, title: str, intro: str | None, chart: alt.TopLevelMixin, alt_text: str, *,
        max_width: float | None = None, max_height: float = 235, level: int = 0,
    ) -> None:
        """A heading, an introduction and a chart, kept together on one page."""
        png = charts.chart_image(chart, "png", scale=2)
        _, height = self._size(png, max_width, max_height)
        self.heading(title, level, keep=height + 30 + (12 if intro else 0))
        if intro:
            self.paragraph(intro, markdown=True)
        self.image(png, alt_text, max_width=max_width, max_height=max_height)

    def table(
        self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
        align: Sequence[str] | None = None, *, size: float = 9,
    ) -> None:
        if not rows:
            return
        from fpdf.fonts import FontFace

        self.pdf.set_font("DejaVu", "", size)
        with self.pdf.table(
            headings_style=FontFace(emphasis="BOLD", size_pt=size - 0.5),
            col_widths=tuple(widths),
            text_align=tuple(align or ["LEFT"] * len(headers)),
            line_height=4.6,
            borders_layout="HORIZONTAL_LINES",
            width=self.width,
            padding=(1.2, 1.5),
            first_row_as_headings=True,
            repeat_headings=1,
        ) as table:
            row = table.row()
            for header in headers:
                row.cell(str(header))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell("" if value is None else str(value))
        self.pdf.ln(4)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _principle_texts(report: _Report, framework, lang: str, numbers: Mapping[str, str] | None = None) -> None:
    """Every item of the framework: its title, the verbatim text, the plain summary (and the
    numbers when given)."""
    t = lambda key, **values: i18n.t(key, lang, **values)  # noqa: E731
    report.heading(t("report.principles"), new_page=True)
    report.paragraph(t("report.principles_intro", source=framework.source), colour=(77, 77, 77))
    for group in framework.groups:
        report.heading(group.title.get(lang), level=1)
        for item in [item for item in framework.items if item.group == group.id]:
            report.pdf.set_font("DejaVu", "B", 11)
            if report.pdf.get_y() + 30 > report.pdf.page_break_trigger:
                report.pdf.add_page()
            report.pdf.multi_cell(0, 5.8, f"{item.id} · {item.title.get(lang)}", align="L", new_x="LMARGIN", new_y="NEXT")
            if numbers and numbers.get(item.id):
                report.paragraph(numbers[item.id], size=9.5, style="B", colour=(0, 90, 150))
            report.paragraph(f"“{item.text.nl}”", size=9.5, style="I")
            report.paragraph(f"{t('principles.summary')}: {item.summary.get(lang)}", size=9.5)
            report.pdf.ln(1.5)


def team_report_pdf(engine: Engine, team_id: int, round_id: int, *, min_group: int, lang: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """The team's own report of one round: profile, blockades, differences, changes, its notes
    and actions, and the principle texts. Only for a released round with enough respondents."""
    t = lambda key, **values: i18n.t(key, lang, **values)  # noqa: E731
    team = services.get_team(engine, team_id)
    quarter = services.get_round(engine, round_id)
    if team is None or quarter is None or quarter.team_id != team.id:
        raise InvalidInput("error.round_not_of_team")
    if not services.results_released(quarter):
        raise InvalidInput("error.report_open_round")
    framework = of_round(engine, quarter)
    summary = services.team_summary(engine, team, framework.id, min_group)
    this_round = summary[summary["period"] == quarter.period]
    if this_round.empty or bool(this_round["suppressed"].any()):
        raise InvalidInput("error.report_too_few", minimum=policy.at_least(min_group))
    labels = chart_labels(lang)
    decimal = labels.get("decimal", ".")
    answered = int(this_round["respondents"].iloc[0])
    results = team_results.for_period(summary, framework, quarter.period, lang)
    profile, pairs, spread, changed = results.profile, results.pairs, results.spread, results.changes
    score_labels_by_kind = framework.scale_set(quarter.scales).score_labels(lang)
    other_scales = results.other_scales

    title = t("report.team_title", team=team.name)
    report = _Report(title, lang)
    report.title(title, t("report.team_subtitle", period=quarter.period, framework=framework.title.get(lang)))
    report.paragraph(t("results.based_on", answered=answered))
    for flag, withheld in results.withheld.items():
        if withheld:
            report.paragraph(t(f"results.{flag}", items="; ".join(withheld), minimum=policy.at_least(min_group)))
    report.paragraph(t("report.made_on", date=dt.date.today().strftime("%d-%m-%Y")), colour=(77, 77, 77))
    report.paragraph(t("report.team_privacy"), size=9.5, colour=(77, 77, 77))

    report.heading(t("results.tab.profile"))
    if headline := results.headline:
        report.paragraph(t(
            "results.profile_summary",
            best=headline.best_title, best_value=format_number(headline.best_median, decimal),
            worst=headline.weakest_title, worst_value=format_number(headline.weakest_median, decimal),
        ))
    report.image(charts.chart_image(charts.radar(profile, labels=labels), "png", scale=2), t("report.alt_radar"), max_width=120)
    report.table(
        [t("report.col.item"), t("report.col.title"), t("report.col.median"), t("report.col.mean"), t("report.col.previous")],
        [
            [row.item, row.title, format_number(row.median, decimal), format_number(row.mean, decimal), format_number(row.previous_median, decimal)]
            for row in profile.itertuples()
        ],
        [14, 90, 25, 25, 20],
        ["LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"],
    )

    report.chart_section(
        t("results.tab.blockades"), t("results.blockades_intro"), charts.blockade_pairs_chart(pairs, labels=labels),
        t("results.blockades_summary"), max_width=150,
    )
    report.table(
        [t("report.col.blockade"), t("report.col.median"), t("report.col.answered_by"), t("report.col.median")],
        [
            [f"{row.blockade} · {row.blockade_title}", format_number(row.blockade_median, decimal),
             f"{row.principle} · {row.principle_title}", format_number(row.principle_median, decimal)]
            for row in pairs.itertuples()
        ],
        [59, 21, 73, 21],
        ["LEFT", "RIGHT", "LEFT", "RIGHT"],
    )

    report.chart_section(
        t("results.tab.spread"), t("results.spread_intro"),
        charts.distribution(spread, labels={**labels, "x_title": labels["count_title"]}, score_labels_by_kind=score_labels_by_kind), t("report.alt_spread"),
    )

    if other_scales:
        report.paragraph(t("results.other_scales", periods=", ".join(other_scales)), style="B", size=9.5)
    if results.previous_period is not None:
        report.chart_section(
            t("results.tab.changes"), t("results.changes_summary", previous=results.previous_period),
            charts.changes_chart(changed, labels={**labels, "x_title": labels["change_title"]}), t("report.alt_changes"), max_width=160,
        )

    notes = services.round_notes(engine, quarter.id)
    actions = services.round_actions(engine, quarter.id)
    if notes or actions:
        report.heading(t("results.tab.actions"))
        for item in framework.items:
            if item.id in notes:
                report.paragraph(f"{item.id} · {item.title.get(lang)}", style="B", size=10)
                report.paragraph(notes[item.id])
        if actions:
            report.table(
                [t("report.col.what"), t("report.col.owner"), t("report.col.due"), t("report.col.scope"), t("report.col.status")],
                [
                    [action.what, action.owner or "", f"{action.due:%d-%m-%Y}" if action.due else "",
                     t(f"results.scope.{action.scope}"), t(f"results.status.{action.status}")]
                    for action in actions
                ],
                [70, 30, 24, 28, 22],
            )

    numbers = {
        row.item: t("report.item_numbers", median=format_number(row.median, decimal), mean=format_number(row.mean, decimal), n=int(row.n))
        for row in spread.itertuples()
        if not pd.isna(row.median)
    }
    _principle_texts(report, framework, lang, numbers)
    return report.output()


def organisation_report_pdf(engine: Engine, view: sharing.OrgView, *, lang: str = i18n.DEFAULT_LANGUAGE, areas: Sequence[str] = ()) -> bytes:
    """The manager's report of a view: teams × items, organisation figures, blockades, trend,
    the to-do list and the principle texts. With fewer than 3 teams only the explanation."""
    t = lambda key, **values: i18n.t(key, lang, **values)  # noqa: E731
    labels = chart_labels(lang)
    decimal = labels.get("decimal", ".")
    framework = framework_named(view.framework, engine)
    title = t("report.org_title")
    report = _Report(title, lang)
    selection = t("report.selection", areas=", ".join(areas) if areas else t("manager.all_areas"),
                  period=view.period or t("manager.latest_round"))
    report.title(title, selection)
    report.paragraph(t("report.made_on", date=dt.date.today().strftime("%d-%m-%Y")), colour=(77, 77, 77))
    report.paragraph(t("report.privacy", min_group=view.min_group_org), size=9.5, colour=(77, 77, 77))
    if not view.enough:
        report.paragraph(view.explanation(lang), style="B")
        return report.output()
    report.paragraph(t("report.teams_in_view", count=view.team_count))
    if view.older_scales:
        report.paragraph(t("manager.older_scales", periods=", ".join(view.older_scales)), style="B")
    if view.anonymous:
        report.paragraph(t("manager.low_trust_on"), style="B")

    teams, items = sharing.heatmap_order(view, "team")
    heat = charts.heatmap(
        sharing.heatmap_frame(view, teams, items), labels={**labels, "mean": t("manager.heatmap_legend")}, item_order=items,
        kind_of=framework.kind_of,
    )
    report.chart_section(
        t("manager.heatmap"), t("manager.heatmap_legend_text"), heat, t("report.alt_heatmap", count=view.team_count), max_height=228
    )
    # The same numbers as a table (the text alternative of the picture).
    report.heading(t("report.heatmap_table"), level=1, keep=30)
    cells = sharing.heatmap_frame(view, teams, items).pivot(index="team", columns="item", values="mean").reindex(index=teams, columns=items)
    report.table(
        [t("report.col.team"), *items],
        [[team, *(format_number(cells.at[team, item], decimal) for item in items)] for team in teams],
        [174 - 9 * len(items), *([9] * len(items))],
        ["LEFT", *(["RIGHT"] * len(items))],
        size=7.5,
    )

    report.heading(t("manager.org_figures"), new_page=True)
    report.paragraph(t("manager.org_figures_intro"))
    report.table(
        [t("report.col.item"), t("report.col.title"), t("report.col.teams"), t("report.col.median"), t("report.col.mean"),
         t("report.short.sd_teams"), t("report.short.lowest"), t("report.short.highest")],
        [
            [row.item, row.title, str(row.teams), format_number(row.median, decimal), format_number(row.mean, decimal),
             format_number(row.sd_teams, decimal), format_number(row.lowest, decimal), format_number(row.highest, decimal)]
            for row in view.organisation.itertuples()
        ],
        [10, 42, 15, 21, 25, 21, 20, 20],
        ["LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"],
    )

    pressure = sharing.blockade_pressure(view, lang)
    report.chart_section(
        t("manager.blockades"), t("manager.blockades_intro"), pressure_chart(pressure, labels={**labels, **pressure_labels(lang)}),
        t("manager.blockades_summary"), max_width=175,
    )

    trend = sharing.trend(view, lang=lang)
    report.chart_section(
        t("manager.trend"), t("manager.trend_low_trust") if view.anonymous else t("manager.trend_intro"),
        trend_chart(trend, labels={**labels, **trend_labels(lang)}), t("manager.trend_summary"), max_width=150,
    )

    actions = sharing.organisation_actions(engine, view, lang)
    report.heading(t("manager.actions"))
    report.paragraph(t("manager.actions_intro"))
    if actions.empty:
        report.paragraph(t("manager.no_actions"), colour=(77, 77, 77))
    report.table(
        [t("report.col.team"), t("report.col.what"), t("report.col.item"), t("report.col.scope"), t("report.col.due")],
        [
            [row.team, row.what, row.item or "", t(f"results.scope.{row.scope}"), f"{row.due:%d-%m-%Y}" if isinstance(row.due, dt.date) else ""]
            for row in actions.itertuples()
        ],
        [30, 80, 16, 26, 22],
    )
    if view.messages:
        report.heading(t("manager.messages"))
        for message in view.messages:
            report.paragraph(message.team + (f" · {message.period}" if message.period else ""), style="B", size=10)
            report.paragraph(message.text)

    numbers = {
        row.item: t("report.org_item_numbers", median=format_number(row.median, decimal), mean=format_number(row.mean, decimal), teams=int(row.teams))
        for row in view.organisation.itertuples()
    }
    _principle_texts(report, framework, lang, numbers)
    return report.output()


def pressure_labels(lang: str) -> dict[str, str]:
    return {key: i18n.t(f"manager.chart.{key}", lang) for key in ("teams_high", "teams_all", "of_teams")}


def trend_labels(lang: str) -> dict[str, str]:
    return {key: i18n.t(f"manager.chart.{key}", lang) for key in ("team_line", "organisation")}


def spread_labels(lang: str) -> dict[str, str]:
    return {key: i18n.t(f"manager.chart.{key}", lang) for key in ("team_dot", "organisation")}

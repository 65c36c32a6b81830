"""Downloads of the organisation's aggregates (CSV and XLSX) and the file names of chart
downloads. Aggregates only: never a single answer; cells a spreadsheet would run are made text."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence

import pandas as pd
from sqlalchemy import Engine

from kringwijs_survey.core import i18n
from kringwijs_survey.core.spreadsheet import csv_frame, text_cells
from kringwijs_survey.views import organisation

EXPORT_COLUMNS = ["team", "area", "period", "item", "title", *organisation.NUMBER_COLUMNS]


# ---------------------------------------------------------------------------------------------
# CSV and XLSX: aggregates only
# ---------------------------------------------------------------------------------------------


def _team_rows(view: organisation.OrgView) -> pd.DataFrame:
    """One row per shown team and item; counts as whole numbers."""
    frame = view.latest.reindex(columns=EXPORT_COLUMNS).copy()
    for column in ("respondents", "n", "n_dont_know", "count_1", "count_2", "count_3", "count_4", "count_5"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").round().astype("Int64")
    return frame


def aggregates_csv(view: organisation.OrgView) -> bytes:
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


def aggregates_xlsx(engine: Engine, view: organisation.OrgView, lang: str = i18n.DEFAULT_LANGUAGE) -> bytes:
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
    pressure = organisation.blockade_pressure(view, lang)
    _sheet(workbook, t("report.sheet.blockades"), pressure, [t(f"report.col.{column}") for column in pressure.columns], one)
    actions = organisation.organisation_actions(engine, view, lang)
    actions = actions.assign(
        scope=actions["scope"].map(lambda s: t(f"results.scope.{s}")), status=actions["status"].map(lambda s: t(f"results.status.{s}"))
    )
    _sheet(workbook, t("report.sheet.actions"), actions, [t(f"report.col.{column}") for column in actions.columns])
    workbook.save(buffer)
    return buffer.getvalue()


def chart_file_name(name: str, fmt: str) -> str:
    safe = "".join(char if char.isalnum() or char in "-_" else "-" for char in name.lower()).strip("-")
    return f"{safe or 'grafiek'}.{fmt}"

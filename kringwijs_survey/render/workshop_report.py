"""The workshop summary as pictures and paper: the projector's charts, one PNG, one PDF."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt

from kringwijs_survey.core import i18n
from kringwijs_survey.render import charts
from kringwijs_survey.render.pdf import Report
from kringwijs_survey.views.workshop_results import WorkshopSummary, agenda_lines, pair_lines

# The projector's chart area in CSS px at 1280 × 720 (the page's type grows with the screen
# width, and so does the picture): the screen's width, 70 % of its height.
PROJECTOR_CHART_BOX = (1200, 500)


def summary_charts(
    summary: WorkshopSummary, labels: Mapping[str, str], big: bool = True, box: tuple[float, float] | None = None
) -> tuple:
    """The profile and the blockade pairs; `box` (width, height): the px each may take."""
    width, height = box if box else (None, None)
    return (
        charts.radar(summary.profile, labels=labels, big=big, width=width, height=height),
        charts.blockade_pairs_chart(summary.pairs, labels=labels, big=big, width=width, height=height),
    )


def summary_png(summary: WorkshopSummary, labels: Mapping[str, str], lang: str) -> bytes:
    """The profile and the blockade pairs, one under the other, as one PNG with a heading."""
    radar, pairs = summary_charts(summary, labels, big=False)
    title = alt.TitleParams(
        text=i18n.t("presenter.summary_title", lang),
        subtitle=f"{summary.name} · {summary.period} · {i18n.t('presenter.people', lang, count=summary.respondents)}",
        fontSize=22, subtitleFontSize=15, font=charts.FONT, subtitleFont=charts.FONT, color=charts.INK,
        subtitleColor=charts.MUTED, anchor="start", offset=16,
    )
    combined = (
        alt.vconcat(radar, pairs, spacing=48, title=title, padding=24)
        .resolve_scale(color="independent", shape="independent")
        .resolve_legend(color="independent", shape="independent")
    )
    return charts.chart_image(combined, "png", scale=2)


def summary_pdf(summary: WorkshopSummary, labels: Mapping[str, str], lang: str) -> bytes:
    """An A4 PDF on the one PDF builder: heading, the profile and the items to talk about, then
    the blockade pairs and their lines."""
    decimal = labels.get("decimal", ".")
    title = i18n.t("presenter.summary_title", lang)
    report = Report(title, lang)
    report.title(title, f"{summary.name} · {summary.period} · {i18n.t('presenter.people', lang, count=summary.respondents)}")
    if not summary.shown:
        report.paragraph(i18n.t("presenter.summary_hidden", lang))
        return report.output()
    radar, pairs = summary_charts(summary, labels, big=False)
    report.chart_section(i18n.t("presenter.profile", lang), None, radar, i18n.t("presenter.profile", lang), max_width=120)
    report.heading(i18n.t("presenter.agenda", lang))
    for line in agenda_lines(summary, lang, decimal):
        report.paragraph(line)
    report.chart_section(i18n.t("presenter.blockades", lang), None, pairs, i18n.t("presenter.blockades", lang), max_width=170)
    for line in pair_lines(summary, lang, decimal):
        report.paragraph(line)
    return report.output()

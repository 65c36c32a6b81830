"""Every word a chart shows, in one language, for code that runs without Streamlit (PDF, PNG,
the projector); the pages take theirs through ui.chart_labels."""

from __future__ import annotations

from kringwijs_survey.core import i18n


def chart_labels(lang: str, **extra: str) -> dict[str, str]:
    """Every word a chart shows (keys chart.*), for code that runs without Streamlit."""
    prefix = "chart."
    table = i18n.table(lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)
    return {**{key[len(prefix):]: value for key, value in table.items() if key.startswith(prefix)}, **extra}


def pressure_labels(lang: str) -> dict[str, str]:
    return {key: i18n.t(f"manager.chart.{key}", lang) for key in ("teams_high", "teams_all", "of_teams")}


def trend_labels(lang: str) -> dict[str, str]:
    return {key: i18n.t(f"manager.chart.{key}", lang) for key in ("team_line", "organisation")}


def spread_labels(lang: str) -> dict[str, str]:
    return {key: i18n.t(f"manager.chart.{key}", lang) for key in ("team_dot", "organisation")}

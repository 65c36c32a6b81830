"""The PDF reports: a team's own report of one round and the organisation's report, laid out
with the one PDF builder (render.pdf).

Every number comes from the one aggregation (through `organisation.organisation_view` for the
organisation, `rounds.team_summary` and `team_results.for_period` for a team), never a single
answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
from sqlalchemy import Engine

from kringwijs_survey.core import i18n
from kringwijs_survey.core.formatting import format_number
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import notes, rounds, teams
from kringwijs_survey.render import charts
from kringwijs_survey.render.chart_words import chart_labels, pressure_labels, trend_labels
from kringwijs_survey.render.pdf import Report
from kringwijs_survey.rules import policy
from kringwijs_survey.rules.content import framework_named
from kringwijs_survey.rules.own_frameworks import of_round
from kringwijs_survey.views import organisation, team_results

# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------


def _principle_texts(report: Report, framework, lang: str, numbers: Mapping[str, str] | None = None) -> None:
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
    team = teams.get_team(engine, team_id)
    survey_round = rounds.get_round(engine, round_id)
    if team is None or survey_round is None or survey_round.team_id != team.id:
        raise InvalidInput("error.round_not_of_team")
    if not rounds.results_released(survey_round):
        raise InvalidInput("error.report_open_round")
    framework = of_round(engine, survey_round)
    summary = rounds.team_summary(engine, team, framework.id, min_group)
    this_round = summary[summary["period"] == survey_round.period]
    if this_round.empty or bool(this_round["suppressed"].any()):
        raise InvalidInput("error.report_too_few", minimum=policy.at_least(min_group))
    labels = chart_labels(lang)
    decimal = labels.get("decimal", ".")
    answered = int(this_round["respondents"].iloc[0])
    results = team_results.for_period(summary, framework, survey_round.period, lang)
    profile, pairs, spread, changed = results.profile, results.pairs, results.spread, results.changes
    score_labels_by_kind = framework.scale_set(survey_round.scales).score_labels(lang)
    other_scales = results.other_scales

    title = t("report.team_title", team=team.name)
    report = Report(title, lang)
    report.title(title, t("report.team_subtitle", period=survey_round.period, framework=framework.title.get(lang)))
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

    item_notes = notes.round_notes(engine, survey_round.id)
    actions = notes.round_actions(engine, survey_round.id)
    if item_notes or actions:
        report.heading(t("results.tab.actions"))
        for item in framework.items:
            if item.id in item_notes:
                report.paragraph(f"{item.id} · {item.title.get(lang)}", style="B", size=10)
                report.paragraph(item_notes[item.id])
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


def organisation_report_pdf(engine: Engine, view: organisation.OrgView, *, lang: str = i18n.DEFAULT_LANGUAGE, areas: Sequence[str] = ()) -> bytes:
    """The manager's report of a view: teams × items, organisation figures, blockades, trend,
    the to-do list and the principle texts. With fewer than 3 teams only the explanation."""
    t = lambda key, **values: i18n.t(key, lang, **values)  # noqa: E731
    labels = chart_labels(lang)
    decimal = labels.get("decimal", ".")
    framework = framework_named(view.framework, engine)
    title = t("report.org_title")
    report = Report(title, lang)
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

    team_list, items = organisation.heatmap_order(view, "team")
    heat = charts.heatmap(
        organisation.heatmap_frame(view, team_list, items), labels={**labels, "mean": t("manager.heatmap_legend")}, item_order=items,
        kind_of=framework.kind_of,
    )
    report.chart_section(
        t("manager.heatmap"), t("manager.heatmap_legend_text"), heat, t("report.alt_heatmap", count=view.team_count), max_height=228
    )
    # The same numbers as a table (the text alternative of the picture).
    report.heading(t("report.heatmap_table"), level=1, keep=30)
    cells = organisation.heatmap_frame(view, team_list, items).pivot(index="team", columns="item", values="mean").reindex(index=team_list, columns=items)
    report.table(
        [t("report.col.team"), *items],
        [[team, *(format_number(cells.at[team, item], decimal) for item in items)] for team in team_list],
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

    pressure = organisation.blockade_pressure(view, lang)
    report.chart_section(
        t("manager.blockades"), t("manager.blockades_intro"), charts.pressure_chart(pressure, labels={**labels, **pressure_labels(lang)}),
        t("manager.blockades_summary"), max_width=175,
    )

    trend = organisation.trend(view, lang=lang)
    report.chart_section(
        t("manager.trend"), t("manager.trend_low_trust") if view.anonymous else t("manager.trend_intro"),
        charts.trend_chart(trend, labels={**labels, **trend_labels(lang)}), t("manager.trend_summary"), max_width=150,
    )

    actions = organisation.organisation_actions(engine, view, lang)
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

import streamlit as st

from kringwijs_survey.core import formatting
from kringwijs_survey.render import chart_words, charts, exports, reports, tables
from kringwijs_survey.rules.content import DEFAULT_FRAMEWORK
from kringwijs_survey.views import organisation, team_results
from kringwijs_survey.web import guard, typed_text, ui

who = guard.guard_page(__file__)

lang = ui.language()
engine = ui.engine()
settings = ui.settings()
labels = ui.chart_labels()
fit = ui.content_width()  # every chart is built to fit the page's width
decimal = labels.get("decimal", ".")
frameworks = ui.frameworks()


def chart_downloads(chart, name: str) -> None:
    """PNG and SVG of a chart, rendered only when someone clicks."""
    buttons = st.container(horizontal=True)  # side by side as far as they fit, never cut off
    buttons.download_button(
        ui.t("manager.download_png"), data=lambda: charts.chart_image(chart, "png"), file_name=exports.chart_file_name(name, "png"),
        mime="image/png", icon=":material/image:", on_click="ignore", key=f"png-{name}",
    )
    buttons.download_button(
        ui.t("manager.download_svg"), data=lambda: charts.chart_image(chart, "svg"), file_name=exports.chart_file_name(name, "svg"),
        mime="image/svg+xml", icon=":material/image:", on_click="ignore", key=f"svg-{name}",
    )


def columns_named(frame, columns):
    return tables.readable(frame[columns], lang)


st.title(ui.t("manager.title"))
st.markdown(ui.t("manager.intro", min_group=settings.min_group_org))

framework = frameworks[st.selectbox(
    ui.t("principles.framework"), list(frameworks), index=list(frameworks).index(DEFAULT_FRAMEWORK),
    format_func=ui.framework_names().get, key="manager_framework",
)]
areas_available, periods_available = organisation.available_filters(engine, min_group_org=settings.min_group_org, framework=framework.id)
area_column, quarter_column, mode_column = st.columns([2, 2, 1.4], vertical_alignment="bottom")
areas = area_column.multiselect(ui.t("manager.area"), areas_available, placeholder=ui.t("manager.all_areas"))
period = quarter_column.selectbox(
    ui.t("manager.quarter"), [None, *periods_available], format_func=lambda p: ui.t("manager.latest_round") if p is None else p
)
low_trust = mode_column.toggle(ui.t("manager.low_trust"), help=ui.t("manager.low_trust_help"), key="manager_low_trust")

view = organisation.organisation_view(engine, min_group_org=settings.min_group_org, periods=period, areas=areas, framework=framework.id, lang=lang)
if low_trust:
    view = organisation.anonymise(view, st.session_state.setdefault("manager_seed", organisation.new_seed()))
    st.info(ui.t("manager.low_trust_on"), icon=":material/visibility_off:")


def residents_view():
    return organisation.residents_view(
        engine, min_group_org=settings.min_group_org, min_group_residents=settings.min_group_residents, periods=period, areas=areas,
        framework=framework.id, lang=lang,
    )


VIEWS = ("overview", "profiles", "spread", "trend", "blockades", "actions", "residents", "downloads")
if view.enough:
    st.caption(ui.t("manager.teams_in_view", count=view.team_count))
    if view.older_scales:
        st.warning(ui.t("manager.older_scales", periods=", ".join(view.older_scales)), icon=":material/straighten:")
else:
    # Too few teams shared their own numbers; residents' results shared by enough teams still show.
    st.info(view.explanation(lang), icon=":material/groups:")
    if not residents_view().enough:
        st.stop()
    VIEWS = ("residents",)
if st.session_state.get("manager_view") not in VIEWS:  # a view that is not on offer for this choice
    st.session_state.pop("manager_view", None)
# One view at a time: only what is on screen is computed and drawn.
view_name = st.radio(ui.t("manager.view"), VIEWS, format_func=lambda name: ui.t(f"manager.tab.{name}"), horizontal=True, key="manager_view")
most_spread = organisation.most_different(view)

if view_name == "overview":
    st.subheader(ui.t("manager.heatmap"))
    sort_column, item_column = st.columns(2)
    sort_by = sort_column.radio(ui.t("manager.sort"), ("team", "item", "spread"), format_func=lambda key: ui.t(f"manager.sort.{key}"), horizontal=True)
    sort_item = None
    if sort_by == "item":
        sort_item = item_column.selectbox(ui.t("manager.sort_item"), framework.item_ids, format_func=lambda i: f"{i} · {framework.item(i).title.get(lang)}")
    teams, items = organisation.heatmap_order(view, sort_by, sort_item)
    cells = organisation.heatmap_frame(view, teams, items)
    st.markdown(ui.t("manager.heatmap_legend_text"))
    seed = st.session_state.get("manager_seed") if low_trust else None
    heat = ui.chart_spec(
        ("heatmap", framework.id, period, tuple(areas), sort_by, sort_item, seed, lang, fit),
        lambda: charts.heatmap(cells, labels={**labels, "mean": ui.t("manager.heatmap_legend")}, item_order=items, kind_of=framework.kind_of, width=fit),
    )
    ui.show_chart(
        heat,
        ui.plain("manager.heatmap_summary", count=view.team_count, items=len(items), item=f"{most_spread['item']} · {most_spread['title']}",
             sd=formatting.format_number(most_spread["sd_teams"], decimal)),
        cells.pivot(index="team", columns="item", values="mean").reindex(index=teams, columns=items).reset_index(),
    )
    chart_downloads(heat, "teams-en-vragen")
    st.subheader(ui.t("manager.org_figures"))
    st.markdown(ui.t("manager.org_figures_intro"))
    ui.show_table(columns_named(view.organisation, ["item", "title", "teams", "median", "mean", "sd_teams", "lowest", "highest"]))

if view_name == "profiles":
    chosen = st.multiselect(ui.t("manager.profiles_pick"), list(view.teams), default=list(view.teams[:3]), max_selections=6)
    if len(chosen) < 2:
        st.info(ui.t("manager.profiles_need"), icon=":material/info:")
    else:
        st.markdown(ui.t("manager.profiles_intro"))
        for start in range(0, len(chosen), 2):
            for column, team in zip(st.columns(2), chosen[start:start + 2]):
                with column:
                    profile = organisation.team_profile(view, team)
                    headline = team_results.headline(profile)
                    # Two side by side; one under the other on a phone.
                    radar = charts.radar(profile, labels={**labels, "median": team, "previous": ui.t("manager.org_median"), "title": team},
                                         width=fit if fit < 600 else (fit - 32) / 2)
                    ui.show_chart(
                        radar,
                        ui.plain("manager.profile_summary", team=team, best=headline.best_title, best_value=formatting.format_number(headline.best_median, decimal),
                             worst=headline.weakest_title, worst_value=formatting.format_number(headline.weakest_median, decimal))
                        if headline else labels["no_data"],
                        columns_named(profile.rename(columns={"previous_median": "previous"}), ["item", "title", "median", "mean"]),
                    )
                    chart_downloads(radar, f"profiel-{team}")

if view_name == "spread":
    st.markdown(ui.t("manager.spread_intro"))
    highlight = st.selectbox(ui.t("manager.highlight"), [None, *view.teams], format_func=lambda team: ui.t("manager.no_highlight") if team is None else team)
    spread = organisation.item_spread(view, highlight)
    spread_chart = charts.natural_size(charts.team_spread_chart(spread, labels={**labels, **chart_words.spread_labels(lang)}, highlight=highlight, width=fit))
    ui.show_chart(
        spread_chart,
        ui.plain("manager.spread_summary_team", team=highlight) if highlight else ui.plain("manager.spread_summary", item=f"{most_spread['item']} · {most_spread['title']}"),
        columns_named(view.organisation, ["item", "title", "mean", "sd_teams", "lowest", "highest"]),
    )
    chart_downloads(spread_chart, "verschil-tussen-teams")

if view_name == "trend":
    st.markdown(ui.t("manager.trend_low_trust") if view.anonymous else ui.t("manager.trend_intro"))
    trend_column, highlight_column = st.columns(2)
    trend_item = trend_column.selectbox(
        ui.t("manager.trend_item"), [None, *framework.item_ids],
        format_func=lambda i: ui.t("manager.trend_all") if i is None else f"{i} · {framework.item(i).title.get(lang)}",
    )
    trend_highlight = None
    if not view.anonymous:
        trend_highlight = highlight_column.selectbox(
            ui.t("manager.highlight"), [None, *view.teams], format_func=lambda team: ui.t("manager.no_highlight") if team is None else team, key="trend_highlight"
        )
    trend = organisation.trend(view, trend_item, lang)
    trend_chart = charts.natural_size(charts.trend_chart(
        trend, labels={**labels, **chart_words.trend_labels(lang)}, highlight=trend_highlight, width=fit,
        kind=framework.item(trend_item).kind if trend_item else "principle",
    ))
    ui.show_chart(trend_chart, ui.t("manager.trend_summary"), trend.pivot(index="series", columns="period", values="mean").reset_index() if not trend.empty else None)
    chart_downloads(trend_chart, "door-de-tijd")

if view_name == "blockades":
    st.subheader(ui.t("manager.blockades"))
    st.markdown(ui.t("manager.blockades_intro"))
    pressure = organisation.blockade_pressure(view, lang)
    pressure_chart = charts.natural_size(charts.pressure_chart(pressure, labels={**labels, **chart_words.pressure_labels(lang)}, width=fit))
    ui.show_chart(pressure_chart, ui.t("manager.blockades_summary"), columns_named(pressure, ["item", "title", "teams_high", "teams", "mean", "median"]))
    chart_downloads(pressure_chart, "blokkades")

if view_name == "actions":
    st.subheader(ui.t("manager.actions"))
    st.markdown(ui.t("manager.actions_intro"))
    actions = organisation.organisation_actions(engine, view, lang)
    if actions.empty:
        st.caption(ui.t("manager.no_actions"))
    else:
        shown = actions.assign(
            scope=actions["scope"].map(lambda s: ui.t(f"results.scope.{s}")), status=actions["status"].map(lambda s: ui.t(f"results.status.{s}"))
        )
        ui.show_table(columns_named(shown, ["team", "what", "item", "scope", "status", "due"]))
    if view.messages:
        st.subheader(ui.t("manager.messages"))
        for message in view.messages:
            with st.container(border=True):
                typed_text.show(message.team + (f" · {message.period}" if message.period else ""), "caption")
                typed_text.show(message.text)

if view_name == "residents":
    residents = residents_view()
    if not residents.enough:
        st.info(residents.explanation(lang), icon=":material/groups:")
    else:
        st.markdown(ui.t("manager.residents_intro", minimum=residents.minimum))
        st.caption(ui.t("manager.residents_teams", count=residents.team_count))
        headline = team_results.headline(residents.organisation)
        if headline is None or headline.best_median == headline.weakest_median:
            summary = ui.plain("manager.residents_summary_same", count=residents.team_count, items=len(residents.organisation))
        else:
            summary = ui.plain(
                "manager.residents_summary", count=residents.team_count, items=len(residents.organisation),
                best=f"{headline.best_item} · {headline.best_title}", best_value=formatting.format_number(headline.best_median, decimal),
                worst=f"{headline.weakest_item} · {headline.weakest_title}", worst_value=formatting.format_number(headline.weakest_median, decimal),
            )
        if low_trust:  # no team names, no letters: only all teams together
            st.caption(ui.t("manager.residents_low_trust"))
        else:
            cells = organisation.residents_heatmap_frame(residents)
            principles = list(residents.organisation["item"])
            st.markdown(ui.t("manager.residents_legend_text"))
            residents_heat = ui.chart_spec(
                ("residents-heatmap", framework.id, period, tuple(areas), lang, fit),
                lambda: charts.heatmap(cells, labels={**labels, "mean": ui.t("manager.residents_legend")}, item_order=principles, width=fit),
            )
            ui.show_chart(
                residents_heat, summary,
                cells.pivot(index="team", columns="item", values="mean").reindex(index=list(residents.teams), columns=principles).reset_index(),
            )
            chart_downloads(residents_heat, "wat-vinden-inwoners")
            ui.show_table(columns_named(residents.teams_frame, ["team", "item", "title", "respondents", "median"]))
        st.subheader(ui.t("manager.residents_org"))
        st.markdown(ui.t("manager.residents_org_intro"))
        if low_trust:
            typed_text.show(summary, "caption")
        ui.show_table(columns_named(residents.organisation, ["item", "title", "teams", "median", "lowest_median", "highest_median"]))

if view_name == "downloads":
    st.markdown(ui.t("manager.downloads_intro"))
    csv_column, xlsx_column, pdf_column = st.columns(3)
    csv_column.download_button(
        ui.t("manager.download_csv"), data=lambda: exports.aggregates_csv(view), file_name="teams-vergelijken.csv",
        mime="text/csv", icon=":material/table:", on_click="ignore",
    )
    xlsx_column.download_button(
        ui.t("manager.download_xlsx"), data=lambda: exports.aggregates_xlsx(engine, view, lang), file_name="teams-vergelijken.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/table_view:", on_click="ignore",
    )
    pdf_column.download_button(
        ui.t("manager.download_pdf"), data=lambda: reports.organisation_report_pdf(engine, view, lang=lang, areas=areas), file_name="teams-vergelijken.pdf",
        mime="application/pdf", icon=":material/picture_as_pdf:", on_click="ignore",
    )

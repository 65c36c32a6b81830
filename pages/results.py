import streamlit as st

from kringwijs_survey.core import formatting
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.core.vocabulary import ACTION_SCOPES
from kringwijs_survey.domain import notes, rounds, teams
from kringwijs_survey.render import charts, reports, tables
from kringwijs_survey.rules.content import COUNT_COLUMNS
from kringwijs_survey.views import residents, team_results
from kringwijs_survey.web import guard, invitations, styles, typed_text, ui

who = guard.guard_page(__file__)

lang = ui.language()
engine = ui.engine()
settings = ui.settings()
team = teams.get_team(engine, who.team_id)
round_list = rounds.list_rounds(engine, team.id)
ui.say("results.title", "title", team=team.name)

if not round_list:
    st.info(ui.t("results.no_rounds"), icon=":material/info:")
    st.stop()

by_id = {survey_round.id: survey_round for survey_round in round_list}
chosen = st.session_state.get("results_round")
if chosen not in by_id:  # from the menu: the newest round that has results
    chosen = rounds.newest_round_with_results(round_list).id
quarter_id = st.selectbox(
    ui.t("results.round"),
    list(by_id),
    index=list(by_id).index(chosen),
    format_func=lambda rid: f"{by_id[rid].period} · {ui.framework_title(by_id[rid], lang)}",
)
survey_round = by_id[quarter_id]
if survey_round.id != round_list[0].id and not rounds.results_released(round_list[0]):
    st.caption(ui.t("results.newer_round_open", period=survey_round.period, open_period=round_list[0].period))
framework = ui.framework_of(survey_round)
answered = rounds.count_responses(engine, survey_round.id)
if survey_round.invitation_only:
    invitations.show_invitation_state(survey_round.id)

if not rounds.results_released(survey_round):
    st.info(ui.t("results.still_open", answered=answered), icon=":material/hourglass_top:")
    st.stop()

summary = rounds.team_summary(engine, team, framework.id, settings.min_group)
this_round = summary[summary["period"] == survey_round.period]
if this_round.empty or bool(this_round["suppressed"].any()):
    st.warning(ui.t("results.too_few", answered=answered, minimum=settings.min_group), icon=":material/group:")
    st.stop()

labels = ui.chart_labels()
fit = ui.content_width()  # every chart is built to fit the page's width
decimal = labels.get("decimal", ".")
score_labels_by_kind = framework.scale_set(survey_round.scales).score_labels(lang)
score_labels = score_labels_by_kind["principle"]
results = team_results.for_period(summary, framework, survey_round.period, lang)
st.caption(ui.t("results.based_on", answered=answered))
for flag, withheld in results.withheld.items():
    if withheld:
        st.info(ui.t(f"results.{flag}", items="; ".join(withheld), minimum=settings.min_group), icon=":material/group:")
st.download_button(
    ui.t("report.team_pdf"), data=lambda: reports.team_report_pdf(engine, team.id, survey_round.id, min_group=settings.min_group, lang=lang),
    file_name=f"verslag-{survey_round.period}.pdf", mime="application/pdf", icon=":material/picture_as_pdf:", on_click="ignore",
)

SECTIONS = ("profile", "blockades", "spread", "changes", "agenda", "actions", "residents")
titles = {name: ui.t(f"results.tab.{name}") for name in SECTIONS if name != "residents"} | {"residents": ui.t("residents.tab")}
printing = st.toggle(ui.t("results.print_version"), help=ui.t("results.print_help"), key="results_print")
if printing:
    styles.print_friendly()
    chosen = [name for name in SECTIONS if name != "actions"]
else:
    # One section at a time: only what is on screen is computed and drawn.
    chosen = [st.radio(ui.t("results.view"), SECTIONS, format_func=titles.get, horizontal=True, key="results_view")]


def section(name: str) -> bool:
    if name in chosen and printing:
        st.header(titles[name])
    return name in chosen


if section("profile"):
    if results.other_scales:
        st.warning(ui.t("results.other_scales", periods=", ".join(results.other_scales)), icon=":material/straighten:")
    text = ui.plain(
        "results.profile_summary",
        best=headline.best_title, best_value=formatting.format_number(headline.best_median, decimal),
        worst=headline.weakest_title, worst_value=formatting.format_number(headline.weakest_median, decimal),
    ) if (headline := results.headline) else labels["no_data"]
    ui.show_chart(charts.radar(results.profile, labels=labels, width=fit), text)
    ui.show_chart(
        charts.member_dots(results.profile, labels=labels, score_labels=score_labels, width=fit),
        ui.t("results.dots_summary"),
        results.profile[["item", "title", "median", "target_mean", "previous_median", *COUNT_COLUMNS]],
    )

if section("blockades"):
    st.markdown(ui.t("results.blockades_intro"))
    ui.show_chart(
        charts.blockade_pairs_chart(results.pairs, labels=labels, width=fit), ui.t("results.blockades_summary"),
        results.pairs[["blockade", "blockade_title", "blockade_median", "principle", "principle_title", "principle_median"]],
    )

if section("spread"):
    st.markdown(ui.t("results.spread_intro"))
    top = results.spread.iloc[0] if not results.spread.empty else None
    ui.show_chart(
        charts.distribution(results.spread, labels={**labels, "x_title": labels["count_title"]}, score_labels_by_kind=score_labels_by_kind, width=fit),
        ui.plain("results.spread_summary", item=top["title"], sd=formatting.format_number(top["sd"], decimal)) if top is not None else labels["no_data"],
        results.spread[["item", "title", "sd", "lowest", "highest", *COUNT_COLUMNS, "n_dont_know"]],
    )

if section("changes"):
    if results.other_scales:
        st.warning(ui.t("results.other_scales", periods=", ".join(results.other_scales)), icon=":material/straighten:")
    if results.previous_period is None:
        st.info(ui.t("results.no_previous"), icon=":material/info:")
    else:
        ui.show_chart(
            charts.changes_chart(results.changes, labels={**labels, "x_title": labels["change_title"]}, width=fit),
            ui.plain("results.changes_summary", previous=results.previous_period),
            results.changes[["item", "title", "previous_mean", "mean", "delta", "outcome"]],
        )
    st.subheader(ui.t("results.history"))
    ui.show_chart(
        charts.small_multiples(results.history, labels=labels, width=fit), ui.t("results.history_summary"),
        results.history[["item", "title", "period", "mean", "median"]],
    )

if section("agenda"):
    st.markdown(ui.t("results.agenda_intro"))
    ui.show_table(tables.readable(results.agenda[["rank", "item", "title", "n_discuss", "sd"]], lang))
    comments = notes.round_comments(engine, survey_round.id, settings.min_group)
    st.subheader(ui.t("results.comments"))
    if not comments:
        st.caption(ui.t("results.no_comments"))
    for item in framework.items:
        for comment in comments.get(item.id, []):
            with st.container(border=True):
                st.caption(f"{item.id} · {item.title.get(lang)}")
                typed_text.show(comment)

if section("actions"):
    saved_notes = notes.round_notes(engine, survey_round.id)
    st.markdown(ui.t("results.notes_intro"))
    with st.form("notes"):
        written = {
            item.id: st.text_area(f"{item.id} · {item.title.get(lang)}", value=saved_notes.get(item.id, ""), max_chars=2000, height=68)
            for item in framework.items
        }
        if st.form_submit_button(ui.t("results.save_notes"), type="primary"):
            try:
                for item_id, text in written.items():
                    if text != saved_notes.get(item_id, ""):
                        notes.save_note(engine, survey_round.id, item_id, text, actor=who)
                st.success(ui.t("results.saved"), icon=":material/check:")
            except InvalidInput as error:
                ui.show_error(error)

    st.subheader(ui.t("results.actions"))
    for action in notes.round_actions(engine, survey_round.id):
        typed_text.show(f"• {action.what} · {ui.t('results.scope.' + action.scope)} · {ui.t('results.status.' + action.status)}")
    with st.form("new_action", clear_on_submit=True):
        what = st.text_input(ui.t("results.action_what"), max_chars=500)
        item_id = st.selectbox(
            ui.t("results.action_item"), [None, *framework.item_ids],
            format_func=lambda i: ui.t("results.action_no_item") if i is None else f"{i} · {framework.item(i).title.get(lang)}",
        )
        owner = st.text_input(ui.t("results.action_owner"), max_chars=100)
        due = st.date_input(ui.t("results.action_due"), value=None, format="DD-MM-YYYY")
        scope = st.radio(ui.t("results.action_scope"), ACTION_SCOPES, format_func=lambda s: ui.t("results.scope." + s), horizontal=True)
        if st.form_submit_button(ui.t("results.add_action"), type="primary"):
            try:
                notes.add_action(engine, survey_round.id, notes.ActionInput(what, item_id, owner, due, scope), actor=who)
                st.rerun()
            except InvalidInput as error:
                ui.show_error(error)

if section("residents"):  # the residents' view beside the team's own view
    view = residents.perspectives(
        engine, survey_round, min_group=settings.min_group, min_group_residents=settings.min_group_residents, lang=lang
    )
    if not framework.resident_statements:
        st.info(ui.t("residents.no_statements"), icon=":material/info:")
    elif view.residents_round is None:
        st.info(ui.t("residents.none_yet"), icon=":material/info:")
    elif not view.released:
        st.info(ui.t("residents.still_open", answered=view.respondents), icon=":material/hourglass_top:")
    elif not view.shown:
        st.warning(ui.t("residents.too_few", answered=view.respondents, minimum=view.minimum), icon=":material/group:")
    else:
        st.markdown(ui.t("residents.results_intro" if view.same_scale else "residents.results_intro_other_scale"))
        st.caption(ui.t("residents.based_on", answered=view.respondents))
        differ = view.largest_differences()
        number = lambda value: formatting.format_number(value, decimal)  # noqa: E731
        biggest = differ.iloc[0] if not differ.empty else None
        ui.show_chart(
            charts.perspectives_chart(
                view.frame,
                labels=ui.chart_labels(
                    team=ui.t("residents.chart_team"), residents=ui.t("residents.chart_residents"),
                    difference=ui.t("residents.chart_difference"), x_title=ui.t("residents.chart_x_title"),
                    missing=ui.t("residents.chart_missing"),
                ),
                width=fit,
            ),
            ui.plain(
                "residents.chart_summary", item=f"{biggest['item']} · {biggest['title']}",
                team=number(biggest["team_median"]), residents=number(biggest["residents_median"]),
            ) if biggest is not None else ui.t("residents.chart_summary_same"),
            view.frame[["item", "title", "team_median", "residents_median", "difference", "residents_n"]],
        )
        st.subheader(ui.t("residents.differ_most"))
        for row in differ.itertuples():
            if view.same_scale:
                key = "residents.difference_lower" if row.difference < 0 else "residents.difference_higher"
            else:
                key = "residents.difference_other_scale"
            st.markdown("- " + ui.t(
                key, item=f"{row.item} · {row.title}", team=number(row.team_median), residents=number(row.residents_median),
            ))
        st.markdown(ui.t("residents.talk_about") if not differ.empty else ui.t("residents.no_big_difference"))
    st.caption(ui.t("residents.private"))

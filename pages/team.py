import streamlit as st

from kringwijs_survey.core import periods
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import notes, rounds, sharing, teams, workshop
from kringwijs_survey.render import qr
from kringwijs_survey.rules import policy
from kringwijs_survey.rules.content import DEFAULT_FRAMEWORK
from kringwijs_survey.web import guard, invitations, signin, typed_text, ui

who = guard.guard_page(__file__)

lang = ui.language()
engine = ui.engine()
team = teams.get_team(engine, who.team_id)
frameworks = ui.frameworks()

typed_text.show(team.name, "title")
if team.area:
    typed_text.show(team.area, "caption")

with st.expander(ui.t("team.start_round"), expanded=not rounds.list_rounds(engine, team.id), icon=":material/add:"):
    with st.form("start_round"):
        period_choices = periods.nearby_periods()
        period = st.selectbox(ui.t("team.period"), period_choices, index=period_choices.index(periods.current_period()))
        framework_id = st.selectbox(
            ui.t("principles.framework"),
            list(frameworks),
            index=list(frameworks).index(DEFAULT_FRAMEWORK),
            format_func=ui.framework_names().get,
        )
        if st.form_submit_button(ui.t("team.start"), type="primary"):
            try:
                rounds.start_round(engine, team.id, period, framework_id)
                st.rerun()
            except InvalidInput as error:
                ui.show_error(error)

st.header(ui.t("team.rounds"))
for survey_round in rounds.list_rounds(engine, team.id):
    answered = rounds.count_responses(engine, survey_round.id)
    with st.container(border=True):
        st.subheader(f"{survey_round.period} · {ui.framework_title(survey_round, lang)}")
        status = ui.t(f"team.status.{survey_round.status}")
        st.markdown(ui.t("team.round_state", status=status, answered=answered))
        if survey_round.invitation_only:
            invitations.show_invitation_state(survey_round.id)
        if survey_round.status == "open":
            if survey_round.invitation_only:
                invitations.invitations_form(survey_round.id)
                with st.expander(ui.t("team.workshop_title"), icon=":material/co_present:"):
                    st.markdown(ui.t("team.workshop_intro"))
                    if st.button(ui.t("team.workshop_make"), key=f"workshop-{survey_round.id}", icon=":material/key:"):
                        try:
                            st.markdown(ui.t("team.workshop_code", code=workshop.open_team_round_for_workshop(engine, survey_round.id, actor=who)))
                        except InvalidInput as error:
                            ui.show_error(error)
            else:
                st.caption(ui.t("invitation.legacy"))
                st.markdown(ui.t("team.share_join", code=survey_round.join_code))
                st.code(signin.join_link(survey_round.join_code), language=None)
            final = "final" if not policy.may_reopen(answered) else "reopenable"
            ui.confirm_then(
                ui.t("team.close"), f"close-{survey_round.id}", ui.t(f"team.close_confirm.{final}", answered=answered),
                ui.t("team.close_yes"), lambda rid=survey_round.id: rounds.close_round(engine, rid, actor=who), icon=":material/lock:",
            )
        else:
            if policy.may_reopen(answered) and st.button(ui.t("team.reopen"), key=f"reopen-{survey_round.id}", icon=":material/lock_open:"):
                ui.run_or_explain(lambda rid=survey_round.id: rounds.set_round_status(engine, rid, "open", actor=who))
            # Sharing with the organisation (sharing.py says what is and is not shared).
            minimum_org = policy.group_minimum(policy.View.ORGANISATION, ui.settings())
            # Only a click changes sharing (on_change); the switch always shows the stored state,
            # so a stale switch in another tab can never publish a withdrawn round again.
            st.session_state[f"share-{survey_round.id}"] = survey_round.published
            st.toggle(
                ui.t("sharing.toggle"), key=f"share-{survey_round.id}",
                on_change=lambda rid=survey_round.id: (sharing.publish_round if st.session_state[f"share-{rid}"] else sharing.withdraw_round)(engine, rid),
            )
            st.caption(ui.t("sharing.shared") if survey_round.published else ui.t("sharing.not_shared"))
            if survey_round.published and not policy.shows_organisation(answered, ui.settings()):
                st.warning(ui.t("sharing.too_few_for_org", answered=answered, minimum=minimum_org), icon=":material/group:")
            with st.expander(ui.t("sharing.what_title"), icon=":material/share:"):
                st.markdown(ui.t("sharing.what", minimum=minimum_org))
                with st.form(f"message-{survey_round.id}"):
                    message = st.text_area(ui.t("sharing.message"), value=survey_round.shared_message or "", max_chars=2000, help=ui.t("sharing.message_help"))
                    if st.form_submit_button(ui.t("sharing.save_message")):
                        try:
                            sharing.share_summary(engine, survey_round.id, message)
                            st.success(ui.t("sharing.saved"), icon=":material/check:")
                        except InvalidInput as error:
                            ui.show_error(error)
        if st.button(ui.t("team.see_results"), key=f"results-{survey_round.id}", icon=":material/insights:"):
            st.session_state["results_round"] = survey_round.id
            st.switch_page("pages/results.py")
        if ui.framework_of(survey_round).resident_statements:  # residents: their own round, link, QR and code
            residents = rounds.residents_round_of(engine, survey_round)
            if residents is None:
                if st.button(ui.t("residents.ask"), key=f"ask-residents-{survey_round.id}", icon=":material/diversity_1:", help=ui.t("residents.ask_help")):
                    rounds.open_residents_round(engine, survey_round.id, actor=who)
                    st.rerun()
            else:
                with st.expander(ui.t("residents.invite_title", answered=rounds.count_responses(engine, residents.id)), expanded=residents.status == "open", icon=":material/diversity_1:"):
                    if residents.status == "open":
                        link = signin.residents_link(residents.join_code)
                        st.markdown(ui.t("residents.share", code=residents.join_code))
                        st.code(link, language=None)
                        st.image(qr.qr_png(link), width=220, caption=ui.t("residents.qr_caption", code=residents.join_code))
                        st.download_button(ui.t("residents.qr_download"), qr.qr_png(link), file_name=f"qr-{residents.join_code}.png", mime="image/png", key=f"qr-{residents.id}", icon=":material/download:")
                        st.markdown(ui.t("residents.open_state"))
                        informal = st.toggle(
                            ui.t("residents.informal"), value=team.residents_informal, key=f"informal-{residents.id}",
                            help=ui.t("residents.informal_help"),
                        )
                        if informal != team.residents_informal:
                            teams.set_residents_informal(engine, team.id, informal, actor=who)
                            st.rerun()
                        residents_answered = rounds.count_responses(engine, residents.id)
                        final = "final" if not policy.may_reopen(residents_answered) else "reopenable"
                        ui.confirm_then(
                            ui.t("residents.close"), f"close-{residents.id}",
                            ui.t(f"residents.close_confirm.{final}", answered=residents_answered), ui.t("residents.close_yes"),
                            lambda rid=residents.id: rounds.close_round(engine, rid, actor=who), icon=":material/lock:",
                        )
                    else:
                        st.markdown(ui.t("residents.closed_state"))
                        # Sharing the residents' view, exactly like sharing a team round (see sharing.py).
                        residents_minimum = policy.group_minimum(policy.View.ORGANISATION_RESIDENTS, ui.settings())
                        residents_answered = rounds.count_responses(engine, residents.id)
                        st.session_state[f"share-residents-{residents.id}"] = residents.published
                        st.toggle(
                            ui.t("sharing.residents_toggle"), key=f"share-residents-{residents.id}",
                            on_change=lambda rid=residents.id: (sharing.publish_round if st.session_state[f"share-residents-{rid}"] else sharing.withdraw_round)(engine, rid),
                        )
                        st.caption(ui.t("sharing.residents_shared") if residents.published else ui.t("sharing.residents_not_shared"))
                        st.markdown(ui.t("sharing.residents_what", minimum=residents_minimum))
                        if residents.published and not policy.shows_organisation(residents_answered, ui.settings(), residents=True):
                            st.warning(ui.t("sharing.residents_too_few", answered=residents_answered, minimum=residents_minimum), icon=":material/group:")
                        if st.button(ui.t("residents.reopen"), key=f"reopen-{residents.id}", icon=":material/lock_open:"):
                            ui.run_or_explain(lambda rid=residents.id: rounds.set_round_status(engine, rid, "open", actor=who))

open_actions = notes.open_actions(engine, team.id)
if open_actions:
    st.header(ui.t("team.review_actions"))
    st.markdown(ui.t("team.review_intro"))
    latest_round = rounds.list_rounds(engine, team.id)[0]
    with st.form("review_actions"):
        choices = {}
        for number, action in enumerate(open_actions, start=1):
            due = f" · {action.due:%d-%m-%Y}" if action.due else ""
            owner = f" · {action.owner}" if action.owner else ""
            # The typed action is shown as text; the radio's label (markdown) holds none of it.
            typed_text.show(f"{action.what}{owner}{due} · {ui.t('results.scope.' + action.scope)}", "strong")
            choices[action.id] = st.radio(
                ui.t("team.action_status", number=number),
                ("open", "ongoing", "done", "dropped"),
                index=("open", "ongoing", "done", "dropped").index(action.status),
                format_func=lambda s: ui.t("results.status." + s),
                horizontal=True,
                key=f"action-{action.id}",
            )
        if st.form_submit_button(ui.t("team.save_review"), type="primary"):
            for action in open_actions:
                if choices[action.id] != action.status:
                    notes.review_action(engine, action.id, choices[action.id], latest_round.id, actor=who)
            st.rerun()

st.divider()
st.caption(ui.t("team.keep_link"))

import streamlit as st

from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.web import guard, signin, ui

who = guard.guard_page(__file__)

DONT_KNOW = 0
lang = ui.language()
engine = ui.engine()
st.set_page_config(initial_sidebar_state="collapsed")  # the whole width for the faces; the menu stays one tap away

# Constant CSS only (no user text): every choice is a large tile (far more than 44 px) with the
# face on top and the words under it, a tick and a thick border when chosen; big buttons.
st.html(
    """<style>
    .st-key-kw-residents [data-testid="stMarkdownContainer"] p { font-size: 1.2rem; line-height: 1.5; }
    .st-key-kw-residents [data-testid="stRadio"] { padding: 0.9rem 0 1.1rem 0; border-bottom: 1px solid #d0d0d0; }
    .st-key-kw-residents [data-testid="stRadio"] [data-testid="stWidgetLabel"] p {
        font-size: 1.35rem; font-weight: 700; line-height: 1.4; color: #111111; }
    .st-key-kw-residents [role="radiogroup"] { gap: 0.5rem; flex-wrap: wrap; width: 100%; }
    .st-key-kw-residents [role="radiogroup"] > div { flex: 1 1 6.2rem; min-width: 6.2rem; max-width: 11rem; margin: 0 !important; }
    .st-key-kw-residents [data-testid="stRadioOption"] {
        position: relative; width: 100%; height: 100%; min-height: 88px; margin: 0 !important; padding: 0.45rem 0.3rem;
        border: 2px solid #767676; border-radius: 14px; background: #ffffff; cursor: pointer;
        justify-content: center; align-items: center; text-align: center; }
    .st-key-kw-residents [data-testid="stRadioOption"] > div { justify-content: center; }
    .st-key-kw-residents [data-testid="stRadioOption"] > div > div:not([data-testid="stMarkdownContainer"]) { display: none; }
    .st-key-kw-residents [data-testid="stRadioOption"] p { white-space: pre-line; font-size: 1.05rem; line-height: 1.25; margin: 0; }
    .st-key-kw-residents [data-testid="stRadioOption"] p::first-line { font-size: 2.3rem; line-height: 1.2; }
    .st-key-kw-residents [data-testid="stRadioOption"]:has(input:checked) {
        border: 4px solid #0072B2; background: #e3f0fa; font-weight: 700; }
    .st-key-kw-residents [data-testid="stRadioOption"]:has(input:checked)::after {
        content: "\\2713"; position: absolute; top: 2px; right: 8px; font-size: 1.2rem; font-weight: 700; color: #0072B2; }
    .st-key-kw-residents [data-testid="stRadioOption"]:focus-within { outline: 3px solid #D55E00; outline-offset: 2px; }
    .st-key-kw-residents button { min-height: 64px; }
    .st-key-kw-residents button p { font-size: 1.4rem; font-weight: 700; }
    </style>"""
)

if not signin.is_resident(who):
    st.title(ui.t("residents.title"))
    st.markdown(ui.t("residents.code_intro"))
    with st.container(key="kw-residents"), st.form("resident_code", border=False):
        code = st.text_input(ui.t("residents.code"), max_chars=12, placeholder="ABC234")
        if st.form_submit_button(ui.t("residents.start"), type="primary", width="stretch"):
            refusal = signin.join_as_resident(code)
            if refusal is None:
                st.rerun()
            st.error(ui.t(refusal), icon=":material/error:")
    st.stop()

survey_round = rounds.get_round(engine, who.round_id)
framework = ui.framework_of(survey_round)
scale = framework.scale_set(survey_round.scales).resident_scale
team = teams.get_team(engine, survey_round.team_id)
address = ".jij" if team.residents_informal else ""  # the team chose "jij" or "u" for its residents

with st.container(key="kw-residents"):
    if signin.resident_has_sent(who):
        st.title(ui.t("residents.thanks_title" + address))
        st.markdown(ui.t("residents.thanks" + address))
        if st.button(ui.t("residents.next"), type="primary", width="stretch", icon=":material/person_add:"):
            signin.next_resident()
            st.rerun()
        st.markdown(ui.t("residents.next_help" + address))
        st.stop()

    ui.say("residents.title_team" + address, "title", team=team.name)
    ui.say("residents.intro" + address, team=team.name)
    st.caption(scale.question_for(lang, team.residents_informal))
    options = [1, 2, 3, 4, 5, DONT_KNOW]
    with st.form("residents", border=False):
        chosen = {
            statement.id: st.radio(
                statement.text.get(lang),
                options,
                index=None,
                horizontal=True,
                format_func=lambda value: scale.option(None if value == DONT_KNOW else value, lang, separator="\n"),
                key=signin.resident_answer_key(statement.id),
            )
            for statement in framework.resident_statements
        }
        sent = st.form_submit_button(ui.t("residents.send"), type="primary", width="stretch", icon=":material/send:")
    if sent:
        answers = [
            responses.AnswerInput(statement_id, None if value == DONT_KNOW else value)
            for statement_id, value in chosen.items()
            if value is not None
        ]
        if not answers:
            st.warning(ui.t("residents.choose_one"), icon=":material/touch_app:")
        else:
            try:
                responses.submit_response(engine, survey_round.id, who.respondent, answers)
            except InvalidInput as error:
                ui.show_error(error)
            else:
                signin.mark_resident_sent(who)
                st.rerun()

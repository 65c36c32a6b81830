import streamlit as st

from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import teams
from kringwijs_survey.web import guard, signin, ui

who = guard.guard_page(__file__)

st.title(ui.t("new_team.title"))
if not ui.settings().self_service_teams:
    st.info(ui.t("new_team.closed"), icon=":material/admin_panel_settings:")
    st.stop()
st.markdown(ui.t("new_team.intro"))

with st.form("new_team"):
    name = st.text_input(ui.t("new_team.name"), max_chars=100)
    area = st.text_input(ui.t("new_team.area"), max_chars=100)
    created = st.form_submit_button(ui.t("new_team.submit"), type="primary")

if created:
    try:
        team = teams.create_team(ui.engine(), name, area, origin="self")
        key = teams.issue_team_key(ui.engine(), team.id)
    except InvalidInput as error:
        ui.show_error(error)
    else:
        signin.sign_in_with_team_key(key)
        ui.say("new_team.done", "success", name=team.name)
        st.caption(ui.t("new_team.pending"))
        st.markdown(ui.t("new_team.keep_link"))
        st.code(signin.team_link(key), language=None)
        st.page_link("pages/team.py", label=ui.t("new_team.go"), icon=":material/groups:")

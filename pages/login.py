import streamlit as st

from kringwijs_survey.rules.access import PASSPHRASE_ROLES, Role
from kringwijs_survey.web import guard, signin, ui

who = guard.guard_page(__file__)


st.title(ui.t("login.title"))

if who.role is not None:
    st.success(ui.t("login.signed_in_as", role=ui.t(f"role.{who.role.value}")), icon=":material/verified_user:")
    if st.button(ui.t("login.sign_out"), icon=":material/logout:"):
        signin.sign_out()
        st.rerun()

team_tab, staff_tab = st.tabs([ui.t("login.team_tab"), ui.t("login.staff_tab")])

with team_tab:
    st.markdown(ui.t("login.team_help"))
    with st.form("team_key"):
        key = st.text_input(ui.t("login.team_key"), type="password", max_chars=200)
        if st.form_submit_button(ui.t("login.team_submit"), type="primary"):
            if signin.sign_in_with_team_key(key):
                st.switch_page("pages/team.py")
            else:
                st.error(ui.t("access.wrong_key"), icon=":material/lock:")
    st.page_link("pages/new_team.py", label=ui.t("login.new_team"), icon=":material/group_add:")

with staff_tab:
    st.markdown(ui.t("login.staff_help"))
    with st.form("passphrase"):
        role = st.selectbox(ui.t("login.role"), PASSPHRASE_ROLES, format_func=lambda r: ui.t(f"role.{r.value}"))
        passphrase = st.text_input(ui.t("login.passphrase"), type="password", max_chars=200)
        if st.form_submit_button(ui.t("login.staff_submit"), type="primary"):
            if signin.sign_in_with_passphrase(Role(role), passphrase):
                st.rerun()
            else:
                st.error(ui.t("login.wrong_passphrase"), icon=":material/lock:")
    if signin.sso_configured():
        if st.button(ui.t("login.sso"), icon=":material/badge:"):
            st.login()
        if signin.sign_in_with_sso():
            st.rerun()

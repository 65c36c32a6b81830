import streamlit as st

from kringwijs_survey.domain import teams
from kringwijs_survey.rules import policy
from kringwijs_survey.web import guard, ui

who = guard.guard_page(__file__)

st.title(ui.t("welcome.title"))
st.markdown(ui.t("welcome.intro"))

st.header(ui.t("welcome.what_title"))
st.markdown(ui.t("welcome.what"))

st.header(ui.t("welcome.how_title"))
st.markdown(ui.t("welcome.how"))

st.header(ui.t("welcome.trust_title"))
st.markdown(ui.t("welcome.trust", min_group=ui.settings().min_group))

st.header(ui.t("welcome.start_title"))
if not policy.shows_app_counts(who):
    st.markdown(ui.t("welcome.start_anyone"))
elif (overview := teams.overview(ui.engine())).teams == 0:
    st.markdown(ui.t("welcome.start_empty"))
else:
    st.markdown(ui.t("welcome.start_data", teams=overview.teams, rounds=overview.rounds))

st.markdown(ui.t("welcome.browse"))
st.page_link("pages/principles.py", label=ui.t("welcome.browse_button"), icon=":material/menu_book:")

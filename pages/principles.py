import streamlit as st

from kringwijs_survey.rules.content import DEFAULT_FRAMEWORK
from kringwijs_survey.web import framework_text, guard, ui

who = guard.guard_page(__file__)

lang = ui.language()
frameworks = ui.frameworks()
st.title(ui.t("principles.title"))

framework_id = st.selectbox(
    ui.t("principles.framework"),
    list(frameworks),
    index=list(frameworks).index(DEFAULT_FRAMEWORK),
    format_func=ui.framework_names().get,
    key="principles_framework",
)
framework_text.render_framework(frameworks[framework_id])

"""Entry point: page setup and navigation. Every page starts with the access check (guard.guard_page)."""

import streamlit as st

from kringwijs_survey.web import signin, ui
from kringwijs_survey.web.navigation import PAGES

st.set_page_config(page_title=ui.t("app.title"), page_icon=":material/diversity_3:", layout="wide")

who = signin.principal()
sections: dict[str, list] = {}
for spec in PAGES:
    page = st.Page(
        spec.path,
        title=ui.t(spec.title_key),
        icon=spec.icon,
        url_path=spec.url_path,
        default=spec.default,
        visibility="visible" if who.may_open(spec.roles) else "hidden",
    )
    sections.setdefault(ui.t(spec.section_key), []).append(page)

current = st.navigation(sections)
current.run()

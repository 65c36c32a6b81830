"""Entry point: page setup and navigation. Every page starts with the access check (guard.guard_page)."""

from pathlib import Path

import streamlit as st

from kringwijs_survey.web import signin, ui
from kringwijs_survey.web.navigation import PAGES

# The icon is a file of our own: a Material icon as page_icon makes every browser fetch it from
# Google's servers (fonts.gstatic.com), and no phone of a resident should contact a third party.
FAVICON = Path(__file__).resolve().parent / "kringwijs_survey" / "web" / "assets" / "favicon.png"
st.set_page_config(page_title=ui.t("app.title"), page_icon=str(FAVICON), layout="wide")

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

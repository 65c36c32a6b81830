"""The one access check: the first line of every page."""

from __future__ import annotations

import streamlit as st

from kringwijs_survey.domain import rounds
from kringwijs_survey.rules.access import (
    Principal,
    Role,
)
from kringwijs_survey.web.navigation import page_for_audience, page_for_file
from kringwijs_survey.web.signin import NOTICE_KEY, principal
from kringwijs_survey.web.styles import TABLE_CSS
from kringwijs_survey.web.ui import engine, language_switch, t


def _leave_pages_folder_mode() -> None:
    """A deep link as the very first request after a start makes Streamlit run the page file
    alone, with a navigation built from file names (its old pages/ folder mode), until app.py
    has run once. Switch that mode off and run again through app.py and st.navigation."""
    from streamlit.runtime.pages_manager import PagesManager

    first_run = not st.session_state.get("_pages_mode_checked")
    st.session_state["_pages_mode_checked"] = True
    if first_run and getattr(PagesManager, "uses_pages_directory", False) and st.runtime.exists():
        PagesManager.uses_pages_directory = False
        st.rerun()


def guard_page(page_file: str) -> Principal:
    """The one access check, the first line of every page. Refuses with a plain message and stops.

    Pages call it themselves (not only app.py) because Streamlit can run a file in pages/
    directly, without app.py, on the first request after a start and in AppTest."""
    _leave_pages_folder_mode()
    spec = page_for_file(page_file)
    who = principal()
    language_switch()
    st.html(TABLE_CSS)
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(t(notice), icon=":material/lock:")
    if not who.may_open(spec.roles):
        st.title(t(spec.title_key))
        st.error(t("access.refused"), icon=":material/lock:")
        st.page_link("pages/login.py", label=t("nav.login"), icon=":material/login:")
        st.stop()
    if who.role == Role.PARTICIPANT and spec.audience is not None:
        # A participant answers only the questionnaire their code is for: team or residents.
        found = rounds.get_round(engine(), who.round_id)
        if found is not None and found.audience != spec.audience:
            st.title(t(spec.title_key))
            st.error(t(f"residents.wrong_page.{found.audience}"), icon=":material/lock:")
            right = page_for_audience(found.audience)
            if right is not None:
                st.page_link(right.path, label=t(right.title_key), icon=right.icon)
            st.stop()
    return who

"""Small Streamlit helpers shared by the pages: language, the engine, rendering content."""

from __future__ import annotations

import streamlit as st

from . import i18n
from .content import Framework, Item, get_frameworks
from .database import get_engine, migrate
from .settings import load_settings

LANG_KEY = "lang"


def language() -> str:
    if LANG_KEY not in st.session_state:
        requested = st.query_params.get("lang", i18n.DEFAULT_LANGUAGE)
        st.session_state[LANG_KEY] = requested if requested in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    return st.session_state[LANG_KEY]


def t(key: str, **values: object) -> str:
    return i18n.t(key, language(), **values)


def language_switch() -> None:
    labels = {"nl": "Nederlands", "en": "English"}
    language()
    st.sidebar.radio(t("app.language"), i18n.LANGUAGES, format_func=labels.get, key=LANG_KEY, horizontal=True)


@st.cache_resource(show_spinner=False)
def _migrated_engine(url: str):
    migrate(url)
    return get_engine(url)


def engine():
    """The process-wide engine; the database is created and migrated on first use."""
    return _migrated_engine(load_settings().database_url)


def settings():
    return load_settings()


def frameworks() -> dict[str, Framework]:
    return get_frameworks()


def render_item(framework: Framework, item: Item) -> None:
    """One principle or blockade: its words, what it means, the questions and the examples."""
    lang = language()
    st.markdown(f"**{t('principles.summary')}:** {item.summary.get(lang)}")
    with st.expander(t("principles.text")):
        st.text(item.text.nl)
        if lang != "nl":
            st.caption(item.text.get(lang))
    st.markdown(f"**{t('principles.questions')}**")
    st.markdown("\n".join(f"- {question.get(lang)}" for question in item.questions))
    works, fails = st.columns(2)
    works.success(f"**{t('principles.works')}**  \n{item.works.get(lang)}", icon=":material/thumb_up:")
    fails.warning(f"**{t('principles.doesnt_work')}**  \n{item.doesnt_work.get(lang)}", icon=":material/thumb_down:")
    if item.answers:
        blockade = framework.item(item.answers)
        st.info(t("principles.answers", blockade=blockade.id, title=blockade.title.get(lang)), icon=":material/link:")
    if item.answered_by:
        principle = framework.item(item.answered_by)
        st.info(t("principles.answered_by", principle=principle.id, title=principle.title.get(lang)), icon=":material/link:")

"""A framework's own words on screen: the quote first, help, examples, origin."""

from __future__ import annotations

import streamlit as st

from kringwijs_survey.rules.content import Framework, Item, Question
from kringwijs_survey.web import typed_text
from kringwijs_survey.web.ui import language, plain, t


def render_quote(framework: Framework, item: Item) -> None:
    """The source's own words first, so people score the text itself and not our paraphrase."""
    lang = language()
    kind = "blockade" if item.kind == "blockade" else "principle"
    with st.container(border=True, key=f"kw-quote-{item.id}"):
        st.caption(t(f"quote.{kind}_intro", source=framework.title.get(lang)))
        st.markdown(f"*“{item.text.nl}”*")
        if lang != "nl":
            st.caption(t("quote.translation", text=item.text.get(lang)))
        if framework.source_note:
            st.caption(framework.source_note.get(lang))


def render_help(item: Item) -> None:
    """The plain-language help under the quote."""
    st.markdown(f"**{t('principles.summary')}:** {item.summary.get(language())}")


def _question_line(question: Question, lang: str) -> str:
    """A reflection question as a list line; one that comes from another text names it below."""
    line = f"- {question.get(lang)}"
    if question.source is not None:
        line += f"  \n  *{question.source.get(lang)}*"
        if question.quote:
            line += f" — “{question.quote}”"
    return line


def render_examples(framework: Framework, item: Item) -> None:
    """Questions to talk about, the examples and the link between blockade and principle."""
    lang = language()
    st.markdown(f"**{t('principles.questions')}**")
    st.markdown("\n".join(_question_line(question, lang) for question in item.questions))
    works, fails = st.columns(2)
    works.success(f"**{t('principles.works')}**  \n{item.works.get(lang)}", icon=":material/thumb_up:")
    fails.warning(f"**{t('principles.doesnt_work')}**  \n{item.doesnt_work.get(lang)}", icon=":material/thumb_down:")
    if item.answers:
        blockade = framework.item(item.answers)
        st.info(t("principles.answers", blockade=blockade.id, title=blockade.title.get(lang)), icon=":material/link:")
    if item.answered_by:
        principle = framework.item(item.answered_by)
        st.info(t("principles.answered_by", principle=principle.id, title=principle.title.get(lang)), icon=":material/link:")


def render_item(framework: Framework, item: Item) -> None:
    """One principle or blockade: the source's words, what they mean, the questions and the examples."""
    render_quote(framework, item)
    render_help(item)
    render_examples(framework, item)


def render_origin(framework: Framework) -> None:
    """Where a framework comes from: its source, or the organisation's upload and version."""
    lang = language()
    if framework.own is None:
        st.caption(t("principles.source", source=framework.source))
        if framework.source_note:
            st.caption(framework.source_note.get(lang))
        return
    uploaded = framework.own.created_at
    st.caption(t("principles.own_source", date=f"{uploaded:%d-%m-%Y}", version=framework.version))
    typed_text.show(plain("principles.own_source_named", source=framework.source), "caption")
    if framework.source_note:
        typed_text.show(framework.source_note.get(lang), "caption")


def render_framework(framework: Framework) -> None:
    """A whole framework as a team sees it on the principles page: what it is, where it comes
    from, and per group its scale and every item (also the preview of an uploaded framework)."""
    lang = language()
    st.markdown(framework.description.get(lang))
    if framework.about:
        with st.container(border=True, key="kw-about"):
            st.subheader(t("principles.about"))
            for paragraph in framework.about:
                st.markdown(paragraph.get(lang))
    render_origin(framework)
    for tab, group in zip(st.tabs([group.title.get(lang) for group in framework.groups]), framework.groups):
        with tab:
            scale = framework.scales[group.kind]
            if group.intro:
                st.markdown(group.intro.get(lang))
            st.caption(
                t("principles.scale", question=scale.question.get(lang))
                + " "
                + " · ".join(f"{score} = {label.get(lang)}" for score, label in scale.labels.items())
                + ". "
                + t("principles.dont_know", dont_know=framework.dont_know.get(lang))
            )
            for item in framework.items:
                if item.group == group.id:
                    with st.expander(f"**{item.id}** · {item.title.get(lang)}", expanded=False):
                        render_item(framework, item)

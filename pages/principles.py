import streamlit as st

from kringwijs_survey import ui
from kringwijs_survey.content import DEFAULT_FRAMEWORK

who = ui.guard_page(__file__)

lang = ui.language()
frameworks = ui.frameworks()
st.title(ui.t("principles.title"))

framework_id = st.selectbox(
    ui.t("principles.framework"),
    list(frameworks),
    index=list(frameworks).index(DEFAULT_FRAMEWORK),
    format_func=ui.framework_names().get,
)
framework = frameworks[framework_id]
st.markdown(framework.description.get(lang))
if framework.about:
    with st.container(border=True, key="kw-about"):
        st.subheader(ui.t("principles.about"))
        for paragraph in framework.about:
            st.markdown(paragraph.get(lang))
st.caption(ui.t("principles.source", source=framework.source))

for tab, group in zip(st.tabs([group.title.get(lang) for group in framework.groups]), framework.groups):
    with tab:
        scale = framework.scales[group.kind]
        if group.intro:
            st.markdown(group.intro.get(lang))
        st.caption(
            ui.t("principles.scale", question=scale.question.get(lang))
            + " "
            + " · ".join(f"{score} = {label.get(lang)}" for score, label in scale.labels.items())
            + ". "
            + ui.t("principles.dont_know", dont_know=framework.dont_know.get(lang))
        )
        for item in framework.items:
            if item.group == group.id:
                with st.expander(f"**{item.id}** · {item.title.get(lang)}", expanded=False):
                    ui.render_item(framework, item)

import streamlit as st

from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import privacy, rounds, teams
from kringwijs_survey.rules import own_frameworks
from kringwijs_survey.rules.content import MAX_UPLOAD_BYTES
from kringwijs_survey.web import framework_text, guard, signin, typed_text, ui

who = guard.guard_page(__file__)

engine = ui.engine()
st.title(ui.t("admin.title"))

st.header(ui.t("admin.teams"))
team_list = teams.list_teams(engine)
if not team_list:
    st.info(ui.t("admin.no_teams"), icon=":material/info:")
for team in team_list:
    with st.container(border=True):
        typed_text.show(team.name + (f" · {team.area}" if team.area else ""), "strong")
        st.caption(ui.t("admin.team_rounds", rounds=len(rounds.list_rounds(engine, team.id))))
        if not team.approved:
            st.warning(ui.t("admin.unapproved"), icon=":material/pending:")
            if st.button(ui.t("admin.approve"), key=f"approve-{team.id}", icon=":material/verified:", type="primary"):
                teams.approve_team(engine, team.id)
                st.session_state["admin_approved"] = team.name
                st.rerun()
        if st.button(ui.t("admin.new_key"), key=f"key-{team.id}", icon=":material/key:"):
            st.session_state["admin_new_key"] = (team.name, teams.issue_team_key(engine, team.id))
            st.rerun()

approved_name = st.session_state.pop("admin_approved", None)
if approved_name:
    ui.say("admin.approved", "success", name=approved_name)
issued = st.session_state.pop("admin_new_key", None)
if issued:
    ui.say("admin.key_issued", "success", name=issued[0])
    st.code(signin.team_link(issued[1]), language=None)

st.header(ui.t("admin.create"))
with st.form("admin_create_team"):
    name = st.text_input(ui.t("new_team.name"), max_chars=100)
    area = st.text_input(ui.t("new_team.area"), max_chars=100)
    if st.form_submit_button(ui.t("new_team.submit"), type="primary"):
        try:
            team = teams.create_team(engine, name, area)
            st.session_state["admin_new_key"] = (team.name, teams.issue_team_key(engine, team.id))
            st.rerun()
        except InvalidInput as error:
            ui.show_error(error)

st.header(ui.t("admin.privacy"))
st.markdown(ui.t("admin.privacy_intro"))
if team_list:
    names = [team.name for team in team_list]
    chosen_team = st.selectbox(ui.t("admin.privacy_team"), names, key="admin_privacy_team")
    st.download_button(
        ui.t("admin.export"), data=lambda: privacy.team_export_json(engine, chosen_team),
        file_name="team-export.json", mime="application/json", icon=":material/download:", on_click="ignore",
    )
    with st.form("admin_erase_team"):
        ui.say("admin.erase_warning", name=chosen_team)
        typed = st.text_input(ui.t("admin.erase_confirm"), max_chars=100)
        if st.form_submit_button(ui.t("admin.erase"), type="primary", icon=":material/delete_forever:"):
            if typed.strip() != chosen_team:
                st.error(ui.t("admin.erase_mismatch"), icon=":material/error:")
            else:
                erased = privacy.erase_team(engine, chosen_team)
                st.session_state["admin_erased"] = (chosen_team, sum(erased.values()))
                st.rerun()
erased_note = st.session_state.pop("admin_erased", None)
if erased_note:
    ui.say("admin.erased", "success", name=erased_note[0], rows=erased_note[1])

st.header(ui.t("admin.frameworks"))
st.markdown(ui.t("admin.frameworks_intro", maximum=MAX_UPLOAD_BYTES // 1000))
for framework in own_frameworks.latest_published(engine).values():
    typed_text.show(
        ui.plain("admin.framework_published", title=framework.title.get(ui.language()), version=framework.version,
                 date=f"{framework.own.created_at:%d-%m-%Y}"),
        "text",
    )
with st.form("admin_framework_upload"):
    uploaded = st.file_uploader(ui.t("admin.framework_file"), type=["yaml", "yml"], key="admin_framework_file")
    pasted = st.text_area(ui.t("admin.framework_paste"), key="admin_framework_text", height=200)
    if st.form_submit_button(ui.t("admin.framework_check"), icon=":material/fact_check:"):
        st.session_state["admin_framework_data"] = uploaded.getvalue() if uploaded is not None else pasted.encode("utf-8")
data = st.session_state.get("admin_framework_data")
if data:
    checked = own_frameworks.check_upload(engine, data, ui.language())
    if not checked.ok:
        st.error(ui.t("admin.framework_refused", count=len(checked.problems)), icon=":material/error:")
        for problem in checked.problems:
            typed_text.show(problem.text(), "error")
    else:
        st.success(ui.t("admin.framework_ok"), icon=":material/check:")
        with st.container(border=True, key="kw-framework-preview"):
            st.subheader(ui.t("admin.framework_preview"))
            typed_text.show(checked.framework.title.get(ui.language()), "subheader")
            framework_text.render_framework(checked.framework)
        if st.button(ui.t("admin.framework_publish"), type="primary", icon=":material/publish:", key="admin_framework_publish"):
            try:
                published = own_frameworks.publish(engine, data, actor=who, lang=ui.language())
                st.session_state.pop("admin_framework_data", None)
                st.session_state["admin_framework_done"] = (published.title.get(ui.language()), published.version)
                st.rerun()
            except own_frameworks.UploadRefused as refused:
                for problem in refused.problems:
                    typed_text.show(problem.text(), "error")
done = st.session_state.pop("admin_framework_done", None)
if done:
    ui.say("admin.framework_done", "success", title=done[0], version=done[1])

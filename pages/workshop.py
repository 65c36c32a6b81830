import streamlit as st

from kringwijs_survey.core import periods
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import rounds, workshop
from kringwijs_survey.rules.content import DEFAULT_FRAMEWORK
from kringwijs_survey.views import workshop_results
from kringwijs_survey.web import guard, signin, typed_text, ui

who = guard.guard_page(__file__)

CURRENT = "workshop_round"
KEY = "workshop_key"  # the beamer code of the workshop this session steers
PAPER = "workshop_paper"
DONT_KNOW = 0
lang = ui.language()
engine = ui.engine()
settings = ui.settings()
frameworks = ui.frameworks()

st.title(ui.t("workshop.title"))


def run(action, *args) -> bool:
    try:
        action(*args)
    except InvalidInput as error:
        ui.show_error(error)
        return False
    return True


round_id = st.session_state.get(CURRENT)
survey_round = rounds.get_round(engine, round_id) if round_id else None
if survey_round is not None and (workshop.workshop_by_key(engine, st.session_state.get(KEY)) or survey_round).id != survey_round.id:
    survey_round = None

if survey_round is None:
    st.markdown(ui.t("workshop.intro"))
    kind = st.radio(
        ui.t("workshop.for_whom"), ("team", "group"), format_func=lambda k: ui.t(f"workshop.for.{k}"), horizontal=True
    )
    teams = workshop.open_teams(engine)
    with st.form("start_workshop"):
        team_id, group_name = None, None
        if kind == "team":
            if not teams:
                st.info(ui.t("workshop.no_teams"), icon=":material/info:")
            team_id = st.selectbox(
                ui.t("workshop.team"), [team.id for team in teams], index=None if not teams else 0,
                format_func={team.id: team.name for team in teams}.get, placeholder=ui.t("workshop.choose_team"),
            )
        else:
            group_name = st.text_input(ui.t("workshop.group_name"), max_chars=100, placeholder=ui.t("workshop.group_placeholder"))
        period_choices = periods.nearby_periods()
        period = st.selectbox(ui.t("team.period"), period_choices, index=period_choices.index(periods.current_period()))
        framework_id = st.selectbox(
            ui.t("principles.framework"), list(frameworks), index=list(frameworks).index(DEFAULT_FRAMEWORK),
            format_func=ui.framework_names().get,
        )
        if st.form_submit_button(ui.t("workshop.start"), type="primary", icon=":material/play_arrow:"):
            try:
                started = workshop.start_workshop(engine, team_id, group_name, period, framework_id)
                st.session_state[KEY] = workshop.issue_workshop_key(engine, started.id)
                st.session_state[CURRENT] = started.id
                st.rerun()
            except InvalidInput as error:
                ui.show_error(error)
    with st.expander(ui.t("workshop.team_key"), icon=":material/key:"):
        with st.form("team_workshop"):
            typed = st.text_input(ui.t("workshop.team_key_label"), max_chars=12)
            if st.form_submit_button(ui.t("workshop.team_key_open")):
                opened = signin.checked_code("workshop-key", typed, lambda: workshop.workshop_by_key(engine, typed))
                if opened is None or opened.status != "open":
                    st.error(ui.t(signin.take_notice() or "access.unknown_code"), icon=":material/error:")
                else:
                    st.session_state[KEY] = typed
                    st.session_state[CURRENT] = opened.id
                    st.rerun()
    st.stop()

framework = ui.framework_of(survey_round)
joined, done = workshop.live_counts(engine, survey_round.id)
typed_text.show(f"{workshop.workshop_name(engine, survey_round)} · {survey_round.period}", "subheader")

code_col, count_col = st.columns([3, 2])
with code_col:
    st.markdown(ui.t("workshop.code", code=survey_round.join_code))
    st.code(signin.join_link(survey_round.join_code), language=None)
    st.markdown(ui.t("workshop.key", code=st.session_state[KEY]))
    st.link_button(
        ui.t("workshop.open_presenter"), signin.handoff_link("presenter", st.session_state[KEY]), icon=":material/co_present:"
    )
    st.caption(ui.t("workshop.presenter_help", code=st.session_state[KEY]))
with count_col:
    left, right = st.columns(2)
    left.metric(ui.t("presenter.joined"), joined)
    right.metric(ui.t("presenter.done"), done)
    st.button(ui.t("workshop.refresh"), icon=":material/refresh:")

if survey_round.status != "open":
    st.success(ui.t("workshop.closed"), icon=":material/check_circle:")
    st.link_button(
        ui.t("workshop.see_summary"), signin.handoff_link("presenter", st.session_state[KEY]), icon=":material/summarize:"
    )
    if st.button(ui.t("workshop.new"), icon=":material/add:"):
        st.session_state.pop(CURRENT, None)
        st.rerun()
    st.stop()

# Paper answers get a view of their own: the radios there take arrow keys, which would
# otherwise also trigger the Previous/Next shortcuts below.
if st.session_state.get(PAPER):
    st.subheader(ui.t("workshop.paper"))
    st.markdown(ui.t("workshop.paper_intro"))
    with st.form("paper", clear_on_submit=True):
        chosen = {}
        for item in framework.items:
            scale = framework.scale_for(item, survey_round.scales)
            labels = {score: f"{score} · {label.get(lang)}" for score, label in scale.labels.items()}
            labels[DONT_KNOW] = framework.dont_know.get(lang)
            chosen[item.id] = st.radio(
                f"{item.id} · {item.title.get(lang)}", [1, 2, 3, 4, 5, DONT_KNOW], index=None,
                format_func=labels.get, horizontal=True, key=f"paper-{item.id}",
            )
        if st.form_submit_button(ui.t("workshop.paper_save"), type="primary"):
            answers = {item_id: (None if score == DONT_KNOW else score) for item_id, score in chosen.items() if score is not None}
            if run(workshop.paper_entry, engine, survey_round.id, answers):
                st.session_state[PAPER] = False
                st.session_state["paper_saved"] = True
                st.rerun()
    if st.button(ui.t("workshop.paper_cancel"), icon=":material/close:"):
        st.session_state[PAPER] = False
        st.rerun()
    st.stop()

st.divider()
view = workshop_results.live_view(engine, survey_round.id)
if view.item is None:
    st.markdown(ui.t("workshop.now_welcome"))
else:
    state = ui.t("workshop.state.shown") if survey_round.live_revealed else ui.t("workshop.state.hidden")
    st.markdown(ui.t("workshop.now_item", number=view.index + 1, total=view.total, title=view.item.title.get(lang), state=state))
    answers = workshop.item_answers(engine, survey_round.id, view.item.id)
    st.markdown(ui.t("workshop.item_answers", count=answers.phone + answers.paper, phone=answers.phone, paper=answers.paper))

back_col, next_col, show_col, hide_col = st.columns(4)
if back_col.button(ui.t("workshop.back"), shortcut="Left", width="stretch", icon=":material/arrow_back:",
                   disabled=view.item is None):
    if run(workshop.step, engine, survey_round.id, -1):
        st.rerun()
if next_col.button(ui.t("workshop.next"), shortcut="Right", width="stretch", icon=":material/arrow_forward:",
                   disabled=view.index == view.total - 1):
    if run(workshop.step, engine, survey_round.id, 1):
        st.rerun()
if show_col.button(ui.t("workshop.reveal"), shortcut="U", type="primary", width="stretch", icon=":material/visibility:",
                   disabled=view.item is None or survey_round.live_revealed):
    if run(workshop.reveal_item, engine, survey_round.id, settings.min_group):
        st.rerun()
if hide_col.button(ui.t("workshop.hide"), shortcut="V", width="stretch", icon=":material/visibility_off:",
                   disabled=not survey_round.live_revealed):
    if run(workshop.hide_item, engine, survey_round.id):
        st.rerun()
st.caption(ui.t("workshop.keys", minimum=settings.min_group))

if st.session_state.pop("paper_saved", False):
    st.success(ui.t("workshop.paper_saved"), icon=":material/check:")
if st.button(ui.t("workshop.paper"), icon=":material/edit_document:"):
    st.session_state[PAPER] = True
    st.rerun()

st.divider()
with st.popover(ui.t("workshop.close"), icon=":material/lock:"):
    st.markdown(ui.t("workshop.close_confirm"))
    if st.button(ui.t("workshop.close_yes"), type="primary"):
        if run(workshop.close_workshop, engine, survey_round.id):
            st.rerun()

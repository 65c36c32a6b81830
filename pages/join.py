import streamlit as st

from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import responses, rounds, teams, workshop
from kringwijs_survey.rules.access import Role
from kringwijs_survey.web import framework_text, guard, signin, styles, ui

who = guard.guard_page(__file__)
styles.touch_friendly()

DONT_KNOW = 0
CHANGE_KEY = "change-item"
lang = ui.language()
engine = ui.engine()


if who.role != Role.PARTICIPANT:
    st.title(ui.t("join.title"))
    st.markdown(ui.t("join.intro"))
    with st.form("join"):
        code = st.text_input(ui.t("join.code"), max_chars=20, placeholder="ABC234")
        if st.form_submit_button(ui.t("join.submit"), type="primary", width="stretch"):
            if signin.join_with_code(code):
                st.rerun()
            else:
                st.error(ui.t(signin.take_notice() or "access.unknown_code"), icon=":material/error:")
    st.stop()

survey_round = rounds.get_round(engine, who.round_id)
signin.keep_answering_in_browser(who, st.empty())
framework = ui.framework_of(survey_round)
items = framework.items
state = ui.fill_in_state(survey_round.id, who.respondent)

ui.say("join.round_title", "subheader", team=teams.get_team(engine, survey_round.team_id).name, period=survey_round.period)
answered = sum(1 for item in items if item.id in state.answers)


def answer_fields(item, scale, previous, labels: dict) -> None:
    """The widgets of one answer (the score is the only one that must be given)."""
    if item.kind == "principle":
        targets = [None, 1, 2, 3, 4, 5]
        st.radio(
            ui.t("join.target"), targets, index=targets.index(previous.target if previous else None),
            format_func=lambda v: ui.t("join.no_target") if v is None else labels[v], key=f"target-{item.id}",
            horizontal=False,
        )
    st.checkbox(ui.t("join.discuss"), value=bool(previous and previous.discuss), key=f"discuss-{item.id}")
    st.text_area(
        ui.t("join.comment"), value=(previous.comment or "") if previous else "", max_chars=2000,
        help=ui.t("join.comment_help"), key=f"comment-{item.id}",
    )


def score_labels(scale) -> dict:
    labels = {score: f"{score} · {label.get(lang)}" for score, label in scale.labels.items()}
    labels[DONT_KNOW] = framework.dont_know.get(lang)
    return labels


def score_radio(item, scale, previous, labels: dict) -> None:
    options = [1, 2, 3, 4, 5, DONT_KNOW]
    current_value = None if previous is None else (DONT_KNOW if previous.score is None else previous.score)
    st.radio(
        scale.question.get(lang), options, index=None if current_value is None else options.index(current_value),
        format_func=labels.get, key=f"score-{item.id}",
    )


def take_answer(item) -> bool:
    """The answer the widgets hold for `item` into this person's answers; False when no score."""
    chosen = st.session_state.get(f"score-{item.id}")
    if chosen is None:
        return False
    state.answers[item.id] = responses.AnswerInput(
        item.id, None if chosen == DONT_KNOW else chosen, st.session_state.get(f"comment-{item.id}", ""),
        bool(st.session_state.get(f"discuss-{item.id}")), st.session_state.get(f"target-{item.id}"),
    )
    return True


def show_item_text(item, index: int) -> None:
    st.caption(ui.t("join.item_of", number=index + 1, total=len(items), group=framework.group(item.group).title.get(lang)))
    st.subheader(item.title.get(lang))
    framework_text.render_quote(framework, item)
    framework_text.render_help(item)
    with st.expander(ui.t("join.more")):
        framework_text.render_examples(framework, item)


if workshop.follows_projector(survey_round):
    # A live workshop: the phone shows the item on the projector, then waits for the next one.
    CHOSEN = f"live-choice-{survey_round.id}"
    screen = workshop.phone_screen(survey_round, state.answers.keys(), st.session_state.get(CHOSEN))
    shown_signature = (survey_round.live_index, survey_round.status)

    def send_live(item) -> None:
        if not take_answer(item):
            st.session_state["live-notice"] = "join.live_choose_first"
            return
        try:
            workshop.send_live_answers(engine, survey_round.id, who.respondent, list(state.answers.values()), who.invitation)
        except InvalidInput as error:
            st.session_state["live-error"] = error
            return
        signin.remember_answering(who)
        state.submitted = True
        st.session_state[CHOSEN] = None

    def choose(index: int | None) -> None:
        st.session_state[CHOSEN] = index

    @st.fragment(run_every=workshop.PHONE_POLL_SECONDS)
    def follow_the_screen() -> None:
        """Looks every few seconds whether the facilitator moved on (one small read). A waiting
        phone goes along at once; a phone in the middle of an answer is only told."""
        now = workshop.live_signature(engine, survey_round.id)
        if now == shown_signature:
            return
        on_screen, status = now
        if screen.waiting or status != "open" or on_screen is None:
            st.rerun(scope="app")
        elif on_screen != screen.index:
            st.info(ui.t("join.live_screen_moved", number=on_screen + 1), icon=":material/co_present:")
            if st.button(ui.t("join.live_to_screen", number=on_screen + 1), key="to-screen"):
                choose(None)
                st.rerun(scope="app")

    # Its own slot: the fragment usually draws nothing, and a fragment without a block of its own
    # shares its place with the element after it, which a fragment rerun can then wipe from the
    # page (a phone lost its "Je antwoord is binnen" this way).
    with st.container():
        follow_the_screen()
    if error := st.session_state.pop("live-error", None):
        ui.show_error(error)
    if screen.waiting:
        if screen.on_screen is None:
            st.info(ui.t("join.live_wait_start"), icon=":material/co_present:")
        else:
            st.success(ui.t("join.live_received", number=screen.on_screen + 1), icon=":material/check_circle:")
            st.button(ui.t("join.live_change"), on_click=choose, args=(screen.on_screen,), icon=":material/edit:")
        st.caption(ui.t("join.live_progress", answered=answered, total=len(items)))
        if screen.missed:
            st.selectbox(
                ui.t("join.live_missed", count=len(screen.missed)), screen.missed, index=None,
                placeholder=ui.t("join.live_missed_placeholder"),
                format_func=lambda index: f"{index + 1}. {items[index].title.get(lang)}", key="live-missed",
                on_change=lambda: choose(st.session_state.get("live-missed")),
            )
    else:
        item = items[screen.index]
        scale = framework.scale_for(item, survey_round.scales)
        previous = state.answers.get(item.id)
        labels = score_labels(scale)
        show_item_text(item, screen.index)
        if notice := st.session_state.pop("live-notice", None):
            st.warning(ui.t(notice, dont_know=framework.dont_know.get(lang)), icon=":material/info:")
        with st.form(f"live-{item.id}"):
            score_radio(item, scale, previous, labels)
            with st.expander(ui.t("join.live_more")):
                answer_fields(item, scale, previous, labels)
            st.form_submit_button(
                ui.t("join.live_send"), type="primary", width="stretch", on_click=send_live, args=(item,)
            )
        if screen.index != screen.on_screen and screen.on_screen is not None:
            st.button(ui.t("join.live_to_screen", number=screen.on_screen + 1), on_click=choose, args=(None,))
    st.stop()

st.progress(answered / len(items), text=ui.t("join.progress", done=answered, total=len(items)))


def save(final: bool) -> bool:
    try:
        responses.submit_response(
            engine, survey_round.id, who.respondent, list(state.answers.values()), final=final or state.submitted,
            invitation=who.invitation,
        )
    except InvalidInput as error:
        ui.show_error(error)
        return False
    signin.remember_answering(who)
    state.submitted = state.submitted or final
    return True


if state.step < len(items):
    item = items[state.step]
    scale = framework.scale_for(item, survey_round.scales)
    previous = state.answers.get(item.id)
    show_item_text(item, state.step)
    with st.form(f"item-{item.id}"):
        labels = score_labels(scale)
        score_radio(item, scale, previous, labels)
        answer_fields(item, scale, previous, labels)

        def move(step: int, item=item) -> None:
            """Store this item's answer and go on. A callback runs before the page is drawn, so the
            answer is stored at once and the page is drawn once, not twice (see `bench workshop`)."""
            take_answer(item)
            if save(final=False):
                state.step += step

        buttons = st.container(horizontal=True)  # side by side, also on a phone (columns would stack)
        buttons.form_submit_button(
            ui.t("join.back"), disabled=state.step == 0, width="stretch", on_click=move, args=(-1,)
        )
        buttons.form_submit_button(ui.t("join.next"), type="primary", width="stretch", on_click=move, args=(1,))
else:
    # The overview fits on a phone: one line per answer in one list, one choice to change an
    # answer, and "Versturen" above the list. After sending there is nothing left to send:
    # a change is stored at once (save keeps the response sent).
    st.subheader(ui.t("join.overview"))
    missing = [item for item in items if item.id not in state.answers]
    if state.submitted:
        st.success(ui.t("join.thanks"), icon=":material/check_circle:")
    elif missing:
        st.warning(ui.t("join.missing", count=len(missing)), icon=":material/info:")
    else:
        st.markdown(ui.t("join.ready"))
    if not state.submitted:
        st.button(ui.t("join.send"), type="primary", disabled=bool(missing), width="stretch", on_click=save, args=(True,))

    def shown(item) -> str:
        answer = state.answers.get(item.id)
        if answer is None:
            return f"*{ui.t('join.not_answered')}*"
        if answer.score is None:
            return framework.dont_know.get(lang)
        # the words of the item's own scale: a blockade's 5 is not a principle's 5
        return f"{answer.score} · {framework.scale_for(item, survey_round.scales).labels[answer.score].get(lang)}"

    st.markdown("\n".join(f"{number}. **{item.title.get(lang)}** — {shown(item)}" for number, item in enumerate(items, start=1)))

    def go_to_chosen_item() -> None:
        chosen = st.session_state.get(CHANGE_KEY)
        if chosen is not None:
            state.step = chosen
        st.session_state[CHANGE_KEY] = None  # the same item can be chosen again later

    st.selectbox(
        ui.t("join.change_which"), range(len(items)), index=None, placeholder=ui.t("join.change_placeholder"),
        format_func=lambda index: f"{index + 1}. {items[index].title.get(lang)}", key=CHANGE_KEY, on_change=go_to_chosen_item,
    )
    if st.button(ui.t("join.back"), key="overview-back"):
        state.step = len(items) - 1
        st.rerun()

import time

import streamlit as st

from kringwijs_survey.core import formatting
from kringwijs_survey.domain import workshop
from kringwijs_survey.render import charts, qr, workshop_report
from kringwijs_survey.views import workshop_results
from kringwijs_survey.web import guard, signin, typed_text, ui

who = guard.guard_page(__file__)

CODE_KEY = "presenter_code"
SIGNATURE_KEY = "presenter_signature"
lang = ui.language()
engine = ui.engine()
settings = ui.settings()

# Constant CSS only (no user text): no sidebar or toolbar, big high-contrast type for a projector,
# charts as images that scale with the screen and never run off it. Type grows with the screen
# width, so a 1920×1080 projector looks like a 1280×720 one, only sharper.
st.html(
    """<style>
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
    [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
    [data-testid="stElementToolbar"] { display: none !important; }
    [data-testid="stMainBlockContainer"] { padding: 1rem 2.5rem 1rem 2.5rem !important; max-width: 100% !important; }
    .st-key-kw-presenter, .st-key-kw-presenter p, .st-key-kw-presenter li { color: #000000; }
    .st-key-kw-presenter [data-testid="stMarkdownContainer"] p,
    .st-key-kw-presenter [data-testid="stMarkdownContainer"] li { font-size: max(32px, 2.5vw); line-height: 1.35; }
    .st-key-kw-presenter h1 { font-size: max(60px, 4.69vw) !important; line-height: 1.1 !important; font-weight: 800 !important; padding: 0 0 0.3rem 0 !important; }
    .st-key-kw-presenter h2 { font-size: max(44px, 3.44vw) !important; line-height: 1.15 !important; padding: 0.2rem 0 !important; }
    .st-key-kw-presenter [data-testid="stTab"] p { font-size: max(30px, 2.34vw) !important; font-weight: 700; line-height: 1.3 !important; }
    .st-key-kw-presenter [role="tablist"], .st-key-kw-presenter [data-testid="stTab"] { height: auto !important; }
    .st-key-kw-presenter [data-testid="stTab"] { padding-bottom: 0.3em !important; }
    .st-key-kw-topbar { border-bottom: 3px solid #1f4e9c; padding-bottom: 0.3rem; flex-wrap: wrap !important; row-gap: 0 !important; }
    .st-key-kw-topbar > * { flex-shrink: 0 !important; max-width: 100%; }
    .st-key-kw-topbar [data-testid="stMarkdownContainer"] p,
    .st-key-kw-topcounts [data-testid="stMarkdownContainer"] p { font-size: max(28px, 2.19vw); color: #1a1a1a; white-space: nowrap; }
    .st-key-kw-topcounts [data-testid="stMarkdownContainer"] p { white-space: normal; }
    .st-key-kw-code [data-testid="stMarkdownContainer"] p { font-size: max(96px, 7.5vw); font-weight: 800; letter-spacing: 0.12em; line-height: 1.05; }
    .st-key-kw-url .kw-typed { font-size: max(44px, 3.44vw) !important; font-weight: 700; color: #000000; }
    .st-key-kw-counts [data-testid="stMarkdownContainer"] p { font-size: max(40px, 3.12vw); }
    .st-key-kw-question [data-testid="stMarkdownContainer"] p { font-size: max(34px, 2.66vw); font-style: italic; color: #1f4e9c; }
    .st-key-kw-stats [data-testid="stMarkdownContainer"] p { font-size: max(40px, 3.12vw); }
    .st-key-kw-scores [data-testid="stMarkdownContainer"] p { font-size: max(28px, 2.19vw); }
    .st-key-kw-qr img { image-rendering: pixelated; max-height: calc(100vh - 80px); object-fit: contain; }
    .st-key-kw-chart img { max-height: 40vh; object-fit: contain; object-position: left top; }
    .st-key-kw-subtitle .kw-typed { font-size: max(28px, 2.19vw) !important; color: #1a1a1a; }
    .st-key-kw-bigchart img, .st-key-kw-bigchart-pairs img { max-height: 70vh; object-fit: contain; object-position: center top; }
    </style>"""
)

# Only the beamer code of a workshop opens a projector: the join code that the room (or a team)
# sees opens nothing here, so a trainer cannot project a team's round they did not start.
code = signin.take_handed_secret() or st.query_params.get("workshop") or st.session_state.get(CODE_KEY)
survey_round = workshop.workshop_by_key(engine, code) if code else None
if survey_round is None:
    st.session_state.pop(CODE_KEY, None)
    st.title(ui.t("presenter.title"))
    st.markdown(ui.t("presenter.choose"))
    with st.form("presenter_code_form"):
        typed = st.text_input(ui.t("presenter.key_label"), max_chars=12)
        if st.form_submit_button(ui.t("presenter.open"), type="primary"):
            if signin.checked_code("presenter", typed, lambda: workshop.workshop_by_key(engine, typed)) is None:
                st.error(ui.t(signin.take_notice() or "access.unknown_code"), icon=":material/error:")
            else:
                st.session_state[CODE_KEY] = typed
                st.rerun()
    st.stop()

st.session_state[CODE_KEY] = code
started = st.session_state.setdefault(f"presenter_started_{survey_round.id}", time.time())
view = workshop_results.live_view(engine, survey_round.id)
st.session_state[SIGNATURE_KEY] = view.signature
link = signin.join_link(survey_round.join_code)
labels = ui.chart_labels()
decimal = labels.get("decimal", ".")


@st.fragment(run_every=1.0)
def live_counts(big: bool) -> None:
    """Counts and timer every second; the whole screen is drawn anew only when the facilitator
    changed the item, revealed, hid or closed."""
    if workshop_results.live_view(engine, survey_round.id).signature != st.session_state.get(SIGNATURE_KEY):
        st.rerun()
    joined, done = workshop.live_counts(engine, survey_round.id)
    elapsed = workshop_results.format_duration(time.time() - started)
    with st.container(key="kw-counts" if big else "kw-topcounts", width="content"):
        if view.item is None:
            sources = workshop.answer_sources(engine, survey_round.id)
            st.markdown(ui.t("presenter.counts", joined=joined, done=done, time=elapsed), width="content")
        else:  # on an item: the answers to that item, which is what the reveal waits for
            sources = workshop.item_answers(engine, survey_round.id, view.item.id)
            answered = sources.phone + sources.paper
            st.markdown(ui.t("presenter.counts_item", answered=answered, time=elapsed), width="content")
        st.markdown(ui.t("presenter.sources", phone=sources.phone, paper=sources.paper), width="content")


def show_summary() -> None:
    summary = workshop_results.workshop_summary(engine, survey_round.id, lang, settings.min_group)
    st.title(ui.t("presenter.summary_title"))
    with st.container(key="kw-subtitle"):
        typed_text.show(f"{summary.name} · {survey_round.period} · {ui.t('presenter.people', count=summary.respondents)}")
    if not summary.shown:
        st.markdown(ui.t("presenter.summary_hidden"))
        return
    for flag in ("too_few_scores", "changed_since_reveal"):
        if withheld := getattr(summary, flag):
            st.caption(ui.t(f"results.{flag}", items="; ".join(withheld), minimum=settings.min_group))
    radar, pairs = workshop_report.summary_charts(summary, labels, big=True, box=workshop_report.PROJECTOR_CHART_BOX)
    agenda_tab, profile_tab, blockade_tab = st.tabs(
        [ui.t("presenter.agenda"), ui.t("presenter.profile"), ui.t("presenter.blockades")], key="kw-summary-tabs"
    )
    with agenda_tab:
        for row in workshop_results.agenda_rows(summary, decimal):
            st.markdown(ui.t("presenter.agenda_item", **row))
        with st.container(horizontal=True):
            st.download_button(
                ui.t("presenter.download_pdf"), lambda: workshop_report.summary_pdf(summary, labels, lang),
                file_name=f"workshop-{survey_round.period}.pdf", mime="application/pdf", icon=":material/picture_as_pdf:",
                on_click="ignore",
            )
            st.download_button(
                ui.t("presenter.download_png"), lambda: workshop_report.summary_png(summary, labels, lang),
                file_name=f"workshop-{survey_round.period}.png", mime="image/png", icon=":material/image:",
                on_click="ignore",
            )
    with profile_tab, st.container(key="kw-bigchart"):
        st.image(charts.chart_image(radar, "png", scale=2), width="stretch", alt=ui.t("presenter.profile"))
    with blockade_tab, st.container(key="kw-bigchart-pairs"):
        st.image(
            charts.chart_image(pairs, "png", scale=2), width="stretch",
            alt=" ".join(workshop_results.pair_lines(summary, lang, decimal)),
        )


def show_welcome() -> None:
    if survey_round.invitation_only:  # the team's own round, opened by the team: everyone has an invitation
        st.title(ui.t("presenter.welcome"))
        st.markdown(ui.t("presenter.use_invitation"))
        live_counts(big=True)
        return
    text, code_column = st.columns([3, 2], gap="large", vertical_alignment="center")
    with text:
        st.title(ui.t("presenter.welcome"))
        st.markdown(ui.t("presenter.scan"))
        st.markdown(ui.t("presenter.or_go"))
        with st.container(key="kw-url"):
            typed_text.show(workshop_results.short_address(link))  # an address, not a link: people type it
        st.markdown(ui.t("presenter.code_label"))
        with st.container(key="kw-code"):
            st.markdown(survey_round.join_code)
        live_counts(big=True)
    with code_column, st.container(key="kw-qr"):
        st.image(qr.qr_png(link, scale=12), width="stretch", alt=ui.t("presenter.qr_alt", url=link))


def show_item() -> None:
    item, framework = view.item, view.framework
    with st.container(key="kw-topbar", horizontal=True, vertical_alignment="center", gap="large"):
        st.markdown(
            ui.t("presenter.item_of", number=view.index + 1, total=view.total, group=framework.group(item.group).title.get(lang)),
            width="content",
        )
        st.markdown(ui.t("presenter.join_short", code=survey_round.join_code), width="content")
        live_counts(big=False)
    st.title(item.title.get(lang))
    frozen = view.frozen
    if frozen is None:
        st.markdown(item.summary.get(lang))
        with st.container(key="kw-question"):
            st.markdown(ui.t("presenter.question", question=item.questions[0].get(lang)))
        st.markdown(ui.t("presenter.wait"))
        return
    scale = framework.scale_for(item, survey_round.scales)
    score_labels = {score: label.get(lang) for score, label in scale.labels.items()}
    with st.container(key="kw-question"):
        st.markdown(ui.t("presenter.question", question=item.questions[0].get(lang)))
    if frozen.get("too_few_scores"):  # the policy's item rule: too few actual scores to show
        st.markdown(ui.t("results.too_few_scores", items=f"{item.id} · {item.title.get(lang)}", minimum=settings.min_group))
        return
    with st.container(key="kw-stats", horizontal=True, horizontal_alignment="distribute"):
        st.markdown(ui.t("presenter.median", value=formatting.format_number(frozen.get("median"), decimal) or "–"), width="content")
        st.markdown(ui.t("presenter.spread", value=formatting.format_number(frozen.get("sd"), decimal) or "–"), width="content")
        st.markdown(ui.t("presenter.based_on", count=frozen.get("respondents", 0)), width="content")
    parts = [f"**{score}** {score_labels[score]}: **{frozen.get(f'count_{score}') or 0}**" for score in score_labels]
    parts.append(f"{framework.dont_know.get(lang)}: **{frozen.get('n_dont_know') or 0}**")
    chart = charts.distribution(
        workshop.snapshot_frame(frozen, item), labels={**labels, "x_title": ui.t("presenter.people_axis")}, big=True
    )
    with st.container(key="kw-chart"):
        st.image(charts.chart_image(chart, "png", scale=2), width="stretch", alt=" · ".join(parts).replace("**", ""))
    with st.container(key="kw-scores"):
        st.markdown(" · ".join(parts))


with st.container(key="kw-presenter"):
    if survey_round.status != "open":
        show_summary()
    elif view.item is None:
        show_welcome()
    else:
        show_item()

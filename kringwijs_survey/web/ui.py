"""The helpers every page uses: words in the page's language, the engine and settings, errors as plain
messages, confirmations, and tables and charts that fit the page."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

import streamlit as st

from kringwijs_survey.core import i18n
from kringwijs_survey.core.settings import load_settings
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import responses, rounds
from kringwijs_survey.render import chart_words, charts, tables
from kringwijs_survey.rules.content import Framework, get_frameworks
from kringwijs_survey.rules.own_frameworks import of_round
from kringwijs_survey.store.database import data_revision, get_engine, migrate
from kringwijs_survey.web import typed_text

LANG_KEY = "lang"


def language() -> str:
    if LANG_KEY not in st.session_state:
        requested = st.query_params.get("lang", i18n.DEFAULT_LANGUAGE)
        st.session_state[LANG_KEY] = requested if requested in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    return st.session_state[LANG_KEY]


_MARKDOWN_SPECIALS = set("\\`*_[](){}<>!|~$:.@")  # ":" "." "@" stop bare links and e-mail autolinks

_BLOCK_START = re.compile(r"^(#|-|\+|=)")

_ORDERED_LIST_START = re.compile(r"^(\d+)\.")


def literal(text: object) -> str:
    """Text a person typed, made safe for Streamlit's markdown: shown exactly as typed,
    never as a link, image, HTML or formatting."""
    value = str(text)
    escaped = "".join(f"\\{char}" if char in _MARKDOWN_SPECIALS else char for char in value)
    if _BLOCK_START.match(escaped):
        escaped = "\\" + escaped
    escaped = _ORDERED_LIST_START.sub(r"\1\\.", escaped)
    return escaped.replace("\n", "  \n")


def t(key: str, **values: object) -> str:
    """Interface text for markdown and widget labels. Values are escaped as well as markdown
    allows, but that cannot stop its autolinks: a value people typed goes through `say`."""
    text = i18n.template(key, language(), values)  # the singular form is chosen on the number itself
    return text.format(**{name: literal(value) for name, value in values.items()}) if values else text


def plain(key: str, **values: object) -> str:
    """Interface text with the values as they are, for elements that show text as text
    (typed_text.show, chart summaries), never for markdown."""
    return i18n.t(key, language(), **values)


def say(key: str, kind: str = "text", **values: object) -> None:
    """Show an interface text that holds values people typed (a team name, an area…): the
    values appear exactly as typed (see typed_text). kind: as in typed_text.show."""
    typed_text.sentence(i18n.template(key, language(), values), kind, **values)


def _remember_language() -> None:
    st.session_state[LANG_KEY] = st.session_state[f"{LANG_KEY}_choice"]


def language_switch() -> None:
    """Streamlit forgets widget values across pages, so the choice is copied to a plain key."""
    labels = {"nl": "Nederlands", "en": "English"}
    st.sidebar.radio(
        t("app.language"),
        i18n.LANGUAGES,
        index=i18n.LANGUAGES.index(language()),
        format_func=labels.get,
        key=f"{LANG_KEY}_choice",
        on_change=_remember_language,
        horizontal=True,
    )


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
    """Every framework a team can choose: the built-in files and the newest published version
    of each of the organisation's own frameworks."""
    return get_frameworks(engine())


def framework_of(found) -> Framework:
    """The framework (and version) a round was answered with."""
    return of_round(engine(), found)


def framework_label(framework: Framework, lang: str) -> str:
    """A framework's title; an organisation's own framework also says its version."""
    title = framework.title.get(lang)
    return title if framework.own is None else f"{title} · {i18n.t('principles.version', lang, version=framework.version)}"


def framework_title(found, lang: str) -> str:
    """The title (and version) of the framework a round was answered with."""
    return framework_label(framework_of(found), lang)


def framework_names() -> dict[str, str]:
    """Every questionnaire's title as choices show it, in the page's language (a dict, so that a
    selectbox's format_func needs no session when Streamlit calls it later); a lens meant for the
    organisation says so."""
    lang = language()
    return {
        framework.id: t("principles.for_organisation", title=framework_label(framework, lang))
        if framework.audience == "organisation" else framework_label(framework, lang)
        for framework in frameworks().values()
    }


def show_error(error: Exception) -> None:
    """An error a person can fix, in their own language. The message may repeat what someone typed
    (a name that is taken), so its values are shown as typed (see say)."""
    if not isinstance(error, InvalidInput):
        typed_text.show(str(error), "error")
        return
    lang = language()
    values = {name: value.text(lang) if isinstance(value, i18n.Msg) else value for name, value in error.message.values.items()}
    say(error.message.key, "error", **values)


def run_or_explain(action) -> None:
    """Run a use case; on input a person can fix, explain in plain Dutch, else show the new state."""
    try:
        action()
    except InvalidInput as error:
        show_error(error)
    else:
        st.rerun()


def confirm_then(label: str, key: str, question: str, yes: str, action, icon: str | None = None) -> None:
    """A button for a step that cannot be undone: the first click asks `question` (a locale
    text, already filled in), "yes" runs `action` through run_or_explain, "no" asks nothing."""
    asking = f"confirm-{key}"
    if not st.session_state.get(asking):
        if st.button(label, key=key, icon=icon):
            st.session_state[asking] = True
            st.rerun()
        return
    with st.container(border=True):
        st.warning(question, icon=":material/warning:")
        yes_column, no_column = st.columns(2)
        if yes_column.button(yes, key=f"{key}-yes", type="primary", icon=icon):
            st.session_state[asking] = False
            run_or_explain(action)
        if no_column.button(t("common.not_now"), key=f"{key}-no"):
            st.session_state[asking] = False
            st.rerun()


class FillInState:
    """A participant's answers while moving back and forth, loaded once from their own draft."""

    def __init__(self, answers: dict, submitted: bool, step: int) -> None:
        self.answers = answers
        self.submitted = submitted
        self.step = step


def fill_in_state(round_id: int, respondent: str) -> FillInState:
    key = f"fill-in-{round_id}-{respondent}"
    if key not in st.session_state:
        own = responses.load_own_response(engine(), round_id, respondent)
        answers = dict(own.answers) if own else {}
        framework = of_round(engine(), rounds.get_round(engine(), round_id))
        unanswered = [index for index, item_id in enumerate(framework.item_ids) if item_id not in answers]
        step = unanswered[0] if unanswered else len(framework.item_ids)
        st.session_state[key] = FillInState(answers, bool(own and own.submitted), step)
    return st.session_state[key]


def chart_labels(**extra: str) -> dict[str, str]:
    """Every word a chart shows, in the page's language (see chart_words.chart_labels)."""
    return chart_words.chart_labels(language(), **extra)

# The width of the page's main column, measured in the browser: charts are built to fit it
# (a phone, a laptop with the sidebar open, a projector). The element reports again when the
# width changes by a step, which reruns the page once with charts of the new width.
CONTENT_WIDTH_KEY = "kw-content-width"

CONTENT_WIDTH_SEEN = "content_width"

DEFAULT_CONTENT_WIDTH = 700  # until the browser has reported (first run of a session, AppTest)

_CONTENT_WIDTH_JS = """
export default function ({ parentElement, setStateValue }) {
  const host = parentElement.host || parentElement;
  const column = host.closest('[data-testid="stVerticalBlock"]') || host.parentElement;
  let sent = null;
  const report = () => {
    const width = Math.floor(column.getBoundingClientRect().width);
    if (width > 0 && (sent === null || Math.abs(width - sent) >= 16)) {
      sent = width;
      setStateValue("width", width);
    }
  };
  const observer = new ResizeObserver(report);
  observer.observe(column);
  report();
  return () => observer.disconnect();
}
"""

_content_width_probe = st.components.v2.component("kringwijs_content_width", js=_CONTENT_WIDTH_JS)


def content_width() -> int:
    """The main column's width in px (call once per page run, at the page's top level)."""
    reported = _content_width_probe(key=CONTENT_WIDTH_KEY, default={"width": None}, on_width_change=lambda: None, height=0)
    width = getattr(reported, "width", None)
    if isinstance(width, (int, float)) and 200 <= width <= 10_000:
        st.session_state[CONTENT_WIDTH_SEEN] = int(width)  # kept across pages of the session
    return st.session_state.get(CONTENT_WIDTH_SEEN, DEFAULT_CONTENT_WIDTH)


def _vega_spec(chart, natural_size: bool = True) -> dict:
    """The chart's Vega-Lite spec, without Altair's schema check: the tests check every chart
    builder's spec against the schema, and the check took a fifth of a results page's run.
    Altair's default theme sizes charts that state no size at 300 px; Streamlit leaves it out.
    With `natural_size` the chart keeps its own size (autosize pad), set on the spec because
    Altair copies a whole chart to set one property."""
    spec = chart.to_dict(validate=False)
    if natural_size:
        spec["autosize"] = {"type": "pad", "contains": "padding"}
    view = spec.get("config", {}).get("view", {})
    for default in ("continuousWidth", "continuousHeight"):
        view.pop(default, None)
    if "config" in spec and not view:
        spec["config"].pop("view", None)
    return charts.without_mark_descriptions(spec)


TABLE_FONT_PX = 14

TABLE_FONT_SCALE = 0.9  # Streamlit's table font (Source Sans) is narrower than the chart font we measure with

TABLE_CELL_PADDING = 20  # px beside a table cell's text, left and right together

TABLE_MIN_COLUMN = 56


def show_table(frame) -> None:
    """A readable table (see tables.readable) that fits the page's width: when its columns
    together are wider than the page, the headers longer than their column's values are cut to
    a common width (the whole header shows on hover), so the table does not scroll sideways on
    a laptop. On a phone a wide table still scrolls inside its own frame."""
    room = st.session_state.get(CONTENT_WIDTH_SEEN, DEFAULT_CONTENT_WIDTH) - 4
    cells = {
        column: max([charts.text_px(value, TABLE_FONT_PX) for value in frame[column].astype(str)], default=0.0) * TABLE_FONT_SCALE
        + TABLE_CELL_PADDING
        for column in frame.columns
    }
    natural = {
        column: max(cells[column], charts.text_px(column, TABLE_FONT_PX) * TABLE_FONT_SCALE + TABLE_CELL_PADDING)
        for column in frame.columns
    }
    config = None
    if sum(natural.values()) > room:
        floors = {column: max(cells[column], TABLE_MIN_COLUMN) for column in frame.columns}

        def total(cap: float) -> float:
            return sum(max(floors[column], min(natural[column], cap)) for column in frame.columns)

        cap = max(natural.values())
        while cap > TABLE_MIN_COLUMN and total(cap) > room:
            cap -= 4
        widths = {column: int(max(floors[column], min(natural[column], cap))) for column in frame.columns}
        config = {
            column: st.column_config.Column(
                label=_shortened(str(column), widths[column]), width=widths[column], help=str(column)
            ) if widths[column] < natural[column] else st.column_config.Column(width=widths[column])
            for column in frame.columns
        }
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)


def _shortened(header: str, width: float) -> str:
    """A header cut to fit its column, ending in "…" so people see there is more (on hover)."""
    fits = lambda text: charts.text_px(text, TABLE_FONT_PX) * TABLE_FONT_SCALE + TABLE_CELL_PADDING <= width  # noqa: E731
    if fits(header):
        return header
    words = header
    while len(words) > 1 and not fits(words.rstrip() + "…"):
        words = words[:-1]
    return words.rstrip() + "…"


def show_chart(chart, summary: str, table=None, *, stretch: bool = False) -> None:
    """A chart with its text alternative: a short summary, and the numbers as a table on request.

    `chart` is an Altair chart or a ready Vega-Lite spec (see chart_spec). Charts keep the size
    they were built with ("pad"): Streamlit's default fits the whole chart, labels included,
    into the stated width, which squeezes charts with long row labels."""
    spec = chart if isinstance(chart, dict) else _vega_spec(chart, natural_size=not stretch)
    st.vega_lite_chart({**spec, "description": summary}, width="stretch" if stretch else "content")
    typed_text.show(summary, "caption")  # summaries name teams and titles
    if table is not None:
        with st.expander(t("chart.as_table")):
            show_table(tables.readable(table, language()))

_chart_specs: OrderedDict = OrderedDict()

_chart_specs_lock = threading.Lock()

CHART_SPEC_CACHE_SIZE = 32


def chart_spec(key: tuple, build) -> dict:
    """The Vega-Lite spec of a chart of shared aggregates (never one person's data), built once
    and reused until the next write to the database. `key` names everything the chart depends on."""
    full_key = (key, data_revision(engine()))
    with _chart_specs_lock:
        if full_key in _chart_specs:
            _chart_specs.move_to_end(full_key)
            return _chart_specs[full_key]
    spec = _vega_spec(build())
    with _chart_specs_lock:
        _chart_specs[full_key] = spec
        while len(_chart_specs) > CHART_SPEC_CACHE_SIZE:
            _chart_specs.popitem(last=False)
    return spec

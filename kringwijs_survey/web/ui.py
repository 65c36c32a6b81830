"""Small Streamlit helpers shared by the pages: language, the engine, rendering content."""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict

import streamlit as st

from kringwijs_survey.core import i18n, links
from kringwijs_survey.core.settings import load_settings
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.core.vocabulary import AUDIENCE_RESIDENTS
from kringwijs_survey.domain import services
from kringwijs_survey.render import chart_words, charts, tables
from kringwijs_survey.rules import access
from kringwijs_survey.rules.access import (
    ANONYMOUS,
    Principal,
    Role,
    check_passphrase,
    configured_passphrase_hashes,
    new_respondent_key,
)
from kringwijs_survey.rules.content import Framework, Item, Question, get_frameworks
from kringwijs_survey.rules.own_frameworks import of_round
from kringwijs_survey.store.database import data_revision, get_engine, migrate
from kringwijs_survey.web import typed_text
from kringwijs_survey.web.navigation import page_for_audience, page_for_file

LANG_KEY = "lang"
PRINCIPAL_KEY = "principal"
NOTICE_KEY = "access_notice"


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


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml at all: passphrases may still come from the environment
        return {}


def _team_principal(team) -> Principal:
    return Principal(Role.TEAM, team_id=team.id, key_digest=team.key_hash)


def _resolve_team_link() -> None:
    key = st.query_params.get("team")
    if key is None:
        return
    team = services.team_by_key(engine(), key)
    if team is None:
        st.session_state[NOTICE_KEY] = "access.wrong_key"
        st.session_state.pop(PRINCIPAL_KEY, None)
        return
    st.session_state[PRINCIPAL_KEY] = _team_principal(team)


ANSWERING_KEY = "answering"  # round id -> this session's own respondent key


def _answer_cookies() -> dict[str, str]:
    """This browser's kw_answer_ cookies, as sent with the page's own request."""
    try:
        cookies = dict(st.context.cookies)
    except Exception:  # no browser request behind this run (a script, a bare AppTest)
        return {}
    return {
        name: value for name, value in cookies.items()
        if isinstance(name, str) and isinstance(value, str) and name.startswith(access.ANSWER_COOKIE_PREFIX)
    }


def _held_in_browser(round_id: int) -> tuple[str, str | None] | None:
    """The response this browser already holds in a round: its own cookie (written by
    keep_answering_in_browser), trusted only when that response exists. So a reload continues
    on any app instance, while a made-up cookie in another browser opens nothing."""
    held = access.parse_answer_cookie(_answer_cookies().get(access.answer_cookie_name(round_id)))
    if held is None or services.load_own_response(engine(), round_id, held[0]) is None:
        return None
    return held


def _browser_round_for_invitation(invitation: str):
    """A used invitation still opens the round for the browser that answered with it."""
    for name in _answer_cookies():
        round_id = name.removeprefix(access.ANSWER_COOKIE_PREFIX)
        if not round_id.isdigit():
            continue
        held = _held_in_browser(int(round_id))
        if held is not None and held[1] == invitation:
            found = services.get_round(engine(), int(round_id))
            if found is not None and found.status == "open":
                return found
    return None


def _participate(found, invitation: str | None = None) -> None:
    """This browser answers `found`. One browser holds one response per round: coming back
    (another link, the code again, a reload on another app instance) continues that response.
    The respondent key lives in the session and in this browser's own cookie, never in the URL,
    so a link from someone's browser history opens nothing."""
    answering = st.session_state.setdefault(ANSWERING_KEY, {})
    if found.id not in answering:
        held_in_browser = _held_in_browser(found.id)
        if held_in_browser is not None:
            answering[found.id] = held_in_browser
    held = answering.get(found.id)
    current_principal = st.session_state.get(PRINCIPAL_KEY, ANONYMOUS)
    if held is not None:
        respondent, used_invitation = held
        if invitation and invitation != used_invitation:
            st.session_state[NOTICE_KEY] = "invitation.one_per_session"
        invitation = used_invitation
    elif current_principal.role == Role.PARTICIPANT and current_principal.round_id == found.id:
        respondent = current_principal.respondent
        invitation = invitation or current_principal.invitation
    else:
        respondent = new_respondent_key()
    st.session_state[PRINCIPAL_KEY] = Principal(
        Role.PARTICIPANT, team_id=found.team_id, round_id=found.id, respondent=respondent, invitation=invitation
    )


def remember_answering(who: Principal) -> None:
    """After the first save: this session (and, from the next run, this browser) holds a
    response in this round."""
    st.session_state.setdefault(ANSWERING_KEY, {})[who.round_id] = (who.respondent, who.invitation)


WRITTEN_COOKIES_KEY = "answer_cookies_written"


def keep_answering_in_browser(who: Principal) -> None:
    """Write this session's response into a cookie of this browser only (SameSite=Strict, for
    this site's path), once per value. A reload, also on another app instance, reads it back."""
    held = st.session_state.get(ANSWERING_KEY, {}).get(who.round_id)
    if held is None:
        return
    name, value = access.answer_cookie_name(who.round_id), access.answer_cookie_value(*held)
    written = st.session_state.setdefault(WRITTEN_COOKIES_KEY, {})
    if written.get(name) == value:
        return
    written[name] = value
    max_age = access.ANSWER_COOKIE_DAYS * 24 * 3600
    st.html(
        "<script>document.cookie = "
        f"'{name}={value}; Path=/; Max-Age={max_age}; SameSite=Strict'"
        " + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


def _joinable(found):
    """A round a join code may open: open, and not one that needs personal invitations."""
    return found if found is not None and found.status == "open" and not found.invitation_only else None


def _resolve_join_link() -> None:
    if "me" in st.query_params:  # older links carried the respondent key; it opens nothing now
        del st.query_params["me"]
    invitation = st.query_params.get("invite")
    if invitation is not None:
        own = st.session_state.get(PRINCIPAL_KEY, ANONYMOUS)
        if own.invitation == access.normalise_join_code(invitation):  # this session's own invitation
            found = services.round_by_invitation(engine(), invitation)
        else:  # this browser's own (also once used), else a new code through the throttle
            found = _browser_round_for_invitation(access.normalise_join_code(invitation)) or checked_code(
                "invitation", invitation, lambda: services.round_by_invitation(engine(), invitation)
            )
        if found is None:
            if own.invitation != access.normalise_join_code(invitation):  # not the one this session just sent
                st.session_state.setdefault(NOTICE_KEY, "invitation.unknown")
            return
        _participate(found, access.normalise_join_code(invitation))
        return
    code = st.query_params.get("join")
    if code is None:
        return
    own = st.session_state.get(PRINCIPAL_KEY, ANONYMOUS)
    found = services.round_by_join_code(engine(), code)
    if found is None or own.round_id != found.id:  # a new code, not this session's own round
        found = checked_code("join", code, lambda: _joinable(services.round_by_join_code(engine(), code)))
    # Unknown, closed and invitation-only codes get the same answer: guessing learns nothing.
    if found is None or found.status != "open" or found.invitation_only:
        st.session_state.setdefault(NOTICE_KEY, "access.unknown_code")
        return
    if found.audience == AUDIENCE_RESIDENTS:  # a residents' code never opens the team's questionnaire
        st.session_state[NOTICE_KEY] = "residents.code_is_for_residents"
        return
    _participate(found)


HANDOFF_PARAM = "handoff"
HANDED_SECRET_KEY = "handed_secret"


def _resolve_handoff() -> None:
    """A one-time link from another tab of this browser (access.Handoffs): sign this tab in as
    the person who made it and keep the secret it carried (a beamer code) for the page."""
    token = st.query_params.get(HANDOFF_PARAM)
    if token is None:
        return
    del st.query_params[HANDOFF_PARAM]
    carried = access.handoffs.redeem(token)
    if carried is None:
        st.session_state[NOTICE_KEY] = "access.handoff_used"
        return
    st.session_state[PRINCIPAL_KEY], st.session_state[HANDED_SECRET_KEY] = carried


def take_handed_secret() -> str | None:
    """The secret a one-time link brought into this tab, once."""
    return st.session_state.pop(HANDED_SECRET_KEY, None)


def handoff_link(page: str, secret: str) -> str:
    """A link (relative, for a new tab of this browser) that opens `page` signed in as the
    person looking now, carrying `secret`. One token per page and secret while it is unused."""
    remembered = f"handoff:{page}:{access.key_digest(secret)}"
    token = st.session_state.get(remembered)
    if token is None or not access.handoffs.is_open(token):
        token = access.handoffs.issue(current(), secret)
        st.session_state[remembered] = token
    lang = language()
    return f"{page}?{HANDOFF_PARAM}={token}" + ("" if lang == i18n.DEFAULT_LANGUAGE else f"&lang={lang}")


def principal() -> Principal:
    """The person looking at this page, from their link, join code or sign-in. Checked again on
    every run: a closed round ends a participant's session, a renewed team link a team's."""
    _resolve_handoff()
    _resolve_team_link()
    _resolve_join_link()
    _resolve_residents_link()
    current = st.session_state.get(PRINCIPAL_KEY, ANONYMOUS)
    if current.role == Role.PARTICIPANT:
        found = services.get_round(engine(), current.round_id)
        if found is None or found.status != "open":
            st.session_state[NOTICE_KEY] = "access.closed_code"
            st.session_state.pop(PRINCIPAL_KEY, None)
            return ANONYMOUS
    if current.role == Role.TEAM:
        team = services.get_team(engine(), current.team_id)
        if team is None or team.key_hash is None or team.key_hash != current.key_digest:
            st.session_state[NOTICE_KEY] = "access.key_renewed"
            st.session_state.pop(PRINCIPAL_KEY, None)
            if "team" in st.query_params:
                del st.query_params["team"]
            return ANONYMOUS
    return current


SESSION_ID_KEY = "session_id"


def session_id() -> str:
    """A random name for this browser session, for throttling only (never stored)."""
    if SESSION_ID_KEY not in st.session_state:
        st.session_state[SESSION_ID_KEY] = secrets.token_hex(8)
    return st.session_state[SESSION_ID_KEY]


def allow_attempt(scope: str) -> bool:
    """May this session try a code of `scope` now? False (and a notice) while it has to wait;
    under a flood of guesses from many sessions, waits for its turn (access.AttemptLimiter)."""
    if access.attempts.wait_seconds(scope, session_id()) > 0:
        st.session_state[NOTICE_KEY] = "access.wait"
        return False
    access.attempts.take_turn(scope)
    return True


REFUSED_CODES_KEY = "refused_codes"


def checked_code(scope: str, code: str, lookup):
    """Look a typed or linked code up through the throttle; records whether it was right. A code
    this session already had refused (a link still in the address bar) costs no new attempt."""
    refused = st.session_state.setdefault(REFUSED_CODES_KEY, set())
    if (scope, code) in refused:
        return None
    if not allow_attempt(scope):
        return None
    found = lookup()
    access.attempts.record(scope, session_id(), found is not None)
    if found is None:
        refused.add((scope, code))
    return found


def sign_in_with_passphrase(role: Role, passphrase: str) -> bool:
    if check_passphrase(role, passphrase, configured_passphrase_hashes(_secrets()), session=session_id()):
        st.session_state[PRINCIPAL_KEY] = Principal(role)
        return True
    return False


def sign_in_with_team_key(key: str) -> bool:
    team = services.team_by_key(engine(), key.strip())
    if team is None:
        return False
    st.query_params["team"] = key.strip()
    st.session_state[PRINCIPAL_KEY] = _team_principal(team)
    return True


# Links carry the page's language: a link made in English opens in English (see links.py).
def team_link(key: str) -> str:
    return links.team_link(settings().base_url, key, language())


def join_link(code: str) -> str:
    return links.join_link(settings().base_url, code, language())


def sso_configured() -> bool:
    return bool(_secrets().get("auth", {}).get("client_id") or _secrets().get("auth", {}).get("providers"))


def sign_in_with_sso() -> list[Role]:
    """After st.login(): give the signed-in person the role their e-mail is mapped to."""
    from kringwijs_survey.rules.access import roles_for_user

    if not getattr(st.user, "is_logged_in", False):
        return []
    roles = roles_for_user(st.user, _secrets().get("auth", {}).get("roles"))
    if roles:
        st.session_state[PRINCIPAL_KEY] = Principal(max(roles, key=list(Role).index))
    return roles


def invitation_link(code: str) -> str:
    return links.invitation_link(settings().base_url, code, language())


def join_with_code(code: str) -> bool:
    """A typed code: a personal invitation (12 characters) or a workshop's join code (6)."""
    is_invitation = len(access.normalise_join_code(code)) == access.INVITATION_CODE_LENGTH
    st.query_params["invite" if is_invitation else "join"] = code
    _resolve_join_link()
    return st.session_state.get(PRINCIPAL_KEY, ANONYMOUS).role == Role.PARTICIPANT


def take_notice() -> str | None:
    """The text key of why the last code was refused (a wait, or an unknown code), once."""
    return st.session_state.pop(NOTICE_KEY, None)


def sign_out() -> None:
    st.session_state.pop(PRINCIPAL_KEY, None)
    for param in ("team", "join", "me", "invite"):
        st.query_params.pop(param, None)


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
        found = services.get_round(engine(), who.round_id)
        if found is not None and found.audience != spec.audience:
            st.title(t(spec.title_key))
            st.error(t(f"residents.wrong_page.{found.audience}"), icon=":material/lock:")
            right = page_for_audience(found.audience)
            if right is not None:
                st.page_link(right.path, label=t(right.title_key), icon=right.icon)
            st.stop()
    return who


def current() -> Principal:
    """The principal the guard admitted for this run (pages use this, never their own check)."""
    return st.session_state.get(PRINCIPAL_KEY, ANONYMOUS)


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

NEW_INVITATIONS_KEY = "new_invitations"


def show_invitation_state(round_id: int) -> None:
    """"N uitnodigingen, M ingevuld": every member sees it, so extra invitations cannot hide."""
    counted = services.invitation_count(engine(), round_id)
    st.markdown(t("invitation.state", invited=counted.invited, used=counted.used), help=t("invitation.state_help"))


def invitations_form(round_id: int) -> None:
    """Make personal single-use invitations; their links and codes are shown once, to hand out."""
    made = st.session_state.pop(NEW_INVITATIONS_KEY, None)
    if made and made[0] == round_id:
        lines = [
            i18n.t("invitation.line", language(), number=index, link=invitation_link(code), code=access.format_invitation_code(code))
            for index, code in enumerate(made[1], start=1)
        ]
        st.warning(t("invitation.once"), icon=":material/mail:")
        st.code("\n".join(lines), language=None)
        st.download_button(
            t("invitation.download"), "\n".join(lines) + "\n", file_name="uitnodigingen.txt", mime="text/plain",
            key=f"invitations-download-{round_id}", icon=":material/download:", on_click="ignore",
        )
    existing = services.invitation_count(engine(), round_id).invited
    with st.expander(t("invitation.title"), expanded=existing == 0, icon=":material/mail:"):
        st.markdown(t("invitation.intro"))
        with st.form(f"invitations-{round_id}"):
            count = st.number_input(
                t("invitation.how_many_more" if existing else "invitation.how_many"),
                min_value=1, max_value=services.MAX_INVITATIONS, value=None if existing else 8, step=1,
            )
            if st.form_submit_button(t("invitation.make"), type="primary", icon=":material/mail:"):
                try:
                    codes = services.create_invitations(engine(), round_id, int(count or 0), actor=current())
                except InvalidInput as error:
                    show_error(error)
                else:
                    st.session_state[NEW_INVITATIONS_KEY] = (round_id, codes)
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
        own = services.load_own_response(engine(), round_id, respondent)
        answers = dict(own.answers) if own else {}
        framework = of_round(engine(), services.get_round(engine(), round_id))
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


# --- residents ---------------------------------------------------------------------------------
# A resident answers with the code on a card (?inwoner=CODE): no account, nothing about them is
# kept but a random key. On a shared tablet every next resident starts with a clean sheet.
# Cards printed before the app said "inwoner" everywhere carry ?bewoner=CODE; they keep working.

RESIDENTS_PARAM = links.RESIDENTS_PARAM
EARLIER_RESIDENTS_PARAMS = ("bewoner",)

RESIDENT_SHEET_KEY = "resident_sheet"
RESIDENT_SENT_KEY = "resident_sent"
RESIDENT_ANSWER_PREFIX = "resident-answer-"


def residents_link(code: str) -> str:
    return links.residents_link(settings().base_url, code, language())


def is_resident(who: Principal) -> bool:
    if who.role != Role.PARTICIPANT or who.round_id is None:
        return False
    found = services.get_round(engine(), who.round_id)
    return found is not None and found.audience == AUDIENCE_RESIDENTS


def resident_answer_key(statement_id: str) -> str:
    """The widget key of one answer; new for every resident, so no widget can carry an answer over."""
    return f"{RESIDENT_ANSWER_PREFIX}{st.session_state.get(RESIDENT_SHEET_KEY, '')}-{statement_id}"


def forget_resident_answers() -> None:
    """Remove every trace of the last resident's answers from this session."""
    for key in [key for key in st.session_state if str(key).startswith(RESIDENT_ANSWER_PREFIX)]:
        del st.session_state[key]
    st.session_state.pop(RESIDENT_SENT_KEY, None)


def _start_resident(team_id: int, round_id: int) -> None:
    forget_resident_answers()
    st.session_state[RESIDENT_SHEET_KEY] = secrets.token_hex(8)
    st.session_state[PRINCIPAL_KEY] = Principal(
        Role.PARTICIPANT, team_id=team_id, round_id=round_id, respondent=new_respondent_key()
    )


def _resolve_residents_link() -> None:
    code = next(
        (st.query_params.get(param) for param in (RESIDENTS_PARAM, *EARLIER_RESIDENTS_PARAMS) if param in st.query_params), None
    )
    if code is None:
        return
    current_principal = st.session_state.get(PRINCIPAL_KEY, ANONYMOUS)
    found = services.round_by_join_code(engine(), code)
    if found is None or current_principal.round_id != found.id:
        found = checked_code("join", code, lambda: services.round_by_join_code(engine(), code))
    refusal = (  # unknown and closed codes get the same answer: guessing learns nothing
        "access.unknown_code" if found is None or found.status != "open"
        else "residents.code_is_for_team" if found.audience != AUDIENCE_RESIDENTS
        else None
    )
    if refusal:
        st.session_state[NOTICE_KEY] = refusal
        return
    current_principal = st.session_state.get(PRINCIPAL_KEY, ANONYMOUS)
    if current_principal.role == Role.PARTICIPANT and current_principal.round_id == found.id:
        return
    # From here on this screen belongs to residents: whoever used it before is signed out, and
    # the respondent key is kept in the session only, never in the URL or the browser history.
    for param in ("team", "join", "me", "invite"):
        st.query_params.pop(param, None)
    _start_resident(found.team_id, found.id)


def join_as_resident(code: str) -> str | None:
    """Start answering with the code from a card; None when it worked, else why not (a text key)."""
    st.query_params[RESIDENTS_PARAM] = code
    _resolve_residents_link()
    if is_resident(st.session_state.get(PRINCIPAL_KEY, ANONYMOUS)):
        return None
    return st.session_state.pop(NOTICE_KEY, None) or "access.unknown_code"


def resident_has_sent(who: Principal) -> bool:
    return st.session_state.get(RESIDENT_SENT_KEY) == who.respondent


def mark_resident_sent(who: Principal) -> None:
    """After sending: the answers leave the session at once, only the thank-you screen remains."""
    forget_resident_answers()
    st.session_state[RESIDENT_SENT_KEY] = who.respondent


def next_resident() -> None:
    """Shared tablet: a new random key and no trace of the previous resident's answers."""
    who = st.session_state.get(PRINCIPAL_KEY, ANONYMOUS)
    if is_resident(who):
        _start_resident(who.team_id, who.round_id)


# Constant CSS only: a table's own "Download as CSV" writes typed text unprotected (a team named
# =HYPERLINK(…) would run in a spreadsheet); the app's CSV and XLSX downloads are protected.
TABLE_CSS = """<style>
[data-testid="stElementToolbar"] button[aria-label="Download as CSV"] { display: none !important; }
</style>"""


# Constant CSS only (never text a person typed): bigger touch targets for phones and tablets.
TOUCH_CSS = """<style>
[data-testid="stMain"] [data-testid="stRadioOption"] { min-height: 44px; align-items: center; padding: 4px 0; }
[data-testid="stMain"] button { min-height: 44px; }
[data-testid="stMain"] [data-testid="stCheckbox"] label { min-height: 44px; align-items: center; }
[data-testid="stMain"] [data-testid="stExpander"] summary { min-height: 44px; }
/* A form's send button stays in sight at the bottom of a phone while its form is on screen.
   (Sticky moves only inside its parent: for a row of buttons that is the row's layout wrapper.) */
[data-testid="stForm"] [data-testid="stElementContainer"]:has([data-testid="stFormSubmitButton"]),
[data-testid="stForm"] [data-testid="stLayoutWrapper"]:has(> [data-testid="stHorizontalBlock"] [data-testid="stFormSubmitButton"]) {
  position: sticky; bottom: 0; z-index: 3; background: #ffffff; padding: 6px 0;
}
</style>"""


def touch_friendly() -> None:
    """Touch targets of at least 44 by 44 pixels (WCAG 2.5.5) on the pages people use on a phone."""
    st.html(TOUCH_CSS)


# Constant CSS only: the printed results are the page itself, without the app around it.
PRINT_CSS = """<style>
@media print {
  @page { size: A4 portrait; margin: 14mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stElementToolbar"], [data-testid="stMain"] button, [data-testid="stMain"] [data-testid="stCheckbox"],
  [data-testid="stMain"] [data-baseweb="select"], [data-testid="stMain"] [data-testid="stToggle"] { display: none !important; }
  [data-testid="stMain"] { padding: 0 !important; }
  [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0 !important; }
  [data-testid="stVegaLiteChart"], [data-testid="stExpander"] { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>"""


def print_friendly() -> None:
    """Results laid out for A4 paper, for teams that talk on paper."""
    st.html(PRINT_CSS)

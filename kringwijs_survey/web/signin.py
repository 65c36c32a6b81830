"""Who this session is: sign-in with a passphrase, a team link, SSO or a code; a participant's
answering key kept in the browser; residents with a card; the one-time projector hand-off;
attempt limits for codes."""

from __future__ import annotations

import secrets

import streamlit as st

from kringwijs_survey.core import i18n, links
from kringwijs_survey.core.vocabulary import AUDIENCE_RESIDENTS
from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.rules import access
from kringwijs_survey.rules.access import (
    ANONYMOUS,
    Principal,
    Role,
    check_passphrase,
    configured_passphrase_hashes,
    new_respondent_key,
)
from kringwijs_survey.web.ui import engine, language, settings

PRINCIPAL_KEY = "principal"

NOTICE_KEY = "access_notice"


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
    team = teams.team_by_key(engine(), key)
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
    if held is None or responses.load_own_response(engine(), round_id, held[0]) is None:
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
            found = rounds.get_round(engine(), int(round_id))
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


def keep_answering_in_browser(who: Principal, slot) -> None:
    """Write this session's response into a cookie of this browser only (SameSite=Strict, for
    this site's path), once per value. A reload, also on another app instance, reads it back.

    The script goes into `slot`, an `st.empty()` the page makes on every run, so the page's
    layout is the same whether or not the cookie is written in this run: a live phone's poll
    fragment is addressed by its position on the page, and an element that is there in one run
    and gone in the next moves it."""
    held = st.session_state.get(ANSWERING_KEY, {}).get(who.round_id)
    if held is None:
        return
    name, value = access.answer_cookie_name(who.round_id), access.answer_cookie_value(*held)
    written = st.session_state.setdefault(WRITTEN_COOKIES_KEY, {})
    if written.get(name) == value:
        return
    written[name] = value
    max_age = access.ANSWER_COOKIE_DAYS * 24 * 3600
    slot.html(
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
            found = rounds.round_by_invitation(engine(), invitation)
        else:  # this browser's own (also once used), else a new code through the throttle
            found = _browser_round_for_invitation(access.normalise_join_code(invitation)) or checked_code(
                "invitation", invitation, lambda: rounds.round_by_invitation(engine(), invitation)
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
    found = rounds.round_by_join_code(engine(), code)
    if found is None or own.round_id != found.id:  # a new code, not this session's own round
        found = checked_code("join", code, lambda: _joinable(rounds.round_by_join_code(engine(), code)))
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
        found = rounds.get_round(engine(), current.round_id)
        if found is None or found.status != "open":
            st.session_state[NOTICE_KEY] = "access.closed_code"
            st.session_state.pop(PRINCIPAL_KEY, None)
            return ANONYMOUS
    if current.role == Role.TEAM:
        team = teams.get_team(engine(), current.team_id)
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
    team = teams.team_by_key(engine(), key.strip())
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


def current() -> Principal:
    """The principal the guard admitted for this run (pages use this, never their own check)."""
    return st.session_state.get(PRINCIPAL_KEY, ANONYMOUS)


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
    found = rounds.get_round(engine(), who.round_id)
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
    found = rounds.round_by_join_code(engine(), code)
    if found is None or current_principal.round_id != found.id:
        found = checked_code("join", code, lambda: rounds.round_by_join_code(engine(), code))
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

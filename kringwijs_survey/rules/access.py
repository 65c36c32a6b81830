"""Who may see what: one mechanism for roles, keys, join codes and passphrases.

- participant: reaches one open round through its join code; sees only their own answers.
- team: reaches its team space through a secret key (192 random bits) in its link.
- facilitator, manager, admin: a passphrase, checked against an Argon2 hash from
  .streamlit/secrets.toml or the environment, or single sign-on (st.login) mapped to a role.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kringwijs_survey.core.validation import Refused


class NotAllowed(Refused):
    """The principal does not own what it asked for."""

    def __init__(self) -> None:
        super().__init__("access.not_allowed")

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L look-alikes
JOIN_CODE_LENGTH = 6
INVITATION_CODE_LENGTH = 12  # about 59 random bits, typed in groups of four: ABCD-EFGH-JKMN
TEAM_KEY_BYTES = 24
RESPONDENT_KEY_BYTES = 18
MAX_THROTTLE_SECONDS = 8.0


class Role(StrEnum):
    PARTICIPANT = "participant"
    TEAM = "team"
    FACILITATOR = "facilitator"
    MANAGER = "manager"
    ADMIN = "admin"
    # The command line and scripts: whoever runs them holds the database already. No page lets it in.
    SYSTEM = "system"


PASSPHRASE_ROLES = (Role.FACILITATOR, Role.MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class Principal:
    """Who is looking. Participants carry their round and their own random respondent key."""

    role: Role | None = None
    team_id: int | None = None
    round_id: int | None = None
    respondent: str | None = None
    # A team session remembers the digest of the key it came in with; every run compares it
    # with the stored one, so a renewed link ends the session (signin.principal).
    key_digest: str | None = None
    # A participant of an invitation-only round carries their unused invitation until they send.
    invitation: str | None = None

    def may_open(self, allowed: tuple[str, ...]) -> bool:
        return "everyone" in allowed or (self.role is not None and self.role.value in allowed)


ANONYMOUS = Principal()
SYSTEM = Principal(Role.SYSTEM)


class Permission(StrEnum):
    """What a principal may want to do with a team's data (datasette's actions)."""

    READ_TEAM = "team.read"  # rounds, results, comments, notes, actions
    CHANGE_TEAM = "team.change"  # open and close rounds, invitations, notes, actions, residents
    ANSWER = "round.answer"  # fill in one round
    MANAGE_TEAMS = "teams.manage"  # approve, renew links, export and erase (admin)
    MANAGE_FRAMEWORKS = "frameworks.manage"  # upload and publish an organisation's own framework (admin)


@dataclass(frozen=True)
class Resource:
    """The data asked about: a team, or one of its rounds."""

    team_id: int | None
    round_id: int | None = None


def ensure_permission(principal: Principal, action: Permission, resource: Resource) -> None:
    """Refuse (NotAllowed, a text in the person's language) unless `principal` owns `resource`
    for `action`: a team only its own team's data, a participant only their own round, an admin
    only the managing of teams. Nobody else changes or reads a team's data through a use case."""
    role = principal.role
    allowed = (
        role == Role.SYSTEM
        or (role == Role.TEAM and action in (Permission.READ_TEAM, Permission.CHANGE_TEAM)
            and resource.team_id is not None and resource.team_id == principal.team_id)
        or (role == Role.PARTICIPANT and action == Permission.ANSWER
            and resource.round_id is not None and resource.round_id == principal.round_id)
        or (role == Role.ADMIN and action in (Permission.MANAGE_TEAMS, Permission.MANAGE_FRAMEWORKS))
    )
    if not allowed:
        raise NotAllowed()


def new_team_key() -> str:
    return secrets.token_urlsafe(TEAM_KEY_BYTES)


def new_respondent_key() -> str:
    return secrets.token_urlsafe(RESPONDENT_KEY_BYTES)


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def new_invitation_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(INVITATION_CODE_LENGTH))


def format_invitation_code(code: str) -> str:
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


def normalise_join_code(raw: str) -> str:
    return "".join(char for char in (raw or "").upper() if char.isalnum())


# A phone keeps its own respondent key in a cookie of its own browser (one per round), so a
# reload continues the same answers on any app instance (issue 17) while the key is never in a
# link that can be shared or shows up in someone's history. Only that browser sends it.
ANSWER_COOKIE_PREFIX = "kw_answer_"
ANSWER_COOKIE_DAYS = 60
_RESPONDENT_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def answer_cookie_name(round_id: int) -> str:
    return f"{ANSWER_COOKIE_PREFIX}{int(round_id)}"


def answer_cookie_value(respondent: str, invitation: str | None) -> str:
    return f"{respondent}.{invitation or ''}"


def parse_answer_cookie(raw: str | None) -> tuple[str, str | None] | None:
    """(respondent key, invitation) from a cookie value; None for anything this app did not write."""
    if not isinstance(raw, str):
        return None
    respondent, _, invitation = raw.partition(".")
    if not _RESPONDENT_PATTERN.match(respondent):
        return None
    invitation = normalise_join_code(invitation)
    return respondent, (invitation if len(invitation) == INVITATION_CODE_LENGTH else None)


def key_digest(key: str) -> str:
    """Team keys are long random secrets, so SHA-256 suffices (and allows a lookup by digest)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


_hasher = PasswordHasher()


def hash_passphrase(passphrase: str) -> str:
    return _hasher.hash(passphrase)


def configured_passphrase_hashes(secrets_source: dict | None = None) -> dict[Role, str]:
    """Hashes from secrets.toml's [passphrases] table, or KRINGWIJS_<ROLE>_PASSPHRASE_HASH."""
    found: dict[Role, str] = {}
    table = (secrets_source or {}).get("passphrases", {}) if secrets_source else {}
    for role in PASSPHRASE_ROLES:
        value = table.get(role.value) or os.environ.get(f"KRINGWIJS_{role.value.upper()}_PASSPHRASE_HASH")
        if value:
            found[role] = str(value)
    return found


class _Throttle:
    """Slows down wrong attempts per subject (a role in one browser session): 0.5 s, 1 s, 2 s …
    up to 8 s, reset by a success. One session's guesses never slow another session down."""

    def __init__(self) -> None:
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()

    def delay(self, role: str) -> float:
        with self._lock:
            failures = self._failures.get(role, 0)
        return 0.0 if failures == 0 else min(MAX_THROTTLE_SECONDS, 0.5 * 2 ** (failures - 1))

    def record(self, role: str, success: bool) -> None:
        with self._lock:
            self._failures[role] = 0 if success else self._failures.get(role, 0) + 1


throttle = _Throttle()

FREE_ATTEMPTS = 5  # wrong codes a browser session may try before it has to wait
MAX_WAIT_SECONDS = 60.0
GLOBAL_FREE_PER_MINUTE = 60  # wrong attempts per scope per minute before guesses are queued
GLOBAL_SPACING_SECONDS = 0.25


class AttemptLimiter:
    """Guessing is slow, in two layers.

    Per browser session and scope (join code, invitation, beamer code, a role's passphrase):
    after FREE_ATTEMPTS wrong tries the session must wait 2, 4, 8 … up to 60 s before it may try
    again; it is told so at once (no thread sleeps), and a success clears its count.
    Global ceiling per scope: once more than GLOBAL_FREE_PER_MINUTE wrong tries came in within a
    minute (from any number of sessions), every check of that scope takes its turn in a queue,
    one per GLOBAL_SPACING_SECONDS. Parallel guesses then get at most four tries a second in all,
    while a person with the right code still gets in, only a moment later: nobody is locked out.
    """

    def __init__(self) -> None:
        self._failures: dict[tuple[str, str], tuple[int, float]] = {}
        self._recent: dict[str, list[float]] = {}
        self._queues: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, scope: str, session: str) -> float:
        with self._lock:
            count, last = self._failures.get((scope, session), (0, 0.0))
        if count < FREE_ATTEMPTS:
            return 0.0
        wait = min(MAX_WAIT_SECONDS, 2.0 ** (count - FREE_ATTEMPTS + 1))
        return max(0.0, last + wait - time.monotonic())

    def under_pressure(self, scope: str) -> bool:
        cutoff = time.monotonic() - 60
        with self._lock:
            recent = [moment for moment in self._recent.get(scope, []) if moment > cutoff]
            self._recent[scope] = recent
            return len(recent) > GLOBAL_FREE_PER_MINUTE

    def take_turn(self, scope: str) -> None:
        """Under pressure, wait for this scope's queue (one check per GLOBAL_SPACING_SECONDS)."""
        if not self.under_pressure(scope):
            return
        with self._lock:
            queue = self._queues.setdefault(scope, threading.Lock())
        with queue:
            time.sleep(GLOBAL_SPACING_SECONDS)

    def record(self, scope: str, session: str, success: bool) -> None:
        with self._lock:
            if success:
                self._failures.pop((scope, session), None)
                return
            count, _ = self._failures.get((scope, session), (0, 0.0))
            self._failures[(scope, session)] = (count + 1, time.monotonic())
            self._recent.setdefault(scope, []).append(time.monotonic())

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._recent.clear()


attempts = AttemptLimiter()


HANDOFF_SECONDS = 15 * 60.0


class Handoffs:
    """One-time links that carry a signed-in person into a new tab of the same browser: the
    facilitator's "Beamerscherm openen" opens the projector there, signed in and on the right
    workshop, without typing the beamer code again.

    The link holds only a random token, good once and for HANDOFF_SECONDS; what it carries (the
    principal and the beamer code) stays on the server. Tokens live in this process's memory,
    like Streamlit's images and downloads: a new tab of the same browser reaches the same
    instance behind the proxy's sticky-session cookie (deploy/haproxy.cfg)."""

    def __init__(self) -> None:
        self._open: dict[str, tuple[Principal, str, float]] = {}
        self._lock = threading.Lock()

    def issue(self, who: Principal, secret: str) -> str:
        token = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self._lock:
            self._open = {digest: held for digest, held in self._open.items() if held[2] > now}
            self._open[key_digest(token)] = (who, secret, now + HANDOFF_SECONDS)
        return token

    def is_open(self, token: str) -> bool:
        with self._lock:
            held = self._open.get(key_digest(token))
        return held is not None and held[2] > time.monotonic()

    def redeem(self, token: str | None) -> tuple[Principal, str] | None:
        """What the token carries, once; None for an unknown, used or expired token."""
        if not token or len(token) > 64:
            return None
        with self._lock:
            held = self._open.pop(key_digest(token), None)
        if held is None or held[2] <= time.monotonic():
            return None
        return held[0], held[1]


handoffs = Handoffs()


def check_passphrase(role: Role, passphrase: str, hashes: dict[Role, str], session: str = "") -> bool:
    """Constant-time Argon2 verification; every wrong attempt makes the next answer slower for
    this browser session (never for the real admin in another one), and a flood of wrong
    attempts from many sessions is queued (AttemptLimiter)."""
    subject = f"{role.value}:{session}" if session else role.value
    scope = f"passphrase:{role.value}"
    time.sleep(throttle.delay(subject))
    attempts.take_turn(scope)
    stored = hashes.get(role)
    ok = False
    if stored and passphrase:
        try:
            ok = _hasher.verify(stored, passphrase)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        # Spend the same effort when no hash is configured, so timing reveals nothing.
        hmac.compare_digest(_hasher.hash("x"), "y")
    throttle.record(subject, ok)
    attempts.record(scope, session, ok)
    return ok


def roles_for_email(email: str | None, role_table: dict | None) -> list[Role]:
    """Single sign-on: secrets.toml [auth.roles] maps a role to a list of e-mail addresses."""
    if not email or not role_table:
        return []
    email = email.strip().lower()
    return [
        Role(name)
        for name, members in role_table.items()
        if name in {r.value for r in PASSPHRASE_ROLES} and email in {str(m).strip().lower() for m in members}
    ]


def roles_for_user(user, role_table: dict | None) -> list[Role]:
    """Single sign-on: the roles of a signed-in person (st.user), only when the identity
    provider says it verified the e-mail address (``email_verified`` is true). Otherwise anyone
    who can register the address of a manager at some provider would get the manager's role."""
    verified = None if user is None else user.get("email_verified")
    # Some providers send the claim as the string "true".
    if not (verified is True or str(verified).lower() == "true"):
        return []
    return roles_for_email(user.get("email"), role_table)

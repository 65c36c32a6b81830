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
import secrets
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L look-alikes
JOIN_CODE_LENGTH = 6
TEAM_KEY_BYTES = 24
RESPONDENT_KEY_BYTES = 18
MAX_THROTTLE_SECONDS = 8.0


class Role(StrEnum):
    PARTICIPANT = "participant"
    TEAM = "team"
    FACILITATOR = "facilitator"
    MANAGER = "manager"
    ADMIN = "admin"


PASSPHRASE_ROLES = (Role.FACILITATOR, Role.MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class Principal:
    """Who is looking. Participants carry their round and their own random respondent key."""

    role: Role | None = None
    team_id: int | None = None
    round_id: int | None = None
    respondent: str | None = None

    def may_open(self, allowed: tuple[str, ...]) -> bool:
        return "everyone" in allowed or (self.role is not None and self.role.value in allowed)


ANONYMOUS = Principal()


def new_team_key() -> str:
    return secrets.token_urlsafe(TEAM_KEY_BYTES)


def new_respondent_key() -> str:
    return secrets.token_urlsafe(RESPONDENT_KEY_BYTES)


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(raw: str) -> str:
    return "".join(char for char in (raw or "").upper() if char.isalnum())


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
    """Slows down wrong attempts per role: 0.5 s, 1 s, 2 s … up to 8 s, reset by a success."""

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


def check_passphrase(role: Role, passphrase: str, hashes: dict[Role, str]) -> bool:
    """Constant-time Argon2 verification; every wrong attempt makes the next answer slower."""
    time.sleep(throttle.delay(role.value))
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
    throttle.record(role.value, ok)
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

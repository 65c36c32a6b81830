"""An organisation's own frameworks: uploaded by an admin (admin page or `framework add`),
checked with the rules of the built-in files, previewed, then published as a new version.

Every published version is kept as the file itself (table framework_version) and never changes:
a round stores the version it was answered with (Round.framework_version), so its results,
exports and history keep the words it was answered with when a later version is published.
Each process reads the published versions per database revision (database.data_revision), so
a version published on one app instance shows on every other instance at their next read.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from kringwijs_survey.core.i18n import DEFAULT_LANGUAGE
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.rules.access import Permission, Principal, Resource, ensure_permission
from kringwijs_survey.rules.content import Framework, OwnVersion, Problem, builtin_frameworks, check_framework_text
from kringwijs_survey.store.cache import cached_per_revision
from kringwijs_survey.store.database import get_engine, read_session, run_write
from kringwijs_survey.store.models import FrameworkVersion


class UploadRefused(Exception):
    """An uploaded framework file has problems; nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(problem.text() for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Checked:
    """An uploaded file after its check: the framework (None when refused) and its problems."""

    framework: Framework | None
    problems: list[Problem]
    text: str | None

    @property
    def ok(self) -> bool:
        return self.framework is not None and not self.problems


@dataclass(frozen=True)
class StoredVersion:
    row_id: int
    framework_id: str
    version: int
    yaml_text: str
    uploaded_by: str
    created_at: dt.datetime


@cached_per_revision
def stored_versions(engine: Engine) -> tuple[StoredVersion, ...]:
    """Every published version, oldest first (a tuple: cached per database revision)."""
    with read_session(engine) as session:
        rows = session.execute(select(FrameworkVersion).order_by(FrameworkVersion.framework_id, FrameworkVersion.version)).scalars()
        return tuple(
            StoredVersion(row.id, row.framework_id, row.version, row.yaml_text, row.uploaded_by, row.created_at) for row in rows
        )


_parsed: dict[tuple[str, int], Framework] = {}
_parsed_lock = threading.Lock()


def _framework(engine: Engine, stored: StoredVersion) -> Framework:
    """A stored version as a Framework; parsed once per process (a version never changes)."""
    # The text is part of the key: a restored backup may hold other text under the same row id.
    key = (str(engine.url), stored.row_id, stored.framework_id, stored.version, hash(stored.yaml_text))
    with _parsed_lock:
        found = _parsed.get(key)
    if found is not None:
        return found
    framework, _problems = check_framework_text(stored.yaml_text)
    if framework is None:  # checked before it was stored; only a stricter new release gets here
        raise InvalidInput("error.own_framework_broken", framework=stored.framework_id, version=stored.version)
    framework._own = OwnVersion(stored.version, stored.uploaded_by, stored.created_at)
    with _parsed_lock:
        _parsed[key] = framework
    return framework


def latest_published(engine: Engine) -> dict[str, Framework]:
    """Per own framework its newest version (what a team chooses when it starts a round)."""
    newest: dict[str, StoredVersion] = {}
    for stored in stored_versions(engine):
        newest[stored.framework_id] = stored
    return {framework_id: _framework(engine, stored) for framework_id, stored in newest.items()}


def framework_version(engine: Engine, framework_id: str, version: int | None) -> Framework:
    """The framework a round was answered with: the built-in file (version None) or that
    stored version of an own framework. KeyError when there is no such framework."""
    if version is None:
        return builtin_frameworks()[framework_id]
    for stored in stored_versions(engine):
        if stored.framework_id == framework_id and stored.version == version:
            return _framework(engine, stored)
    raise KeyError(f"{framework_id} v{version}")


def of_round(engine: Engine | None, found) -> Framework:
    """The framework (and version) a round was answered with (engine None: the configured
    database, needed only for an own framework)."""
    version = getattr(found, "framework_version", None)
    if version is None:
        return builtin_frameworks()[found.framework]
    return framework_version(engine or get_engine(), found.framework, version)


def _taken_ids(engine: Engine) -> dict[str, str]:
    """Item and statement ids in use: id -> the framework that uses it (all stored versions)."""
    taken: dict[str, str] = {}
    frameworks = list(builtin_frameworks().values())
    frameworks += [_framework(engine, stored) for stored in stored_versions(engine)]
    for framework in frameworks:
        for item_id in [*framework.item_ids, *framework.resident_statement_ids]:
            taken.setdefault(item_id, framework.id)
    return taken


def check_upload(engine: Engine, data: bytes | str, lang: str = DEFAULT_LANGUAGE) -> Checked:
    """Check an uploaded file against the rules and against what the database already holds.
    Stores nothing."""
    framework, problems = check_framework_text(
        data, lang=lang, taken=_taken_ids(engine), builtin_ids=frozenset(builtin_frameworks())
    )
    text = data if isinstance(data, str) else None
    if framework is not None and text is None:
        text = bytes(data).decode("utf-8")
    return Checked(framework, problems, text)


def publish(engine: Engine, data: bytes | str, *, actor: Principal, lang: str = DEFAULT_LANGUAGE) -> Framework:
    """Check the file again and store it as the next version of its framework, published at once.
    Only an admin (or the command line) may; a file with any problem stores nothing."""
    ensure_permission(actor, Permission.MANAGE_FRAMEWORKS, Resource(None))
    checked = check_upload(engine, data, lang)
    if not checked.ok:
        raise UploadRefused(checked.problems)
    framework_id = checked.framework.id
    uploaded_by = actor.role.value if actor.role is not None else "?"

    def work(session: Session) -> int:
        newest = session.execute(
            select(func.max(FrameworkVersion.version)).where(FrameworkVersion.framework_id == framework_id)
        ).scalar_one()
        version = (newest or 0) + 1
        session.add(
            FrameworkVersion(
                framework_id=framework_id,
                version=version,
                yaml_text=checked.text,
                uploaded_by=uploaded_by,
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        session.flush()
        return version

    version = run_write(engine, work)
    return framework_version(engine, framework_id, version)


def count_versions(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.execute(select(func.count()).select_from(FrameworkVersion)).scalar_one()

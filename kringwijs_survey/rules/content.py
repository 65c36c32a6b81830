"""Principle frameworks: the schema of the YAML files in principles/ and their validated loader."""

from __future__ import annotations

import contextvars
import functools
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from kringwijs_survey.core import i18n
from kringwijs_survey.core.settings import REPO_ROOT
from kringwijs_survey.core.yaml_files import load_yaml

# The language content messages are told in: Dutch for files and the command line, the
# reader's language while an admin checks an uploaded file (check_framework_text).
_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("content_lang", default=i18n.DEFAULT_LANGUAGE)


def t(key: str, **values: object) -> str:
    return i18n.t(key, _LANG.get(), **values)

PRINCIPLES_DIR = REPO_ROOT / "principles"
DEFAULT_FRAMEWORK = "verklaring-van-eindhoven"
SCORES = (1, 2, 3, 4, 5)  # every scale: 1..5, and "weet ik niet" outside it
COUNT_COLUMNS = [f"count_{score}" for score in SCORES]  # how many gave each score (the aggregation's columns)
TITLE_MAX_WORDS = 5
RESIDENT_STATEMENT_MAX_WORDS = 15

Kind = Literal["principle", "blockade"]
KINDS: tuple[Kind, ...] = ("principle", "blockade")
# Who a framework is meant for: a team's own practice, or the organisation (the manager's view).
AUDIENCES = ("team", "organisation")
_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
FrameworkId = Annotated[str, StringConstraints(pattern=_ID_PATTERN, max_length=100)]
ItemId = Annotated[str, StringConstraints(pattern=_ID_PATTERN, max_length=20)]

# Pydantic's error types that have their own words in the translation table (content.type.*).
_KNOWN_ERROR_TYPES = {"missing", "extra_forbidden", "string_type", "dict_type", "model_type", "list_type", "int_parsing", "too_short", "too_long", "string_pattern_mismatch", "string_too_long"}


class ContentError(Exception):
    """A content file is missing, unreadable or does not follow the schema."""


class _Problem(ValueError):
    def __init__(self, message: str, *, field: str, item_id: str | None = None, what: str = "item", kind: str = "content") -> None:
        super().__init__(message)
        self.message, self.field, self.item_id, self.what, self.kind = message, field, item_id, what, kind


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(_Model):
    nl: str
    en: str

    @field_validator("nl", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(t("content.not_blank"))
        return value.strip()

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


class Question(Text):
    """A reflection question. A question that brings in an idea from another text than the
    framework's own source names it (`source`), and may quote it verbatim (`quote`, checked
    against `source_file`)."""

    source: Text | None = None
    source_file: str | None = None
    quote: str | None = None

    @model_validator(mode="after")
    def _attributed(self) -> Question:
        if (self.source_file or self.quote) and self.source is None:
            raise ValueError(t("content.question_source_missing"))
        if self.quote is not None and not (self.quote.strip() and self.source_file):
            raise ValueError(t("content.question_quote_file"))
        return self


class Scale(_Model):
    question: Text
    labels: dict[int, Text]

    @field_validator("labels")
    @classmethod
    def _one_to_five(cls, labels: dict[int, Text]) -> dict[int, Text]:
        if sorted(labels) != list(SCORES):
            raise ValueError(t("content.scores_one_to_five", found=sorted(labels)))
        return dict(sorted(labels.items()))


class Group(_Model):
    id: ItemId
    kind: Kind
    title: Text
    intro: Text | None = None


class Item(_Model):
    id: ItemId
    group: str
    kind: Kind | None = None
    title: Text
    text: Text
    summary: Text
    questions: list[Question] = Field(min_length=2, max_length=4)
    works: Text
    doesnt_work: Text
    answers: str | None = None
    answered_by: str | None = None

    @model_validator(mode="after")
    def _short_title(self) -> Item:
        if len(self.title.nl.split()) > TITLE_MAX_WORDS:
            raise _Problem(
                t("content.title_words", maximum=TITLE_MAX_WORDS, title=repr(self.title.nl)),
                field="title.nl",
                item_id=self.id,
            )
        return self


class ResidentScale(Scale):
    """The residents' scale: words and a face per score, and their own "don't know"."""

    faces: dict[int, str]
    # The question when a team addresses residents with "jij" (`question` says "u").
    question_informal: Text | None = None
    dont_know: Text
    dont_know_face: str

    @field_validator("faces")
    @classmethod
    def _a_face_per_score(cls, faces: dict[int, str]) -> dict[int, str]:
        if sorted(faces) != list(SCORES):
            raise ValueError(t("content.scores_one_to_five", found=sorted(faces)))
        if any(not face.strip() for face in faces.values()):
            raise ValueError(t("content.face_per_score"))
        return {score: faces[score].strip() for score in SCORES}

    @field_validator("dont_know_face")
    @classmethod
    def _face_not_blank(cls, face: str) -> str:
        if not face.strip():
            raise ValueError(t("content.not_blank"))
        return face.strip()

    def question_for(self, lang: str, informal: bool) -> str:
        return (self.question_informal if informal and self.question_informal else self.question).get(lang)

    def option(self, score: int | None, lang: str, separator: str = " ") -> str:
        """The face and the words of a score, e.g. "😀 Helemaal eens" (None: don't know)."""
        if score is None:
            return f"{self.dont_know_face}{separator}{self.dont_know.get(lang)}"
        return f"{self.faces[score]}{separator}{self.labels[score].get(lang)}"


class ScaleSet(_Model):
    """One version of the answer scales: per kind of item, and for residents."""

    version: FrameworkId
    scales: dict[Kind, Scale]
    resident_scale: ResidentScale | None = None

    def score_labels(self, lang: str) -> dict[str, dict[int, str]]:
        """Per kind ("principle", "blockade", "resident") the words of each score."""
        labels = {kind: {score: text.get(lang) for score, text in scale.labels.items()} for kind, scale in self.scales.items()}
        if self.resident_scale is not None:
            labels["resident"] = {score: text.get(lang) for score, text in self.resident_scale.labels.items()}
        return labels


class ResidentStatement(_Model):
    """A short sentence from the resident's side that tells how one principle feels to them."""

    id: ItemId
    principle: str
    text: Text

    @model_validator(mode="after")
    def _short_text(self) -> ResidentStatement:
        words = len(self.text.nl.split())
        if words > RESIDENT_STATEMENT_MAX_WORDS:
            raise _Problem(
                t("content.statement_words", maximum=RESIDENT_STATEMENT_MAX_WORDS, words=words, text=repr(self.text.nl)),
                field="text.nl",
                item_id=self.id,
                what=t("content.what.statement"),
            )
        return self


class Framework(_Model):
    id: FrameworkId
    title: Text
    description: Text
    source: str
    source_file: str | None = None
    # Where the texts come from when that is not the source itself (e.g. notes on a booklet).
    source_note: Text | None = None
    # What the framework is and who made it, from the source; shown as "Over ...".
    about: list[Text] = Field(default_factory=list)
    # "team" (default): a team holds its own practice against it; "organisation": a lens for
    # managers and the organisation (e.g. starting points for the government).
    audience: str = AUDIENCES[0]
    scales_version: FrameworkId
    scales: dict[Kind, Scale]
    earlier_scales: list[ScaleSet] = Field(default_factory=list)
    dont_know: Text
    groups: list[Group] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)
    resident_scale: ResidentScale | None = None
    resident_statements: list[ResidentStatement] = Field(default_factory=list)

    _by_id: dict[str, Item] = PrivateAttr(default_factory=dict)

    @field_validator("audience")
    @classmethod
    def _known_audience(cls, audience: str) -> str:
        if audience not in AUDIENCES:
            raise ValueError(t("content.audience", audience=repr(audience), allowed=", ".join(AUDIENCES)))
        return audience
    _kinds: dict[str, Kind] = PrivateAttr(default_factory=dict)
    # An organisation's own framework (uploaded, stored in the database): which version.
    _own: OwnVersion | None = PrivateAttr(default=None)

    @property
    def own(self) -> OwnVersion | None:
        """None for a built-in file in principles/; else the stored version it comes from."""
        return self._own

    @property
    def version(self) -> int | None:
        return self._own.version if self._own else None

    @model_validator(mode="after")
    def _link(self) -> Framework:
        kinds = self._kinds = {group.id: group.kind for group in self.groups}
        if len(kinds) != len(self.groups):
            raise _Problem(t("content.group_ids"), field="groups")
        for item in self.items:
            if item.id in self._by_id:
                raise _Problem(t("content.duplicate_id"), field="id", item_id=item.id, kind="duplicate_id")
            if item.group not in kinds:
                raise _Problem(t("content.unknown_group", group=repr(item.group)), field="group", item_id=item.id)
            if item.kind not in (None, kinds[item.group]):
                raise _Problem(t("content.kind_of_group"), field="kind", item_id=item.id)
            if kinds[item.group] not in self.scales:
                raise _Problem(t("content.no_scale", kind=repr(kinds[item.group])), field="scales", item_id=item.id)
            item.kind = kinds[item.group]
            self._by_id[item.id] = item

        answered_by: dict[str, str] = {}
        for item in self.items:
            if item.answers is None:
                continue
            target = self._by_id.get(item.answers)
            if target is None or target.kind != "blockade":
                raise _Problem(t("content.not_a_blockade", item=repr(item.answers)), field="answers", item_id=item.id)
            if item.kind != "principle":
                raise _Problem(t("content.only_principles_answer"), field="answers", item_id=item.id)
            if item.answers in answered_by:
                raise _Problem(
                    t("content.already_answered", item=repr(item.answers), by=answered_by[item.answers]),
                    field="answers",
                    item_id=item.id,
                )
            answered_by[item.answers] = item.id
        for item in self.items:
            if item.answered_by not in (None, answered_by.get(item.id)):
                raise _Problem(t("content.answered_by_derived"), field="answered_by", item_id=item.id)
            item.answered_by = answered_by.get(item.id)
        return self

    @model_validator(mode="after")
    def _check_resident_statements(self) -> Framework:
        seen: set[str] = set()
        for statement in self.resident_statements:
            where = dict(item_id=statement.id, what=t("content.what.statement"))
            if statement.id in seen:
                raise _Problem(t("content.duplicate_id"), field="id", kind="duplicate_id", **where)
            if statement.id in self._by_id:
                raise _Problem(t("content.id_of_item"), field="id", **where)
            target = self._by_id.get(statement.principle)
            if target is None or target.kind != "principle":
                raise _Problem(t("content.not_a_principle", item=repr(statement.principle)), field="principle", **where)
            seen.add(statement.id)
        if self.resident_statements and self.resident_scale is None:
            raise _Problem(t("content.resident_scale_missing"), field="resident_scale")
        return self

    @model_validator(mode="after")
    def _check_scale_sets(self) -> Framework:
        versions = [self.scales_version, *(earlier.version for earlier in self.earlier_scales)]
        if len(set(versions)) != len(versions):
            raise _Problem(t("content.scale_versions"), field="earlier_scales")
        for earlier in self.earlier_scales:
            if set(earlier.scales) != set(self.scales):
                raise _Problem(t("content.scale_kinds", version=repr(earlier.version)), field="earlier_scales")
        return self

    @property
    def current_scales(self) -> ScaleSet:
        return ScaleSet(version=self.scales_version, scales=self.scales, resident_scale=self.resident_scale)

    def scale_set(self, version: str | None = None) -> ScaleSet:
        """The scales of `version` (the current ones for None). A round stores its version, so
        a round answered on older scales keeps the words it was answered with."""
        if version is None or version == self.scales_version:
            return self.current_scales
        for earlier in self.earlier_scales:
            if earlier.version == version:
                return earlier
        raise KeyError(version)

    @property
    def resident_statement_ids(self) -> list[str]:
        return [statement.id for statement in self.resident_statements]

    def item(self, item_id: str) -> Item:
        return self._by_id[item_id]

    def group(self, group_id: str) -> Group:
        return next(group for group in self.groups if group.id == group_id)

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]

    @property
    def kind_of(self) -> dict[str, str]:
        """item id -> "principle" or "blockade"."""
        return {item.id: item.kind for item in self.items}

    def items_of_kind(self, kind: Kind) -> list[Item]:
        return [item for item in self.items if item.kind == kind]

    def scale_for(self, item: Item, version: str | None = None) -> Scale:
        return self.scale_set(version).scales[self._kinds[item.group]]


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _describe(error: Any, raw: Any) -> str:
    problem = (error.get("ctx") or {}).get("error")
    if isinstance(problem, _Problem):
        return _where(problem.item_id, problem.field, problem.what) + problem.message
    loc = list(error["loc"])
    item_id, what = None, "item"
    if len(loc) >= 2 and loc[0] in ("items", "resident_statements") and isinstance(loc[1], int):
        what = "item" if loc[0] == "items" else t("content.what.statement")
        items = raw.get(loc[0]) if isinstance(raw, dict) else None
        entry = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        item_id = str(entry["id"]) if isinstance(entry, dict) and "id" in entry else t("content.number", number=loc[1] + 1)
        loc = loc[2:]
    known = error["type"] in _KNOWN_ERROR_TYPES
    message = t(f"content.type.{error['type']}", **error.get("ctx", {})) if known else error["msg"].removeprefix("Value error, ")
    return _where(item_id, ".".join(str(part) for part in loc), what) + message


def _where(item_id: str | None, field: str, what: str = "item") -> str:
    parts = ([f"{what} {item_id}"] if item_id else []) + ([t("content.field", field=field)] if field else [])
    return ", ".join(parts) + ": " if parts else ""


def load_framework(path: Path) -> Framework:
    label = _label(path)
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContentError(t("content.unreadable", file=label, problem=exc.strerror)) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = t("content.yaml_where", line=mark.line + 1, column=mark.column + 1) if mark else ""
        raise ContentError(t("content.bad_yaml", file=label, where=where, problem=exc.problem or exc.context)) from exc
    except yaml.YAMLError as exc:
        raise ContentError(t("content.bad_yaml", file=label, where="", problem=exc)) from exc
    if not isinstance(raw, dict):
        raise ContentError(t("content.not_a_block", file=label))
    try:
        framework = Framework.model_validate(raw)
    except ValidationError as exc:
        raise ContentError("\n".join(f"{label}: {_describe(error, raw)}" for error in exc.errors())) from exc
    if framework.id != path.stem:
        raise ContentError(t("content.id_is_file_name", file=label, id=repr(framework.id), stem=repr(path.stem)))
    return framework


def load_frameworks(directory: Path = PRINCIPLES_DIR) -> dict[str, Framework]:
    frameworks: dict[str, Framework] = {}
    owner: dict[str, Path] = {}
    for path in sorted(directory.glob("*.yaml")):
        framework = load_framework(path)
        for item_id in framework.item_ids:
            if item_id in owner:
                raise ContentError(t("content.item_id_elsewhere", file=_label(path), id=item_id, other=_label(owner[item_id])))
            owner[item_id] = path
        for statement_id in framework.resident_statement_ids:
            if statement_id in owner:
                raise ContentError(
                    t("content.statement_id_elsewhere", file=_label(path), id=statement_id, other=_label(owner[statement_id]))
                )
            owner[statement_id] = path
        frameworks[framework.id] = framework
    if not frameworks:
        raise ContentError(t("content.no_files", directory=_label(directory)))
    return frameworks


@functools.cache
def builtin_frameworks() -> dict[str, Framework]:
    """The frameworks of the files in principles/ (read once per process: they change only
    with a new release)."""
    frameworks = load_frameworks(PRINCIPLES_DIR)
    if DEFAULT_FRAMEWORK not in frameworks:
        raise ContentError(t("content.default_missing", directory=_label(PRINCIPLES_DIR), framework=repr(DEFAULT_FRAMEWORK)))
    return frameworks


def get_frameworks(engine: Any = None) -> dict[str, Framework]:
    """Every framework a team can choose: the built-in files, and with `engine` also the latest
    published version of each of the organisation's own frameworks in that database (seen by
    every process on the same database, see own_frameworks.published)."""
    if engine is None:
        return builtin_frameworks()
    from kringwijs_survey.rules.own_frameworks import latest_published

    builtin = builtin_frameworks()
    # A built-in file keeps its id even if a later release brings one an organisation already used.
    return {**builtin, **{key: value for key, value in latest_published(engine).items() if key not in builtin}}


def framework_named(framework_id: str, engine: Any = None) -> Framework:
    """A framework by id: a built-in file, else the newest published version of an own framework
    (in `engine`'s database, or the configured one). KeyError when there is none."""
    found = builtin_frameworks().get(framework_id)
    if found is not None:
        return found
    from kringwijs_survey.rules.own_frameworks import latest_published
    from kringwijs_survey.store.database import get_engine

    return latest_published(engine or get_engine())[framework_id]


def framework_of_item(item_id: str, engine: Any = None) -> Framework:
    for framework in get_frameworks(engine).values():
        if item_id in framework.item_ids:
            return framework
    raise KeyError(item_id)


# --- An organisation's own framework: an uploaded file, checked before anything is stored ----

MAX_UPLOAD_BYTES = 200_000


@dataclass(frozen=True)
class OwnVersion:
    """Where an organisation's own framework comes from: its stored, published version."""

    version: int
    uploaded_by: str
    created_at: Any  # datetime


@dataclass(frozen=True)
class Problem:
    """One mistake in an uploaded framework file: what kind, where (line, item, field) and the
    message in the reader's language."""

    kind: str
    message: str
    line: int | None = None
    item: str | None = None
    field: str | None = None
    lang: str = dataclass_field(default_factory=_LANG.get)

    def text(self) -> str:
        """E.g. "regel 24: item KS1, veld 'title.nl': bevat een link …" (in the message's language)."""
        token = _LANG.set(self.lang)
        try:
            where = _where(self.item, self.field or "", "item")
            line = t("content.upload.line", line=self.line) + " " if self.line else ""
        finally:
            _LANG.reset(token)
        return f"{line}{where}{self.message}"


# What markdown, HTML or a spreadsheet would read as something other than text. Uploaded texts
# are shown like the built-in ones (through markdown), so they may not hold any of it.
_HOSTILE = (
    ("control", re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]")),
    ("html", re.compile(r"<[^>]*>|&#?\w+;|[<>]")),
    ("link", re.compile(r"\]\s*[(\[:]|://|\bwww\.|\bmailto:|[\w.+-]+@[\w-]+\.\w|\bjavascript:", re.IGNORECASE)),
    ("formula", re.compile(r"^'*[=+\-@]")),
    ("markup", re.compile(r"^\s*(#|>|\d+\.\s|```|---)|[*_`~$|\\\[\]]|:[\w/-]+[:\[]|->|<-|=>")),
)


_ID_FIELDS = {"id", "group", "kind", "answers", "answered_by", "principle", "scales_version", "version", "source_file"}


def _hostile(value: str) -> str | None:
    stripped = value.strip()
    for kind, pattern in _HOSTILE:
        if pattern.search(stripped if kind == "formula" else value):
            return kind
    return None


def _line_map(text: str) -> dict[tuple[str, ...], int]:
    """Path in the document (keys and list positions as text) -> line number (from 1)."""
    lines: dict[tuple[str, ...], int] = {}

    def walk(node: Any, path: tuple[str, ...]) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, (*path, str(key.value)))
                lines[(*path, str(key.value))] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                walk(value, (*path, str(index)))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return lines


def _line_of(lines: dict[tuple[str, ...], int], path: tuple[Any, ...]) -> int | None:
    parts = tuple(str(part) for part in path)
    for end in range(len(parts), -1, -1):
        if parts[:end] in lines:
            return lines[parts[:end]]
    return None


def _walk_strings(value: Any, path: tuple[Any, ...] = ()):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _walk_strings(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _walk_strings(inner, (*path, index))
    elif isinstance(value, str):
        yield path, value


def _item_and_field(raw: dict, path: tuple[Any, ...]) -> tuple[str | None, str, tuple[Any, ...]]:
    """(item id or None, field, path of that field) for a path into the raw document."""
    if len(path) >= 2 and path[0] in ("items", "resident_statements") and isinstance(path[1], int):
        entries = raw.get(path[0])
        entry = entries[path[1]] if isinstance(entries, list) and path[1] < len(entries) else None
        item_id = str(entry["id"]) if isinstance(entry, dict) and "id" in entry else t("content.number", number=path[1] + 1)
        return item_id, ".".join(str(part) for part in path[2:]), path
    return None, ".".join(str(part) for part in path), path


def _path_of_problem(raw: dict, problem: _Problem) -> tuple[Any, ...]:
    field = tuple(problem.field.split(".")) if problem.field else ()
    if problem.item_id is not None:
        section = "resident_statements" if problem.what != "item" else "items"
        entries = raw.get(section)
        if isinstance(entries, list):
            # The last entry with this id: for a duplicate id that is the one that repeats it.
            matches = [index for index, entry in enumerate(entries) if isinstance(entry, dict) and str(entry.get("id")) == problem.item_id]
            if matches:
                return (section, matches[-1], *field)
    return field


def _hostile_problems(raw: dict, lines: dict) -> list[Problem]:
    problems = []
    for path, value in _walk_strings(raw):
        if path and path[-1] in _ID_FIELDS:
            continue  # ids and links between items: checked by their own pattern
        kind = _hostile(value)
        if kind is not None:
            item, field, _ = _item_and_field(raw, path)
            problems.append(Problem("hostile", t(f"content.upload.hostile.{kind}"), _line_of(lines, path), item, field))
    return problems


def _schema_problems(raw: dict, lines: dict) -> tuple[Framework | None, list[Problem]]:
    try:
        return Framework.model_validate(raw), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            problem = (error.get("ctx") or {}).get("error")
            if isinstance(problem, _Problem):
                path = _path_of_problem(raw, problem)
                problems.append(Problem(problem.kind, problem.message, _line_of(lines, path), problem.item_id, problem.field))
                continue
            item, field, path = _item_and_field(raw, tuple(error["loc"]))
            known = error["type"] in _KNOWN_ERROR_TYPES
            message = t(f"content.type.{error['type']}", **error.get("ctx", {})) if known else error["msg"].removeprefix("Value error, ")
            kind = "scale" if "labels" in error["loc"] or "faces" in error["loc"] else error["type"]
            problems.append(Problem(kind, message, _line_of(lines, path), item, field))
        return None, problems


def _collisions(framework: Framework, lines: dict, taken: dict[str, str], builtin_ids) -> list[Problem]:
    problems = []
    if framework.id in builtin_ids:
        problems.append(Problem("builtin_id", t("content.upload.builtin_id", id=framework.id), _line_of(lines, ("id",)), None, "id"))
    for section, ids in (("items", framework.item_ids), ("resident_statements", framework.resident_statement_ids)):
        for index, item_id in enumerate(ids):
            owner = taken.get(item_id)
            if owner is not None and owner != framework.id:
                problems.append(
                    Problem("item_id_taken", t("content.upload.item_id_taken", other=owner), _line_of(lines, (section, index, "id")), item_id, "id")
                )
    return problems


def check_framework_text(
    data: bytes | str, *, lang: str = i18n.DEFAULT_LANGUAGE, taken: dict[str, str] | None = None, builtin_ids: frozenset[str] | set[str] = frozenset()
) -> tuple[Framework | None, list[Problem]]:
    """Check an uploaded framework file with the rules of the built-in files, plus what an upload
    must not do: be too big, not YAML, not a block of fields, hold markup, links or formulas, take
    the id of a built-in framework, or use an item id of another framework (`taken`: item or
    statement id -> framework id). Returns the framework, or None and every problem found."""
    token = _LANG.set(lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)
    try:
        return _check_framework_text(data, taken or {}, builtin_ids)
    finally:
        _LANG.reset(token)


MAX_FLOW_DEPTH = 20


def _flow_depth(text: str) -> int:
    """How deep brackets ([ and {) nest, counted roughly (brackets inside quotes count too)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


def _check_framework_text(data: bytes | str, taken: dict[str, str], builtin_ids) -> tuple[Framework | None, list[Problem]]:
    raw_bytes = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw_bytes) > MAX_UPLOAD_BYTES:
        return None, [Problem("too_big", t("content.upload.too_big", size=len(raw_bytes) // 1000 + 1, maximum=MAX_UPLOAD_BYTES // 1000))]
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem("not_text", t("content.upload.not_text"))]
    if _flow_depth(text) > MAX_FLOW_DEPTH:  # PyYAML takes minutes over thousands of open brackets
        return None, [Problem("too_deep", t("content.upload.too_deep"))]
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
            return None, [Problem("alias", t("content.upload.alias"))]
        raw = yaml.safe_load(text)
        lines = _line_map(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return None, [Problem("yaml", t("content.upload.bad_yaml", problem=exc.problem or exc.context), line=mark.line + 1 if mark else None)]
    except yaml.YAMLError as exc:
        return None, [Problem("yaml", t("content.upload.bad_yaml", problem=exc))]
    except RecursionError:
        return None, [Problem("too_deep", t("content.upload.too_deep"))]
    if not isinstance(raw, dict):
        return None, [Problem("not_mapping", t("content.upload.not_a_block"), line=1)]

    problems = _hostile_problems(raw, lines)
    framework, schema_problems = _schema_problems(raw, lines)
    problems += schema_problems
    if framework is not None:
        problems += _collisions(framework, lines, taken, builtin_ids)
    problems.sort(key=lambda problem: (problem.line or 0))
    return (framework if not problems else None), problems

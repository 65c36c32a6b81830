"""Principle frameworks: the schema of the YAML files in principles/ and their validated loader."""

from __future__ import annotations

import functools
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

REPO_ROOT = Path(__file__).resolve().parent.parent
PRINCIPLES_DIR = REPO_ROOT / "principles"
DEFAULT_FRAMEWORK = "verklaring-van-eindhoven"
SCORES = (1, 2, 3, 4, 5)
TITLE_MAX_WORDS = 5
RESIDENT_STATEMENT_MAX_WORDS = 15

Kind = Literal["principle", "blockade"]
KINDS: tuple[Kind, ...] = ("principle", "blockade")
_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
FrameworkId = Annotated[str, StringConstraints(pattern=_ID_PATTERN, max_length=100)]
ItemId = Annotated[str, StringConstraints(pattern=_ID_PATTERN, max_length=20)]

_DUTCH_MESSAGES = {
    "missing": "ontbreekt",
    "extra_forbidden": "is geen bekend veld (typefout?)",
    "string_type": "moet tekst zijn",
    "dict_type": "moet een blok met velden zijn",
    "model_type": "moet een blok met velden zijn",
    "list_type": "moet een lijst zijn",
    "int_parsing": "moet een heel getal zijn",
    "too_short": "heeft te weinig onderdelen (minstens {min_length})",
    "too_long": "heeft te veel onderdelen (hoogstens {max_length})",
    "string_pattern_mismatch": "mag alleen letters, cijfers, '-' en '_' bevatten",
    "string_too_long": "is te lang (hoogstens {max_length} tekens)",
}


class ContentError(Exception):
    """A content file is missing, unreadable or does not follow the schema."""


class _Problem(ValueError):
    def __init__(self, message: str, *, field: str, item_id: str | None = None, what: str = "item") -> None:
        super().__init__(message)
        self.message, self.field, self.item_id, self.what = message, field, item_id, what


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(_Model):
    nl: str
    en: str

    @field_validator("nl", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("mag niet leeg zijn")
        return value.strip()

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


class Scale(_Model):
    question: Text
    labels: dict[int, Text]

    @field_validator("labels")
    @classmethod
    def _one_to_five(cls, labels: dict[int, Text]) -> dict[int, Text]:
        if sorted(labels) != list(SCORES):
            raise ValueError(f"moet precies de scores 1 t/m 5 hebben, niet {sorted(labels)}")
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
    questions: list[Text] = Field(min_length=2, max_length=4)
    works: Text
    doesnt_work: Text
    answers: str | None = None
    answered_by: str | None = None

    @model_validator(mode="after")
    def _short_title(self) -> Item:
        if len(self.title.nl.split()) > TITLE_MAX_WORDS:
            raise _Problem(
                f"titel mag hoogstens {TITLE_MAX_WORDS} woorden hebben: {self.title.nl!r}",
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
            raise ValueError(f"moet precies de scores 1 t/m 5 hebben, niet {sorted(faces)}")
        if any(not face.strip() for face in faces.values()):
            raise ValueError("elk gezichtje moet ingevuld zijn")
        return {score: faces[score].strip() for score in SCORES}

    @field_validator("dont_know_face")
    @classmethod
    def _face_not_blank(cls, face: str) -> str:
        if not face.strip():
            raise ValueError("mag niet leeg zijn")
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
                f"een zin voor bewoners mag hoogstens {RESIDENT_STATEMENT_MAX_WORDS} woorden hebben, "
                f"deze heeft er {words}: {self.text.nl!r}",
                field="text.nl",
                item_id=self.id,
                what="bewonerszin",
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
    scales_version: FrameworkId
    scales: dict[Kind, Scale]
    earlier_scales: list[ScaleSet] = Field(default_factory=list)
    dont_know: Text
    groups: list[Group] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)
    resident_scale: ResidentScale | None = None
    resident_statements: list[ResidentStatement] = Field(default_factory=list)

    _by_id: dict[str, Item] = PrivateAttr(default_factory=dict)
    _kinds: dict[str, Kind] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _link(self) -> Framework:
        kinds = self._kinds = {group.id: group.kind for group in self.groups}
        if len(kinds) != len(self.groups):
            raise _Problem("elke groep moet een eigen id hebben", field="groups")
        for item in self.items:
            if item.id in self._by_id:
                raise _Problem("dit id komt meer dan eens voor", field="id", item_id=item.id)
            if item.group not in kinds:
                raise _Problem(f"onbekende groep {item.group!r}", field="group", item_id=item.id)
            if item.kind not in (None, kinds[item.group]):
                raise _Problem("moet gelijk zijn aan de soort van de groep", field="kind", item_id=item.id)
            if kinds[item.group] not in self.scales:
                raise _Problem(f"geen schaal voor soort {kinds[item.group]!r}", field="scales", item_id=item.id)
            item.kind = kinds[item.group]
            self._by_id[item.id] = item

        answered_by: dict[str, str] = {}
        for item in self.items:
            if item.answers is None:
                continue
            target = self._by_id.get(item.answers)
            if target is None or target.kind != "blockade":
                raise _Problem(f"{item.answers!r} is geen blokkade in dit bestand", field="answers", item_id=item.id)
            if item.kind != "principle":
                raise _Problem("alleen een principe kan een blokkade beantwoorden", field="answers", item_id=item.id)
            if item.answers in answered_by:
                raise _Problem(
                    f"{item.answers!r} wordt al beantwoord door {answered_by[item.answers]}",
                    field="answers",
                    item_id=item.id,
                )
            answered_by[item.answers] = item.id
        for item in self.items:
            if item.answered_by not in (None, answered_by.get(item.id)):
                raise _Problem("volgt uit 'answers' en hoort niet in het bestand", field="answered_by", item_id=item.id)
            item.answered_by = answered_by.get(item.id)
        return self

    @model_validator(mode="after")
    def _check_resident_statements(self) -> Framework:
        seen: set[str] = set()
        for statement in self.resident_statements:
            where = dict(item_id=statement.id, what="bewonerszin")
            if statement.id in seen:
                raise _Problem("dit id komt meer dan eens voor", field="id", **where)
            if statement.id in self._by_id:
                raise _Problem("is al het id van een item; kies een eigen id", field="id", **where)
            target = self._by_id.get(statement.principle)
            if target is None or target.kind != "principle":
                raise _Problem(f"{statement.principle!r} is geen beginsel in dit bestand", field="principle", **where)
            seen.add(statement.id)
        if self.resident_statements and self.resident_scale is None:
            raise _Problem("ontbreekt: zinnen voor bewoners hebben een eigen schaal nodig", field="resident_scale")
        return self

    @model_validator(mode="after")
    def _check_scale_sets(self) -> Framework:
        versions = [self.scales_version, *(earlier.version for earlier in self.earlier_scales)]
        if len(set(versions)) != len(versions):
            raise _Problem("elke versie van de schalen moet een eigen naam hebben", field="earlier_scales")
        for earlier in self.earlier_scales:
            if set(earlier.scales) != set(self.scales):
                raise _Problem(f"versie {earlier.version!r} moet dezelfde soorten schalen hebben als de huidige", field="earlier_scales")
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

    def resident_statement(self, statement_id: str) -> ResidentStatement:
        return next(statement for statement in self.resident_statements if statement.id == statement_id)

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
        what = "item" if loc[0] == "items" else "bewonerszin"
        items = raw.get(loc[0]) if isinstance(raw, dict) else None
        entry = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        item_id = str(entry["id"]) if isinstance(entry, dict) and "id" in entry else f"nummer {loc[1] + 1}"
        loc = loc[2:]
    dutch = _DUTCH_MESSAGES.get(error["type"])
    message = dutch.format(**error.get("ctx", {})) if dutch else error["msg"].removeprefix("Value error, ")
    return _where(item_id, ".".join(str(part) for part in loc), what) + message


def _where(item_id: str | None, field: str, what: str = "item") -> str:
    parts = ([f"{what} {item_id}"] if item_id else []) + ([f"veld '{field}'"] if field else [])
    return ", ".join(parts) + ": " if parts else ""


def load_framework(path: Path) -> Framework:
    label = _label(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContentError(f"{label}: kan het bestand niet lezen ({exc.strerror})") from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" op regel {mark.line + 1}, kolom {mark.column + 1}" if mark else ""
        raise ContentError(f"{label}: geen geldige YAML{where}: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise ContentError(f"{label}: geen geldige YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ContentError(f"{label}: het bestand moet een blok met velden zijn")
    try:
        framework = Framework.model_validate(raw)
    except ValidationError as exc:
        raise ContentError("\n".join(f"{label}: {_describe(error, raw)}" for error in exc.errors())) from exc
    if framework.id != path.stem:
        raise ContentError(f"{label}: veld 'id': {framework.id!r} moet gelijk zijn aan de bestandsnaam {path.stem!r}")
    return framework


def load_frameworks(directory: Path = PRINCIPLES_DIR) -> dict[str, Framework]:
    frameworks: dict[str, Framework] = {}
    owner: dict[str, Path] = {}
    for path in sorted(directory.glob("*.yaml")):
        framework = load_framework(path)
        for item_id in framework.item_ids:
            if item_id in owner:
                raise ContentError(
                    f"{_label(path)}: item {item_id}, veld 'id': staat ook in {_label(owner[item_id])}; "
                    "een item-id moet in alle bestanden uniek zijn"
                )
            owner[item_id] = path
        for statement_id in framework.resident_statement_ids:
            if statement_id in owner:
                raise ContentError(
                    f"{_label(path)}: bewonerszin {statement_id}, veld 'id': staat ook in {_label(owner[statement_id])}; "
                    "een id moet in alle bestanden uniek zijn"
                )
            owner[statement_id] = path
        frameworks[framework.id] = framework
    if not frameworks:
        raise ContentError(f"{_label(directory)}: geen .yaml-bestanden gevonden")
    return frameworks


@functools.cache
def get_frameworks() -> dict[str, Framework]:
    frameworks = load_frameworks(PRINCIPLES_DIR)
    if DEFAULT_FRAMEWORK not in frameworks:
        raise ContentError(f"{_label(PRINCIPLES_DIR)}: het standaardkader {DEFAULT_FRAMEWORK!r} ontbreekt")
    return frameworks


def framework_of_item(item_id: str) -> Framework:
    for framework in get_frameworks().values():
        if item_id in framework.item_ids:
            return framework
    raise KeyError(item_id)

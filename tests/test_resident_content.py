"""Statements for residents in the principle files: their schema, their scale and their checks."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kringwijs_survey.rules.content import (
    DEFAULT_FRAMEWORK,
    RESIDENT_STATEMENT_MAX_WORDS,
    ContentError,
    ResidentScale,
    get_frameworks,
    load_framework,
    load_frameworks,
)

from factories import framework_yaml, write_framework

KRINGWIJS = "kringwijs-uitgangspunten"


# --- the real files ----------------------------------------------------------------------------


TEAM_LENSES = [framework.id for framework in get_frameworks().values() if framework.audience == "team"]


def test_only_the_organisations_lens_has_no_residents_sentences() -> None:
    assert {DEFAULT_FRAMEWORK, KRINGWIJS, "radicale-herorientatie", "eigen-kracht", "kringwijs-handelingsprincipes"} <= set(TEAM_LENSES)
    organisation = [framework for framework in get_frameworks().values() if framework.audience == "organisation"]
    assert organisation and all(not framework.resident_statements for framework in organisation)


@pytest.mark.parametrize("framework_id", TEAM_LENSES)
def test_every_framework_has_statements_and_a_scale_with_faces(framework_id: str) -> None:
    framework = get_frameworks()[framework_id]
    assert framework.resident_statements, framework_id
    scale = framework.resident_scale
    assert isinstance(scale, ResidentScale)
    assert list(scale.labels) == list(scale.faces) == [1, 2, 3, 4, 5]
    for score in (1, 2, 3, 4, 5):
        option = scale.option(score, "nl")
        face, words = option.split(" ", 1)
        assert face == scale.faces[score] and words == scale.labels[score].nl and not face.isalnum()
    assert scale.option(None, "nl").endswith("Weet ik niet")
    assert scale.option(None, "en").endswith("Don't know")


def test_eindhoven_statements_cover_every_treating_principle_and_some_organising_ones() -> None:
    framework = get_frameworks()[DEFAULT_FRAMEWORK]
    covered = {statement.principle for statement in framework.resident_statements}
    assert {"AB1", "AB2", "AB3", "AB4", "AB5"} <= covered
    assert {"AO1", "AO3", "AO5"} <= covered
    texts = {statement.text.nl for statement in framework.resident_statements}
    assert "Ik word met respect behandeld." in texts
    assert "Ze hebben oog voor hoe ik me voel." in texts


def test_kringwijs_statements_cover_every_starting_point() -> None:
    framework = get_frameworks()[KRINGWIJS]
    assert [statement.principle for statement in framework.resident_statements] == framework.item_ids
    assert any("samen met mij" in statement.text.nl for statement in framework.resident_statements)


def test_statements_are_short_point_at_principles_and_have_unique_ids_everywhere() -> None:
    seen: set[str] = set()
    item_ids = {item_id for framework in get_frameworks().values() for item_id in framework.item_ids}
    for framework in get_frameworks().values():
        for statement in framework.resident_statements:
            assert len(statement.text.nl.split()) <= RESIDENT_STATEMENT_MAX_WORDS, statement.id
            assert statement.text.en.strip()
            assert framework.item(statement.principle).kind == "principle"
            assert statement.id not in seen and statement.id not in item_ids
            seen.add(statement.id)
        assert framework.resident_statement_ids == [s.id for s in framework.resident_statements]


def test_statements_and_the_scale_are_optional(tmp_path: Path) -> None:
    raw = copy.deepcopy(framework_yaml(KRINGWIJS))
    raw["id"] = "zonder-bewoners"
    del raw["resident_statements"], raw["resident_scale"]
    framework = load_framework(write_framework(tmp_path, raw))
    assert framework.resident_statements == [] and framework.resident_scale is None


# --- broken files ------------------------------------------------------------------------------


def _too_long(raw: dict[str, Any]) -> None:
    raw["resident_statements"][1]["text"]["nl"] = " ".join(["woord"] * (RESIDENT_STATEMENT_MAX_WORDS + 1))


def _unknown_principle(raw: dict[str, Any]) -> None:
    raw["resident_statements"][2]["principle"] = "XX9"


def _duplicate_id(raw: dict[str, Any]) -> None:
    raw["resident_statements"][3]["id"] = "KR1"


def _id_of_an_item(raw: dict[str, Any]) -> None:
    raw["resident_statements"][4]["id"] = "KU2"


def _missing_english(raw: dict[str, Any]) -> None:
    del raw["resident_statements"][0]["text"]["en"]


def _unknown_key(raw: dict[str, Any]) -> None:
    raw["resident_statements"][2]["tekst"] = raw["resident_statements"][2]["text"]


def _no_scale(raw: dict[str, Any]) -> None:
    del raw["resident_scale"]


def _face_missing(raw: dict[str, Any]) -> None:
    del raw["resident_scale"]["faces"][3]


BROKEN = {
    "statement of 16 words": (_too_long, ["KR2", "text.nl", "15 woorden"]),
    "unknown principle": (_unknown_principle, ["KR3", "'principle'", "XX9"]),
    "duplicate statement id": (_duplicate_id, ["KR1", "'id'", "meer dan eens"]),
    "statement id of an item": (_id_of_an_item, ["KU2", "'id'"]),
    "missing translation": (_missing_english, ["KR1", "text.en", "ontbreekt"]),
    "unknown key": (_unknown_key, ["KR3", "tekst"]),
    "statements without a scale": (_no_scale, ["resident_scale", "ontbreekt"]),
    "a face missing": (_face_missing, ["resident_scale.faces"]),
}


@pytest.mark.parametrize("breakage, expected", BROKEN.values(), ids=BROKEN.keys())
def test_broken_file_names_file_statement_and_field(
    tmp_path: Path, breakage: Callable[[dict[str, Any]], None], expected: list[str]
) -> None:
    raw = copy.deepcopy(framework_yaml(KRINGWIJS))
    raw["id"] = "kapot"
    breakage(raw)
    with pytest.raises(ContentError) as caught:
        load_framework(write_framework(tmp_path, raw))
    message = str(caught.value)
    for fragment in ["kapot.yaml", *expected]:
        assert fragment in message, message


def test_a_statement_about_a_blockade_is_refused(tmp_path: Path) -> None:
    raw = copy.deepcopy(framework_yaml(DEFAULT_FRAMEWORK))
    raw["id"] = "blokkade"
    raw["resident_statements"][0]["principle"] = "B1"
    with pytest.raises(ContentError, match=r"blokkade.yaml: zin voor inwoners R1, veld 'principle': 'B1' is geen beginsel"):
        load_framework(write_framework(tmp_path, raw))


@pytest.mark.parametrize(
    "statement, taken_id",
    [(4, "KR2"), (0, "KU1")],
    ids=["a statement id of another file", "an item id of another file"],
)
def test_a_statement_id_may_not_be_taken_in_another_file(tmp_path: Path, statement: int, taken_id: str) -> None:
    """Statement ids are unique across files, and never the id of another file's item."""
    first = copy.deepcopy(framework_yaml(KRINGWIJS))
    first["id"] = "eerste"
    second = copy.deepcopy(framework_yaml(DEFAULT_FRAMEWORK))
    second["id"] = "tweede"
    second["resident_statements"][statement]["id"] = taken_id
    write_framework(tmp_path, first)
    write_framework(tmp_path, second)
    with pytest.raises(ContentError, match=rf"tweede.yaml: zin voor inwoners {taken_id}, veld 'id'.*eerste.yaml"):
        load_frameworks(tmp_path)

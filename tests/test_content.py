"""The principle files in principles/ and the loader that validates them."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kringwijs_survey.core.i18n import LOCALES_DIR
from kringwijs_survey.core.yaml_files import load_yaml
from kringwijs_survey.rules.content import (
    DEFAULT_FRAMEWORK,
    PRINCIPLES_DIR,
    ContentError,
    Text,
    framework_of_item,
    get_frameworks,
    load_framework,
    load_frameworks,
)

from factories import framework_yaml, write_framework

SOURCES_DIR = Path(__file__).parents[1].parent / "shared" / "sources"
KRINGWIJS = "kringwijs-uitgangspunten"
FRAMEWORK_FILES = sorted(PRINCIPLES_DIR.glob("*.yaml"))
LOCALE_FILES = sorted(LOCALES_DIR.glob("*.yaml"))


def _collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda path: path.name)
def test_every_principles_file_validates(path: Path) -> None:
    assert load_framework(path).id == path.stem


@pytest.mark.parametrize("path", [*FRAMEWORK_FILES, *LOCALE_FILES], ids=lambda path: path.name)
def test_the_fast_parser_reads_every_shipped_file_as_plain_pyyaml_does(path: Path) -> None:
    """The shipped files are read with libyaml's parser (core.yaml_files); its reading of every
    quote, accent and multi-line text must be the one PyYAML's own parser gives."""
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.safe_load(text)


def test_default_framework_is_present() -> None:
    assert DEFAULT_FRAMEWORK in get_frameworks()


def test_verklaring_has_five_of_each_part() -> None:
    verklaring = get_frameworks()[DEFAULT_FRAMEWORK]
    by_group = {group.id: [item.id for item in verklaring.items if item.group == group.id] for group in verklaring.groups}
    assert by_group == {
        "AB": ["AB1", "AB2", "AB3", "AB4", "AB5"],
        "B": ["B1", "B2", "B3", "B4", "B5"],
        "AO": ["AO1", "AO2", "AO3", "AO4", "AO5"],
    }
    assert len(verklaring.items_of_kind("principle")) == 10
    assert len(verklaring.items_of_kind("blockade")) == 5


def test_each_organising_principle_answers_the_blockade_with_its_number() -> None:
    verklaring = get_frameworks()[DEFAULT_FRAMEWORK]
    pairs = {item.id: item.answers for item in verklaring.items if item.answers}
    assert sorted(pairs) == [item.id for item in verklaring.items if item.group == "AO"]
    for answerer, blockade in pairs.items():
        assert blockade == "B" + answerer.removeprefix("AO")
        assert verklaring.item(blockade).answered_by == answerer
    assert sorted(pairs.values()) == [item.id for item in verklaring.items_of_kind("blockade")]


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda path: path.name)
def test_dutch_texts_are_quoted_verbatim_from_the_source(path: Path) -> None:
    if not SOURCES_DIR.is_dir():
        pytest.skip(f"sources folder {SOURCES_DIR} is not present; cannot check quotes against it")
    framework = load_framework(path)
    assert framework.source_file, f"{path.name} names no source_file"
    source = _collapse((SOURCES_DIR / framework.source_file).read_text(encoding="utf-8"))
    missing = [item.id for item in framework.items if _collapse(item.text.nl) not in source]
    assert not missing, f"not found verbatim in {framework.source_file}: {missing}"


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda path: path.name)
def test_questions_from_other_sources_name_them_and_quote_them_verbatim(path: Path) -> None:
    """A question that brings in an idea from another text says where it comes from, and its
    quote is that text's own words."""
    if not SOURCES_DIR.is_dir():
        pytest.skip(f"sources folder {SOURCES_DIR} is not present; cannot check quotes against it")
    framework = load_framework(path)
    for item in framework.items:
        for question in item.questions:
            if question.source_file is None:
                continue
            assert question.source is not None, item.id
            assert question.source_file != framework.source_file, f"{item.id}: the framework's own source needs no label"
            source = _collapse((SOURCES_DIR / question.source_file).read_text(encoding="utf-8"))
            assert question.quote and _collapse(question.quote) in source, f"{item.id}: not verbatim in {question.source_file}"


# Every lens from the sources: its source file, the prefix of its item ids (and of its residents'
# sentences) and its number of items. Item ids are unique across all files (framework_of_item).
LENSES = {
    "verklaring-van-eindhoven": ("000_72d82b2279e9add5.txt", None, None, 15),
    "eigen-kracht": ("001_569d649618efcb98.txt", "EK", "EKR", 5),
    "kringwijs-uitgangspunten": ("002_80f9b37cc8a81cdc.txt", "KU", "KR", 5),
    "kringwijs-handelingsprincipes": ("002_80f9b37cc8a81cdc.txt", "KH", "KHR", 5),
    "kringwijs-overheid": ("002_80f9b37cc8a81cdc.txt", "KO", None, 8),
    "radicale-herorientatie": ("003_e153159e18158854.txt", "RH", "RHR", 5),
}


def test_every_lens_from_the_sources_is_there_with_its_own_ids() -> None:
    frameworks = get_frameworks()
    assert set(LENSES) <= set(frameworks)
    for framework_id, (source_file, prefix, statement_prefix, count) in LENSES.items():
        framework = frameworks[framework_id]
        assert framework.source_file == source_file and len(framework.items) == count, framework_id
        if prefix:
            assert all(re.fullmatch(prefix + r"\d+", i) for i in framework.item_ids), framework_id
            assert [group.id for group in framework.groups] == [prefix], framework_id
        if statement_prefix:
            assert framework.resident_statement_ids, framework_id
            assert all(re.fullmatch(statement_prefix + r"\d+", i) for i in framework.resident_statement_ids), framework_id


def test_texts_from_notes_on_a_source_say_so_and_whose() -> None:
    """The Kringwijs texts are a reader's notes on the booklet, not the booklet itself."""
    for framework in get_frameworks().values():
        if framework.source_file == "002_80f9b37cc8a81cdc.txt":
            assert framework.source_note is not None, framework.id
            assert "aantekeningen die een lezer maakte" in framework.source_note.nl
            assert "Harro Labrujere" in framework.source_note.nl and framework.source.startswith("Aantekeningen bij")
        if framework.source_note is not None:
            assert framework.source_note.en.strip()


def test_the_government_lens_is_for_the_organisation() -> None:
    frameworks = get_frameworks()
    assert frameworks["kringwijs-overheid"].audience == "organisation"
    assert "managers" in frameworks["kringwijs-overheid"].description.nl
    assert {f.id for f in frameworks.values() if f.audience == "team"} == set(frameworks) - {"kringwijs-overheid"}
    assert frameworks[DEFAULT_FRAMEWORK].audience == "team"


def test_nl_kantelt_adds_questions_to_the_verklaring_without_changing_its_items() -> None:
    verklaring = get_frameworks()[DEFAULT_FRAMEWORK]
    borrowed = {item.id: q for item in verklaring.items for q in item.questions if q.source is not None}
    assert set(borrowed) == {"AB3", "B3", "AO4"}
    for question in borrowed.values():
        assert question.source_file == "004_542cccbd4c72c388.txt" and "NL Kantelt" in question.source.nl
    assert "samen besluiten" in borrowed["AB3"].quote and "keukentafelgesprek" in borrowed["B3"].nl
    assert "bedoeling" in borrowed["AO4"].nl
    assert verklaring.item("AB3").text.nl.startswith("We beseffen dat zorg en hulp een vorm van geven zijn")


def test_taking_giving_and_shared_responsibility_are_framed_for_discussion() -> None:
    """Radar's balance of taking and giving and shared responsibility must not read as a
    tegenprestatie: the help says so, and no question tells people what they must do."""
    radar = get_frameworks()["radicale-herorientatie"]
    for item_id in ("RH3", "RH4"):
        item = radar.item(item_id)
        assert "tegenprestatie" in item.summary.nl and "Bespreek" in item.summary.nl, item_id
        assert "tegenprestatie" in item.summary.en, item_id
        for question in item.questions:
            assert not re.search(r"\b(moet|moeten|hoort|horen|verplicht)\b", question.nl), f"{item_id}: {question.nl!r}"
    assert any("tegenprestatie" in paragraph.nl for paragraph in radar.about)


def test_dutch_titles_are_short() -> None:
    for framework in get_frameworks().values():
        for item in framework.items:
            assert len(item.title.nl.split()) <= 5, item.id


def test_kringwijs_framework_loads_with_the_same_loader() -> None:
    kringwijs = get_frameworks()[KRINGWIJS]
    assert kringwijs.item_ids == ["KU1", "KU2", "KU3", "KU4", "KU5"]
    assert {item.kind for item in kringwijs.items} == {"principle"}
    assert set(kringwijs.scales) == {"principle"}
    assert all(item.answers is None and item.answered_by is None for item in kringwijs.items)


def test_item_ids_are_unique_across_frameworks() -> None:
    ids = [item_id for framework in get_frameworks().values() for item_id in framework.item_ids]
    assert len(ids) == len(set(ids))
    for framework in get_frameworks().values():
        for item_id in framework.item_ids:
            assert framework_of_item(item_id) is framework


def test_lookups() -> None:
    verklaring = get_frameworks()[DEFAULT_FRAMEWORK]
    blockade = verklaring.items_of_kind("blockade")[0]
    assert verklaring.scale_for(blockade) is verklaring.scales["blockade"]
    assert list(verklaring.scales["principle"].labels) == [1, 2, 3, 4, 5]
    with pytest.raises(KeyError):
        verklaring.item("XYZ")
    with pytest.raises(KeyError):
        framework_of_item("XYZ")
    text = Text(nl="hallo", en="hello")
    assert (text.get("en"), text.get("nl"), text.get("fr")) == ("hello", "hallo", "hallo")


def _drop_summary(raw: dict[str, Any]) -> None:
    del raw["items"][2]["summary"]


def _label_six(raw: dict[str, Any]) -> None:
    labels = raw["scales"]["principle"]["labels"]
    labels[6] = labels.pop(5)


def _duplicate_id(raw: dict[str, Any]) -> None:
    raw["items"][3]["id"] = "KU2"


def _unknown_answers(raw: dict[str, Any]) -> None:
    raw["items"][0]["answers"] = "X9"


def _long_title(raw: dict[str, Any]) -> None:
    raw["items"][1]["title"]["nl"] = "een twee drie vier vijf zes"


def _extra_key(raw: dict[str, Any]) -> None:
    raw["items"][4]["titel"] = raw["items"][4]["title"]


def _blank_english(raw: dict[str, Any]) -> None:
    raw["items"][0]["questions"][1]["en"] = "  "


def _one_question(raw: dict[str, Any]) -> None:
    del raw["items"][2]["questions"][1]


def _unknown_audience(raw: dict[str, Any]) -> None:
    raw["audience"] = "gemeente"


def _quote_without_source(raw: dict[str, Any]) -> None:
    raw["items"][1]["questions"][0]["quote"] = "met i.p.v. over"


def _quote_without_file(raw: dict[str, Any]) -> None:
    raw["items"][1]["questions"][0].update(quote="met i.p.v. over", source={"nl": "ergens", "en": "somewhere"})


BROKEN = {
    "missing field": (_drop_summary, ["KU3", "summary", "ontbreekt"]),
    "score label 6": (_label_six, ["scales.principle.labels"]),
    "duplicate item id": (_duplicate_id, ["KU2", "'id'"]),
    "unknown answers": (_unknown_answers, ["KU1", "answers", "X9"]),
    "title of six words": (_long_title, ["KU2", "title.nl"]),
    "unknown key": (_extra_key, ["KU5", "titel"]),
    "blank translation": (_blank_english, ["KU1", "questions.1.en"]),
    "too few questions": (_one_question, ["KU3", "'questions'"]),
    "unknown audience": (_unknown_audience, ["'audience'", "'gemeente'", "team, organisation"]),
    "quote without source": (_quote_without_source, ["KU2", "questions.0", "'source'"]),
    "quote without file": (_quote_without_file, ["KU2", "questions.0", "'source_file'"]),
}


@pytest.mark.parametrize("breakage, expected", BROKEN.values(), ids=BROKEN.keys())
def test_broken_file_names_file_item_and_field(
    tmp_path: Path, breakage: Callable[[dict[str, Any]], None], expected: list[str]
) -> None:
    raw = copy.deepcopy(framework_yaml(KRINGWIJS))
    raw["id"] = "kapot"
    breakage(raw)
    path = write_framework(tmp_path, raw)
    with pytest.raises(ContentError) as caught:
        load_framework(path)
    message = str(caught.value)
    for fragment in ["kapot.yaml", *expected]:
        assert fragment in message


def test_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "kapot.yaml"
    path.write_text("id: kapot\ntitle: {nl: [niet gesloten\n", encoding="utf-8")
    with pytest.raises(ContentError, match="kapot.yaml: geen geldige YAML op regel"):
        load_framework(path)


def test_id_must_match_file_name(tmp_path: Path) -> None:
    path = tmp_path / "andere-naam.yaml"
    path.write_text((PRINCIPLES_DIR / f"{KRINGWIJS}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ContentError, match="andere-naam.yaml.*'id'"):
        load_framework(path)


def test_blockade_answered_twice_is_rejected(tmp_path: Path) -> None:
    raw = copy.deepcopy(framework_yaml(DEFAULT_FRAMEWORK))
    raw["id"] = "dubbel"
    second = next(item for item in raw["items"] if item.get("answers") == "B2")
    second["answers"] = "B1"
    with pytest.raises(ContentError, match="dubbel.yaml: item AO2, veld 'answers'"):
        load_framework(write_framework(tmp_path, raw))


def test_only_principles_may_answer(tmp_path: Path) -> None:
    raw = copy.deepcopy(framework_yaml(DEFAULT_FRAMEWORK))
    raw["id"] = "omgekeerd"
    blockade = next(item for item in raw["items"] if item["id"] == "B1")
    blockade["answers"] = "B2"
    with pytest.raises(ContentError, match="omgekeerd.yaml: item B1, veld 'answers'"):
        load_framework(write_framework(tmp_path, raw))


def test_item_ids_must_be_unique_across_files(tmp_path: Path) -> None:
    first = copy.deepcopy(framework_yaml(KRINGWIJS))
    second = copy.deepcopy(first)
    first["id"], second["id"] = "eerste", "tweede"
    write_framework(tmp_path, first)
    write_framework(tmp_path, second)
    with pytest.raises(ContentError, match="tweede.yaml: item KU1, veld 'id'.*eerste.yaml"):
        load_frameworks(tmp_path)

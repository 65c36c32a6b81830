"""The instrument's words: a question and answer words that belong together per kind of item,
residents' sentences that say one positive thing about their own principle, summaries that
stay with the source, blockades as conditions, and open reflection questions."""

from __future__ import annotations

import re

import pytest

from kringwijs_survey.rules.content import RESIDENT_STATEMENT_MAX_WORDS, get_frameworks

FRAMEWORKS = list(get_frameworks().values())
FREQUENCY_WORDS = re.compile(r"\b(nooit|soms|meestal|altijd|vaak|helft van de tijd)\b", re.I)
NEGATIONS = re.compile(r"\b(niet|geen|nooit|niemand|niets)\b", re.I)
OPEN_QUESTION = re.compile(r"^(Wat|Wanneer|Wie|Hoe|Welke|Waar|Waarom|Hoeveel|Langs hoeveel|Bij wie|Met wie)\b")

# The one question per kind, and the words that answer it (1..5): the numbers mean one thing.
PAIRS = {
    "principle": ("In hoeverre werken wij zo?", ["Helemaal niet", "Een beetje", "Voor de helft", "Voor een groot deel", "Helemaal"]),
    "blockade": ("Hoeveel staat dit ons werk in de weg?", ["Helemaal niet", "Een beetje", "Nogal", "Veel", "Heel erg"]),
    "resident": (
        "Bent u het eens met deze zin?",
        ["Helemaal oneens", "Oneens", "Niet eens, niet oneens", "Eens", "Helemaal eens"],
    ),
}


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=lambda f: f.id)
def test_every_kind_has_its_own_question_with_answer_words_that_fit(framework) -> None:
    current = framework.current_scales
    for kind, scale in current.scales.items():
        question, labels = PAIRS[kind]
        assert scale.question.nl == question, (framework.id, kind)
        assert [label.nl for label in scale.labels.values()] == labels, (framework.id, kind)
        assert not any(FREQUENCY_WORDS.search(label.nl) for label in scale.labels.values()), "an extent is not a frequency"
    if current.resident_scale is not None:
        question, labels = PAIRS["resident"]
        assert current.resident_scale.question.nl == question
        assert [label.nl for label in current.resident_scale.labels.values()] == labels
        assert current.resident_scale.labels[3].en == "Neither agree nor disagree"  # a true neutral middle


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=lambda f: f.id)
def test_earlier_scales_stay_readable(framework) -> None:
    """The first two frameworks were answered on the 2025 scales and keep their words; a lens
    added later was never answered on them and does not pretend it was."""
    if framework.id in {"verklaring-van-eindhoven", "kringwijs-uitgangspunten"}:
        assert framework.scale_set("2025").scales["principle"].labels[1].nl == "Bijna nooit"
    else:
        assert framework.earlier_scales == [] and framework.scales_version == "2026"
        with pytest.raises(KeyError):
            framework.scale_set("2025")
    assert framework.scale_set(framework.scales_version) == framework.current_scales
    with pytest.raises(KeyError):
        framework.scale_set("1999")


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=lambda f: f.id)
def test_residents_sentences_say_one_positive_thing(framework) -> None:
    for statement in framework.resident_statements:
        text = statement.text.nl
        assert len(text.split()) <= RESIDENT_STATEMENT_MAX_WORDS, statement.id
        assert len(re.findall(r"[.!?]", text)) == 1 and text.endswith("."), f"{statement.id}: one sentence: {text!r}"
        assert text.count("?") <= 1 and " en " not in text.replace("familie of buren", ""), f"{statement.id}: one idea"
        assert not NEGATIONS.search(text), f"{statement.id} is a negation: {text!r}"
        assert "wijkteam" not in text.lower(), f"{statement.id} names a kind of team"


def test_residents_sentences_measure_their_own_principle() -> None:
    eindhoven = get_frameworks()["verklaring-van-eindhoven"]
    principle = {statement.id: statement.principle for statement in eindhoven.resident_statements}
    same_person = [s.id for s in eindhoven.resident_statements if "dezelfde persoon" in s.text.nl or "vaste persoon" in s.text.nl]
    assert all(principle[sid] == "AO3" for sid in same_person)  # continuity is AO3, not empathy (AB5)


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=lambda f: f.id)
def test_reflection_questions_are_open_and_include_recent_success_and_the_residents_view(framework) -> None:
    for item in framework.items:
        questions = [question.nl for question in item.questions]
        assert any(OPEN_QUESTION.match(question) for question in questions), f"{item.id}: no open question"
        if item.kind == "principle":
            assert any("onlangs" in q or "inwoner zeggen" in q for q in questions), (
                f"{item.id}: add a 'Wanneer lukte dit onlangs? Wat hielp?' or 'Wat zou de inwoner zeggen?' question"
            )


def test_blockades_read_as_conditions_not_as_blame() -> None:
    for framework in FRAMEWORKS:
        for item in framework.items_of_kind("blockade"):
            first_word = item.summary.nl.split()[0]
            assert first_word not in {"We", "Wij", "Ons", "Onze"}, f"{item.id}: {item.summary.nl!r}"
            assert first_word in {"Er", "Het"}, f"{item.id} should describe a condition: {item.summary.nl!r}"


def test_summaries_keep_the_sources_key_words() -> None:
    eindhoven = get_frameworks()["verklaring-van-eindhoven"]
    summary = {item.id: item.summary.nl for item in eindhoven.items}
    assert "kleinschalige verbanden" in summary["AO1"]
    assert "draaglast" in summary["AB4"] and "draagkracht" in summary["AB4"]
    assert "leiding toe aan" in summary["AO2"] and "werk goed doen" in summary["AO2"]  # leiding toevertrouwen
    assert "verantwoordelijkheid" in summary["AB3"] and "persoonlijke relatie" in summary["AB5"]
    assert "bang" not in summary["B2"] and "wantrouw" not in summary["B2"]
    assert "passen daar" not in summary["B5"] and "hulp, regels en brieven slecht" in summary["B5"]  # the system fits badly


def test_new_lenses_keep_their_sources_key_words() -> None:
    """The plain-language help of each new lens keeps the words a trainer knows the source by."""
    frameworks = get_frameworks()
    summary = {item.id: item.summary.nl for framework in frameworks.values() for item in framework.items}
    assert "eigenaar" in summary["RH1"] and "te zien en te versterken" in summary["RH2"]
    assert "wederkerigheid" in summary["RH3"] and "vijf O’s" in summary["RH4"] and "aan bij wat er is" in summary["RH5"]
    assert "regie niet aan iemand geven" in summary["EK1"] and "allereerste aanspreekpunt" in summary["EK2"]
    assert "onafhankelijke" in summary["EK2"] and "leveren wat er gevraagd wordt" in summary["EK3"]
    assert "professionele zorg" in summary["EK4"] and "samenredzaamheid" in summary["EK4"]
    assert "solidariteit" in summary["EK5"] and "interventies" in summary["EK5"]
    assert "meer mensen, meer antwoorden" in summary["KH2"] and "aandacht, tijd, plek en ruimte" in summary["KH5"]
    assert "zeggenschap" in summary["KO1"] and "voorschrijvend beleid" in summary["KO1"]
    assert "Right to Challenge" in summary["KO2"] and "rechten waar te maken" in summary["KO2"]
    # Jargon is explained where it is used.
    assert "samen redzaam" in summary["EK4"] and "samen verantwoordelijk" in summary["RH4"]
    assert "organisaties tussen overheid en inwoners" in summary["KO4"]


def test_one_word_for_the_person_supported_and_no_words_the_issue_named() -> None:
    for framework in FRAMEWORKS:
        for item in framework.items:
            own_texts = [item.summary, *item.questions, item.works, item.doesnt_work, item.title]
            for text in own_texts:
                assert not re.search(r"\bbewoner|\bcliënt|laagopgeleid", text.nl, re.I), f"{item.id}: {text.nl!r}"
                assert "administrator" not in text.en.lower()
        for group in framework.groups:
            assert group.title.en != "Treating people differently"
    eindhoven = get_frameworks()["verklaring-van-eindhoven"]
    assert "networks" not in eindhoven.item("AO1").text.en
    assert "administrators" not in eindhoven.item("AO2").text.en + eindhoven.item("AO4").text.en


def test_examples_agree_across_frameworks() -> None:
    """AB2's good example must not be KU2's bad one (we make the call for the resident)."""
    eindhoven, kringwijs = get_frameworks()["verklaring-van-eindhoven"], get_frameworks()["kringwijs-uitgangspunten"]
    assert "we bellen zelf" in kringwijs.item("KU2").doesnt_work.nl
    assert "bellen we zelf" not in eindhoven.item("AB2").works.nl and "belt zelf" in eindhoven.item("AB2").works.nl


def test_the_interface_says_inwoner_for_the_person_supported() -> None:
    """One term per concept: every interface and error text (the content check's included) and
    every residents' sentence says *inwoner*, never *bewoner* or *cliënt*."""
    from kringwijs_survey.core.i18n import table

    for key, text in table("nl").items():
        assert not re.search(r"bewoner|cliënt", text, re.I), f"{key}: {text!r}"
    for key, text in table("en").items():
        assert "client" not in text.lower(), f"{key}: {text!r}"
    for framework in FRAMEWORKS:
        for statement in framework.resident_statements:
            assert not re.search(r"bewoner|cliënt", statement.text.nl, re.I), statement.id


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=lambda f: f.id)
def test_no_reflection_question_can_be_answered_with_yes_or_no(framework) -> None:
    """'Praten we …?' has an obvious right answer; every question opens a conversation instead."""
    for item in framework.items:
        for question in item.questions:
            assert OPEN_QUESTION.match(question.nl), f"{item.id}: a yes/no question: {question.nl!r}"


def test_no_screen_tells_a_user_to_type_a_command() -> None:
    """The app's users are team members and staff, not system administrators."""
    from kringwijs_survey.core.i18n import table

    for lang in ("nl", "en"):
        for key, text in table(lang).items():
            if key.startswith(("welcome.", "team.", "results.", "join.", "residents.", "principles.")):
                assert "python -m" not in text and "terminal" not in text.lower(), f"{lang} {key}: {text!r}"

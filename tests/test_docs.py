"""The documentation names tests as its evidence (the threat models, the benchmarks, the README):
every test file and test it names exists, so a renamed or removed test cannot leave a claim
without its proof."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted([ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("deploy/*.md")])
NAMED_TEST = re.compile(r"\b(test_\w+\.py)::(test_\w+)")
NAMED_FILE = re.compile(r"\btests/(test_\w+\.py)\b")


def defined_tests(file_name: str) -> set[str]:
    source = (ROOT / "tests" / file_name).read_text(encoding="utf-8")
    return set(re.findall(r"^(?:async )?def (test_\w+)\(", source, flags=re.MULTILINE))


@pytest.mark.parametrize("doc", DOCS, ids=[str(doc.relative_to(ROOT)) for doc in DOCS])
def test_every_test_a_document_names_exists(doc):
    text = doc.read_text(encoding="utf-8")
    missing = []
    for file_name in set(NAMED_FILE.findall(text)) | {file for file, _ in NAMED_TEST.findall(text)}:
        if not (ROOT / "tests" / file_name).exists():
            missing.append(f"tests/{file_name}")
    for file_name, test_name in set(NAMED_TEST.findall(text)):
        if (ROOT / "tests" / file_name).exists() and test_name not in defined_tests(file_name):
            missing.append(f"{file_name}::{test_name}")
    assert not missing, f"{doc.relative_to(ROOT)} names tests that do not exist: {sorted(missing)}"


def test_the_documents_name_tests_at_all():
    """The check above reads the documents it should (a moved folder would make it pass on nothing)."""
    named = [found for doc in DOCS for found in NAMED_TEST.findall(doc.read_text(encoding="utf-8"))]
    assert len(named) >= 10, named

"""One translation table per language: both complete, and no interface text outside them."""

import ast
import re
from pathlib import Path

from kringwijs_survey.core import i18n

REPO = Path(__file__).resolve().parents[1]
CODE_FILES = sorted([REPO / "app.py", *(REPO / "pages").glob("*.py"), *(path for path in (REPO / "kringwijs_survey").rglob("*.py") if "migrations" not in path.parts)])
KEY_CALL = re.compile(r"""\bt\(\s*f?["']([a-z_]+(?:\.[a-z0-9_]+)+\.?)(?:\{|["'])""")
KEY_PREFIX_CALL = re.compile(r"""\bt\(\s*(?:f["']([a-z_.]+)\{|["']([a-z_.]+\.)["']\s*\+)""")


def test_both_languages_have_exactly_the_same_keys():
    dutch, english = set(i18n.table("nl")), set(i18n.table("en"))
    assert not dutch - english, f"missing in en.yaml: {sorted(dutch - english)}"
    assert not english - dutch, f"missing in nl.yaml: {sorted(english - dutch)}"


def test_no_translation_is_empty_and_placeholders_match():
    for key, dutch in i18n.table("nl").items():
        english = i18n.table("en")[key]
        assert dutch.strip() and english.strip(), key
        assert set(re.findall(r"\{(\w+)\}", dutch)) == set(re.findall(r"\{(\w+)\}", english)), key


def test_every_key_the_code_asks_for_exists():
    keys = set(i18n.table("nl"))
    for path in CODE_FILES:
        code = path.read_text(encoding="utf-8")
        for key in KEY_CALL.findall(code):
            if key.endswith("."):
                assert any(k.startswith(key) for k in keys), f"{path.name}: no keys under {key!r}"
            else:
                assert key in keys, f"{path.name} asks for missing key {key!r}"
        for match in KEY_PREFIX_CALL.findall(code):
            prefix = next(part for part in match if part)
            assert any(k.startswith(prefix) for k in keys), f"{path.name}: no keys under {prefix!r}"


def _interface_strings(tree: ast.AST):
    """String constants in a page that a person could read: anything with two words or more,
    except docstrings, constant CSS blocks and the arguments of t()/literal()."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in {"t", "literal"}:
            skip.update(id(child) for child in ast.walk(node))
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value.strip()
            if text.startswith("<style") or text.startswith(":material/"):
                continue
            if len([word for word in text.split() if re.search(r"[A-Za-zÀ-ÿ]{2,}", word)]) >= 2:
                yield node.lineno, text


def test_pages_contain_no_interface_text_outside_the_table():
    for path in sorted((REPO / "pages").glob("*.py")) + [REPO / "app.py"]:
        found = list(_interface_strings(ast.parse(path.read_text(encoding="utf-8"))))
        assert not found, f"{path.name} has interface text outside the translation table: {found}"


def test_one_of_something_reads_in_the_singular_on_every_page(monkeypatch):
    """ui.t escapes the values for markdown; the singular must be chosen on the number itself
    ("1 persoon deed mee", not "1 mensen deden mee")."""
    from kringwijs_survey.web import ui

    monkeypatch.setattr(ui, "language", lambda: "nl")
    assert ui.t("presenter.people", count=1) == "1 persoon deed mee"
    assert ui.t("presenter.people", count=2) == "2 mensen deden mee"
    assert ui.t("join.live_missed", count=1) == "Een vraag die je hebt gemist"

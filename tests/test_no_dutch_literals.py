"""Every word a user reads comes from the translation tables: no Dutch sentence is left in the
Python code of the app (kringwijs_survey/, pages/, app.py), so English users never get Dutch
errors and every text has a reviewed Dutch and English version."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from kringwijs_survey.core import i18n
from kringwijs_survey.core.validation import InvalidInput, clean_name
from kringwijs_survey.domain import teams

REPO = Path(__file__).resolve().parents[1]
CODE_FILES = sorted([REPO / "app.py", *(REPO / "pages").glob("*.py"), *(REPO / "kringwijs_survey").rglob("*.py")])

# Words that mark a Dutch sentence and are not (common) English words.
DUTCH_WORDS = {
    "de", "het", "een", "niet", "geen", "moet", "moeten", "deze", "dit", "van", "voor", "zijn", "wordt", "mag",
    "bestaat", "ontbreekt", "niets", "nog", "alleen", "jullie", "ons", "onze", "kies", "vul", "bij", "naar",
    "ook", "heeft", "hebben", "wat", "hoe", "wie", "waar", "kan", "kunnen", "je", "jij", "uw", "er", "te",
}
# Sample data, not interface text: what the demo's fictional team members typed, and a name.
ALLOWED = {
    ("demo.py", "We nemen hier echt de tijd voor, ook als het druk is."),
    ("demo.py", "Bij nieuwe aanmeldingen lukt dit nog niet altijd."),
    ("demo.py", "Het hangt erg af van wie de casus heeft."),
    ("demo.py", "De regels van de indicatie zitten ons hier in de weg."),
    ("demo.py", "Mooi voorbeeld: het keukentafelgesprek bij mevrouw uit de Lindestraat."),
    ("demo.py", "Hier wil ik het graag met elkaar over hebben."),
    ("pdf.py", "Kringwijs – Verklaring van Eindhoven"),  # the PDF's author field: a name
}
KEY_CALLS = {"t", "Msg", "InvalidInput", "_Problem"}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def dutch_literals(source: str) -> list[tuple[int, str]]:
    """String constants (and the literal parts of f-strings) that read as Dutch sentences:
    two words or more with a Dutch function word. Docstrings, comments and translation keys
    (the first argument of t(), Msg(), InvalidInput()) are not interface text."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        name = getattr(getattr(node, "func", None), "attr", None) or getattr(getattr(node, "func", None), "id", None)
        if isinstance(node, ast.Call) and name in KEY_CALLS and node.args and isinstance(node.args[0], ast.Constant):
            skip.add(id(node.args[0]))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = " ".join(part.value for part in node.values if isinstance(part, ast.Constant))
            skip.update(id(part) for part in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
        else:
            continue
        words = re.findall(r"[A-Za-zÀ-ÿ']+", text)
        if " " in text.strip() and len(words) >= 2 and DUTCH_WORDS & {word.lower() for word in words}:
            found.append((node.lineno, text))
    return found


def test_the_check_finds_a_dutch_message_and_passes_keys_and_english():
    source = '''
def f():
    """Een docstring mag Nederlands zijn."""
    raise InvalidInput("error.no_team")
    print(f"Team {name} bestaat niet.")
    raise ValueError("moet een heel getal zijn")
    log("the round does not exist")
'''
    found = [" ".join(text.split()) for _, text in dutch_literals(source)]
    assert sorted(found) == ["Team bestaat niet.", "moet een heel getal zijn"], found


def test_no_dutch_literal_is_left_in_the_python_code():
    left = []
    for path in CODE_FILES:
        for line, text in dutch_literals(path.read_text(encoding="utf-8")):
            if (path.name, text) not in ALLOWED:
                left.append(f"{path.relative_to(REPO)}:{line}: {text!r}")
    assert not left, "Dutch text outside the translation tables:\n" + "\n".join(left)


def test_errors_are_told_in_the_users_language():
    try:
        clean_name("", "team_name")
    except InvalidInput as error:
        assert error.text("nl") == "De teamnaam is leeg. Vul een naam in." == str(error)
        assert error.text("en") == "The team name is empty. Please fill in a name."
    else:
        raise AssertionError("an empty name must be refused")


def test_singular_and_plural():
    assert i18n.t("results.based_on", "nl", answered=1) == "Gebaseerd op de antwoorden van 1 teamlid."
    assert i18n.t("results.based_on", "nl", answered=4) == "Gebaseerd op de antwoorden van 4 teamleden."
    assert i18n.t("residents.too_few", "en", answered=1, minimum=5).startswith("**1** resident has")


def test_an_english_user_reads_a_refusal_in_english_with_the_typed_name_as_typed(app_engine, monkeypatch):
    """A page shows a refusal in the reader's language, and a name it repeats exactly as typed:
    as plain text in the error box, never as a link (the refusal may quote what was typed)."""

    from app_helpers import open_page, typed_texts

    monkeypatch.setenv("SELF_SERVICE_TEAMS", "1")  # "Nieuw team" is open to anyone
    taken = "Team www.example.com [klik](https://evil.example)"
    teams.create_team(app_engine, taken)
    app = open_page("pages/new_team.py", query={"lang": "en"})
    app.text_input[0].input(taken)
    app.button[0].click().run()
    assert not app.exception
    assert typed_texts(app, "error") == [f"There is already a team called '{taken}'. Choose another name."]
    assert not app.error  # not through st.error, whose markdown would turn the name into links
    assert not app.code  # nothing was made: no team link


def test_texts_shown_with_typed_values_have_singular_forms_too():
    """ui.say and ui.show_error fill the template themselves (values shown as typed): they get
    the singular text from the same place as i18n.t."""
    assert i18n.template("manager.teams_in_view", "nl", {"count": 1}) == "{count} team in beeld."
    assert i18n.template("manager.teams_in_view", "nl", {"count": 2}) == i18n.table("nl")["manager.teams_in_view"]
    assert i18n.t("manager.teams_in_view", "nl", count=1) == "1 team in beeld."

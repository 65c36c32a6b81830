"""The layering rule of kringwijs_survey, checked on the source (see README, Development).

Every module sits in one layer; a module imports only from its own layer or the layers below it,
and no two modules import each other at load time. Pages and app.py are layout: they never reach
the store (no SQL, no engines of their own)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kringwijs_survey"

# Lowest first.
LAYERS: list[tuple[str, set[str]]] = [
    ("core", {"settings", "i18n", "models", "validation", "spreadsheet", "links"}),
    ("store", {"database", "backup", "cache"}),
    ("rules", {"access", "content", "own_frameworks", "policy"}),
    ("stats", {"aggregation", "team_results"}),
    ("render", {"charts", "tables", "qr"}),
    ("domain", {"services", "sharing", "workshop", "privacy", "csv_io", "demo"}),
    ("exports", {"reports"}),
    ("web", {"typed_text", "navigation", "ui"}),
    ("entry", {"cli", "__main__", "__init__", "bench", "bench_workshop"}),
]
LAYER_OF = {module: index for index, (_, modules) in enumerate(LAYERS) for module in modules}
NAME_OF = {index: name for index, (name, _) in enumerate(LAYERS)}
STORE = {"database", "backup", "cache"}


def package_imports(path: Path, top_level_only: bool = False) -> set[str]:
    """The package's modules that `path` imports (relative or absolute imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                found |= {node.module.split(".")[0]} if node.module else {alias.name for alias in node.names}
            elif node.module and node.module.split(".")[0] == "kringwijs_survey":
                parts = node.module.split(".")
                found |= {parts[1]} if len(parts) > 1 else {alias.name for alias in node.names}
    return found - {"locales", "migrations"}


def modules() -> list[Path]:
    return sorted(PACKAGE.glob("*.py"))


def test_every_module_has_a_layer():
    unplaced = [path.stem for path in modules() if path.stem not in LAYER_OF]
    assert not unplaced, f"put these modules in a layer of tests/test_layers.py and the README: {unplaced}"


@pytest.mark.parametrize("path", modules(), ids=lambda path: path.stem)
def test_a_module_imports_only_its_own_layer_and_the_layers_below(path):
    own = LAYER_OF[path.stem]
    upward = sorted(
        f"{imported} ({NAME_OF[LAYER_OF[imported]]})"
        for imported in package_imports(path)
        if imported in LAYER_OF and LAYER_OF[imported] > own
    )
    assert not upward, f"{path.stem} ({NAME_OF[own]}) imports from a higher layer: {upward}"


def test_no_two_modules_import_each_other_when_loaded():
    graph = {path.stem: package_imports(path, top_level_only=True) & set(LAYER_OF) for path in modules()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for following in graph.get(start, ()):
            if following == goal or (following not in seen and reaches(following, goal, seen | {following})):
                return True
        return False

    cycles = sorted(module for module in graph if reaches(module, module, {module}))
    assert not cycles, f"modules in an import cycle: {cycles}"


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"], ids=lambda path: path.name)
def test_pages_never_reach_the_store(path):
    source = path.read_text(encoding="utf-8")
    reached = package_imports(path) & STORE
    assert not reached and "sqlalchemy" not in source and "sqlmodel" not in source, (path.name, reached)

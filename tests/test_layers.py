"""The layering rule of kringwijs_survey, checked on the source (see README, Development).

Every module sits in a layer folder (kringwijs_survey/core, store, ...); a module imports only from
its own layer or the layers below it, and no two modules import each other at load time. Pages and
app.py are layout: they never reach the store (no SQL, no engines of their own). The benchmarks
live outside the runtime package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kringwijs_survey"

# Lowest first; "entry" is the package's top level (the command line).
LAYERS = ["core", "store", "rules", "stats", "domain", "views", "render", "web", "entry"]
RANK = {name: index for index, name in enumerate(LAYERS)}


def modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "migrations" not in path.relative_to(PACKAGE).parts)


def dotted(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str | None:
    """`kringwijs_survey.store.database` -> "store"; the package's own top level -> "entry"."""
    parts = module.split(".")
    if parts[0] != "kringwijs_survey":
        return None
    if len(parts) == 1 or parts[1] not in RANK:
        return "entry"
    return parts[1]


def package_imports(path: Path, top_level_only: bool = False) -> set[str]:
    """The package's modules (dotted names) that `path` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kringwijs_survey"):
            assert node.level == 0, f"{path}: relative import; use kringwijs_survey.<layer>.<module>"
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if (ROOT / (candidate.replace(".", "/") + ".py")).exists() else node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("kringwijs_survey")}
    return {name for name in found if layer_of(name) and name.split(".")[-1] not in LAYERS}


def test_every_module_sits_in_a_layer_folder():
    loose = [dotted(path) for path in modules() if layer_of(dotted(path)) == "entry"]
    assert sorted(loose) == ["kringwijs_survey", "kringwijs_survey.__main__", "kringwijs_survey.cli"], loose


@pytest.mark.parametrize("path", modules(), ids=dotted)
def test_a_module_imports_only_its_own_layer_and_the_layers_below(path):
    own = layer_of(dotted(path))
    upward = sorted(f"{name} ({layer_of(name)})" for name in package_imports(path) if RANK[layer_of(name)] > RANK[own])
    assert not upward, f"{dotted(path)} ({own}) imports from a higher layer: {upward}"


def test_no_two_modules_import_each_other_when_loaded():
    graph = {dotted(path): package_imports(path, top_level_only=True) for path in modules()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for following in graph.get(start, ()):
            if following == goal or (following not in seen and reaches(following, goal, seen | {following})):
                return True
        return False

    cycles = sorted(module for module in graph if reaches(module, module, {module}))
    assert not cycles, f"modules in an import cycle: {cycles}"


def test_the_runtime_package_never_loads_the_benchmarks_at_start():
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = [node for node in tree.body if isinstance(node, ast.ImportFrom | ast.Import)]
        names = {getattr(node, "module", None) or "" for node in top} | {
            alias.name for node in top if isinstance(node, ast.Import) for alias in node.names
        }
        assert not any(name.startswith("benchmarks") for name in names), dotted(path)


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"], ids=lambda path: path.name)
def test_pages_never_reach_the_store(path):
    source = path.read_text(encoding="utf-8")
    reached = {name for name in package_imports(path) if layer_of(name) == "store"}
    assert not reached and "sqlalchemy" not in source and "sqlmodel" not in source, (path.name, reached)


def _module_aliases(tree: ast.Module) -> set[str]:
    """Names a file binds to one of the package's modules (`from kringwijs_survey.domain import teams`)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kringwijs_survey"):
            for alias in node.names:
                if (ROOT / (f"{node.module}.{alias.name}".replace(".", "/") + ".py")).exists() or (
                    ROOT / f"{node.module}.{alias.name}".replace(".", "/") / "__init__.py"
                ).exists():
                    names.add(alias.asname or alias.name)
    return names


def _bound_outside_classes(tree: ast.AST):
    """Every variable, argument and loop name bound in the file, except a class's own fields."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.ClassDef):
            for child in node.body:
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield from _bound_outside_classes(child)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id, node.lineno
        elif isinstance(node, ast.arg):
            yield node.arg, node.lineno
        yield from _bound_outside_classes(node)


CODE = sorted(
    [*modules(), *(ROOT / "pages").glob("*.py"), ROOT / "app.py", *(ROOT / "benchmarks").glob("*.py"), *(ROOT / "tests").glob("*.py")]
)


@pytest.mark.parametrize("path", CODE, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_variable_hides_a_module_the_file_imports(path):
    """`teams = teams.list_teams(engine)` works once and then turns every later `teams.get_team`
    into an error; with modules named for what they hold (teams, rounds, notes, periods) the
    variables take another name (team_list, round_list, saved_notes, period_choices)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = _module_aliases(tree)
    hidden = sorted({f"{name} (line {line})" for name, line in _bound_outside_classes(tree) if name in aliases})
    assert not hidden, f"{path.name} binds the name of a module it imports: {hidden}"


@pytest.mark.parametrize("path", CODE, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_name_a_file_takes_from_a_module_exists_there(path):
    """`rounds.get_round`, `charts.radar`: a name that moved to another module fails here, not in
    the one browser test that happens to reach that line."""
    import importlib

    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = _module_aliases(tree)
    loaded = {
        alias.asname or alias.name: importlib.import_module(f"{node.module}.{alias.name}")
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kringwijs_survey")
        for alias in node.names
        if (alias.asname or alias.name) in aliases
    }
    missing = sorted(
        {
            f"{node.value.id}.{node.attr} (line {node.lineno})"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in loaded
            and not hasattr(loaded[node.value.id], node.attr)
        }
    )
    assert not missing, f"{path.name} uses names its modules do not have: {missing}"

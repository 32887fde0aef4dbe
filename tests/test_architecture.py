"""The package's shape: no import cycle, and each wing imports only what it may.

Every import is counted, also the ones inside functions (an import moved into a function
hides a cycle from Python, not from the design). A rule broken here is a design problem:
move the shared type to `extract.model` or the shared helper to `extract.common`, do not
silence the test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "extract"

# What each wing may import, besides itself. A module's wing is its subpackage, or its own
# name for the modules at the top of the package.
ALLOWED = {
    "model": {"errors"},
    "errors": set(),
    "config": set(),
    "settings": {"errors"},
    "record_specs": {"model", "common"},
    "common": {"model", "errors", "settings"},
    "engines": {"model", "errors", "settings", "config", "common"},   # config: where compiled OCR models are kept
    "stages": {"model", "errors", "settings", "config", "common", "engines", "record_specs"},
    "store": {"model", "errors", "config", "common"},
    "review": {"model", "errors", "common", "record_specs"},
    "pipeline": {"model", "errors", "settings", "config", "common", "engines", "stages", "store", "record_specs",
                 "__init__"},
    "batch": {"model", "errors", "settings", "config", "common", "store", "pipeline", "__init__", "ray_run"},
    "ray_run": {"model", "errors", "settings", "common", "pipeline"},
    "cli": {"model", "errors", "settings", "config", "common", "store", "review", "pipeline", "batch", "export"},
    "export": {"model", "errors", "config", "common", "store", "record_specs"},
    "__init__": {"config", "export"},
    "__main__": {"cli"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The package's modules `path` imports, anywhere in the file."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        else:
            continue
        out.update(n for n in names if n in known and n != "extract")
        # `from extract import __version__` is the package's own __init__
        if isinstance(node, ast.ImportFrom) and node.module == "extract":
            out.add("extract")
    return out


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(path, set(found)) - {name} for name, path in found.items()}


def wing(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def test_the_walk_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from extract.model import Box\n    import extract.errors\n")
    assert imports_of(source, {"extract.model", "extract.errors"}) == {"extract.model", "extract.errors"}


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk of `edges` runs into, each as the modules around it."""
    state: dict[str, int] = {}   # 1: on the walk's path, 2: done
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return cycles


def test_the_cycle_check_finds_a_cycle_and_only_a_cycle():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_there_is_no_import_cycle():
    cycles = find_cycles(graph())
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("module", sorted(modules()))
def test_each_wing_imports_only_what_it_may(module):
    own = wing(module)
    assert own in ALLOWED, f"{module}: its wing {own!r} has no rule in ALLOWED"
    wrong = sorted(i for i in graph()[module] if wing(i) != own and wing(i) not in ALLOWED[own])
    assert not wrong, f"{module} ({own}) may not import {', '.join(wrong)}"

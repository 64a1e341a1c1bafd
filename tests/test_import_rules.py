"""The plan of the code, kept true: imports run one way and never in a circle (issue 15).

A small AST check over the packages (no import runs). The layers:
entrypoints (`api/`) → applications and services (`domain/*/application.py` and beside) → the domain;
`rules/` and `projections/` read the domain; adapters (`infra/`) are plugged in by the composition root.

Every import counts, wherever it is written: at the top of a module, inside a function, or under
`if TYPE_CHECKING:`. An import deferred into a function still states a dependency, and deferring one
is the usual way a circle is hidden rather than removed, so neither the layer rules nor the circle
check ignore them. Dynamic imports (`importlib.import_module` of a topic) are not seen; they name
classes chosen by configuration, as eventsourcing's topics do.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "rules", "projections", "api", "infra")
SCANNED = PACKAGES + ("bench",)

# (importing package, forbidden top-level names, why)
FORBIDDEN: tuple[tuple[str, frozenset[str], str], ...] = (
    ("domain", frozenset({"api", "infra", "rules", "projections", "kafka"}),
     "the domain knows no entrypoint, adapter, rule engine, read model or Kafka"),
    ("rules", frozenset({"api", "infra"}), "rules are judged on domain facts, not on adapters or entrypoints"),
    ("projections", frozenset({"api", "infra"}), "read models fold domain events; stores are plugged in"),
    ("infra", frozenset({"api"}), "adapters never reach back up into the entrypoints"),
)


@dataclass(frozen=True)
class Import:
    """One imported module, where the import is written."""

    module: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


@cache
def modules() -> dict[str, Path]:
    """Every module of the scanned packages by dotted name (a package by its `__init__.py`)."""
    found: dict[str, Path] = {}
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _targets(node: ast.Import | ast.ImportFrom, module: str) -> Iterator[str]:
    """The modules an import statement names: `from a.b import c` is `a.b.c` when that is a module."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:  # relative: from the module's package, one level up per further dot
        package = module.split(".") if modules()[module].name == "__init__.py" else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        yield submodule if submodule in modules() else base


@cache
def imports() -> tuple[Import, ...]:
    """Every import statement of the scanned modules, at any depth of the syntax tree."""
    found: list[Import] = []
    for module, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.extend(Import(module, target, node.lineno) for target in _targets(node, module))
    return tuple(found)


def _package(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize(("package", "forbidden", "why"), FORBIDDEN, ids=[rule[0] for rule in FORBIDDEN])
def test_a_layer_imports_nothing_it_must_not(package: str, forbidden: frozenset[str], why: str) -> None:
    wrong = [str(i) for i in imports() if _package(i.module) == package and _package(i.target) in forbidden]
    assert not wrong, f"{package}/ must not import {sorted(forbidden)} ({why}):\n" + "\n".join(wrong)


def test_no_code_outside_the_tests_imports_the_tests() -> None:
    wrong = [str(i) for i in imports() if _package(i.target) == "tests"]
    assert not wrong, "tests/ is not shipped; move what production or benchmarks need out of it:\n" + "\n".join(wrong)


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            successor = next(successors, None)
            if successor is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group: list[str] = []
                    while not group or group[-1] != node:
                        group.append(stack.pop())
                        on_stack.discard(group[-1])
                    if len(group) > 1:
                        groups.append(sorted(group))
            elif successor not in index:
                index[successor] = low[successor] = len(index)
                stack.append(successor)
                on_stack.add(successor)
                work.append((successor, iter(sorted(edges.get(successor, ())))))
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
    return groups


def test_no_module_imports_itself_through_others() -> None:
    edges: dict[str, set[str]] = {module: set() for module in modules()}
    for i in imports():
        if i.target in modules() and i.target != i.module:
            edges[i.module].add(i.target)
    circles = _circles(edges)
    assert not circles, "imports in a circle:\n" + "\n".join(" ↔ ".join(group) for group in circles)


def test_the_circle_check_finds_a_circle() -> None:
    """The check itself: a three-module circle is found, a chain is not."""
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_scan_sees_the_packages() -> None:
    """Guard against a scan that passes because it read nothing."""
    names = modules()
    assert {"domain.households.clock", "infra.bootstrap", "api.http.app", "rules.worker"} <= set(names)
    assert any(i.module == "infra.bootstrap" and _package(i.target) == "domain" for i in imports())

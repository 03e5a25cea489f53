"""The checker behind test_layers.py: reads the rule blocks of docs/architecture.md and finds,
in one module's source, every import, query and scope those blocks do not allow.

It resolves names the way Python does, not by spelling: an aliased import, a module
attribute (`tables.PipTask.select()`), a relative import (`from ..coa import handover`) and a
name re-exported by another module all lead to the same object. test_layer_checker.py feeds
it snippets it must flag, so it cannot go blind unnoticed.
"""

from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from types import ModuleType
from typing import Any

from piccolo.table import Table

from portal.core.settings import PROJECT_ROOT

PACKAGES = ("portal", "tenants", "partners", "tasks")
QUERY_METHODS = {"select", "objects", "insert", "update", "delete", "count", "exists", "raw"}
# Methods of a table row that write or read the database by themselves.
ROW_METHODS = {"save", "remove", "refresh", "update_self"}
# Methods of an engine that run SQL past every rule.
ENGINE_METHODS = {"run_ddl", "run_querystring"}
DOC = PROJECT_ROOT / "docs" / "architecture.md"


@dataclass(frozen=True)
class Rules:
    modules: dict[str, str]  # path -> layer
    may_import: dict[str, set[str]]  # layer -> layers
    queries: list[str]  # path patterns
    scopes: list[str]  # path patterns


def _block(text: str, name: str) -> list[list[str]]:
    match = re.search(rf"^```{name}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert match, f"docs/architecture.md has no ```{name} block"
    return [line.split() for line in match.group(1).splitlines() if line.strip()]


def load_rules(text: str | None = None) -> Rules:
    text = DOC.read_text() if text is None else text
    modules: dict[str, str] = {}
    for fields in _block(text, "modules"):
        assert fields[0] not in modules, f"{fields[0]} is named twice"
        modules[fields[0]] = fields[1]
    may_import = {fields[0]: set(fields[1:]) for fields in _block(text, "layers")}
    unknown = {layer for layer in modules.values() if layer not in may_import}
    assert not unknown, f"layers without a rule: {unknown}"
    return Rules(
        modules=modules,
        may_import=may_import,
        queries=[fields[0] for fields in _block(text, "queries")],
        scopes=[fields[0] for fields in _block(text, "scopes")],
    )


def source_files() -> list[str]:
    return sorted(
        path.relative_to(PROJECT_ROOT).as_posix()
        for package in PACKAGES
        for path in (PROJECT_ROOT / package).rglob("*.py")
        if "piccolo_migrations" not in path.parts
    )


def module_name(path: str) -> str:
    name = path.removesuffix(".py").replace("/", ".")
    return name.removesuffix(".__init__")


def module_path(name: str) -> str | None:
    """The project file of a dotted module name, or None when it is not ours."""
    base = PROJECT_ROOT / Path(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate.relative_to(PROJECT_ROOT).as_posix()
    return None


def _package_of(path: str) -> str:
    name = module_name(path)
    return name if path.endswith("__init__.py") else name.rpartition(".")[0]


def _absolute(path: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = _package_of(path).split(".")
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imported_modules(path: str, tree: ast.AST) -> list[tuple[int, str]]:
    """(line, project file) for every import of a project module, relative ones included;
    `from package import name` counts as importing the submodule when `name` is one."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = module_path(alias.name)
                if target:
                    found.append((node.lineno, target))
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(path, node)
            for alias in node.names:
                target = module_path(f"{base}.{alias.name}") or module_path(base)
                if target:
                    found.append((node.lineno, target))
    return found


def _matches(path: str, patterns: list[str]) -> bool:
    return any(fnmatch(path, pattern) for pattern in patterns)


def _partner_package(path: str) -> str | None:
    parts = path.split("/")
    return parts[1] if len(parts) >= 3 and parts[0] == "partners" else None


def _is_routes(layer: str | None) -> bool:
    return bool(layer) and layer.endswith("-routes")  # type: ignore[union-attr]


def import_violations(path: str, source: str, rules: Rules) -> list[str]:
    """Imports the layer table, "partners never import each other" and "routes are
    mounted, not imported" do not allow."""
    layer = rules.modules.get(path)
    found = []
    for line, target in imported_modules(path, ast.parse(source)):
        if target == path or target.endswith("__init__.py"):
            continue
        where = f"{path}:{line} imports {target}"
        own, other = _partner_package(path), _partner_package(target)
        if own and other and own != other:
            found.append(f"{where}: partners never import each other")
            continue
        target_layer = rules.modules.get(target)
        if layer is None or target_layer is None:
            continue  # test_every_module_is_named reports these
        same_package = target.rpartition("/")[0] == path.rpartition("/")[0]
        if _is_routes(target_layer) and layer not in ("composition", "jobs"):
            if not (_is_routes(layer) and same_package):
                found.append(f"{where}: routes are mounted by the app factory, not imported")
            continue
        if target_layer != layer and target_layer not in rules.may_import[layer]:
            found.append(f"{where}: {layer} may not import {target_layer}")
    return found


class _Names:
    """What each name of a module is bound to, resolved by importing what it imports."""

    def __init__(self, path: str, tree: ast.AST) -> None:
        self.bound: dict[str, Any] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.bound[alias.asname] = _load(alias.name)
                    else:
                        top = alias.name.split(".")[0]
                        self.bound[top] = _load(top)
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(path, node)
                for alias in node.names:
                    value = _load(f"{base}.{alias.name}")
                    if value is None:
                        value = getattr(_load(base), alias.name, None)
                    self.bound[alias.asname or alias.name] = value
        # Plain re-bindings (`T = PipTask`, `T = tables.PipTask`), to a fixed point.
        for _ in range(3):
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        value = self.resolve(node.value)
                        if value is not None:
                            self.bound[target.id] = value

    def resolve(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Name):
            return self.bound.get(node.id)
        if isinstance(node, ast.Attribute):
            owner = self.resolve(node.value)
            return None if owner is None else getattr(owner, node.attr, None)
        return None


def _load(name: str) -> ModuleType | None:
    if not name or module_path(name) is None:
        return None
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _is_table(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, Table) and value is not Table


def query_violations(path: str, source: str, rules: Rules) -> list[str]:
    """Queries outside the data-access modules: query methods on table classes, row methods
    on rows, SQL on the engine."""
    if _matches(path, rules.queries):
        return []
    tree = ast.parse(source)
    names = _Names(path, tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, node.func.value
        where = f"{path}:{node.lineno} .{method}()"
        is_query = method in QUERY_METHODS and _is_table(names.resolve(receiver))
        is_row = method in ROW_METHODS and _is_row(receiver, names, node)
        if is_query or is_row or method in ENGINE_METHODS:
            found.append(where)
    return found


def _is_row(receiver: ast.AST, names: _Names, call: ast.Call) -> bool:
    """A row: a table called (`Row(...).save()`), or any other object that is not one of our
    modules (`row.save()`). `remove()` of a list or set takes an argument; a row's takes none."""
    if isinstance(receiver, ast.Call):
        return _is_table(names.resolve(receiver.func))
    if isinstance(names.resolve(receiver), ModuleType):
        return False
    return not (call.func.attr == "remove" and (call.args or call.keywords))  # type: ignore[attr-defined]


def scope_violations(path: str, source: str, rules: Rules) -> list[str]:
    """A Scope built, or Scope.system called, outside the modules the `scopes` block names."""
    if _matches(path, rules.scopes):
        return []
    from tenants.scope import Scope

    tree = ast.parse(source)
    names = _Names(path, tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = names.resolve(node.func)
        if called is Scope or called == Scope.system:
            found.append(f"{path}:{node.lineno} builds a Scope")
    return found

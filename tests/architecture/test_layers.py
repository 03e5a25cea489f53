"""The import rules of docs/architecture.md, and the single door to the tables."""

from __future__ import annotations

import ast
from pathlib import Path

from portal.core import database
from portal.core.settings import PROJECT_ROOT

PACKAGES = ("portal", "tenants", "partners", "tasks")
QUERY_METHODS = {"select", "objects", "insert", "update", "delete", "count", "exists", "raw"}

# The data-access modules: the only ones that may call query methods on table classes.
DATA_ACCESS = {
    "tenants/scoped.py": "tenant-owned tables, scoped",
    "tenants/accounts.py": "global accounts, regio's, a person's own memberships",
    "portal/core/audit.py": "the append-only audit log",
    "portal/casefile/tables.py": "visibility rules: sub-selects that TenantData embeds, scoped",
}


def _is_partner_tables(path: Path) -> bool:
    # A partner package's tables.py holds its visibility rules, which embed sub-selects.
    parts = Path(rel(path)).parts
    return len(parts) == 3 and parts[0] == "partners" and parts[2] == "tables.py"


def source_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            if "piccolo_migrations" not in path.parts:
                files.append(path)
    return files


def rel(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_no_module_outside_data_access_queries_tables() -> None:
    table_names = {table.__name__ for table in database.all_tables()}
    offenders = []
    for path in source_files():
        if rel(path) in DATA_ACCESS or _is_partner_tables(path):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in QUERY_METHODS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in table_names
            ):
                offenders.append(
                    f"{rel(path)}:{node.lineno} {node.func.value.id}.{node.func.attr}()"
                )
    assert not offenders, "query outside the data-access layer:\n" + "\n".join(offenders)


def test_core_imports_nothing_above_it() -> None:
    for path in (PROJECT_ROOT / "portal" / "core").rglob("*.py"):
        for module in imports_of(path):
            top = module.split(".")[0]
            assert top not in {"tenants", "partners", "tasks"}, f"{rel(path)} imports {module}"
            if top == "portal":
                # piccolo_conf is the app registry: core reads it to find every table.
                assert module.startswith(("portal.core", "portal.piccolo_conf")), (
                    f"{rel(path)} imports {module}"
                )


def test_tenants_services_import_only_core() -> None:
    for path in (PROJECT_ROOT / "tenants").rglob("*.py"):
        if "piccolo_migrations" in path.parts or path.name.endswith("routes.py"):
            continue
        for module in imports_of(path):
            top = module.split(".")[0]
            assert top not in {"partners", "tasks"}, f"{rel(path)} imports {module}"
            if top == "portal":
                assert module.startswith("portal.core"), f"{rel(path)} imports {module}"


def test_portal_never_imports_tasks() -> None:
    # Services write an outbox row; only tasks/ knows Celery. The web app never enqueues by import.
    for path in (PROJECT_ROOT / "portal").rglob("*.py"):
        for module in imports_of(path):
            assert module.split(".")[0] != "tasks", f"{rel(path)} imports {module}"


def test_architecture_doc_names_every_module() -> None:
    doc = (PROJECT_ROOT / "docs" / "architecture.md").read_text()
    missing = [
        rel(path) for path in source_files() if path.name != "__init__.py" and rel(path) not in doc
    ]
    assert not missing, "docs/architecture.md does not mention: " + ", ".join(missing)

"""The tree against the rule blocks of docs/architecture.md (see layer_rules.py): every
module named with its layer, every import, query and scope allowed there."""

from __future__ import annotations

import ast

from portal.core.settings import PROJECT_ROOT
from tests.architecture import layer_rules
from tests.architecture.layer_rules import load_rules, source_files


def _sources() -> list[tuple[str, str]]:
    return [(path, (PROJECT_ROOT / path).read_text()) for path in source_files()]


def test_every_module_is_named_with_its_layer() -> None:
    rules = load_rules()
    modules = [path for path in source_files() if not path.endswith("__init__.py")]
    missing = [path for path in modules if path not in rules.modules]
    assert not missing, "docs/architecture.md (```modules) does not name: " + ", ".join(missing)
    gone = sorted(set(rules.modules) - set(modules))
    assert not gone, "docs/architecture.md names modules that do not exist: " + ", ".join(gone)


def test_package_inits_import_only_packages() -> None:
    # Any layer may import a package, so its __init__.py must not reach into a module.
    for path in source_files():
        if path.endswith("__init__.py"):
            tree = ast.parse((PROJECT_ROOT / path).read_text())
            for line, target in layer_rules.imported_modules(path, tree):
                assert target.endswith("__init__.py"), f"{path}:{line} imports {target}"


def test_imports_follow_the_layer_table() -> None:
    rules = load_rules()
    found = [
        v for path, text in _sources() for v in layer_rules.import_violations(path, text, rules)
    ]
    assert not found, "imports the layer table does not allow:\n" + "\n".join(found)


def test_only_data_access_modules_query_tables() -> None:
    rules = load_rules()
    found = [
        v for path, text in _sources() for v in layer_rules.query_violations(path, text, rules)
    ]
    assert not found, "queries outside the data-access modules:\n" + "\n".join(found)


def test_a_scope_comes_from_a_session_a_job_or_an_audited_system_view() -> None:
    rules = load_rules()
    found = [
        v for path, text in _sources() for v in layer_rules.scope_violations(path, text, rules)
    ]
    assert not found, "Scope built outside the modules of ```scopes:\n" + "\n".join(found)

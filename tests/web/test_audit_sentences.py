"""Every audit entry the code can write reads as a Dutch sentence in the privacy officer's log.

The actions and objects are found by reading the source: each `AuditEvent(...)` call, its
action and object as literals, or as a name bound in the same function (an assignment, or
a parameter fed with literals by the calls in the same module). A call this cannot resolve
fails the test: write the literal, so the catalogue cannot drift from the code.
"""

from __future__ import annotations

import ast
from pathlib import Path

from portal.casefile.intake_sections import SECTIONS
from portal.core.settings import PROJECT_ROOT
from portal.web.audit_sentences import (
    INTAKE_SECTION,
    NOUNS,
    PHRASES,
    SECTION_NOUNS,
    Names,
    catalogue_key,
    sentence,
)

PACKAGES = ("portal", "tenants", "partners", "tasks")


def _literals(node: ast.expr, function: ast.AST | None, module: ast.Module) -> set[str] | None:
    """The strings `node` can be, or None when the source does not say."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body = _literals(node.body, function, module)
        orelse = _literals(node.orelse, function, module)
        return None if body is None or orelse is None else body | orelse
    if isinstance(node, ast.JoinedStr):
        head = node.values[0]
        if isinstance(head, ast.Constant) and str(head.value).endswith("."):
            return {f"{head.value}*"}
        return None
    if isinstance(node, ast.Name) and function is not None:
        return _name_values(node.id, function, module)
    return None


def _name_values(name: str, function: ast.AST, module: ast.Module) -> set[str] | None:
    found: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            values = _literals(node.value, None, module)
            if values is None:
                return None
            found |= values
    if found:
        return found
    assert isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
    params = [a.arg for a in function.args.args]
    if name not in params:
        return None
    position = params.index(name)
    for node in ast.walk(module):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == function.name):
            continue
        given = {k.arg: k.value for k in node.keywords}.get(name)
        if given is None and position < len(node.args):
            given = node.args[position]
        values = None if given is None else _literals(given, None, module)
        if values is None:
            return None
        found |= values
    return found or None


def written_events() -> tuple[set[tuple[str, str]], list[str]]:
    """(action, object type) pairs the code can write, and the calls that cannot be read."""
    events: set[tuple[str, str]] = set()
    unreadable: list[str] = []
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            if "piccolo_migrations" in path.parts:
                continue
            module = ast.parse(path.read_text())
            parents: dict[ast.AST, ast.AST] = {}
            for node in ast.walk(module):
                for child in ast.iter_child_nodes(node):
                    parents[child] = node
            for node in ast.walk(module):
                func = getattr(node, "func", None)
                name = getattr(func, "attr", None) or getattr(func, "id", None)
                if not (isinstance(node, ast.Call) and name == "AuditEvent"):
                    continue
                function = node
                while function in parents and not isinstance(
                    function, ast.FunctionDef | ast.AsyncFunctionDef
                ):
                    function = parents[function]
                keywords = {k.arg: k.value for k in node.keywords}
                action = node.args[0] if node.args else keywords.get("action")
                kind = node.args[1] if len(node.args) > 1 else keywords.get("object_type")
                where = f"{Path(path).relative_to(PROJECT_ROOT)}:{node.lineno}"
                actions = _literals(action, function, module) if action else None
                kinds = _literals(kind, function, module) if kind else None
                if actions is None or kinds is None:
                    unreadable.append(where)
                    continue
                events |= {(a, k) for a in actions for k in kinds}
    return events, unreadable


def _key(action: str, kind: str) -> tuple[str, str]:
    # An f-string object ("intake.{key}") stands for every value after its prefix.
    return catalogue_key(action, kind.removesuffix("*") + "any" if kind.endswith("*") else kind)


def test_every_audit_event_in_the_code_has_a_dutch_sentence() -> None:
    events, unreadable = written_events()
    assert not unreadable, "action or object not a literal (write it out): " + ", ".join(unreadable)
    assert len(events) > 50, "the scan found too few audit calls: is it still reading them?"
    written = {_key(action, kind) for action, kind in events}
    missing = sorted(written - set(PHRASES))
    assert not missing, f"add these to PHRASES in portal/web/audit_sentences.py: {missing}"
    unused = sorted(set(PHRASES) - written)
    assert not unused, f"sentences for events the code no longer writes: {unused}"


def test_every_object_and_intake_section_has_a_noun() -> None:
    kinds = {kind for _, kind in PHRASES if kind != INTAKE_SECTION}
    assert not kinds - set(NOUNS), f"no noun for {sorted(kinds - set(NOUNS))}"
    assert {s.key for s in SECTIONS} == set(SECTION_NOUNS)


def test_sentences_read_as_dutch_with_actor_object_and_dossier() -> None:
    names = Names(
        people={7: "Dirk Docent"},
        organisations={3: "Taalhuis Kennemerland"},
        task_kinds={75: "taal.intake"},
    )
    entry = {
        "actor_person_id": 7,
        "actor_organisation_id": 3,
        "actor_role": "taalaanbieder",
        "action": "read",
        "object_type": "pip_task",
        "object_id": "75",
        "subject_ref": "inburgeraar:14",
        "result": "ok",
    }
    assert sentence(entry, names) == (
        "Dirk Docent (Taalhuis Kennemerland, taalaanbieder) bekeek de taak "
        "Intake en plaatsingstoets van dossier 14."
    )
    intake = {**entry, "action": "update", "object_type": "intake.gezondheid", "object_id": "14"}
    assert sentence(intake, names).endswith(
        "wijzigde het onderdeel Gezondheid van de brede intake van dossier 14."
    )
    case = {**entry, "object_type": "inburgeraar", "object_id": "14"}
    assert sentence(case, names).endswith("bekeek dossier 14.")
    denied = {
        **entry,
        "actor_person_id": None,
        "actor_role": None,
        "action": "login",
        "object_type": "session",
        "result": "denied",
    }
    assert sentence(denied, names) == "Iemand logde in (geweigerd)."

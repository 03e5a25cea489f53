"""The layer checker itself: each snippet below is a way around the rules that an older
checker missed, placed at a real path of the tree. If the checker stops flagging one, it has
gone blind and this test says which."""

from __future__ import annotations

import pytest

from tests.architecture import layer_rules
from tests.architecture.layer_rules import load_rules

QUERIES = {
    "a table imported under another name": (
        "portal/casefile/pips.py",
        "from portal.casefile.tables import PipTask as Task\n"
        "async def f():\n    return await Task.select()\n",
    ),
    "a query through a module attribute": (
        "portal/casefile/pips.py",
        "from portal.casefile import tables\n"
        "async def f():\n    return await tables.Inburgeraar.select()\n",
    ),
    "a query through a dotted import": (
        "portal/casefile/pips.py",
        "import portal.casefile.tables\n"
        "async def f():\n    return await portal.casefile.tables.Pip.count()\n",
    ),
    "a query through an aliased module": (
        "partners/taal/rooster.py",
        "import partners.taal.tables as t\nasync def f():\n    await t.Lesson.delete(force=True)\n",
    ),
    "a table re-exported by another module": (
        "partners/taal/rooster.py",
        "from partners.taal.tables import Inburgeraar\n"
        "async def f():\n    return await Inburgeraar.objects()\n",
    ),
    "a table re-bound to a new name": (
        "portal/casefile/pips.py",
        "from portal.casefile.tables import PipTask\nT = PipTask\n"
        "async def f():\n    return await T.exists()\n",
    ),
    "a table through a relative import": (
        "partners/taal/rooster.py",
        "from .tables import Group\nasync def f():\n    return await Group.select()\n",
    ),
    "Row(...).save()": (
        "portal/casefile/pips.py",
        "from portal.casefile.tables import Pip\nasync def f():\n    await Pip(version=2).save()\n",
    ),
    "row.save() on a fetched row": (
        "portal/casefile/pips.py",
        "async def f(row):\n    row.status = 'x'\n    await row.save()\n",
    ),
    "row.remove()": (
        "partners/coa/handover.py",
        "async def f(row):\n    await row.remove()\n",
    ),
    "SQL on the engine": (
        "portal/casefile/pips.py",
        "from portal.core.database import current_engine\n"
        "async def f():\n    await current_engine().run_ddl('DELETE FROM pip')\n",
    ),
}

IMPORTS = {
    "the case file importing a partner": (
        "portal/casefile/pips.py",
        "from partners.taal import enrolments\n",
    ),
    "the case file importing a partner, aliased": (
        "portal/casefile/pip_tasks.py",
        "import partners.coa.handover as h\n",
    ),
    "one partner importing another": (
        "partners/taal/enrolments.py",
        "from partners.begeleiding.assignment import overview\n",
    ),
    "one partner importing another, relatively": (
        "partners/taal/enrolments.py",
        "from ..coa import handover\n",
    ),
    "one partner importing another's package": (
        "partners/begeleiding/pvt.py",
        "from partners.taal import tables\n",
    ),
    "tenancy importing the web layer": (
        "tenants/people.py",
        "from portal.web.flash import flash\n",
    ),
    "core importing the tenancy": (
        "portal/core/audit.py",
        "from tenants.scope import Scope\n",
    ),
    "a service importing routes": (
        "portal/casefile/pips.py",
        "from portal.casefile.routes import today\n",
    ),
    "a partner service importing its own routes": (
        "partners/taal/verzuim.py",
        "from . import routes\n",
    ),
    "the web app importing the jobs": (
        "portal/app.py",
        "from tasks.celery_app import app\n",
    ),
    "the case file importing the composition": (
        "portal/casefile/pips.py",
        "from portal.demo_cases import demo_scope\n",
    ),
}

SCOPES = {
    "Scope.system on a request path": (
        "portal/casefile/inburgeraars.py",
        "from tenants.scope import Scope\n"
        "def f(scope):\n    return Scope.system(scope.tenant_id, '', 'x')\n",
    ),
    "Scope.system under another name": (
        "partners/taal/verzuim.py",
        "from tenants import scope as s\ndef f(t):\n    return s.Scope.system(t, '', 'x')\n",
    ),
    "a Scope built by hand": (
        "partners/coa/handover.py",
        "from tenants.scope import Scope as S\nfrom tenants.roles import Role\n"
        "def f():\n    return S(1, 'a', None, None, Role.SYSTEM)\n",
    ),
}


@pytest.mark.parametrize("case", sorted(QUERIES))
def test_checker_flags_queries_outside_data_access(case: str) -> None:
    path, source = QUERIES[case]
    assert layer_rules.query_violations(path, source, load_rules()), case


@pytest.mark.parametrize("case", sorted(IMPORTS))
def test_checker_flags_imports_across_layers(case: str) -> None:
    path, source = IMPORTS[case]
    assert layer_rules.import_violations(path, source, load_rules()), case


@pytest.mark.parametrize("case", sorted(SCOPES))
def test_checker_flags_scopes_outside_their_modules(case: str) -> None:
    path, source = SCOPES[case]
    assert layer_rules.scope_violations(path, source, load_rules()), case


def test_checker_leaves_module_functions_and_list_methods_alone() -> None:
    rules = load_rules()
    source = (
        "from partners.taal import registers\nfrom partners.coa import documents\n"
        "async def f(items, x):\n    await registers.save(1, 2)\n"
        "    await documents.remove(1)\n    items.remove(x)\n    d = {}\n    d.update(a=1)\n"
    )
    assert layer_rules.query_violations("partners/taal/routes.py", source, rules) == []

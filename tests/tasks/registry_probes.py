"""Jobs that only tests run: a real worker imports this module (`--include`) and answers
from its own process what it registered and what a job may do there.

It imports what a worker imports (tasks.celery_app) and nothing of the web app, so the worker
sees exactly the registries the worker itself sets up.
"""

from __future__ import annotations

from portal.casefile import pip_tasks
from portal.core.validation import ValidationFailed
from portal.kpi import catalogue
from tasks import runtime
from tasks.celery_app import app
from tenants.scope import Scope


@app.task(name="test.registry.closing_flow_kinds", ignore_result=False)
def closing_flow_kinds() -> list[str]:
    """The task kinds this worker process knows to close through their own flow."""
    return sorted(pip_tasks.closing_flow_kinds())


@app.task(name="test.registry.kpi_codes", ignore_result=False)
def kpi_codes() -> list[str]:
    """The KPI and declaration codes this worker process can measure or store."""
    return sorted(catalogue.catalogue_codes())


@app.task(name="test.registry.mark_done", ignore_result=False)
def mark_done(tenant_id: int, tenant_slug: str, task_id: int) -> str:
    """Try to mark a task afgerond from a job; answer what happened."""
    scope = Scope.system(tenant_id, tenant_slug, "test-mark-done")
    update = pip_tasks.ProgressInput(text="Klaar volgens een taak.", status="afgerond", progress="")
    try:
        runtime.run(pip_tasks.report_progress(scope, task_id, update))
    except ValidationFailed as refused:
        return f"refused: {refused.errors.get('status', '')}"
    return "done"

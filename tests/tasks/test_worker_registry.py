"""The worker runs under the same rules as the web app: the partner packages' registries are
not something only the routes modules set up."""

from __future__ import annotations

import asyncio
import uuid

from celery import Celery

from portal.app import create_app
from portal.casefile import pip_tasks
from portal.casefile.tables import PipTask
from portal.core.settings import Settings
from portal.kpi import catalogue
from tenants import accounts
from tenants.scope import Scope
from tenants.scoped import TenantData
from tests.tasks.test_jobs import real_worker

PROBES = "tests.tasks.registry_probes"


async def _ask(producer: Celery, queue: str, name: str, *args: object) -> object:
    result = producer.send_task(name, args=args, queue=queue)
    return await asyncio.to_thread(result.get, timeout=60)


async def test_worker_sees_the_closing_flows_of_the_web_app_and_refuses_to_close_them(
    demo: Settings,
) -> None:
    create_app(demo)
    app_kinds = sorted(pip_tasks.closing_flow_kinds())
    assert {"begeleiding", "pvt", "taal.verzuim"} <= set(app_kinds)

    regio = await accounts.regio_by_slug("alkmaar")
    data = TenantData(Scope.system(regio["id"], "alkmaar", "test"))
    task = (
        await data.select(PipTask, PipTask.id, PipTask.status)
        .where(PipTask.kind == "begeleiding")
        .where(PipTask.status != "afgerond")
        .first()
    )
    assert task is not None

    queue = f"test-{uuid.uuid4().hex}"
    with real_worker(demo, None, queue, include=PROBES) as producer:
        assert await _ask(producer, queue, "test.registry.closing_flow_kinds") == app_kinds
        # Jobs measure the convenant terms too: the worker knows the app's catalogue.
        app_codes = sorted(catalogue.catalogue_codes())
        assert "taal.aanwezigheid" in app_codes
        assert await _ask(producer, queue, "test.registry.kpi_codes") == app_codes
        answer = await _ask(
            producer, queue, "test.registry.mark_done", regio["id"], "alkmaar", task["id"]
        )
    assert answer.startswith("refused: ") and "eindverslag" in answer
    after = await data.get(PipTask, task["id"], PipTask.status)
    assert after["status"] == task["status"]

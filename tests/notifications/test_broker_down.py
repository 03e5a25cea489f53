"""The web app with its broker away (pointed at a closed port): the page still answers, the
message waits in the outbox, and a real worker delivers it once the broker is reachable."""

from __future__ import annotations

import dataclasses
import time
import uuid

import pytest
from litestar.testing import AsyncTestClient

from portal.app import create_app
from portal.core import database
from portal.core.settings import Settings
from portal.demo_cases import demo_scope
from portal.notifications.outbox import TEST_MAIL
from portal.notifications.tables import MAIL_NEW, MAIL_SENT, Notification
from tenants.scope import Scope
from tenants.scoped import TenantData
from tests.conftest import BASE_URL, REDIS_URL, login, require_redis, token
from tests.notifications.smtp import free_port, smtp_server
from tests.notifications.test_delivery_worker import _deliver, _settled, _smtp_env
from tests.tasks.test_jobs import real_worker

INBOX = "/r/alkmaar/meldingen"


async def _test_mails(system: Scope) -> list[dict]:
    return await (
        TenantData(system)
        .select(Notification, Notification.id, Notification.mail_status)
        .where(Notification.kind == TEST_MAIL)
    )


@pytest.mark.redis
async def test_with_the_broker_away_the_page_answers_and_the_mail_waits_until_it_is_back(
    demo: Settings,
) -> None:
    require_redis()
    engine = database.current_engine()
    away = dataclasses.replace(demo, broker_url=f"redis://127.0.0.1:{free_port()}/15")
    async with AsyncTestClient(app=create_app(away), base_url=BASE_URL) as client:
        await login(client, "regievoerder@alkmaar.demo")
        assert (await client.get(INBOX)).status_code == 200
        started = time.monotonic()
        response = await client.post(
            f"{INBOX}/testmail",
            data={"_csrf_token": await token(client, INBOX)},
            follow_redirects=False,
        )
        assert time.monotonic() - started < 10
        assert response.status_code == 303
        page = await client.get(response.headers["location"])
        assert "Het portaal verstuurt hem vanzelf zodra dat weer kan" in page.text
        assert "Testbericht: zo komt een melding van het portaal bij u aan" in page.text
    database.bind(engine)
    rachid = await demo_scope("regievoerder@alkmaar.demo")
    system = Scope.system(rachid.tenant_id or 0, "alkmaar", "test")
    assert [row["mail_status"] for row in await _test_mails(system)] == [MAIL_NEW]

    # The broker is back: the sweep's delivery job, run by a real worker, sends it once.
    queue = f"test-{uuid.uuid4().hex}"
    with (
        smtp_server() as (mailbox, port),
        real_worker(demo, REDIS_URL, queue, extra_env=_smtp_env(port)) as producer,
    ):
        _deliver(producer, queue, system)
        _deliver(producer, queue, system)
        await _settled(producer, queue)
    assert [m["Subject"] for m in mailbox.messages] == [mailbox.messages[0]["Subject"]]
    assert "Testbericht" in str(mailbox.messages[0])
    assert [row["mail_status"] for row in await _test_mails(system)] == [MAIL_SENT]


async def test_with_the_broker_there_the_test_mail_is_queued_at_once(
    demo: Settings, client: AsyncTestClient
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    response = await client.post(
        f"{INBOX}/testmail", data={"_csrf_token": await token(client, INBOX)}
    )
    assert "De testmail is onderweg." in response.text
    queued = list((demo.var_path / "broker" / "queue").glob("*"))
    assert any(b"portal.notifications.deliver_regio" in path.read_bytes() for path in queued)
    for path in queued:
        path.unlink()

"""Error pages speak Dutch, sit in the site layout and never show internals."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from portal.app import create_app
from portal.core.settings import load_settings
from tests.conftest import csrf_from, login


async def test_server_error_shows_a_dutch_page_without_a_stack_trace(tmp_path) -> None:
    # A database that does not answer makes the log-in query fail inside the handler.
    settings = load_settings(
        environ={},
        env="test",
        database_url="postgresql://postgres@127.0.0.1:1/none",
        var_dir=str(tmp_path),
        secret_key="test-secret-key-that-is-long-enough-for-csrf",
    )
    async with AsyncTestClient(
        app=create_app(settings), base_url="http://127.0.0.1:8000"
    ) as client:
        page = await client.get("/login")
        response = await client.post(
            "/login",
            data={"email": "a@b.demo", "password": "x", "_csrf_token": csrf_from(page.text)},
        )
    assert response.status_code == 500
    assert "Er ging iets mis" in response.text and "Foutcode" in response.text
    for internal in ("Traceback", "asyncpg", 'File "', "ConnectionRefused", "portal/"):
        assert internal not in response.text
    assert 'lang="nl"' in response.text and "Regioportaal inburgering" in response.text


async def test_unknown_page_is_a_dutch_404_in_the_layout(client: AsyncTestClient) -> None:
    response = await client.get("/bestaat/niet")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text and "Naar de startpagina" in response.text


async def test_forbidden_page_explains_in_dutch(client: AsyncTestClient) -> None:
    await login(client, "docent@taal.alkmaar.demo")
    response = await client.get("/r/alkmaar/personen")
    assert response.status_code == 403
    assert "Uw rol geeft geen toegang tot deze pagina." in response.text

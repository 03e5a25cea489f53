"""Headers every answer carries, including error pages and unknown paths."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.conftest import login


def assert_strict(headers) -> None:
    csp = headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


async def test_pages_and_errors_carry_security_headers(client: AsyncTestClient) -> None:
    for path in ("/login", "/health", "/does-not-exist", "/toegankelijkheid"):
        response = await client.get(path)
        assert_strict(response.headers)
        assert response.headers["cache-control"] == "no-store"


async def test_personal_pages_are_not_cached(client: AsyncTestClient) -> None:
    await login(client, "beheer@alkmaar.demo")
    response = await client.get("/r/alkmaar/personen")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert_strict(response.headers)


async def test_no_inline_script_or_style_in_pages(client: AsyncTestClient) -> None:
    await login(client, "beheer@alkmaar.demo")
    for path in (
        "/r/alkmaar/",
        "/r/alkmaar/organisaties",
        "/r/alkmaar/personen",
        "/r/alkmaar/personen/nieuw",
    ):
        html = (await client.get(path)).text
        assert "<script>" not in html and "<script type=" not in html
        assert " style=" not in html and "hx-on" not in html and " onclick=" not in html


async def test_hsts_only_in_production() -> None:
    from portal.core.settings import load_settings
    from portal.web.middleware import security_headers

    message = {"type": "http.response.start", "status": 200, "headers": []}
    prod = load_settings(
        environ={},
        env="production",
        secret_key="x" * 40,
        data_key="k" * 40,
        database_url="postgresql://db/portal",
        broker_url="redis://r:6379/0",
        redis_url="redis://r:6379/1",
    )
    await security_headers(prod)(message, {"path": "/", "state": {}})
    names = {name for name, _ in message["headers"]}
    assert b"strict-transport-security" in names

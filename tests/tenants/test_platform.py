"""The superadmin creates a regio and its first beheerder, and sees no case data."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.conftest import login, token


async def test_superadmin_creates_a_regio_whose_beheerder_can_log_in(
    client: AsyncTestClient,
) -> None:
    await login(client, "superadmin@portal.demo")
    csrf = await token(client, "/platform/regios/nieuw")
    bad = await client.post(
        "/platform/regios/nieuw",
        data={"name": "Regio Test", "slug": "Regio Test!", "admin_email": "x", "_csrf_token": csrf},
    )
    assert bad.status_code == 400
    assert (
        "Gebruik alleen kleine letters" in bad.text and "Vul een geldig e-mailadres in" in bad.text
    )
    response = await client.post(
        "/platform/regios/nieuw",
        data={
            "name": "Regio Kop van Noord-Holland",
            "slug": "kop-van-nh",
            "admin_name": "Karin Kop",
            "admin_email": "beheer@kop.demo",
            "admin_password": "Een-goed-Wachtwoord",
            "_csrf_token": csrf,
        },
    )
    assert response.status_code == 200 and "Regio Kop van Noord-Holland" in response.text
    client.cookies.clear()
    await login(client, "beheer@kop.demo", password="Een-goed-Wachtwoord")
    home = await client.get("/r/kop-van-nh/")
    assert "Regiobureau Regio Kop van Noord-Holland" in home.text


async def test_duplicate_regio_address_is_refused(client: AsyncTestClient) -> None:
    await login(client, "superadmin@portal.demo")
    response = await client.post(
        "/platform/regios/nieuw",
        data={
            "name": "Nog een Alkmaar",
            "slug": "alkmaar",
            "admin_name": "A",
            "admin_email": "a@b.demo",
            "admin_password": "Een-goed-Wachtwoord",
            "_csrf_token": await token(client, "/platform/regios/nieuw"),
        },
    )
    assert response.status_code == 400
    assert "Er bestaat al een regio met dit webadres." in response.text

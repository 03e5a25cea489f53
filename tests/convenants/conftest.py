"""Helpers for the convenant tests: the real KPI catalogue, extra people to attack with, and
ids read from the database."""

from __future__ import annotations

import re

import pytest
from litestar.testing import AsyncTestClient

from partners.registry import register_all
from portal.core.database import current_engine
from portal.core.settings import Settings
from tenants import people
from tenants.roles import Role
from tenants.scope import Scope
from tests.conftest import login

PASSWORD = "Lang-Genoeg-Wachtwoord-2026"
COORDINATOR = "coordinator@alkmaar.demo"
TAALHUIS = "docent@taal.alkmaar.demo"
ROC = "docent@roc.alkmaar.demo"
BRUG = "docent@brug.alkmaar.test"
GEMEENTE_COORDINATOR = "coordinator@gemeente.alkmaar.test"
ZAAN = "docent@zaanstreek.demo"


@pytest.fixture(autouse=True)
def real_catalogue() -> None:
    """The real catalogue, as the app, the worker and the CLI register it."""
    register_all(web=False)


async def scalar(sql: str) -> int:
    rows = await current_engine().run_ddl(sql)
    return next(iter(rows[0].values()))


async def organisation_id(name: str) -> int:
    return await scalar(f"SELECT id FROM organisation WHERE name = '{name}'")  # noqa: S608


async def _add(regio: str, organisation: str, email: str, name: str, role: Role) -> None:
    tenant = await scalar(f"SELECT id FROM regio WHERE slug = '{regio}'")  # noqa: S608
    await people.create_person(
        Scope.system(tenant, regio, "test"),
        people.NewPerson(email, name, await organisation_id(organisation), role.value, PASSWORD),
    )


@pytest.fixture
async def extra_people(demo: Settings) -> None:
    """A docent of Leerwerkplaats De Brug (a third taalaanbieder) and a regiocoördinator who
    works at a gemeente, not at the regio office. Request it before `client`."""
    await _add("alkmaar", "Leerwerkplaats De Brug", BRUG, "Bas Brug", Role.TAALAANBIEDER)
    await _add(
        "alkmaar", "Gemeente Alkmaar", GEMEENTE_COORDINATOR, "Gea Gemeente", Role.REGIOCOORDINATOR
    )


async def login_as(client: AsyncTestClient, email: str) -> None:
    client.cookies.clear()
    password = PASSWORD if email.endswith(".test") else "demo"
    await login(client, email, password)


CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


async def demo_convenant() -> int:
    return await scalar("SELECT id FROM convenant WHERE title = 'Convenant taal Regio Alkmaar'")


async def demo_concept() -> int:
    return await scalar("SELECT id FROM convenant WHERE status = 'concept'")


async def demo_declaration() -> int:
    return await scalar("SELECT MIN(id) AS id FROM convenant_declaration")

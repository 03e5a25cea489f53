"""An id too large for the database (2**31 for PostgreSQL's serial ids, 2**63 and 2**64 beyond
any integer column) names nothing: every route with a numeric path parameter answers 404, as
for a missing row, never 500; a form field with such a number is a clear 400, never 500."""

from __future__ import annotations

import re
from collections import defaultdict

from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from portal.demo import LOGINS
from tenants.roles import Role
from tests.conftest import login, token

HUGE = [2**31, 2**63, 2**64]
PARAM = re.compile(r"\{(\w+):(\w+)\}")


def _one_membership_people() -> dict[Role, str]:
    counts: dict[str, int] = defaultdict(int)
    for email, _, _ in LOGINS:
        counts[email] += 1
    people: dict[Role, str] = {}
    for email, _, role in LOGINS:
        if counts[email] == 1 and (email.endswith("alkmaar.demo") or role is Role.SUPERADMIN):
            people.setdefault(role, email)
    return people


def _requests(client: AsyncTestClient) -> dict[str, list[tuple[str, str]]]:
    """Per demo person: (method, path template) of every numeric route their role may use."""
    people = _one_membership_people()
    wanted: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for route in client.app.routes:
        if not isinstance(route, HTTPRoute) or not any(
            kind == "int" for _, kind in PARAM.findall(route.path)
        ):
            continue
        for handler in route.route_handlers:
            roles: set[Role] = set()
            for layer in handler.ownership_layers:
                for guard in layer.guards or []:
                    # The innermost role guard decides (a handler narrows its controller).
                    roles = set(getattr(guard, "allowed_roles", roles))
            if not roles:
                roles = {
                    Role.SUPERADMIN if route.path.startswith("/platform") else Role.REGIEVOERDER
                }
            role = next(r for r in sorted(roles, key=lambda r: r.value) if r in people)
            for method in handler.http_methods - {"HEAD", "OPTIONS"}:
                wanted[people[role]].append((method, route.path))
    return wanted


def _fill(path: str, number: int) -> str:
    def value(match: re.Match[str]) -> str:
        name, kind = match.groups()
        if kind == "int":
            return str(number)
        return "alkmaar" if name == "slug" else "x"

    return PARAM.sub(value, path)


async def test_every_numeric_route_answers_404_for_an_id_beyond_the_database(
    client: AsyncTestClient,
) -> None:
    wanted = _requests(client)
    assert sum(len(v) for v in wanted.values()) > 20, "the route walk found too few routes"
    failures = []
    for email, requests in wanted.items():
        client.cookies.clear()
        await login(client, email)
        home = "/platform/regios" if email.startswith("superadmin") else "/r/alkmaar/"
        csrf = await token(client, home)
        for method, template in requests:
            for number in HUGE:
                path = _fill(template, number)
                response = await client.request(
                    method,
                    path,
                    headers={"x-csrftoken": csrf},
                    data={"_csrf_token": csrf} if method != "GET" else None,
                    follow_redirects=False,
                )
                status = response.status_code
                if status == 303 and response.headers["location"].startswith("/r/"):
                    # A step that first sends the user elsewhere (e.g. the register's locked
                    # screen) must land on the same answer: nothing by that id.
                    landed = await client.get(response.headers["location"], follow_redirects=False)
                    status = landed.status_code
                if status != 404:
                    failures.append((email, method, path, response.status_code))
    assert failures == []


async def test_a_huge_number_in_a_form_is_a_clear_error(client: AsyncTestClient) -> None:
    await login(client, "beheer@alkmaar.demo")
    for number in HUGE:
        response = await client.post(
            "/r/alkmaar/personen/nieuw",
            data={
                "full_name": "Groot Getal",
                "email": "groot@getal.demo",
                "organisation_id": str(number),
                "role": "taalaanbieder",
                "password": "Welkom-bij-het-portaal",
                "_csrf_token": await token(client),
            },
        )
        assert response.status_code == 400, number
        assert "organisatie" in response.text.lower()

"""Every route of the app, tried by people who must not get through.

Routes come from the app's router, not from a list here, and a completeness check fails when
a route appears that this test does not know how to attack. For each route:
- a person of the other regio, on Alkmaar's URL, gets 404 (the regio "does not exist");
- a person of the other regio, on their own regio's URL with Alkmaar's ids, gets 404;
- each Alkmaar role the route's guard leaves out gets 403 or 404;
- nobody who is refused sees a byte of Alkmaar's data in the answer.
"""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from portal.app import create_app
from portal.core.settings import Settings
from tenants.roles import Role
from tests.conftest import login, token

# Path parameters and which Alkmaar row their sample id comes from.
PARAM_SOURCES = {
    # The submitted overdracht of the Tesfamariam household (Gemeente Alkmaar, COA Alkmaar).
    "overdracht_id": (
        "SELECT o.id FROM coa_overdracht o JOIN coa_overdracht_person p ON p.overdracht = o.id "
        "WHERE p.family_name = 'Tesfamariam' AND p.household_role = 'hoofdpersoon'"
    ),
    "member_id": (
        "SELECT id FROM coa_overdracht_person "
        "WHERE family_name = 'Tesfamariam' AND household_role = 'partner'"
    ),
    "document_id": "SELECT id FROM coa_overdracht_document",
    "inburgeraar_id": "SELECT id FROM inburgeraar WHERE family_name = 'Haddad'",
    "task_id": (
        "SELECT t.id FROM pip_task t JOIN inburgeraar i ON i.id = t.inburgeraar "
        "WHERE i.family_name = 'Haddad' AND t.kind = 'taal.intake'"
    ),
    "begeleiding_task_id": (
        "SELECT t.id FROM pip_task t JOIN inburgeraar i ON i.id = t.inburgeraar "
        "WHERE i.family_name = 'Haddad' AND t.kind = 'begeleiding'"
    ),
    "pvt_task_id": (
        "SELECT t.id FROM pip_task t JOIN inburgeraar i ON i.id = t.inburgeraar "
        "WHERE i.family_name = 'Haddad' AND t.kind = 'pvt'"
    ),
    # Taal: Taalhuis Kennemerland's demo group, its first lesson, Yara Mansour's enrolment and
    # report, and Omar Saleh's verzuim signal.
    "group_id": "SELECT id FROM taal_group WHERE name = 'NT2 B1 ochtend'",
    "lesson_id": "SELECT MIN(id) AS id FROM taal_lesson",
    "enrolment_id": (
        "SELECT e.id FROM taal_enrolment e JOIN inburgeraar i ON i.id = e.inburgeraar "
        "WHERE i.family_name = 'Mansour'"
    ),
    "report_id": "SELECT MIN(id) AS id FROM taal_progress_report",
    "signal_id": "SELECT MIN(id) AS id FROM taal_verzuim_signal",
    "organisation_id": "SELECT id FROM organisation WHERE name = 'Gemeente Alkmaar'",
    "person_id": "SELECT id FROM person WHERE email = 'regievoerder@alkmaar.demo'",
    "membership_id": (
        "SELECT m.id FROM membership m JOIN person p ON p.id = m.person "
        "WHERE p.email = 'regievoerder@alkmaar.demo'"
    ),
}

# Strings only Alkmaar's pages contain: none may reach someone who is refused.
ALKMAAR_SECRETS = (
    "Rachid Regie",
    "regievoerder@alkmaar.demo",
    "Gemeente Heiloo",
    "Regio Alkmaar",
    "Haddad",
    "Intake en plaatsingstoets",
)

# Routes outside any regio that every logged-in person may use for themselves.
PERSONAL_ROUTES = {"/account/wachtwoord", "/kies-rol"}

# One person per role in Alkmaar (the demo), and the attackers from Zaanstreek.
ALKMAAR_PEOPLE = {
    Role.BEHEERDER: "beheer@alkmaar.demo",
    Role.REGIOCOORDINATOR: "coordinator@alkmaar.demo",
    Role.REGIEVOERDER: "regievoerder@heiloo.demo",
    Role.TAALAANBIEDER: "docent@taal.alkmaar.demo",
    Role.COA: "coa@alkmaar.demo",
    Role.BEGELEIDER: "begeleider@alkmaar.demo",
    Role.PRIVACY: "privacy@alkmaar.demo",
}
ZAANSTREEK_PEOPLE = ("beheer@zaanstreek.demo", "regievoerder@zaanstreek.demo")


def http_routes(app: Litestar) -> list[tuple[str, str, object]]:
    """(method, path, handler) for every route except static files."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith("/static"):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods):
                if method in {"HEAD", "OPTIONS"}:
                    continue
                found.append((method, route.path, handler))
    return found


def allowed_roles(handler: object) -> frozenset[Role] | None:
    """Roles admitted by the route's innermost role guard (None when it has none)."""
    found = None
    for layer in handler.ownership_layers:  # type: ignore[attr-defined]
        for guard in layer.guards or []:
            roles = getattr(guard, "allowed_roles", None)
            if roles is not None:
                found = roles
    return found


def is_public(handler: object) -> bool:
    return bool(handler.opt.get("public"))  # type: ignore[attr-defined]


def param_names(path: str) -> list[str]:
    return re.findall(r"\{(\w+):\w+\}", path)


def fill(path: str, slug: str, ids: dict[str, int]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return slug if name == "slug" else str(ids[name])

    return re.sub(r"\{(\w+):\w+\}", value, path)


@pytest.fixture
async def ids(demo: Settings) -> dict[str, int]:
    """Alkmaar's sample ids. Request it before `client`: it must query before the app's
    lifespan opens a PostgreSQL pool on the test client's own event loop."""
    from portal.core.database import current_engine

    ids = {}
    for name, sql in PARAM_SOURCES.items():
        rows = await current_engine().run_ddl(sql)
        ids[name] = rows[0]["id"]
    return ids


def test_every_route_is_covered(settings: Settings) -> None:
    """Completeness: a new route must be public, under a regio, platform-only, or personal,
    and every path parameter must have a sample id to attack with."""
    app = create_app(settings)
    problems = []
    for method, path, handler in http_routes(app):
        for name in param_names(path):
            if name != "slug" and name not in PARAM_SOURCES:
                problems.append(f"{method} {path}: no sample id for {{{name}}}")
        if is_public(handler):
            continue
        if path.startswith("/r/{slug"):
            continue
        if path.startswith("/platform") and allowed_roles(handler) == frozenset({Role.SUPERADMIN}):
            continue
        if path in PERSONAL_ROUTES:
            continue
        problems.append(f"{method} {path}: not public, not under /r/{{slug}}, not platform-only")
    assert not problems, "\n".join(problems)


async def _call(client: AsyncTestClient, method: str, url: str, csrf: str):
    if method == "GET":
        return await client.get(url, follow_redirects=False)
    return await client.request(method, url, data={"_csrf_token": csrf}, follow_redirects=False)


def _assert_refused(response, expected: set[int], who: str, method: str, url: str) -> None:
    assert response.status_code in expected, f"{who} {method} {url} -> {response.status_code}"
    for secret in ALKMAAR_SECRETS:
        assert secret not in response.text, f"{who} {method} {url} leaked {secret!r}"


@pytest.mark.parametrize("attacker", ZAANSTREEK_PEOPLE)
async def test_other_regio_cannot_reach_alkmaar(
    ids: dict[str, int], client: AsyncTestClient, attacker: str
) -> None:
    await login(client, attacker)
    csrf = await token(client)
    app = client.app
    tried = 0
    for method, path, _handler in http_routes(app):
        if not path.startswith("/r/{slug"):
            continue
        # Alkmaar's URL, and the attacker's own regio with Alkmaar's ids.
        _assert_refused(
            await _call(client, method, fill(path, "alkmaar", ids), csrf),
            {404},
            attacker,
            method,
            path,
        )
        if param_names(path) != ["slug"]:
            own = fill(path, "zaanstreek", ids)
            _assert_refused(
                await _call(client, method, own, csrf), {403, 404}, attacker, method, own
            )
        tried += 1
    assert tried >= 15


async def test_roles_without_permission_are_refused(
    ids: dict[str, int], client: AsyncTestClient
) -> None:
    routes = [(m, p, h, allowed_roles(h)) for m, p, h in http_routes(client.app)]
    guarded = [
        (m, p, roles) for m, p, h, roles in routes if roles is not None and p.startswith("/r/")
    ]
    assert guarded, "expected role-guarded routes"
    for role, email in ALKMAAR_PEOPLE.items():
        client.cookies.clear()
        await login(client, email)
        csrf = await token(client)
        for method, path, roles in guarded:
            if role in roles:
                continue
            url = fill(path, "alkmaar", ids)
            response = await _call(client, method, url, csrf)
            assert response.status_code in {403, 404}, (
                f"{role} {method} {url} -> {response.status_code}"
            )
            assert (
                "Rachid Regie" not in response.text
                and "regievoerder@alkmaar.demo" not in response.text
            )


async def test_platform_routes_refuse_regio_people(
    ids: dict[str, int], client: AsyncTestClient
) -> None:
    await login(client, "beheer@alkmaar.demo")
    csrf = await token(client)
    for method, path, _ in http_routes(client.app):
        if path.startswith("/platform"):
            response = await _call(client, method, path, csrf)
            assert response.status_code == 403, f"{method} {path} -> {response.status_code}"


async def test_superadmin_sees_no_regio_pages(ids: dict[str, int], client: AsyncTestClient) -> None:
    await login(client, "superadmin@portal.demo")
    csrf = await token(client)
    for method, path, _ in http_routes(client.app):
        if path.startswith("/r/{slug"):
            _assert_refused(
                await _call(client, method, fill(path, "alkmaar", ids), csrf),
                {404},
                "superadmin",
                method,
                path,
            )


async def test_anonymous_is_sent_to_login(ids: dict[str, int], client: AsyncTestClient) -> None:
    for method, path, handler in http_routes(client.app):
        if is_public(handler) or method != "GET":
            continue
        response = await client.get(fill(path, "alkmaar", ids), follow_redirects=False)
        assert response.status_code == 303, f"{path} -> {response.status_code}"
        assert response.headers["location"].startswith("/login")

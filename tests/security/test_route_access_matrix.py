"""Every route of the app, tried by everyone who must not get through.

Routes come from the app's router; the objects they can name come from the table in
`access_matrix.py` (a case, a task, a lesson, an overdracht ... each owned by a known
organisation). For every route and every object:
- every demo person of Regio Alkmaar who may not see the object tries it, above all those of
  the same role in another organisation (Heiloo's regievoerder against Alkmaar's case, ROC's
  docent against the Taalhuis's lesson, another COA location, another begeleider): those the
  role guard admits reach the data layer and must get the same 404 as for a missing id;
- every person of Regio Zaanstreek-Waterland tries it on Alkmaar's URL (the regio "does not
  exist") and on their own regio's URL with Alkmaar's ids, so that those whose role the
  route admits reach the tenant filter itself;
- no refused answer holds any personal data of the object's side (names, BSN in every form,
  V-nummer, date of birth), and no refused POST changes a row of the database.
Lists and forms that name no object are read by everyone and checked for the personal data
of every object the reader may not see. A completeness check fails on a route the matrix
does not know or a route without a role guard that no one said is meant to have none.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from litestar.testing import AsyncTestClient
from piccolo.engine.base import Engine

from portal.app import create_app
from portal.core import database
from portal.core.settings import Settings
from tenants.roles import Role
from tests.conftest import login, token
from tests.security.access_matrix import (
    ALKMAAR,
    MISSING_ID,
    NO_OBJECT_ROUTES,
    OTHER_REGIO,
    PARAM_KINDS,
    UNGUARDED_ROUTES,
    LoadedObject,
    Person,
    Route,
    app_routes,
    changed_tables,
    demo_people,
    fingerprint,
    invite,
    load_objects,
    normalised,
    objects_for,
    remind,
    unwatch_writes,
    watch_writes,
)


def test_every_route_is_covered(settings: Settings) -> None:
    """Completeness: every route under /r/{slug} names demo objects or is listed as naming
    none; outside a regio only public, personal or platform-only routes; every route without
    a role guard is listed with the reason it needs none."""
    problems = []
    for route in app_routes(create_app(settings)):
        key = (route.method, route.path)
        if route.roles is None and key not in UNGUARDED_ROUTES:
            problems.append(f"{route.method} {route.path}: no role guard and not listed as such")
        if route.in_regio:
            unknown = [p for p in route.params if p not in PARAM_KINDS]
            if unknown:
                problems.append(f"{route.method} {route.path}: no object kind for {unknown}")
            elif route.params and not objects_for(route):
                problems.append(f"{route.method} {route.path}: no demo object with all its ids")
            elif not route.params and key not in NO_OBJECT_ROUTES:
                problems.append(f"{route.method} {route.path}: names no object and is not listed")
        elif route.path.startswith("/platform"):
            if route.roles != frozenset({Role.SUPERADMIN}):
                problems.append(f"{route.method} {route.path}: platform route not superadmin-only")
        elif key not in UNGUARDED_ROUTES:
            problems.append(f"{route.method} {route.path}: outside a regio and not listed")
    stale = (set(NO_OBJECT_ROUTES) | set(UNGUARDED_ROUTES)) - {
        (r.method, r.path) for r in app_routes(create_app(settings))
    }
    problems += [f"{m} {p}: listed but no such route" for m, p in sorted(stale)]
    assert not problems, "\n".join(problems)


FLASH_RE = re.compile(r'portal-flash"[^>]*>\s*<p[^>]*>(.*?)</p>', re.S)


@dataclass
class Matrix:
    """One app and client for the whole run; each person logs in once and keeps a session."""

    client: AsyncTestClient
    routes: list[Route]
    objects: list[LoadedObject]
    engine: Engine
    sessions: dict[tuple[str, str], tuple[httpx.Cookies, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    tried: int = 0
    # The database as the last POST left it (None after a log-in, which changes rows).
    rows: dict[str, str] | None = None
    # The answer for a missing id, per person and route (the same for every object).
    missing: dict[tuple[str, str, str], httpx.Response] = field(default_factory=dict)

    async def act_as(self, person: Person) -> str:
        """Switch the client to `person`'s session (logging in the first time); the CSRF
        token of that session."""
        key = (person.email, person.regio)
        if key not in self.sessions:
            self.client.cookies.clear()
            await login(self.client, person.email, choose=person.choose)
            self.rows = None
            self.sessions[key] = (httpx.Cookies(self.client.cookies), await token(self.client))
        cookies, csrf = self.sessions[key]
        self.client.cookies = httpx.Cookies(cookies)
        return csrf

    async def call(self, person: Person, route: Route, url: str) -> httpx.Response:
        """One request as `person`. After a redirect the next page is fetched too and its
        text added to the answer: a flash message waits there (and would otherwise show on
        whatever page the matrix asks for next)."""
        csrf = await self.act_as(person)
        self.tried += 1
        if route.method == "GET":
            response = await self.client.get(url, follow_redirects=False)
        else:
            response = await self.client.request(
                route.method, url, data={"_csrf_token": csrf}, follow_redirects=False
            )
        if response.status_code == 303:
            landing = await self.client.get("/account/wachtwoord", follow_redirects=False)
            flashed = FLASH_RE.findall(landing.text)
            response = httpx.Response(
                303, headers=response.headers, text=response.text + "".join(flashed)
            )
        return response

    def fail(self, person: Person, route: Route, url: str, what: str) -> None:
        self.problems.append(f"{person.email} ({person.role}) {route.method} {url}: {what}")

    def check_leaks(
        self,
        person: Person,
        route: Route,
        url: str,
        response: httpx.Response,
        objects: list[LoadedObject],
    ) -> None:
        # Values the person may know from an object they are an insider of are not secrets;
        # a whole BSN is, to everyone but the regievoerder.
        known = {
            label
            for o in self.objects
            if person.email in o.spec.insiders
            for label, _ in o.secrets
            if person.role is Role.REGIEVOERDER or label not in o.bsns
        }
        for obj in objects:
            leaked = [v for v in obj.leaked(response.text) if v not in known]
            if leaked:
                self.fail(person, route, url, f"leaked {leaked} of the {obj.spec.label}")

    async def refused(
        self,
        person: Person,
        route: Route,
        url: str,
        expected: set[int],
        objects: list[LoadedObject],
        missing_url: str | None = None,
    ) -> None:
        """Call `url` as `person`; the answer must be one of `expected`, leak nothing of
        `objects`, equal the answer for a missing id when given, and a POST changes no row."""
        await self.act_as(person)  # logging in changes rows; the request itself must not
        if route.method != "GET" and self.rows is None:
            self.rows = await fingerprint(self.engine)
        response = await self.call(person, route, url)
        self.check_leaks(person, route, url, response, objects)
        if route.method != "GET":
            after = await fingerprint(self.engine)
            if after != self.rows:
                # Reported; the next test starts from the demo again.
                self.fail(person, route, url, f"changed {changed_tables(self.rows or {}, after)}")
            self.rows = after
        missing = await self._missing(person, route, missing_url) if missing_url else None
        status = response.status_code
        if missing is not None:
            if _shape(missing, url, missing_url) != _shape(response, url, missing_url):
                self.fail(
                    person, route, url, f"{status} unlike a missing id ({missing.status_code})"
                )
            # A route that redirects before it looks anything up (the locked confirmation
            # screen without a lock) answers a foreign id exactly as a missing one: no oracle.
            if status == 303 and missing.status_code == 303:
                return
        if status not in expected:
            self.fail(person, route, url, f"{status}, expected {sorted(expected)}")
        elif status == 303 and not response.headers.get("location", "").startswith("/kies-rol"):
            self.fail(person, route, url, f"redirects to {response.headers.get('location')}")

    async def _missing(self, person: Person, route: Route, url: str) -> httpx.Response:
        """The answer for a missing id, asked once per person and route."""
        key = (person.email, person.regio, f"{route.method} {url}")
        if key not in self.missing:
            self.missing[key] = await self.call(person, route, url)
        return self.missing[key]


def _shape(response: httpx.Response, url: str, missing_url: str) -> tuple[int, str, str]:
    """What must be equal between the answers for a foreign and a missing id."""
    location = re.sub(r"\d+", "#", response.headers.get("location", ""))
    return response.status_code, location, normalised(response.text, url, missing_url)


@pytest.fixture
async def matrix(demo: Settings) -> AsyncIterator[Matrix]:
    await invite()
    await remind()
    objects = await load_objects(demo.data_key)
    engine = database.engine_from_url(demo.database_url)
    shutil.rmtree(demo.var_path / "store", ignore_errors=True)
    app = create_app(demo)
    await watch_writes(engine)
    try:
        async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as client:
            yield Matrix(client, app_routes(app), objects, engine)
    finally:
        await unwatch_writes(engine)


def _missing(ids: dict[str, int]) -> dict[str, int]:
    return {param: MISSING_ID for param in ids}


def _objects(matrix: Matrix, route: Route) -> list[LoadedObject]:
    specs = objects_for(route)
    return [o for o in matrix.objects if o.spec in specs]


def _ids(route: Route, obj: LoadedObject | None) -> dict[str, int]:
    return {p: obj.ids[p] for p in route.params} if obj else {}


async def _admitted_outsiders(matrix: Matrix, people: list[Person], regio: str) -> None:
    """Everyone whose role the route admits tries every object they may not see, on `regio`'s
    URL: the data layer must answer as for a missing id."""
    for person in people:
        for route in matrix.routes:
            if not route.in_regio or not route.params or not route.admits(person.role):
                continue
            for obj in _objects(matrix, route):
                if regio == ALKMAAR and person.email in obj.spec.insiders:
                    continue
                ids = _ids(route, obj)
                missing = route.url(regio, _missing(ids))
                await matrix.refused(person, route, route.url(regio, ids), {404}, [obj], missing)


async def _same_role_in_another_organisation(matrix: Matrix) -> None:
    """Each Alkmaar person whose role a route admits, against every object of another
    organisation (Heiloo's regievoerder and Alkmaar's cases, ROC's docent and the Taalhuis's
    lessons, another COA location, another begeleiding organisation)."""
    await _admitted_outsiders(matrix, [p for p in demo_people() if p.regio == ALKMAAR], ALKMAAR)


async def _other_regio(matrix: Matrix) -> None:
    """Each Zaanstreek person, also those whose role a route admits: Alkmaar's ids on their
    own regio's URLs are missing ids (the tenant filter itself is reached), and Alkmaar's URLs
    do not exist for them (each route tried by the next Zaanstreek person in turn)."""
    people = [p for p in demo_people() if p.regio == OTHER_REGIO]
    assert {Role.REGIEVOERDER, Role.TAALAANBIEDER, Role.COA, Role.BEGELEIDER, Role.BEHEERDER} <= {
        p.role for p in people
    }
    await _admitted_outsiders(matrix, people, OTHER_REGIO)
    regio_routes = [r for r in matrix.routes if r.in_regio]
    for index, route in enumerate(regio_routes):
        person = people[index % len(people)]
        obj = next(iter(_objects(matrix, route)), None)
        # Someone who also works in Alkmaar is offered a role switch instead of a 404.
        expected = {404, 303} if person.choose else {404}
        url = route.url(ALKMAAR, _ids(route, obj))
        await matrix.refused(person, route, url, expected, matrix.objects)


async def _roles_left_out(matrix: Matrix) -> None:
    """Every guarded route, tried by a person of a role it leaves out: 403. The guard answers
    before anything is looked up, so one person per route will do; they take turns, so every
    left-out role meets many routes."""
    people = [p for p in demo_people() if p.regio == ALKMAAR]
    turn = 0
    for route in matrix.routes:
        if not route.in_regio or route.roles is None:
            continue
        left_out = [p for p in people if not route.admits(p.role)]
        if not left_out:
            continue
        obj = next(iter(_objects(matrix, route)), None)
        url = route.url(ALKMAAR, _ids(route, obj))
        await matrix.refused(left_out[turn % len(left_out)], route, url, {403}, matrix.objects)
        turn += 1


async def _lists(matrix: Matrix) -> None:
    """Pages that name no object (lists, start pages, empty forms), read by everyone of
    both regio's whom they admit: no personal data of any object the reader may not see."""
    for person in demo_people():
        for route in matrix.routes:
            if not route.in_regio or route.params or route.method != "GET":
                continue
            if not route.admits(person.role):
                continue
            url = route.url(person.regio, {})
            response = await matrix.call(person, route, url)
            if response.status_code >= 500:
                matrix.fail(person, route, url, f"{response.status_code}")
            matrix.check_leaks(person, route, url, response, matrix.objects)


async def _partners_see_no_bsn(matrix: Matrix) -> None:
    """What partners and the regio office may open of their own work holds no whole BSN
    (only a regievoerder of the case's gemeente ever sees one)."""
    for person in demo_people():
        if person.regio != ALKMAAR or person.role is Role.REGIEVOERDER:
            continue
        for route in matrix.routes:
            if route.method != "GET" or not route.params or not route.admits(person.role):
                continue
            for obj in _objects(matrix, route):
                if person.email in obj.spec.insiders:
                    url = route.url(ALKMAAR, _ids(route, obj))
                    response = await matrix.call(person, route, url)
                    matrix.check_leaks(person, route, url, response, [obj])


async def _platform_and_superadmin(matrix: Matrix) -> None:
    """Platform routes refuse regio people; the superadmin opens no regio page."""
    beheerder = Person("beheer@alkmaar.demo", ALKMAAR, Role.BEHEERDER, "")
    superadmin = Person("superadmin@portal.demo", "", Role.SUPERADMIN, "")
    for route in matrix.routes:
        if route.path.startswith("/platform"):
            await matrix.refused(beheerder, route, route.path, {403}, matrix.objects)
        if route.in_regio and route.method == "GET":
            obj = next(iter(_objects(matrix, route)), None)
            url = route.url(ALKMAAR, _ids(route, obj))
            await matrix.refused(superadmin, route, url, {404}, matrix.objects)


async def test_nobody_reaches_what_is_not_theirs(matrix: Matrix) -> None:
    """The whole matrix in one run: each person logs in once (a log-in costs a password
    hash), and each part reports what it found."""
    found = {}
    for part in (
        _same_role_in_another_organisation,
        _other_regio,
        _roles_left_out,
        _lists,
        _partners_see_no_bsn,
        _platform_and_superadmin,
    ):
        before = matrix.tried
        await part(matrix)
        found[part.__name__] = matrix.tried - before
        assert found[part.__name__] >= 20, f"{part.__name__} tried only {found[part.__name__]}"
    assert not matrix.problems, f"{len(matrix.problems)} problems:\n" + "\n".join(
        matrix.problems[:100]
    )


async def test_anonymous_is_sent_to_login(matrix: Matrix) -> None:
    for route in matrix.routes:
        if route.public or route.method != "GET":
            continue
        obj = next(iter(_objects(matrix, route)), None)
        url = route.url(ALKMAAR, _ids(route, obj))
        matrix.client.cookies.clear()
        response = await matrix.client.get(url, follow_redirects=False)
        assert response.status_code == 303, f"{url} -> {response.status_code}"
        assert response.headers["location"].startswith("/login")


async def test_the_write_counters_see_a_row_written_back_unchanged(matrix: Matrix) -> None:
    """The guard of refused POSTs is only worth something if a write shows: even one that
    writes a row back as it was."""
    before = await fingerprint(matrix.engine)
    await matrix.engine.run_ddl("UPDATE regio SET name = name WHERE slug = 'alkmaar'")
    assert changed_tables(before, await fingerprint(matrix.engine)) == ["regio"]

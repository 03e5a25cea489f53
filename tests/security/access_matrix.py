"""What the route access matrix attacks with: the app's routes, the demo people, the demo
objects each route can be pointed at, the personal data of each object's side, and a
fingerprint of the database to prove that a refused POST changed nothing.

Adding a demo person to `portal/demo.py` adds an attacker here by itself; when that person may
legitimately see a demo object, add their e-mail to the object's `insiders` (one line).
"""

# The SQL here is built from fixed demo names and table names, never from input.
# ruff: noqa: S608
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from litestar import Litestar
from litestar.routes import HTTPRoute
from piccolo.engine.base import Engine

from partners.registry import register_all
from portal.core import bsn, database
from portal.core.clock import today
from portal.demo import REGIOS
from portal.demo_cases import demo_scope
from portal.notifications import queue, runner
from tenants import people
from tenants.roles import Role
from tenants.scope import Scope

ALKMAAR = "alkmaar"
OTHER_REGIO = "zaanstreek"

# An id no row has (below 2**31, so every column type takes it).
MISSING_ID = 2_147_480_000

MONTHS = (
    *("januari", "februari", "maart", "april", "mei", "juni"),
    *("juli", "augustus", "september", "oktober", "november", "december"),
)


@dataclass(frozen=True)
class Person:
    email: str
    regio: str
    role: Role
    organisation: str
    # A person with memberships in more than one place chooses by organisation at log-in.
    choose: str | None = None


def demo_people() -> list[Person]:
    """Every demo person, once per regio they act in (from the demo itself)."""
    counts: dict[str, int] = {}
    for _, (_, _, persons) in REGIOS.items():
        for person in persons:
            counts[person.email] = counts.get(person.email, 0) + 1
    return [
        Person(
            p.email,
            slug,
            p.role,
            p.organisation,
            choose=p.organisation if counts[p.email] > 1 else None,
        )
        for slug, (_, _, persons) in REGIOS.items()
        for p in persons
    ]


@dataclass(frozen=True)
class DemoObject:
    """A demo object a route's path parameters can name, and who may see it.

    `ids` gives, per path parameter, SQL that returns the object's id (one row, column `id`).
    The object's side is the personal data that must not reach anyone else: the cases
    (`cases`: SQL returning inburgeraar ids), the overdracht household (`household`: SQL
    returning coa_overdracht_person ids), staff (`staff`: SQL returning person ids) and texts
    only its insiders may read (`texts`: SQL returning a column `value`, such as a
    convenant's title or a declaration's file name).
    """

    kind: str
    label: str
    owner: str
    ids: dict[str, str]
    insiders: frozenset[str]
    cases: str = ""
    household: str = ""
    staff: str = ""
    texts: str = ""


def _case(family_name: str) -> str:
    return f"SELECT id FROM inburgeraar WHERE family_name = '{family_name}'"


def _task(family_name: str, kind: str) -> str:
    return (
        "SELECT t.id FROM pip_task t JOIN inburgeraar i ON i.id = t.inburgeraar "
        f"WHERE i.family_name = '{family_name}' AND t.kind = '{kind}'"
    )


def _overdracht(family_name: str) -> str:
    return (
        "SELECT o.id FROM coa_overdracht o JOIN coa_overdracht_person p ON p.overdracht = o.id "
        f"WHERE p.family_name = '{family_name}' AND p.household_role = 'hoofdpersoon'"
    )


def _household(family_name: str) -> str:
    return f"SELECT id FROM coa_overdracht_person WHERE overdracht IN ({_overdracht(family_name)})"


def _notification(email: str, kind: str) -> str:
    return (
        "SELECT MIN(n.id) AS id FROM notification n JOIN person p ON p.id = n.recipient "
        f"WHERE p.email = '{email}' AND n.kind = '{kind}'"
    )


# The kind of the notification `remind` writes by hand (no reminder kind writes to a beheerder).
MATRIX_NOTIFICATION = "matrix_test"
GROUP = "SELECT id FROM taal_group WHERE name = 'NT2 B1 ochtend'"
GROUP_LEARNERS = f"SELECT inburgeraar AS id FROM taal_enrolment WHERE groep IN ({GROUP})"
RACHID = "SELECT id FROM person WHERE email = 'regievoerder@alkmaar.demo'"
# Someone Regio Alkmaar's beheerder invited (`invite` below): only that beheerder sees it.
INVITED_EMAIL = "uitgenodigd@matrix.test"
INVITED = f"SELECT id FROM person WHERE email = '{INVITED_EMAIL}'"
# Everyone of Regio Alkmaar may know who works there.
ALKMAAR_STAFF = frozenset(p.email for p in REGIOS[ALKMAAR][2])

# Who may see what: the demo's own work. Amina Haddad (Gemeente Alkmaar) has a PIP with
# taal at Taalhuis Kennemerland, begeleiding and PVT named to Bea of VluchtelingenWerk, and
# the MAP at Werkkracht Participatie (whose person works on it once the demo has them).
PARTICIPATIE = "participatie@alkmaar.demo"
HADDAD_INSIDERS = frozenset(
    {
        "regievoerder@alkmaar.demo",
        "docent@taal.alkmaar.demo",
        "begeleider@alkmaar.demo",
        PARTICIPATIE,
    }
)
TAALHUIS_WORK = frozenset({"regievoerder@alkmaar.demo", "docent@taal.alkmaar.demo"})
BEA_WORK = frozenset({"regievoerder@alkmaar.demo", "begeleider@alkmaar.demo"})

CONVENANT = "Convenant taal Regio Alkmaar"
COORDINATORS = frozenset({"coordinator@alkmaar.demo", "adviseur@regio.demo"})
CONVENANT_PARTIES = COORDINATORS | {
    "regievoerder@alkmaar.demo",
    "regievoerder@heiloo.demo",
    "docent@taal.alkmaar.demo",
    "docent@roc.alkmaar.demo",
}

OBJECTS: tuple[DemoObject, ...] = (
    DemoObject(
        "case",
        "case of Amina Haddad",
        "Gemeente Alkmaar",
        {"inburgeraar_id": _case("Haddad")},
        HADDAD_INSIDERS,
        cases=_case("Haddad"),
    ),
    DemoObject(
        "case",
        "case of Mehari Kidane (handed over by COA-locatie Alkmaar)",
        "Gemeente Alkmaar",
        {"inburgeraar_id": _case("Kidane")},
        frozenset({"regievoerder@alkmaar.demo", "coa@alkmaar.demo"}),
        cases=_case("Kidane"),
    ),
    DemoObject(
        "case",
        "case of Dawit Bekele",
        "Gemeente Heiloo",
        {"inburgeraar_id": _case("Bekele")},
        frozenset({"regievoerder@heiloo.demo"}),
        cases=_case("Bekele"),
    ),
    DemoObject(
        "task",
        "taal intake task of Amina Haddad",
        "Taalhuis Kennemerland",
        {"task_id": _task("Haddad", "taal.intake")},
        TAALHUIS_WORK,
        cases=_case("Haddad"),
    ),
    DemoObject(
        "task",
        "begeleiding task of Amina Haddad, named to Bea",
        "VluchtelingenWerk Noord-Holland",
        {"task_id": _task("Haddad", "begeleiding")},
        BEA_WORK,
        cases=_case("Haddad"),
    ),
    DemoObject(
        "task",
        "MAP task of Amina Haddad",
        "Werkkracht Participatie",
        {"task_id": _task("Haddad", "map")},
        frozenset({"regievoerder@alkmaar.demo", PARTICIPATIE}),
        cases=_case("Haddad"),
    ),
    DemoObject(
        "begeleiding",
        "begeleiding of Amina Haddad",
        "VluchtelingenWerk Noord-Holland",
        {"begeleiding_task_id": _task("Haddad", "begeleiding")},
        BEA_WORK,
        cases=_case("Haddad"),
    ),
    DemoObject(
        "pvt",
        "PVT of Amina Haddad",
        "VluchtelingenWerk Noord-Holland",
        {"pvt_task_id": _task("Haddad", "pvt")},
        BEA_WORK,
        cases=_case("Haddad"),
    ),
    DemoObject(
        "overdracht",
        "submitted overdracht of the Tesfamariam household",
        "COA-locatie Alkmaar",
        {
            "overdracht_id": _overdracht("Tesfamariam"),
            "member_id": (
                "SELECT id FROM coa_overdracht_person "
                "WHERE family_name = 'Tesfamariam' AND household_role = 'partner'"
            ),
            "document_id": (
                f"SELECT id FROM coa_overdracht_document WHERE overdracht IN "
                f"({_overdracht('Tesfamariam')})"
            ),
        },
        frozenset({"coa@alkmaar.demo", "regievoerder@alkmaar.demo"}),
        household=_household("Tesfamariam"),
    ),
    DemoObject(
        "overdracht",
        "concept overdracht of Haile Berhane (the gemeente never sees a concept)",
        "COA-locatie Alkmaar",
        {
            "overdracht_id": _overdracht("Berhane"),
            "member_id": "SELECT id FROM coa_overdracht_person WHERE family_name = 'Berhane'",
        },
        frozenset({"coa@alkmaar.demo"}),
        household=_household("Berhane"),
    ),
    # The learners are cases of Gemeente Alkmaar: its regievoerder knows them (elsewhere).
    DemoObject(
        "group",
        "group NT2 B1 ochtend",
        "Taalhuis Kennemerland",
        {"group_id": GROUP},
        TAALHUIS_WORK,
        cases=GROUP_LEARNERS,
    ),
    DemoObject(
        "lesson",
        "the oldest lesson (signed register) of NT2 B1 ochtend",
        "Taalhuis Kennemerland",
        {"lesson_id": f"SELECT MIN(id) AS id FROM taal_lesson WHERE groep IN ({GROUP})"},
        TAALHUIS_WORK,
        cases=GROUP_LEARNERS,
    ),
    DemoObject(
        "enrolment",
        "enrolment of Yara Mansour",
        "Taalhuis Kennemerland",
        {
            "enrolment_id": (
                "SELECT e.id FROM taal_enrolment e JOIN inburgeraar i ON i.id = e.inburgeraar "
                "WHERE i.family_name = 'Mansour'"
            )
        },
        TAALHUIS_WORK,
        cases=_case("Mansour"),
    ),
    DemoObject(
        "report",
        "voortgangsrapportage of Yara Mansour",
        "Taalhuis Kennemerland",
        {
            "report_id": (
                "SELECT r.id FROM taal_progress_report r JOIN inburgeraar i "
                "ON i.id = r.inburgeraar WHERE i.family_name = 'Mansour'"
            )
        },
        TAALHUIS_WORK,
        cases=_case("Mansour"),
    ),
    DemoObject(
        "verzuim",
        "verzuim signal of Omar Saleh",
        "Gemeente Alkmaar",
        {
            "signal_id": (
                "SELECT s.id FROM taal_verzuim_signal s JOIN inburgeraar i "
                "ON i.id = s.inburgeraar WHERE i.family_name = 'Saleh'"
            )
        },
        TAALHUIS_WORK,
        cases=_case("Saleh"),
    ),
    # A notification is its recipient's alone: no one else, not even a colleague of the same
    # organisation, opens it or marks it read (`remind` below writes them).
    DemoObject(
        "notification",
        "the first PIP-deadline notification of Rachid Regie",
        "Gemeente Alkmaar",
        {"notification_id": _notification("regievoerder@alkmaar.demo", "pip_deadline")},
        frozenset({"regievoerder@alkmaar.demo"}),
        cases=f"SELECT dossier AS id FROM notification WHERE id IN "
        f"({_notification('regievoerder@alkmaar.demo', 'pip_deadline')})",
    ),
    DemoObject(
        "notification",
        "notification of Bram Beheer about the open invitation",
        "Regiobureau Inburgering Alkmaar",
        {"notification_id": _notification("beheer@alkmaar.demo", MATRIX_NOTIFICATION)},
        frozenset({"beheer@alkmaar.demo"}),
        staff=INVITED,
    ),
    # Regio administration: the beheerder of Regio Alkmaar; the data is the regio's staff.
    DemoObject(
        "organisation",
        "organisation Gemeente Alkmaar",
        "Regiobureau Inburgering Alkmaar",
        {"organisation_id": "SELECT id FROM organisation WHERE name = 'Gemeente Alkmaar'"},
        ALKMAAR_STAFF,
        staff=RACHID,
    ),
    DemoObject(
        "invitation",
        "open invitation of Regio Alkmaar (made by the test)",
        "Regiobureau Inburgering Alkmaar",
        {"invitation_id": f"SELECT id FROM invitation WHERE person IN ({INVITED})"},
        frozenset({"beheer@alkmaar.demo"}),
        staff=INVITED,
    ),
    # Convenants: the coordinators of the regio office and the parties' people see the sent
    # one; a concept only the coordinators; a declaration its partner and the coordinators.
    DemoObject(
        "convenant",
        "active taal convenant of Regio Alkmaar",
        "Regiobureau Inburgering Alkmaar",
        {"convenant_id": f"SELECT id FROM convenant WHERE title = '{CONVENANT}'"},
        CONVENANT_PARTIES,
        texts=f"SELECT title AS value FROM convenant WHERE title = '{CONVENANT}'",
    ),
    DemoObject(
        "convenant",
        "concept convenant with VluchtelingenWerk (never sent: no party sees it)",
        "Regiobureau Inburgering Alkmaar",
        {"convenant_id": "SELECT id FROM convenant WHERE status = 'concept'"},
        COORDINATORS,
        texts="SELECT title AS value FROM convenant WHERE status = 'concept'",
    ),
    DemoObject(
        "declaration",
        "declaration of Taalhuis Kennemerland with its evidence",
        "Taalhuis Kennemerland",
        {"declaration_id": "SELECT MIN(id) AS id FROM convenant_declaration"},
        COORDINATORS | {"docent@taal.alkmaar.demo"},
        texts="SELECT filename AS value FROM convenant_declaration",
    ),
    DemoObject(
        "person",
        "person Rachid Regie and his membership",
        "Regiobureau Inburgering Alkmaar",
        {
            "person_id": RACHID,
            "membership_id": f"SELECT id FROM membership WHERE person IN ({RACHID})",
        },
        ALKMAAR_STAFF,
        staff=RACHID,
    ),
)

# Routes under /r/{slug} that name no object: what they are, and why the matrix still covers
# them (lists are read by everyone and checked for the personal data of every object the
# reader may not see; forms that create are posted by everyone refused).
NO_OBJECT_ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/r/{slug:str}"): "the regio's start page: counts of the reader's own work",
    ("GET", "/r/{slug:str}/inburgeraars"): "caseload list of the reader's gemeente",
    ("GET", "/r/{slug:str}/inburgeraars/export.csv"): "export of the caseload list",
    ("GET", "/r/{slug:str}/inburgeraars/nieuw"): "empty form to register a case",
    ("POST", "/r/{slug:str}/inburgeraars/nieuw"): "registers a case in the reader's gemeente",
    ("GET", "/r/{slug:str}/inburgeraars/import"): "empty form for the DUO CSV",
    ("POST", "/r/{slug:str}/inburgeraars/import"): "DUO CSV import into the reader's gemeente",
    ("GET", "/r/{slug:str}/taken"): "'Mijn taken' of the reader's organisation",
    ("GET", "/r/{slug:str}/instellingen"): "the regio's settings (beheerder)",
    ("POST", "/r/{slug:str}/instellingen"): "saves the regio's settings (beheerder)",
    ("POST", "/r/{slug:str}/instellingen/herinneringen"): "saves the reminder numbers (beheerder)",
    ("GET", "/r/{slug:str}/instellingen/taken"): "the regio's task plan (beheerder)",
    ("POST", "/r/{slug:str}/instellingen/taken"): "saves the regio's task plan (beheerder)",
    ("GET", "/r/{slug:str}/instellingen/verzuim"): "the regio's verzuim rules (beheerder)",
    ("POST", "/r/{slug:str}/instellingen/verzuim"): "saves the verzuim rules (beheerder)",
    ("GET", "/r/{slug:str}/organisaties"): "the regio's directory of organisations",
    ("GET", "/r/{slug:str}/organisaties/nieuw"): "empty form for an organisation (beheerder)",
    ("POST", "/r/{slug:str}/organisaties/nieuw"): "adds an organisation (beheerder)",
    ("GET", "/r/{slug:str}/personen"): "the regio's people (beheerder)",
    ("GET", "/r/{slug:str}/personen/nieuw"): "empty form for a person (beheerder)",
    ("POST", "/r/{slug:str}/personen/nieuw"): "adds a person (beheerder)",
    ("GET", "/r/{slug:str}/auditlog"): "the regio's audit log (privacy officer)",
    ("GET", "/r/{slug:str}/auditlog/export.csv"): "export of the audit log (privacy officer)",
    ("GET", "/r/{slug:str}/overdrachten"): "overdracht inbox of the reader's COA or gemeente",
    ("GET", "/r/{slug:str}/overdrachten/nieuw"): "empty koppeling form (COA)",
    ("POST", "/r/{slug:str}/overdrachten/nieuw"): "starts a koppeling of the reader's COA",
    ("GET", "/r/{slug:str}/koppelingen"): "the coordinator's counts, no names",
    ("GET", "/r/{slug:str}/monitor"): "the coordinator's monitor: counts and medians, no names",
    ("GET", "/r/{slug:str}/monitor/export"): "a monitor table as CSV or XLSX (coordinator)",
    ("GET", "/r/{slug:str}/monitor/cijfer"): "the count behind a monitor number (coordinator)",
    ("GET", "/r/{slug:str}/monitor/taakstelling"): "the taakstelling form (coordinator)",
    ("POST", "/r/{slug:str}/monitor/taakstelling"): "saves a taakstelling of the regio",
    ("GET", "/r/{slug:str}/monitor/afspraken"): "scores per partner of the office's convenants",
    ("GET", "/r/{slug:str}/monitor/afspraken/export"): "a score table as CSV or XLSX",
    ("GET", "/r/{slug:str}/monitor/afspraken/records"): "pseudonymised records behind a score",
    ("POST", "/r/{slug:str}/monitor/afspraken/vraag"): "a question about a record (coordinator)",
    ("GET", "/r/{slug:str}/mijn-scores"): "the reader's own organisation's scores",
    ("GET", "/r/{slug:str}/mijn-scores/export"): "the reader's own score table as CSV or XLSX",
    ("GET", "/r/{slug:str}/mijn-scores/records"): "the own organisation's records behind a score",
    ("POST", "/r/{slug:str}/mijn-scores/vraag"): "an answer about an own record (partner)",
    ("GET", "/r/{slug:str}/begeleiding"): "'Mijn begeleidingen' of the reader",
    ("GET", "/r/{slug:str}/lessen"): "today's lessons of the reader's school",
    ("GET", "/r/{slug:str}/lessen/import"): "empty form for the attendance CSV",
    ("POST", "/r/{slug:str}/lessen/import"): "attendance CSV of the reader's school",
    ("GET", "/r/{slug:str}/groepen"): "groups of the reader's school",
    ("POST", "/r/{slug:str}/groepen"): "creates a group of the reader's school",
    ("POST", "/r/{slug:str}/groepen/vrije-dagen"): "adds a holiday of the reader's school",
    ("GET", "/r/{slug:str}/cursisten"): "learners of the reader's school",
    ("GET", "/r/{slug:str}/convenanten"): "convenants of the reader's regio office or party",
    ("GET", "/r/{slug:str}/convenanten/nieuw"): "empty concept form (coordinator)",
    ("POST", "/r/{slug:str}/convenanten/nieuw"): "a concept of the reader's regio office",
    ("POST", "/r/{slug:str}/zoeken"): "turns a typed search into an opaque token for a list",
    ("GET", "/r/{slug:str}/meldingen"): "the reader's own notifications",
    ("POST", "/r/{slug:str}/meldingen/gelezen"): "marks the reader's own notifications read",
    ("POST", "/r/{slug:str}/meldingen/e-mail"): "the reader's own choice of mail",
    ("POST", "/r/{slug:str}/meldingen/testmail"): "a test mail to the reader themselves",
}

# Routes without a role guard, each with the reason it needs none. Any other route without
# one fails the completeness check.
UNGUARDED_ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/"): "public: sends to the log-in or the person's start page",
    ("GET", "/health"): "public: state of database and broker, no data",
    ("GET", "/toegankelijkheid"): "public: accessibility statement",
    ("GET", "/privacy"): "public: privacy statement",
    ("GET", "/login"): "public: the log-in form",
    ("POST", "/login"): "public: logging in",
    ("POST", "/logout"): "public: logging out ends the caller's own session",
    ("GET", "/kies-rol"): "the caller's own memberships",
    ("POST", "/kies-rol"): "choosing one of the caller's own memberships",
    ("GET", "/account/wachtwoord"): "the caller's own password form",
    ("POST", "/account/wachtwoord"): "changes the caller's own password",
    ("GET", "/uitnodigingen"): "the caller's own invitations (also before any membership)",
    ("POST", "/uitnodigingen"): "accepting or declining one of the caller's own invitations",
    ("GET", "/r/{slug:str}"): "every member's start page of the regio they act in",
    ("GET", "/r/{slug:str}/organisaties"): "every member may look up the regio's organisations",
}

# Each path parameter and the object kind it names.
PARAM_KINDS = {
    "inburgeraar_id": "case",
    "task_id": "task",
    "begeleiding_task_id": "begeleiding",
    "pvt_task_id": "pvt",
    "overdracht_id": "overdracht",
    "member_id": "overdracht",
    "document_id": "overdracht",
    "group_id": "group",
    "lesson_id": "lesson",
    "enrolment_id": "enrolment",
    "report_id": "report",
    "signal_id": "verzuim",
    "organisation_id": "organisation",
    "person_id": "person",
    "membership_id": "person",
    "invitation_id": "invitation",
    "convenant_id": "convenant",
    "declaration_id": "declaration",
    "notification_id": "notification",
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    roles: frozenset[Role] | None  # None: no role guard
    public: bool

    @property
    def params(self) -> list[str]:
        return [p for p in re.findall(r"\{(\w+):\w+\}", self.path) if p != "slug"]

    @property
    def in_regio(self) -> bool:
        return self.path.startswith("/r/{slug")

    def admits(self, role: Role) -> bool:
        return self.roles is None or role in self.roles

    def url(self, slug: str, ids: dict[str, int]) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            return slug if name == "slug" else str(ids[name])

        return re.sub(r"\{(\w+):\w+\}", value, self.path)


def app_routes(app: Litestar) -> list[Route]:
    """Every route of the app and every method (HEAD/OPTIONS and static files aside)."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith("/static"):
            continue
        for handler in route.route_handlers:
            roles = None
            for layer in handler.ownership_layers:
                for guard in layer.guards or []:
                    roles = getattr(guard, "allowed_roles", roles)
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append(Route(method, route.path, roles, bool(handler.opt.get("public"))))
    return found


def route_kind(route: Route) -> str | None:
    kinds = {PARAM_KINDS.get(p) for p in route.params}
    return kinds.pop() if len(kinds) == 1 else None


def objects_for(route: Route) -> list[DemoObject]:
    kind = route_kind(route)
    return [o for o in OBJECTS if o.kind == kind and set(route.params) <= set(o.ids)]


@dataclass
class LoadedObject:
    spec: DemoObject
    ids: dict[str, int]
    secrets: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    # The whole BSNs of the object's side (plain and grouped): only a regievoerder of the
    # case's gemeente ever sees one.
    bsns: frozenset[str] = frozenset()

    def leaked(self, text: str) -> list[str]:
        # The substring test first: a regex that opens with a look-behind scans the whole
        # page for every value, and the matrix checks thousands of pages.
        return [label for label, pattern in self.secrets if label in text and pattern.search(text)]


def _date_forms(value: date | str) -> list[str]:
    day = date.fromisoformat(str(value)[:10])
    return [
        day.strftime("%d-%m-%Y"),
        day.isoformat(),
        f"{day.day} {MONTHS[day.month - 1]} {day.year}",
    ]


def bsn_forms(number: str) -> list[str]:
    """A BSN as it may be written: 999990019, 9999.90.019, 999 990 019."""
    return [
        number,
        f"{number[:4]}.{number[4:6]}.{number[6:]}",
        f"{number[:3]} {number[3:6]} {number[6:]}",
    ]


def _personal(row: dict, data_key: str) -> list[str]:
    """A person's names, BSN (plain, grouped, masked), V-nummer and date of birth."""
    values = [row["given_names"], row["family_name"], f"{row['given_names']} {row['family_name']}"]
    values += _date_forms(row["birth_date"])
    if row.get("v_nummer"):
        values.append(row["v_nummer"])
    if row.get("bsn_cipher"):
        values += bsn_forms(bsn.decrypt(row["bsn_cipher"], data_key))
    if row.get("bsn_last3"):
        values.append(bsn.masked(row["bsn_last3"]))
    return values


def _pattern(value: str) -> re.Pattern[str]:
    # Whole words only: "Lina" must not match inside another word.
    return re.compile(r"(?<!\w)" + re.escape(value) + r"(?!\w)")


async def _rows(sql: str) -> list[dict]:
    return [dict(r) for r in await database.current_engine().run_ddl(sql)]


async def load_objects(data_key: str) -> list[LoadedObject]:
    """Each demo object's ids and the personal data of its side, read from the database."""
    loaded = []
    for spec in OBJECTS:
        ids = {}
        for param, sql in spec.ids.items():
            rows = await _rows(sql)
            assert rows and rows[0]["id"] is not None, f"{spec.label}: no {param} in the demo"
            ids[param] = rows[0]["id"]
        values: list[str] = []
        person_columns = "given_names, family_name, birth_date, v_nummer, bsn_cipher, bsn_last3"
        if spec.cases:
            sql = f"SELECT {person_columns} FROM inburgeraar WHERE id IN ({spec.cases})"
            for row in await _rows(sql):
                values += _personal(row, data_key)
        if spec.household:
            sql = (
                f"SELECT {person_columns} FROM coa_overdracht_person WHERE id IN ({spec.household})"
            )
            for row in await _rows(sql):
                values += _personal(row, data_key)
        if spec.staff:
            sql = f"SELECT full_name, email FROM person WHERE id IN ({spec.staff})"
            for row in await _rows(sql):
                values += [row["full_name"], row["email"]]
        if spec.texts:
            values += [row["value"] for row in await _rows(spec.texts)]
        assert values, f"{spec.label}: no personal data to look for"
        secrets = [(v, _pattern(v)) for v in dict.fromkeys(values) if v]
        bsns = frozenset(
            v for v in values if re.fullmatch(r"\d{9}|\d{4}\.\d\d\.\d{3}|\d{3} \d{3} \d{3}", v)
        )
        loaded.append(LoadedObject(spec, ids, secrets, bsns))
    return loaded


async def invite() -> None:
    """The demo has no open invitation: Regio Alkmaar's beheerder makes one, as in the app."""
    beheerder = await demo_scope("beheer@alkmaar.demo", Role.BEHEERDER)
    gemeente = (await _rows("SELECT id FROM organisation WHERE name = 'Gemeente Heiloo'"))[0]["id"]
    invited = people.NewPerson(
        INVITED_EMAIL, "Ines Uitgenodigd", gemeente, Role.REGIEVOERDER.value, "Welkom-in-2026"
    )
    assert await people.invite_person(beheerder, invited) is False


async def remind() -> None:
    """The reminder job's run for Regio Alkmaar (as `portal remind` after seeding), and one
    notification written by hand to its beheerder, whose colleagues of the Regiobureau must
    not reach it."""
    register_all(web=False)
    beheerder = await demo_scope("beheer@alkmaar.demo", Role.BEHEERDER)
    system = Scope.system(beheerder.tenant_id or 0, ALKMAAR, "access-matrix")
    await runner.run_reminders(system, today())
    message = queue.NewMessage(
        recipient=beheerder.person_id or 0,
        key=f"{MATRIX_NOTIFICATION}:{beheerder.person_id}",
        kind=MATRIX_NOTIFICATION,
        title="Een uitnodiging staat nog open",
    )
    assert await queue.add_once(system, [message]) == 1


# Rows that a refused request may add: the audit log records refusals and reads.
NOT_FINGERPRINTED = frozenset({"audit_entry"})


CHANGES = "matrix_changes"


def _watched() -> list[str]:
    return [
        t._meta.tablename
        for t in database.all_tables()
        if t._meta.tablename not in NOT_FINGERPRINTED
    ]


async def watch_writes(engine: Engine) -> None:
    """Count every row written to every table but the audit log, per table, with triggers
    (for this test only): reading the counters after a refused POST is one query, where a
    digest of every row of every table cost 80 ms each time. A trigger counts what a
    digest would miss too: a row written back unchanged."""
    tables = _watched()
    await engine.run_ddl(f"CREATE TABLE {CHANGES} (tablename VARCHAR(80) PRIMARY KEY, n INTEGER)")
    values = ", ".join(f"('{name}', 0)" for name in tables)
    await engine.run_ddl(f"INSERT INTO {CHANGES} (tablename, n) VALUES {values}")
    if engine.engine_type == "postgres":
        await engine.run_ddl(
            "CREATE FUNCTION matrix_count() RETURNS trigger AS $$ BEGIN "
            f"UPDATE {CHANGES} SET n = n + 1 WHERE tablename = TG_TABLE_NAME; RETURN NULL; "
            "END $$ LANGUAGE plpgsql"
        )
        for name in tables:
            await engine.run_ddl(
                f"CREATE TRIGGER matrix_{name} AFTER INSERT OR UPDATE OR DELETE ON {name} "
                "FOR EACH ROW EXECUTE FUNCTION matrix_count()"
            )
        return
    for name in tables:
        for operation in ("INSERT", "UPDATE", "DELETE"):
            await engine.run_ddl(
                f"CREATE TRIGGER matrix_{name}_{operation.lower()} AFTER {operation} ON {name} "
                f"BEGIN UPDATE {CHANGES} SET n = n + 1 WHERE tablename = '{name}'; END"
            )


async def unwatch_writes(engine: Engine) -> None:
    """Remove the triggers and the counters, so the next test's database is as migrated."""
    for name in _watched():
        if engine.engine_type == "postgres":
            await engine.run_ddl(f"DROP TRIGGER IF EXISTS matrix_{name} ON {name}")
        else:
            for operation in ("insert", "update", "delete"):
                await engine.run_ddl(f"DROP TRIGGER IF EXISTS matrix_{name}_{operation}")
    if engine.engine_type == "postgres":
        await engine.run_ddl("DROP FUNCTION IF EXISTS matrix_count()")
    await engine.run_ddl(f"DROP TABLE IF EXISTS {CHANGES}")


async def fingerprint(engine: Engine) -> dict[str, str]:
    """How many rows were written to each table since `watch_writes`."""
    rows = await engine.run_ddl(f"SELECT tablename, n FROM {CHANGES}")
    return {row["tablename"]: str(row["n"]) for row in rows}


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


# CSRF tokens, nonces and trace ids: long hex or base64 strings that change per request.
_VOLATILE = (re.compile(r'nonce="[^"]*"'), re.compile(r"\b[0-9a-f]{32,}\b"))


def normalised(text: str, url: str, missing_url: str) -> str:
    """A body with what differs per request taken out (tokens, nonces, trace ids, its URL)."""
    for pattern in _VOLATILE:
        text = pattern.sub("", text)
    return text.replace(url, "").replace(missing_url, "")

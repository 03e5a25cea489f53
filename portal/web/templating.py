"""Jinja set-up and the one way routes render a page: with actor, navigation and flashes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template

from portal.auth.actor import Actor
from portal.web.flash import pop_flashes
from tenants.roles import KIND_LABELS, ROLE_LABELS, OrganisationKind, Role

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    current: bool = False


def date_nl(value: date | datetime | None, style: str = "short") -> str:
    """13-01-2026 (short) or 13 januari 2026 (long); datetimes in Amsterdam time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(AMSTERDAM)
    pattern = "dd-MM-yyyy" if style == "short" else "d MMMM yyyy"
    return format_date(value, pattern, locale="nl_NL")


def datetime_nl(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value.astimezone(AMSTERDAM), "dd-MM-yyyy HH:mm", locale="nl_NL")


def number_nl(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return ""
    return format_decimal(
        value, format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale="nl_NL"
    )


def aantal(value: int | None, singular: str, plural: str) -> str:
    """A count with its noun in Dutch: "1 groep", "2 groepen", "1.250 cursisten"."""
    count = value or 0
    return f"{number_nl(count)} {singular if count == 1 else plural}"


def role_label(value: str) -> str:
    try:
        return ROLE_LABELS[Role(value)]
    except ValueError:
        return value


def kind_label(value: str) -> str:
    try:
        return KIND_LABELS[OrganisationKind(value)]
    except ValueError:
        return value


def configure_engine(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.filters.update(
        date_nl=date_nl,
        datetime_nl=datetime_nl,
        number_nl=number_nl,
        aantal=aantal,
        role_label=role_label,
        kind_label=kind_label,
    )


# Who reads convenants (partners/convenants: the coordinator drafts, the parties sign).
CONVENANT_ROLES = frozenset(
    {Role.REGIOCOORDINATOR, Role.REGIEVOERDER, Role.TAALAANBIEDER, Role.BEGELEIDER, Role.COA}
)


def navigation(actor: Actor | None, path: str) -> list[NavItem]:
    """The menu for the actor's role; the deepest matching item is marked current."""
    if actor is None:
        return []
    if actor.regio_slug is None:
        items = [NavItem("Regio's", "/platform/regios")]
    else:
        base = f"/r/{actor.regio_slug}"
        items = [NavItem("Start", f"{base}/")]
        if actor.role in (Role.REGIEVOERDER, Role.TAALAANBIEDER, Role.COA, Role.BEGELEIDER):
            items.append(NavItem("Mijn taken", f"{base}/taken"))
        if actor.role is Role.REGIEVOERDER:
            items.append(NavItem("Inburgeraars", f"{base}/inburgeraars"))
        if actor.role is Role.TAALAANBIEDER:
            items.append(NavItem("Lessen", f"{base}/lessen"))
            items.append(NavItem("Groepen", f"{base}/groepen"))
            items.append(NavItem("Cursisten", f"{base}/cursisten"))
        if actor.role is Role.BEGELEIDER:
            items.append(NavItem("Mijn begeleidingen", f"{base}/begeleiding"))
        if actor.role in (Role.REGIEVOERDER, Role.COA):
            items.append(NavItem("Overdrachten", f"{base}/overdrachten"))
        if actor.role is Role.REGIOCOORDINATOR:
            items.append(NavItem("Monitor", f"{base}/monitor/"))
            items.append(NavItem("Koppelingen", f"{base}/koppelingen"))
        if actor.role in CONVENANT_ROLES:
            items.append(NavItem("Convenanten", f"{base}/convenanten"))
        items.append(NavItem("Organisaties", f"{base}/organisaties"))
        if actor.role is Role.BEHEERDER:
            items.append(NavItem("Personen", f"{base}/personen"))
            items.append(NavItem("Instellingen", f"{base}/instellingen"))
        if actor.role is Role.PRIVACY:
            items.append(NavItem("Auditlog", f"{base}/auditlog"))
    # Litestar hands over paths without their trailing slash ("/r/alkmaar" for "/r/alkmaar/").
    path = path.rstrip("/")

    def matches(item: NavItem) -> bool:
        href = item.href.rstrip("/")
        # The start page ("/r/x/") is a prefix of every page: it is current only on itself.
        if item.href.endswith("/"):
            return path == href
        return path == href or path.startswith(href + "/")

    best = max(filter(matches, items), key=lambda item: len(item.href), default=None)
    return [NavItem(i.label, i.href, current=i is best) for i in items]


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    """Render a full page (or, for htmx, whatever the template makes of `is_htmx`)."""
    actor: Actor | None = request.scope.get("user")
    context.setdefault("actor", actor)
    context.setdefault("nav_items", navigation(actor, request.url.path))
    context.setdefault("flashes", pop_flashes(request))
    context.setdefault("is_htmx", request.headers.get("hx-request") == "true")
    context.setdefault("unread", request.scope.get("state", {}).get("notifications_unread"))
    return Template(template_name=template, context=context, status_code=status_code)

"""Sections that partner packages add to the case page, without the case file importing them.

The case file sits below the partners (`partners` → `portal.casefile`), so the case page
cannot know what a partner package shows about a case. A partner package registers a
panel in its `registry.register(web=True)`, which the app factory calls; the case
page loads each panel for the actor's role from the partner's own route, with htmx, and
keeps a plain link for browsers without JavaScript. The partner route applies its own
scope rules: the panel registry decides nothing about access.
"""

from __future__ import annotations

from dataclasses import dataclass

from tenants.roles import Role


@dataclass(frozen=True)
class CasePanel:
    """A section of the case page, served at `/r/{slug}/inburgeraars/{id}/{path}`."""

    key: str
    title: str
    path: str
    roles: frozenset[Role]
    order: int = 100


_PANELS: dict[str, CasePanel] = {}


def register_panel(panel: CasePanel) -> None:
    """Add (or replace, on re-import) a partner section of the case page."""
    _PANELS[panel.key] = panel


def panels_for(role: Role) -> list[CasePanel]:
    """The panels a role gets on the case page, in page order."""
    return sorted((p for p in _PANELS.values() if role in p.roles), key=lambda p: (p.order, p.key))

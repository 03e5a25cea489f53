"""A regio's own task plan: the beheerder renames, moves or switches off default tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from portal.casefile.tables import RegioTaskTemplate
from portal.casefile.task_templates import DEFAULTS, Override, TaskTemplate, effective_templates
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker, clean_text
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

MAX_DAYS = 3 * 365


@dataclass(frozen=True)
class TemplateRow:
    default: TaskTemplate
    current: TaskTemplate

    @property
    def changed(self) -> bool:
        return self.default != self.current


async def overrides_for(data: TenantData) -> dict[str, Override]:
    """The regio's changes to the defaults, by template kind."""
    rows = await data.select(
        RegioTaskTemplate,
        RegioTaskTemplate.kind,
        RegioTaskTemplate.title,
        RegioTaskTemplate.due_after_days,
        RegioTaskTemplate.enabled,
    )
    return {
        row["kind"]: Override(row["title"], row["due_after_days"], row["enabled"]) for row in rows
    }


def _require_beheerder(scope: Scope) -> None:
    if scope.role is not Role.BEHEERDER:
        raise NotFound("task templates")


async def template_rows(scope: Scope) -> list[TemplateRow]:
    """Every default template beside what the regio made of it."""
    _require_beheerder(scope)
    current = effective_templates(await overrides_for(TenantData(scope)))
    return [TemplateRow(default, mine) for default, mine in zip(DEFAULTS, current, strict=True)]


async def save_templates(scope: Scope, form: dict[str, str]) -> None:
    """Store the regio's task plan from the settings form (fields `title-<kind>`,
    `days-<kind>`, `enabled-<kind>`); an empty title or day count means the default."""
    _require_beheerder(scope)
    check = Checker()
    wanted: dict[str, Override] = {}
    for template in DEFAULTS:
        title = clean_text(form.get(f"title-{template.kind}", ""), 200)
        if len(title) > 200:
            check.fail(f"title-{template.kind}", "Een omschrijving mag maximaal 200 tekens zijn.")
        raw_days = form.get(f"days-{template.kind}", "").strip()
        days = None
        if raw_days:
            if not raw_days.isdigit() or int(raw_days) > MAX_DAYS:
                check.fail(
                    f"days-{template.kind}", f"Vul een aantal dagen van 0 tot {MAX_DAYS} in."
                )
            else:
                days = int(raw_days)
        wanted[template.kind] = Override(
            title=None if title in ("", template.title) else title,
            due_after_days=None if days == template.due_after_days else days,
            enabled=form.get(f"enabled-{template.kind}") in ("1", "on"),
        )
    check.done()
    data = TenantData(scope)
    async with write_transaction():
        existing = {
            row["kind"]: row["id"]
            for row in await data.select(
                RegioTaskTemplate, RegioTaskTemplate.id, RegioTaskTemplate.kind
            )
        }
        now = datetime.now(UTC)
        for kind, change in wanted.items():
            values = {
                "title": change.title,
                "due_after_days": change.due_after_days,
                "enabled": change.enabled,
                "updated_at": now,
            }
            if kind in existing:
                await data.update(RegioTaskTemplate, existing[kind], **values)
            elif change != Override(None, None, True):
                await data.insert(RegioTaskTemplate, kind=kind, **values)
        await audit.record(scope, audit.AuditEvent("update", "task_templates", scope.tenant_id))

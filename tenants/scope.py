"""The scope every service call carries: which regio, who, for which organisation, in which role.

A Scope is built only from an authenticated session (portal.auth) or, for background jobs
and the demo seeding, from an explicit tenant id (`Scope.system`). A request that must look
across the regio asks `TenantData(scope).as_system(reason)`, which is audited. Services never
take a tenant id on its own; tests/architecture/test_layers.py enforces where Scopes are made.
"""

from __future__ import annotations

from dataclasses import dataclass

from tenants.roles import Role


@dataclass(frozen=True)
class Origin:
    """Where a request came from, for the audit log."""

    ip: str | None
    trace_id: str
    route: str | None


@dataclass(frozen=True)
class Scope:
    tenant_id: int | None
    tenant_slug: str | None
    person_id: int | None
    organisation_id: int | None
    role: Role
    membership_id: int | None = None
    origin: Origin | None = None

    @classmethod
    def system(cls, tenant_id: int, tenant_slug: str, job: str) -> Scope:
        """Scope of a background job (or the demo seeding) working on one regio; never on a
        request path (use `TenantData.as_system`, which records who asked and why)."""
        return cls(
            tenant_id=tenant_id,
            tenant_slug=tenant_slug,
            person_id=None,
            organisation_id=None,
            role=Role.SYSTEM,
            origin=Origin(ip=None, trace_id=f"job:{job}", route=None),
        )

    @property
    def is_superadmin(self) -> bool:
        return self.role is Role.SUPERADMIN

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

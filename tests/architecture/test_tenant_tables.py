"""Every table that belongs to a regio says so, and has an access policy."""

from __future__ import annotations

from piccolo.columns import ForeignKey

from portal.core import database
from portal.core.audit import AuditEntry
from tenants.scoped import is_tenant_owned, registered_tables
from tenants.tables import Person, Regio

# Global tables, each with its reason.
GLOBAL_TABLES = {
    Regio: "the tenants themselves",
    Person: "one account may hold memberships in several regio's",
    AuditEntry: "append-only; keeps ids, not references, and records platform events too",
}


def test_every_tenant_table_has_a_non_null_tenant_fk() -> None:
    for table in database.all_tables():
        if table in GLOBAL_TABLES:
            assert not is_tenant_owned(table)
            continue
        column = getattr(table, "tenant", None)
        assert isinstance(column, ForeignKey), f"{table.__name__} has no tenant FK"
        assert column._foreign_key_meta.resolved_references is Regio, table.__name__
        assert column._meta.null is False, f"{table.__name__}.tenant may be null"


def test_every_tenant_table_has_an_access_policy() -> None:
    owned = {t for t in database.all_tables() if is_tenant_owned(t)}
    assert owned, "expected tenant-owned tables"
    assert owned <= registered_tables(), f"no policy for {owned - registered_tables()}"

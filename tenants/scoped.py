"""The scoped data access: the only door to tenant-owned tables.

Every query starts from `TenantData(scope)`, which adds the tenant predicate first and the
role's visibility predicate second. Piccolo AND-s chained `.where()` calls, so nothing a
service adds later can widen what these two allow. A row of another regio, or one the role
may not see, is simply not found: the routes turn `NotFound` into a 404.

Each tenant-owned table registers a `TablePolicy` (deny by default): an architecture test
fails when a table with a `tenant` column has none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from piccolo.columns import Column, ForeignKey
from piccolo.custom_types import Combinable
from piccolo.query import Count, Exists, Select
from piccolo.table import Table

from tenants.scope import Scope

# A visibility rule answers: all rows of the tenant (True), none (False), or those matching.
Visibility: TypeAlias = bool | Combinable
Rule: TypeAlias = Callable[[Scope], Visibility]

# Ids are PostgreSQL `serial` (32-bit): a larger number, typed into a URL or a form, cannot
# name a row, and passing it on would make the driver fail instead of finding nothing.
MAX_ID = 2**31 - 1

# Columns a caller may never set through insert/update: they are the scope's to decide.
PROTECTED_COLUMNS = frozenset({"id", "tenant"})


class NotFound(LookupError):
    """The row does not exist, or not for this scope (the two are indistinguishable)."""


class ScopeError(PermissionError):
    """A scope without a tenant (the platform superadmin) tried to reach tenant data."""


class ProtectedField(ValueError):
    """Input tried to set a column that only the scope decides (mass assignment)."""


@dataclass(frozen=True)
class TablePolicy:
    read: Rule
    write: Rule


_POLICIES: dict[type[Table], TablePolicy] = {}


def register_policy(table: type[Table], *, read: Rule, write: Rule) -> None:
    """Declare who in a regio may read and change rows of `table`."""
    _POLICIES[table] = TablePolicy(read=read, write=write)


def registered_tables() -> frozenset[type[Table]]:
    return frozenset(_POLICIES)


def is_tenant_owned(table: type[Table]) -> bool:
    return any(col._meta.name == "tenant" for col in table._meta.columns)


class TenantData:
    """Queries of one scope. Build one per service call: `data = TenantData(scope)`."""

    def __init__(self, scope: Scope) -> None:
        if scope.tenant_id is None:
            raise ScopeError("this scope has no regio")
        self.scope = scope

    def _policy(self, table: type[Table]) -> TablePolicy:
        try:
            return _POLICIES[table]
        except KeyError:
            raise ScopeError(f"no access policy registered for {table.__name__}") from None

    def _predicates(self, table: type[Table], rule: Rule) -> list[Combinable]:
        tenant_column: Column = table.tenant  # type: ignore[attr-defined]
        predicates: list[Combinable] = [tenant_column == self.scope.tenant_id]
        visible = rule(self.scope)
        if visible is False:
            # Ids are never null: this matches nothing while keeping the query's shape.
            predicates.append(table._meta.primary_key.is_null())
        elif visible is not True:
            predicates.append(visible)
        return predicates

    def _scoped(self, query: Any, table: type[Table], rule: Rule) -> Any:
        for predicate in self._predicates(table, rule):
            query = query.where(predicate)
        return query

    def select(self, table: type[Table], *columns: Any) -> Select:
        """Rows of `table` this scope may read; chain more `.where()` to narrow."""
        return self._scoped(table.select(*columns), table, self._policy(table).read)

    def count(self, table: type[Table]) -> Count:
        return self._scoped(table.count(), table, self._policy(table).read)

    def exists(self, table: type[Table]) -> Exists:
        return self._scoped(table.exists(), table, self._policy(table).read)

    async def get(self, table: type[Table], row_id: int, *columns: Any) -> dict[str, Any]:
        """One readable row by id, or NotFound."""
        _check_id(table, row_id)
        row = await self.select(table, *columns).where(table._meta.primary_key == row_id).first()
        if row is None:
            raise NotFound(f"{table.__name__} {row_id}")
        return row

    async def get_writable(self, table: type[Table], row_id: int, *columns: Any) -> dict[str, Any]:
        """One row this scope may change, or NotFound."""
        _check_id(table, row_id)
        query = self._scoped(table.select(*columns), table, self._policy(table).write)
        row = await query.where(table._meta.primary_key == row_id).first()
        if row is None:
            raise NotFound(f"{table.__name__} {row_id}")
        return row

    async def insert(self, table: type[Table], **values: Any) -> int:
        """Insert one row in the scope's regio; returns its id."""
        self._refuse_protected(values)
        if self._policy(table).write(self.scope) is False:
            raise NotFound(table.__name__)
        await self._check_references(table, values)
        row = table(tenant=self.scope.tenant_id, **values)
        result = await table.insert(row).returning(table._meta.primary_key).run()
        return result[0]["id"]

    async def update(self, table: type[Table], row_id: int, **values: Any) -> None:
        """Change one row this scope may write, or raise NotFound."""
        self._refuse_protected(values)
        await self.get_writable(table, row_id, table._meta.primary_key)
        await self._check_references(table, values)
        query = table.update({getattr(table, key): value for key, value in values.items()})
        query = self._scoped(query, table, self._policy(table).write)
        await query.where(table._meta.primary_key == row_id).run()

    async def delete(self, table: type[Table], row_id: int) -> None:
        """Delete one row this scope may write, or raise NotFound."""
        await self.get_writable(table, row_id, table._meta.primary_key)
        query = self._scoped(table.delete(), table, self._policy(table).write)
        await query.where(table._meta.primary_key == row_id).run()

    @staticmethod
    def _refuse_protected(values: dict[str, Any]) -> None:
        smuggled = PROTECTED_COLUMNS.intersection(values)
        if smuggled:
            raise ProtectedField(", ".join(sorted(smuggled)))

    async def _check_references(self, table: type[Table], values: dict[str, Any]) -> None:
        """A foreign key to a tenant-owned row must point into the same regio: this is what
        keeps an id typed into a form from linking data across regio's."""
        for column in table._meta.foreign_key_columns:
            target = _target(column)
            value = values.get(column._meta.name)
            if value is None or not is_tenant_owned(target):
                continue
            _check_id(target, value)
            found = await self.exists(target).where(target._meta.primary_key == value).run()
            if not found:
                raise NotFound(f"{target.__name__} {value}")


def is_valid_id(value: object) -> bool:
    """Whether `value` can be the id of a row (a whole number from 1 to MAX_ID)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _check_id(table: type[Table], row_id: Any) -> None:
    if isinstance(row_id, int) and not is_valid_id(row_id):
        raise NotFound(f"{table.__name__} {row_id}")


def _target(column: ForeignKey) -> type[Table]:
    return column._foreign_key_meta.resolved_references

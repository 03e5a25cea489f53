"""The scoped data access: the only door to tenant-owned tables.

Every query starts from `TenantData(scope)`, which adds the tenant predicate first and the
role's visibility predicate second. Piccolo AND-s chained `.where()` calls, so nothing a
service adds later can widen what these two allow. A row of another regio, or one the role
may not see, is simply not found: the routes turn `NotFound` into a 404.

Each tenant-owned table registers a `TablePolicy` (deny by default): an architecture test
fails when a table with a `tenant` column has none. Beside the read and write rule a policy
may declare:
- `columns`: which of the table's columns a role may read (a select reaching any other
  column is refused, directly or through a join);
- `result`: which rows a write may leave behind (by default the write rule itself): every
  insert and update is checked on the row as it is after the write, in the same transaction;
- `through`: columns of a joined table that whoever reads this table's row may read along
  with it (e.g. the name of the inburgeraar on a task). Any other column reached through a
  ForeignKey join to a tenant-owned table is read under that table's own read rule.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeAlias

from piccolo.columns import Column, ForeignKey
from piccolo.custom_types import Combinable
from piccolo.query import Count, Exists, Select
from piccolo.table import Table

from portal.core import audit
from portal.core.database import write_transaction
from tenants.roles import Role
from tenants.scope import Origin, Scope

# A visibility rule answers: all rows of the tenant (True), none (False), or those matching.
Visibility: TypeAlias = bool | Combinable
Rule: TypeAlias = Callable[[Scope], Visibility]
# A projection answers which columns of a table a scope may read: None for every column.
Projection: TypeAlias = Callable[[Scope], Collection[Column] | None]

# Ids are PostgreSQL `serial` (32-bit): a larger number, typed into a URL or a form, cannot
# name a row, and passing it on would make the driver fail instead of finding nothing.
MAX_ID = 2**31 - 1

# Columns a caller may never set through insert/update: they are the scope's to decide.
PROTECTED_COLUMNS = frozenset({"id", "tenant"})
# Rows per INSERT statement in `insert_many`: SQLite allows some 32,000 parameters.
INSERT_CHUNK = 500


class NotFound(LookupError):
    """The row does not exist, or not for this scope (the two are indistinguishable)."""


class ScopeError(PermissionError):
    """A scope without a tenant (the platform superadmin) tried to reach tenant data, or a
    query asked for what no scope of its kind may read (a programming error, never data)."""


class ProtectedField(ValueError):
    """Input tried to set a column that only the scope decides (mass assignment)."""


@dataclass(frozen=True)
class TablePolicy:
    read: Rule
    write: Rule
    result: Rule
    columns: Projection | None = None
    # ForeignKey name -> names of the joined table's columns readable through it.
    through: Mapping[str, frozenset[str]] = field(default_factory=dict)


_POLICIES: dict[type[Table], TablePolicy] = {}


def register_policy(
    table: type[Table],
    *,
    read: Rule,
    write: Rule,
    result: Rule | None = None,
    columns: Projection | None = None,
    through: Mapping[ForeignKey, Sequence[Column]] | None = None,
) -> None:
    """Declare who in a regio may read and change rows of `table` (see the module's text
    for `result`, `columns` and `through`)."""
    _POLICIES[table] = TablePolicy(
        read=read,
        write=write,
        result=result or write,
        columns=columns,
        through={
            key._meta.name: frozenset(column._meta.name for column in value)
            for key, value in (through or {}).items()
        },
    )


def registered_tables() -> frozenset[type[Table]]:
    return frozenset(_POLICIES)


def is_tenant_owned(table: type[Table]) -> bool:
    return any(col._meta.name == "tenant" for col in table._meta.columns)


def _with_reason(scope: Scope, reason: str) -> Scope:
    """The scope with the reason for a system view as the purpose of what it records."""
    origin = scope.origin or Origin(ip=None, trace_id="as_system", route=None)
    return replace(scope, origin=replace(origin, route=f"as_system: {reason}"[:200]))


def _system_scope(scope: Scope, reason: str) -> Scope:
    """The regio's system scope for one need of a request, keeping the request's trace."""
    return Scope(
        tenant_id=scope.tenant_id,
        tenant_slug=scope.tenant_slug,
        person_id=None,
        organisation_id=None,
        role=Role.SYSTEM,
        origin=_with_reason(scope, reason).origin,
    )


class TenantData:
    """Queries of one scope. Build one per service call: `data = TenantData(scope)`."""

    def __init__(self, scope: Scope) -> None:
        if scope.tenant_id is None:
            raise ScopeError("this scope has no regio")
        self.scope = scope

    async def as_system(self, reason: str, event: audit.AuditEvent | None = None) -> TenantData:
        """The regio's whole data, for one need of a request that the actor's own rules
        cannot serve (a duplicate check across gemeenten, a signal the system raises). The
        audit log records who asked and why: `event` names what the view is for where the
        caller has a more precise action than "as_system" (one entry, not two); jobs use
        `Scope.system` instead."""
        async with write_transaction():
            await audit.record(
                _with_reason(self.scope, reason),
                event or audit.AuditEvent("as_system", "regio", self.scope.tenant_id),
            )
        return TenantData(_system_scope(self.scope, reason))

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

    def readable(self, table: type[Table]) -> tuple[Column, ...]:
        """The columns of `table` this scope may read (its policy's projection)."""
        allowed = self._allowed_names(table)
        return tuple(
            column
            for column in table._meta.columns
            if allowed is None or column._meta.name in allowed
        )

    def _allowed_names(self, table: type[Table]) -> frozenset[str] | None:
        policy = _POLICIES.get(table)
        if policy is None or policy.columns is None:
            return None
        allowed = policy.columns(self.scope)
        return None if allowed is None else frozenset(c._meta.name for c in allowed)

    def _check_projection(self, column: Column) -> None:
        """Refuse a column (or a ForeignKey joined through) the role may not read."""
        for part in (*column._meta.call_chain, column):
            allowed = self._allowed_names(part._meta.table)
            if allowed is not None and part._meta.name not in allowed:
                raise ScopeError(
                    f"{self.scope.role} may not read {part._meta.table.__name__}.{part._meta.name}"
                )

    def _joined_predicates(self, columns: Sequence[Any]) -> dict[str, Combinable]:
        """For each ForeignKey hop a selected column takes into another tenant-owned table:
        that table's read rule, unless the hop's owner declares the column `through`."""
        predicates: dict[str, Combinable] = {}
        for column in columns:
            chain = list(column._meta.call_chain)
            for index, hop in enumerate(chain):
                target = _target(hop)
                if not is_tenant_owned(target):
                    continue
                read_next = chain[index + 1] if index + 1 < len(chain) else column
                owner = _POLICIES.get(hop._meta.table)
                if owner and read_next._meta.name in owner.through.get(hop._meta.name, ()):
                    continue
                path = ".".join(part._meta.name for part in chain[: index + 1])
                if path in predicates:
                    continue
                visible = self._policy(target).read(self.scope)
                if visible is True:
                    continue
                ids = self._scoped(
                    target.select(target._meta.primary_key), target, self._policy(target).read
                )
                predicate = hop.is_in(ids)
                if hop._meta.null or index > 0:
                    # No linked row (a null key, or a null earlier in the chain) hides nothing.
                    predicate = hop.is_null() | predicate
                predicates[path] = predicate
        return predicates

    def select(self, table: type[Table], *columns: Any) -> Select:
        """Rows of `table` this scope may read; chain more `.where()` to narrow. Columns of
        joined tables are read under their own table's rule (see the module's text)."""
        if not columns:
            columns = self.readable(table)
        selected = [column for column in columns if isinstance(column, Column)]
        for column in selected:
            self._check_projection(column)
        query = self._scoped(table.select(*columns), table, self._policy(table).read)
        for predicate in self._joined_predicates(selected).values():
            query = query.where(predicate)
        return query

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
        selected = [column for column in columns if isinstance(column, Column)]
        for column in selected:
            self._check_projection(column)
        query = self._scoped(table.select(*columns), table, self._policy(table).write)
        for predicate in self._joined_predicates(selected).values():
            query = query.where(predicate)
        row = await query.where(table._meta.primary_key == row_id).first()
        if row is None:
            raise NotFound(f"{table.__name__} {row_id}")
        return row

    async def insert(self, table: type[Table], **values: Any) -> int:
        """Insert one row in the scope's regio; returns its id."""
        self._refuse_protected(values)
        if self._policy(table).write(self.scope) is False:
            raise NotFound(table.__name__)
        await self._check_references(table, [values])
        key = table._meta.primary_key
        async with write_transaction():
            row = table(tenant=self.scope.tenant_id, **values)
            result = await table.insert(row).returning(key).run()
            new_id = result[0][key._meta.name]
            await self._check_result(table, [new_id])
        return new_id

    async def insert_many(self, table: type[Table], rows: Sequence[dict[str, Any]]) -> None:
        """Insert many rows in the scope's regio with the checks of `insert` done per column
        instead of per row: a 16-learner register is one INSERT and one look-up per foreign
        key, not 16 inserts and 64 look-ups."""
        if not rows:
            return
        for values in rows:
            self._refuse_protected(values)
        if self._policy(table).write(self.scope) is False:
            raise NotFound(table.__name__)
        await self._check_references(table, rows)
        key = table._meta.primary_key
        async with write_transaction():
            for start in range(0, len(rows), INSERT_CHUNK):
                chunk = rows[start : start + INSERT_CHUNK]
                made = (
                    await table.insert(
                        *(table(tenant=self.scope.tenant_id, **values) for values in chunk)
                    )
                    .returning(key)
                    .run()
                )
                await self._check_result(table, [row[key._meta.name] for row in made])

    async def update(self, table: type[Table], row_id: int, **values: Any) -> None:
        """Change one row this scope may write, or raise NotFound; refused when the row as
        changed falls outside what the scope may leave behind (the policy's `result`)."""
        self._refuse_protected(values)
        await self.get_writable(table, row_id, table._meta.primary_key)
        await self._check_references(table, [values])
        query = table.update({getattr(table, key): value for key, value in values.items()})
        query = self._scoped(query, table, self._policy(table).write)
        async with write_transaction():
            await query.where(table._meta.primary_key == row_id).run()
            await self._check_result(table, [row_id])

    async def delete(self, table: type[Table], row_id: int) -> None:
        """Delete one row this scope may write, or raise NotFound."""
        await self.get_writable(table, row_id, table._meta.primary_key)
        query = self._scoped(table.delete(), table, self._policy(table).write)
        await query.where(table._meta.primary_key == row_id).run()

    async def _check_result(self, table: type[Table], row_ids: list[int]) -> None:
        """The written rows must satisfy the policy's `result` rule as they are now; raising
        here rolls the write back with the transaction around it."""
        rule = self._policy(table).result
        if rule(self.scope) is True or not row_ids:
            return
        key = table._meta.primary_key
        kept = await self._scoped(table.count(), table, rule).where(key.is_in(row_ids))
        if kept != len(set(row_ids)):
            raise NotFound(table.__name__)

    @staticmethod
    def _refuse_protected(values: dict[str, Any]) -> None:
        smuggled = PROTECTED_COLUMNS.intersection(values)
        if smuggled:
            raise ProtectedField(", ".join(sorted(smuggled)))

    async def _check_references(self, table: type[Table], rows: Sequence[dict[str, Any]]) -> None:
        """A foreign key to a tenant-owned row must point into the same regio, and to a row
        this scope may read: this is what keeps an id typed into a form from linking data
        across regio's. One look-up per foreign key, however many rows."""
        for column in table._meta.foreign_key_columns:
            target = _target(column)
            name = column._meta.name
            wanted = {row[name] for row in rows if row.get(name) is not None}
            if not wanted or not is_tenant_owned(target):
                continue
            for value in wanted:
                _check_id(target, value)
            key = target._meta.primary_key
            found = await self.count(target).where(key.is_in(sorted(wanted)))
            if found != len(wanted):
                raise NotFound(target.__name__)


def is_valid_id(value: object) -> bool:
    """Whether `value` can be the id of a row (a whole number from 1 to MAX_ID)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _check_id(table: type[Table], row_id: Any) -> None:
    if isinstance(row_id, int) and not is_valid_id(row_id):
        raise NotFound(f"{table.__name__} {row_id}")


def _target(column: ForeignKey) -> type[Table]:
    return column._foreign_key_meta.resolved_references

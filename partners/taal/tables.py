"""Tables of the taal package, each with its visibility policy (see tenants/scoped.py)."""

from __future__ import annotations

from piccolo.table import Table

# Every table of this package, for its Piccolo app.
TABLES: list[type[Table]] = []

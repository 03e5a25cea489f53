"""Look-ups of a BSN beyond the cases the actor may see: budgeted per person and audited.

A BSN (and a V-nummer) is unique in a regio, so registering a case, by hand or from a DUO
file, must look at every gemeente's cases. The answer says no more than the actor may know
(`inburgeraars.find_duplicates`): a case the actor may see is named; for any other the
message is the same neutral one, whatever the reason. Because even a neutral refusal tells
something, each number looked up this way costs one unit of a per-person budget per hour and
gets its own audit entry, `bsn_lookup`, whose subject is a keyed hash of the number (the
same hash that finds the case: a privacy officer with the number can find who looked it up;
the log itself holds no BSN). The budget is kept in the audit log itself, so it needs no
other store and cannot be reset by logging in again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portal.core import audit
from portal.core.database import write_transaction
from tenants.scope import Scope

# The entries are written out with this literal action too: the audit-sentence test reads it.
ACTION = "bsn_lookup"
# A real DUO file has at most 1,000 rows: checking it, importing it and checking it once
# more after a correction fits in an hour.
LOOKUPS_PER_HOUR = 3000
WINDOW = timedelta(hours=1)


class TooManyLookups(Exception):
    """The person's look-ups of this hour are used up; the message is Dutch."""

    def __init__(self, remaining: int) -> None:
        self.remaining = remaining
        super().__init__(
            f"U kunt per uur {_thousands(LOOKUPS_PER_HOUR)} BSN's in de hele regio laten "
            "opzoeken (bij inschrijven en bij het inlezen van DUO-signalen). Dit uur kunnen er "
            f"nog {_thousands(remaining)} en dat is te weinig hiervoor. Probeer het over een uur "
            "opnieuw, of neem contact op met het regiobureau."
        )


def _thousands(number: int) -> str:
    """3.000, as Dutch writes it."""
    return f"{number:,}".replace(",", ".")


def subject(index: str) -> str:
    """The audit subject of a looked-up number: its keyed hash, cut to the column's size."""
    return f"bsn:{index[:60]}"


async def spend(scope: Scope, indexes: list[str]) -> None:
    """Record a look-up of each number (by keyed hash) in the regio, or refuse them all with
    `TooManyLookups` when the person's budget for the hour does not cover them. Joins the
    caller's transaction if there is one; otherwise commits its own, so a registration that
    is refused afterwards still counts."""
    if not indexes:
        return
    since = datetime.now(UTC) - WINDOW
    async with write_transaction():
        used = await audit.count_recent(scope.person_id or 0, scope.tenant_id or 0, ACTION, since)
        remaining = max(0, LOOKUPS_PER_HOUR - used)
        if len(indexes) <= remaining:
            await audit.record_many(
                scope,
                [
                    audit.AuditEvent("bsn_lookup", "inburgeraar", subject_ref=subject(i))
                    for i in indexes
                ],
            )
            return
        await audit.record(
            scope,
            audit.AuditEvent("bsn_lookup", "inburgeraar", object_id=len(indexes), result="refused"),
        )
    raise TooManyLookups(remaining)

"""The learner's personal code: how each cursist confirms their own presence on the docent's
tablet, so the register meets Blik op Werk norm 2.9.3 (every cursist authenticates
personally).

Only an argon2 hash is stored. Wrong codes are counted per enrolment: after
`MAX_FAILURES` the code is locked for `LOCK_MINUTES`, so six digits cannot be guessed on a
tablet in class. The code is shown once, when it is made, to be handed to the learner.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from portal.core.passwords import hash_password, verify_password

CODE_DIGITS = 6
MAX_FAILURES = 5
LOCK_MINUTES = 15


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of one attempt and the enrolment fields to store for it."""

    ok: bool
    message: str
    changes: dict[str, Any]


def new_code() -> tuple[str, str]:
    """A fresh random code and its hash."""
    code = "".join(str(secrets.randbelow(10)) for _ in range(CODE_DIGITS))
    return code, hash_password(code)


def check(enrolment: dict[str, Any], code: str, now: datetime | None = None) -> CodeCheck:
    """Check `code` against the enrolment's hash, honouring and updating the lock."""
    now = now or datetime.now(UTC)
    locked_until = enrolment.get("code_locked_until")
    if locked_until is not None and locked_until > now:
        minutes = math.ceil((locked_until - now).total_seconds() / 60)
        return CodeCheck(
            False,
            f"Te vaak een verkeerde code. Probeer het over {minutes} "
            f"{'minuut' if minutes == 1 else 'minuten'} opnieuw.",
            {},
        )
    if not enrolment.get("code_hash"):
        return CodeCheck(False, "Deze cursist heeft nog geen persoonlijke code.", {})
    if verify_password(enrolment["code_hash"], code.strip()):
        return CodeCheck(True, "", {"code_failures": 0, "code_locked_until": None})
    failures = enrolment.get("code_failures", 0) + 1
    if failures >= MAX_FAILURES:
        return CodeCheck(
            False,
            f"Te vaak een verkeerde code. De code is {LOCK_MINUTES} minuten geblokkeerd.",
            {"code_failures": 0, "code_locked_until": now + timedelta(minutes=LOCK_MINUTES)},
        )
    return CodeCheck(False, "Deze code klopt niet.", {"code_failures": failures})

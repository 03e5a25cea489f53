"""Password hashing (argon2id) for the regio's that allow local accounts."""

from __future__ import annotations

import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Argon2's defaults (RFC 9106's low-memory profile) wherever a person logs in. The test suite
# logs in thousands of times and asks for a cheap profile with PORTAL_FAST_PASSWORD_HASHING=1
# (set by tests/conftest.py before the app is imported); the settings refuse it in production.
# Read here, at import, because the hasher must exist before any settings object does.
_FAST = os.environ.get("PORTAL_FAST_PASSWORD_HASHING", "").lower() in {"1", "true", "yes"}
_hasher = (
    PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1) if _FAST else PasswordHasher()
)

# Verified against when the e-mail is unknown, so a miss costs as much time as a hit and the
# response time does not tell which addresses have an account.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; always spends one argon2 verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """A Dutch reason why `password` is too weak, or None."""
    if len(password) < MIN_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_LENGTH} tekens."
    if password.lower() == password or password.upper() == password:
        return "Gebruik hoofdletters en kleine letters door elkaar."
    return None

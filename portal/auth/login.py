"""Local log-in: check the throttle, the password and whether the person may act at all."""

from __future__ import annotations

from dataclasses import dataclass

from portal.auth.throttle import LoginThrottle
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.passwords import hash_password, password_problem, verify_password
from portal.core.settings import Settings
from portal.core.validation import ValidationFailed
from tenants import accounts
from tenants.roles import Role
from tenants.scope import Origin

WRONG = "Het e-mailadres of het wachtwoord klopt niet."


@dataclass(frozen=True)
class LoginResult:
    account: accounts.Account
    memberships: list[accounts.MembershipChoice]
    invitations: list[accounts.InvitationChoice]

    @property
    def choices(self) -> int:
        return len(self.memberships) + (1 if self.account.is_superadmin else 0)

    @property
    def only_membership(self) -> int | None:
        """The membership to act in when there is nothing to choose, else None."""
        if self.choices == 1 and self.memberships:
            return self.memberships[0].membership_id
        return None


@dataclass(frozen=True)
class _LoginActor:
    """The audit log's view of someone who is not acting in a regio yet."""

    person_id: int | None
    origin: Origin | None
    tenant_id: int | None = None
    organisation_id: int | None = None
    role: str = "anonymous"


async def authenticate(
    email: str, password: str, origin: Origin, throttle: LoginThrottle, settings: Settings
) -> LoginResult:
    """Check a log-in attempt; raise ValidationFailed (Dutch) or TooManyAttempts."""
    ip = origin.ip or "unknown"
    await throttle.attempt(email, ip)
    account = await accounts.account_by_email(email) if email else None
    valid = verify_password(account.password_hash if account else None, password)
    if account is not None and account.is_demo and not settings.allow_demo_passwords:
        valid = False
    if not valid or account is None or not account.active:
        async with write_transaction():
            await audit.record(
                _LoginActor(person_id=account.id if account else None, origin=origin),
                audit.AuditEvent(action="login", object_type="session", result="denied"),
            )
        raise ValidationFailed({"email": WRONG})
    await throttle.succeeded(email, ip)
    memberships = await accounts.own_memberships(account.id)
    invitations = await accounts.own_invitations(account.id)
    result = LoginResult(account=account, memberships=memberships, invitations=invitations)
    if result.choices == 0 and not invitations:
        raise ValidationFailed(
            {
                "email": "Uw account heeft geen actieve rol in een regio. Neem contact op met "
                "de beheerder van uw regio."
            }
        )
    async with write_transaction():
        await accounts.record_login(account.id)
        await audit.record(
            _LoginActor(
                person_id=account.id,
                origin=origin,
                role=Role.SUPERADMIN.value if account.is_superadmin else "person",
            ),
            audit.AuditEvent(
                action="login", object_type="session", subject_ref=f"person:{account.id}"
            ),
        )
    return result


async def change_password(
    person_id: int,
    current: str,
    new: str,
    repeat: str,
    origin: Origin,
    throttle: LoginThrottle,
) -> None:
    """Change one's own password; ends the person's other sessions.

    The current password is throttled like a log-in (same counters): someone at an unattended,
    logged-in screen cannot use this form to guess it."""
    account = await accounts.account_by_id(person_id)
    if account is None:
        raise ValidationFailed({"current": "Uw huidige wachtwoord klopt niet."})
    ip = origin.ip or "unknown"
    await throttle.attempt(account.email, ip)
    errors: dict[str, str] = {}
    if verify_password(account.password_hash, current):
        await throttle.succeeded(account.email, ip)
    else:
        errors["current"] = "Uw huidige wachtwoord klopt niet."
        async with write_transaction():
            await audit.record(
                _LoginActor(person_id=person_id, origin=origin),
                audit.AuditEvent(
                    action="change_password",
                    object_type="session",
                    subject_ref=f"person:{person_id}",
                    result="denied",
                ),
            )
    if problem := password_problem(new):
        errors["new"] = problem
    elif new != repeat:
        errors["repeat"] = "De twee nieuwe wachtwoorden zijn niet gelijk."
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        await accounts.set_password_hash(person_id, hash_password(new))
        await accounts.end_all_sessions(person_id)


async def answer_invitation(
    person_id: int, invitation_id: int, accept: bool, origin: Origin
) -> bool:
    """Accept or decline one's own open invitation; False when there is none such."""
    async with write_transaction():
        return await accounts.answer_invitation(person_id, invitation_id, accept, origin)

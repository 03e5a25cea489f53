"""Tables of the tenancy: regio, organisation, person, membership.

Regio and Person are global (a person can work in more than one regio); Organisation and
Membership belong to one regio and carry a non-null `tenant`. Only the data-access modules
(tenants/scoped.py, tenants/accounts.py) query these tables.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from tenants.roles import Role
from tenants.scoped import register_policy


class Regio(Table, tablename="regio"):
    """A tenant: gemeenten of one region working together (e.g. SORA, regio Alkmaar)."""

    slug = Varchar(length=40, unique=True, null=False)
    name = Varchar(length=200, null=False)
    active = Boolean(default=True, null=False)
    # A regio may shorten sessions (never lengthen them beyond the platform settings).
    session_idle_minutes = Integer(null=True, default=None)
    # "Inzage na einde werk": days a partner still reads what it wrote on a task after the
    # work ended (tenants/regio_settings.py; 0 ends it the same day).
    partner_access_days = Integer(null=False, default=14)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)


class Organisation(Table, tablename="organisation"):
    """A gemeente, taalaanbieder, COA location, begeleiding or participatie partner, or the
    regio's own coordination office."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=200, null=False)
    kind = Varchar(length=20, null=False)
    # Organisatie-identificatienummer (20 digits), needed for DUO's M2M interfaces.
    oin = Varchar(length=20, null=True, default=None)
    contact_email = Varchar(length=254, null=True, default=None)
    contact_phone = Varchar(length=40, null=True, default=None)
    active = Boolean(default=True, null=False)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)


class Person(Table, tablename="person"):
    """Someone who logs in. Global: the same person may hold memberships in two regio's."""

    email = Varchar(length=254, unique=True, null=False)
    full_name = Varchar(length=200, null=False)
    password_hash = Varchar(length=200, null=True, default=None)
    is_superadmin = Boolean(default=False, null=False)
    is_demo = Boolean(default=False, null=False)
    active = Boolean(default=True, null=False)
    # Raised on log-out-everywhere and on deactivation; sessions carrying an older value end.
    session_epoch = Integer(default=0, null=False)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)
    last_login_at = Timestamptz(null=True, default=None)


class Membership(Table, tablename="membership"):
    """A person acting for one organisation of a regio in one role."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    person = ForeignKey(Person, null=False, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict, index=True)
    role = Varchar(length=30, null=False)
    active = Boolean(default=True, null=False)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)

    # Unique (person, organisation, role): a hand-written unique index in the migration,
    # because SQLite cannot add a table constraint after creation.


INVITATION_OPEN = "open"


class Invitation(Table, tablename="invitation"):
    """A beheerder's offer of a membership to someone who has none in this regio yet. It
    becomes a membership only when that person accepts it, logged in as themselves."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    person = ForeignKey(Person, null=False, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict)
    role = Varchar(length=30, null=False)
    # open, then accepted or declined by the person.
    status = Varchar(length=20, null=False, default="open")
    invited_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)
    decided_at = Timestamptz(null=True, default=None)


# Visibility inside a regio, declared beside the tables (the tenant filter comes first and is
# added by tenants.scoped for every table).
_ADMINISTRATORS = (Role.BEHEERDER, Role.SUPERADMIN, Role.SYSTEM)

register_policy(
    Organisation,
    # The regio's partner directory is something every member of the regio may consult.
    read=lambda scope: True,
    write=lambda scope: scope.role in _ADMINISTRATORS,
)
register_policy(
    Membership,
    read=lambda scope: (
        True
        if scope.role in (*_ADMINISTRATORS, Role.PRIVACY)
        else (Membership.person == scope.person_id)
        | (Membership.organisation == scope.organisation_id)
    ),
    write=lambda scope: scope.role in _ADMINISTRATORS,
)
register_policy(
    Invitation,
    # The invitee reads and answers their own invitations before they act in the regio, through
    # tenants/accounts.py; inside the regio only its administrators and privacy officer see them.
    read=lambda scope: scope.role in (*_ADMINISTRATORS, Role.PRIVACY),
    write=lambda scope: scope.role in _ADMINISTRATORS,
)

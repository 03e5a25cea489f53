"""Tables of the notifications package, each with its visibility policy (tenants/scoped.py).

- `Notification` is the outbox: one row per message, for one person, on one occasion
  (`key`, unique per regio). The same row is the notification in the bell and the e-mail
  a job delivers; the `mail_*` columns are the delivery's state (docs/notifications.md).
  A person reads and marks read only their own; only a system scope writes new rows.
- `NotificationPreference`: how a person wants their mail in a regio (at once, or a daily
  digest at a time they choose).
- `ReminderSetting`: a regio's own "N" for a reminder kind (days before or after).
"""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import Visibility, register_policy
from tenants.tables import Person, Regio

MAIL_NEW = "nieuw"
MAIL_CLAIMED = "bezig"
MAIL_SENT = "verzonden"
# No mail: the person has no address, or the row was read in the portal before its digest.
MAIL_NONE = "geen"


class Notification(Table, tablename="notification"):
    """One message for one person on one occasion: the bell's row and the mail's outbox."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    recipient = ForeignKey(Person, null=False, on_delete=OnDelete.restrict, index=True)
    # What, for whom, which occasion: the same key twice is the same message.
    key = Varchar(length=200, null=False)
    kind = Varchar(length=60, null=False)
    title = Varchar(length=300, null=False)
    dossier = Integer(null=True, default=None)
    due_date = Date(null=True, default=None)
    # What the notification is about, resolved to a link at display time (reminder_kinds).
    link_kind = Varchar(length=20, null=False, default="")
    link_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)
    read_at = Timestamptz(null=True, default=None)
    mail_status = Varchar(length=20, null=False, default=MAIL_NEW)
    mail_claim = Varchar(length=40, null=True, default=None)
    mail_claimed_at = Timestamptz(null=True, default=None)
    mail_message_id = Varchar(length=200, null=True, default=None)
    mailed_at = Timestamptz(null=True, default=None)


class NotificationPreference(Table, tablename="notification_preference"):
    """A person's choice of mail in one regio: `direct` or a `dagelijks` digest."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    person = ForeignKey(Person, null=False, on_delete=OnDelete.restrict, index=True)
    mode = Varchar(length=20, null=False, default="direct")
    digest_time = Varchar(length=5, null=False, default="08:00")
    last_digest_on = Date(null=True, default=None)


class ReminderSetting(Table, tablename="reminder_setting"):
    """A regio's own number for one reminder kind; absent means the kind's default."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    code = Varchar(length=60, null=False)
    value = Integer(null=False)


def _own(column: ForeignKey):
    def rule(scope: Scope) -> Visibility:
        if scope.role is Role.SYSTEM:
            return True
        if scope.person_id is None:
            return False
        return column == scope.person_id

    return rule


def _beheerder_or_system(scope: Scope) -> Visibility:
    return scope.role in (Role.SYSTEM, Role.BEHEERDER)


register_policy(
    Notification,
    read=_own(Notification.recipient),
    write=_own(Notification.recipient),
)
register_policy(
    NotificationPreference,
    read=_own(NotificationPreference.person),
    write=_own(NotificationPreference.person),
)
# Every member may know the regio's reminder numbers; the beheerder sets them.
register_policy(ReminderSetting, read=lambda scope: True, write=_beheerder_or_system)

TABLES = [Notification, NotificationPreference, ReminderSetting]

"""Notifications: the outbox table, the bell and inbox, e-mail delivery and the reminder rules."""

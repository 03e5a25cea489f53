"""Mails of the portal: composed in Dutch (plain text and HTML) and handed to SMTP, or in
embedded mode written as `.eml` files under `var/outbox/`.

A mail says what is due, for which dossier number, and links to the portal: never a BSN,
a name of an inburgeraar or health data, because mail leaves the portal's protection.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr
from html import escape
from urllib.parse import urlsplit

from portal.core.clock import MONTHS
from portal.core.settings import Settings


@dataclass(frozen=True)
class MailItem:
    """One line of a mail: what is due, the dossier number, when, and its page."""

    title: str
    dossier: int | None
    due_date: date | None
    href: str


@dataclass(frozen=True)
class Mail:
    to: str
    to_name: str
    regio_name: str
    subject: str
    items: tuple[MailItem, ...]
    inbox_href: str
    message_id: str
    dedup_key: str


def date_nl(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def message_id(settings: Settings, key: str) -> str:
    """A Message-ID fixed by the outbox row(s) a mail is made from: sending it again after a
    crash gives the same id, which is how a mailbox recognises the duplicate."""
    host = urlsplit(settings.base_url).hostname or "portal.invalid"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{host}>"


def _line(item: MailItem) -> str:
    parts = [item.title]
    if item.dossier is not None:
        parts.append(f"dossiernummer {item.dossier}")
    if item.due_date is not None:
        parts.append(f"uiterlijk {date_nl(item.due_date)}")
    return " · ".join(parts)


def compose(settings: Settings, mail: Mail) -> EmailMessage:
    """The mail as a MIME message: plain text first, HTML as the alternative."""
    message = EmailMessage()
    message["From"] = formataddr((mail.regio_name, settings.smtp_from))
    message["To"] = formataddr((mail.to_name, mail.to))
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    # The outbox key(s) of this mail: a mailbox or relay that keeps duplicates out by header
    # finds the same value on a mail sent again after a crash (docs/notifications.md).
    message["X-Portal-Melding"] = mail.dedup_key
    message["Content-Language"] = "nl"
    lines = [f"Beste {mail.to_name},", "", "In het portaal staat iets voor u klaar:", ""]
    for item in mail.items:
        lines += [f"- {_line(item)}", f"  {item.href}"]
    lines += [
        "",
        f"Al uw meldingen: {mail.inbox_href}",
        "",
        "Deze e-mail bevat geen persoonsgegevens. Log in op het portaal om het dossier te zien.",
        "",
        f"Met vriendelijke groet,\n{mail.regio_name}",
    ]
    message.set_content("\n".join(lines))
    rows = "".join(
        f'<li><a href="{escape(item.href)}">{escape(_line(item))}</a></li>' for item in mail.items
    )
    html = (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        f"<title>{escape(mail.subject)}</title></head><body>"
        f"<p>Beste {escape(mail.to_name)},</p>"
        "<p>In het portaal staat iets voor u klaar:</p>"
        f"<ul>{rows}</ul>"
        f'<p><a href="{escape(mail.inbox_href)}">Al uw meldingen</a></p>'
        "<p>Deze e-mail bevat geen persoonsgegevens. Log in op het portaal om het dossier "
        "te zien.</p>"
        f"<p>Met vriendelijke groet,<br>{escape(mail.regio_name)}</p></body></html>"
    )
    message.add_alternative(html, subtype="html")
    return message


def eml_path(settings: Settings, message_id_value: str) -> str:
    name = hashlib.sha256(message_id_value.encode()).hexdigest()[:32]
    return os.path.join(settings.outbox_path, f"{name}.eml")


def send(settings: Settings, messages: Sequence[EmailMessage]) -> None:
    """Hand the messages to the SMTP server (one connection), or write them as `.eml` files.

    A file is named after its Message-ID and written under a temporary name first, then
    renamed: writing the same mail again after a crash replaces the file, never adds one."""
    if not messages:
        return
    if not settings.smtp_host:
        settings.outbox_path.mkdir(parents=True, exist_ok=True)
        for message in messages:
            target = eml_path(settings, str(message["Message-ID"]))
            fd, temporary = tempfile.mkstemp(dir=settings.outbox_path, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(message.as_bytes())
            os.replace(temporary, target)
        return
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    ) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        for message in messages:
            smtp.send_message(message)

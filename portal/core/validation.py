"""Validation failures that carry a Dutch message per field."""

from __future__ import annotations

import re


class ValidationFailed(ValueError):
    """Input was refused; `errors` maps a form field to a Dutch message for the user."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
OIN_RE = re.compile(r"^\d{20}$")


def clean_text(value: object, max_length: int) -> str:
    """Strip, collapse to one line, and cut nothing: too long is an error, not a truncation."""
    return " ".join(str(value or "").split())[: max_length + 1]


class Checker:
    """Collects field errors, then raises them together so the user sees all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def require(self, field: str, value: str, label: str, max_length: int = 200) -> None:
        if not value:
            self.errors.setdefault(field, f"Vul {label} in.")
        elif len(value) > max_length:
            self.errors.setdefault(
                field, f"{label.capitalize()} mag maximaal {max_length} tekens zijn."
            )

    def email(self, field: str, value: str, *, required: bool = True) -> None:
        if not value:
            if required:
                self.errors.setdefault(field, "Vul een e-mailadres in.")
        elif not EMAIL_RE.match(value) or len(value) > 254:
            self.errors.setdefault(field, "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.")

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)

"""Counts read as Dutch: "1 groep", "2 groepen", "1.250 cursisten" (issue 8, item 14)."""

from __future__ import annotations

from portal.web.templating import aantal


def test_one_is_singular_everything_else_plural_with_dutch_digits() -> None:
    assert aantal(1, "groep", "groepen") == "1 groep"
    assert aantal(0, "groep", "groepen") == "0 groepen"
    assert aantal(2, "cursist", "cursisten") == "2 cursisten"
    assert aantal(1250, "cursist", "cursisten") == "1.250 cursisten"
    assert aantal(None, "les", "lessen") == "0 lessen"

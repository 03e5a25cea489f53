"""DUO's acceptance rules for a PIP, each with its Dutch message."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from portal.casefile.pip_rules import DeadlineState, PipFacts, deadline_state, termijn, violations

TODAY = date(2026, 11, 23)
BASE = PipFacts(
    dagtekening=date(2026, 11, 20),
    leerroute="B",
    niveau="B1",
    intensiteit_b1=900,
    alfabetisering="NVT",
    ontzorgen_months=6,
    is_asielstatushouder=True,
    plicht_start=date(2026, 9, 1),
    brp_date=date(2026, 10, 1),
    first_dagtekening=None,
    current_dagtekening=None,
    is_first_pip_anywhere=True,
)


def test_a_correct_pip_has_no_violations() -> None:
    assert violations(BASE, TODAY) == {}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            {"dagtekening": date(2026, 8, 1)},
            "dagtekening",
            "vóór de start van de inburgeringsplicht",
        ),
        ({"dagtekening": date(2026, 9, 15)}, "dagtekening", "vóór de inschrijving in de gemeente"),
        ({"dagtekening": date(2026, 12, 1)}, "dagtekening", "in de toekomst"),
        (
            {"leerroute": "O", "niveau": "A2", "intensiteit_b1": None},
            "niveau",
            "A2 kan niet samen met de Onderwijsroute",
        ),
        (
            {"leerroute": "Z", "niveau": "B1", "intensiteit_b1": None},
            "niveau",
            "B1 kan niet samen met de Z-route",
        ),
        ({"niveau": "A2"}, "niveau", "eerste PIP"),
        ({"leerroute": "Z", "niveau": None}, "intensiteit_b1", "alleen bij de B1-route"),
        ({"is_asielstatushouder": False}, "intensiteit_b1", "asielstatushouder"),
        ({"ontzorgen_months": 3}, "ontzorgen_months", "minstens 6 maanden"),
        ({"leerroute": None}, "leerroute", "Kies een leerroute"),
    ],
)
def test_each_rule_refuses_with_a_dutch_message(change: dict, field: str, words: str) -> None:
    errors = violations(replace(BASE, **change), TODAY)
    assert field in errors and words in errors[field]


def test_a2_on_the_b1_route_is_allowed_on_a_later_pip() -> None:
    later = replace(
        BASE, niveau="A2", is_first_pip_anywhere=False, first_dagtekening=date(2026, 10, 10)
    )
    assert "niveau" not in violations(later, TODAY)


def test_changed_pip_cannot_be_dated_before_the_current_one() -> None:
    changed = replace(BASE, dagtekening=date(2026, 11, 1), current_dagtekening=date(2026, 11, 10))
    assert "vóór die van de huidige PIP" in violations(changed, TODAY)["dagtekening"]


def test_without_niveau_b1_is_assumed_for_onderwijsroute() -> None:
    assert "niveau" not in violations(
        replace(BASE, leerroute="O", niveau=None, intensiteit_b1=None), TODAY
    )


def test_deadline_states_against_the_ten_week_norm() -> None:
    assert deadline_state(date(2026, 9, 1), None, TODAY) is DeadlineState.TE_LAAT
    assert deadline_state(date(2026, 9, 20), None, TODAY) is DeadlineState.BINNENKORT
    assert deadline_state(date(2026, 11, 1), None, TODAY) is DeadlineState.OP_SCHEMA
    assert deadline_state(date(2026, 9, 1), date(2026, 10, 1), TODAY) is DeadlineState.VASTGESTELD
    assert deadline_state(None, None, TODAY) is DeadlineState.ONBEKEND


def test_termijn_starts_the_day_after_and_lasts_three_years() -> None:
    assert termijn(date(2026, 11, 20)) == (date(2026, 11, 21), date(2029, 11, 20))

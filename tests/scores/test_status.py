"""A score's status: exactly on the target is gehaald, inside the tolerance bijna gemist,
beyond it gemist, and an empty period is geen gegevens (never met, never missed)."""

from __future__ import annotations

from partners.convenants.scores import Status, status, value_centi
from portal.kpi.catalogue import Unit


def _status(comparison: str, numerator: float, denominator: float, unit=Unit.PERCENT):
    target, tolerance = (8500, 8000) if comparison == "ge" else (1000, 1200)
    return status(comparison, target, tolerance, value_centi(numerator, denominator, unit))


def test_exactly_on_an_at_least_target_is_met() -> None:
    # 17 of 20 is exactly 85 %: no float rounding may make it "bijna gemist".
    assert _status("ge", 17, 20) is Status.MET


def test_inside_and_beyond_the_tolerance_of_an_at_least_target() -> None:
    assert _status("ge", 84, 100) is Status.NEARLY
    assert _status("ge", 80, 100) is Status.NEARLY
    assert _status("ge", 7999, 10000) is Status.MISSED


def test_at_most_targets_turn_the_other_way() -> None:
    # Mean working days: 10 on the dot is met, 12 still nearly, 12.01 missed.
    assert _status("le", 30, 3, Unit.WORKDAYS) is Status.MET
    assert _status("le", 33, 3, Unit.WORKDAYS) is Status.NEARLY
    assert _status("le", 36, 3, Unit.WORKDAYS) is Status.NEARLY
    assert _status("le", 1201, 100, Unit.WORKDAYS) is Status.MISSED


def test_an_empty_period_is_no_data_not_met_nor_missed() -> None:
    assert value_centi(0, 0, Unit.PERCENT) is None
    assert _status("ge", 0, 0) is Status.NO_DATA
    assert _status("le", 0, 0, Unit.WORKDAYS) is Status.NO_DATA
    assert Status.NO_DATA.label == "Geen gegevens"

"""A convenant term: what it measures, the comparison, the target, the period and the
"bijna gemist" band; how it reads in Dutch and what changed between two versions.

Targets are exact: hundredths in an integer (`centi`), so 85 % is 8500 and 12,5 uur 1250 on
both engines (SQLite would turn a decimal into a float).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from portal.core.validation import Checker
from portal.kpi import catalogue
from portal.kpi.periods import PeriodKind
from tenants.roles import OrganisationKind

COMPARISONS = {"ge": "≥", "le": "≤"}
COMPARISON_LABELS = {"ge": "minstens (≥)", "le": "hoogstens (≤)"}
KINDS = {"kpi": "gemeten", "verklaring": "verklaring"}
MAX_TARGET = Decimal("1000000")
MAX_WINDOW = 60


def to_centi(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def from_centi(centi: int) -> Decimal:
    return (Decimal(centi) / 100).normalize() if centi % 100 else Decimal(centi // 100)


def number_nl(centi: int) -> str:
    """85 → "85", 12,5 → "12,5": the Dutch decimal comma, no trailing zeros."""
    text = format(from_centi(centi), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def parse_number(raw: str) -> Decimal | None:
    """A number as a person types it ("85", "12,5", "12.5"), at most two decimals."""
    text = raw.strip().replace(" ", "").replace(",", ".")
    if not text or text.count(".") > 1:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > MAX_TARGET:
        return None
    if value != value.quantize(Decimal("0.01")):
        return None
    return value


@dataclass(frozen=True)
class TermInput:
    """One term row of the form, as typed."""

    code: str
    comparison: str
    target: str
    tolerance: str
    period_kind: str
    # "binnen N werkdagen", only for a KPI with a window; empty keeps the KPI's standard.
    window: str = ""


@dataclass(frozen=True)
class TermValues:
    """A checked term, ready to store."""

    code: str
    kind: str
    partner_kind: str
    comparison: str
    target_centi: int
    tolerance_centi: int
    period_kind: str
    window_workdays: int | None = None


def code_label(code: str) -> str:
    """The catalogue's label of a code, or the code itself when the catalogue lacks it."""
    found = catalogue.kpi(code) or catalogue.declaration(code)
    return found.label if found else code


def unit_suffix(code: str) -> str:
    found = catalogue.kpi(code)
    if found is not None:
        return found.unit.suffix
    declared = catalogue.declaration(code)
    if declared is not None and declared.answer is catalogue.AnswerKind.PERCENT:
        return " %"
    if declared is not None and declared.answer is catalogue.AnswerKind.DAYS:
        return " dagen"
    return ""


def code_options() -> list[tuple[str, str]]:
    """(code, label) of every term a convenant can agree on, measured ones first."""
    measured = [(k.code, f"{k.label} (gemeten)") for k in catalogue.kpis()]
    declared = [(d.code, f"{d.label} (verklaring)") for d in catalogue.declarations()]
    return sorted(measured) + sorted(declared)


def windowed_kpis() -> str:
    """The KPIs whose term may set its own window, with their standard, for the form's hint."""
    return "; ".join(
        f"{k.label.lower()}: standaard {k.window}" for k in catalogue.kpis() if k.window is not None
    )


def check_terms(rows: list[TermInput], checker: Checker) -> list[TermValues]:
    """Each row checked against the catalogue; errors under `term-<n>-<field>`."""
    checked: list[TermValues] = []
    for index, row in enumerate(rows, start=1):
        field = f"term-{index}"
        measured = catalogue.kpi(row.code)
        declared = catalogue.declaration(row.code)
        if measured is None and declared is None:
            checker.fail(f"{field}-code", f"Kies bij afspraak {index} wat er gemeten wordt.")
            continue
        if row.comparison not in COMPARISONS:
            checker.fail(f"{field}-comparison", f"Kies bij afspraak {index} minstens of hoogstens.")
        try:
            period = PeriodKind(row.period_kind)
        except ValueError:
            checker.fail(f"{field}-period", f"Kies bij afspraak {index} de meetperiode.")
            continue
        target = parse_number(row.target)
        tolerance = parse_number(row.tolerance)
        if target is None:
            checker.fail(
                f"{field}-target",
                f"Vul bij afspraak {index} de norm in als getal, zoals 85 of 12,5.",
            )
        if tolerance is None:
            checker.fail(
                f"{field}-tolerance",
                f"Vul bij afspraak {index} in vanaf welke waarde het 'bijna gemist' is, zoals 80.",
            )
        if target is None or tolerance is None or row.comparison not in COMPARISONS:
            continue
        if row.comparison == "ge" and tolerance > target:
            checker.fail(
                f"{field}-tolerance",
                f"Bij afspraak {index} ligt 'bijna gemist' onder de norm: vul een getal in "
                f"dat niet hoger is dan {number_nl(to_centi(target))}.",
            )
            continue
        if row.comparison == "le" and tolerance < target:
            checker.fail(
                f"{field}-tolerance",
                f"Bij afspraak {index} ligt 'bijna gemist' boven de norm: vul een getal in "
                f"dat niet lager is dan {number_nl(to_centi(target))}.",
            )
            continue
        valid, window = _window(row, measured, index, checker)
        if not valid:
            continue
        kind = (measured or declared).partner_kind  # type: ignore[union-attr]
        checked.append(
            TermValues(
                code=row.code,
                kind="kpi" if measured else "verklaring",
                partner_kind=OrganisationKind(kind).value,
                comparison=row.comparison,
                target_centi=to_centi(target),
                tolerance_centi=to_centi(tolerance),
                period_kind=period.value,
                window_workdays=window,
            )
        )
    return checked


def _window(
    row: TermInput, measured: catalogue.Kpi | None, index: int, checker: Checker
) -> tuple[bool, int | None]:
    """Whether the window is right, and the agreed window in working days (None: the KPI's
    standard)."""
    text = row.window.strip()
    if not text:
        return True, None
    field = f"term-{index}-window"
    if measured is None or measured.window is None:
        checker.fail(field, f"Bij afspraak {index} hoort geen termijn in werkdagen: laat leeg.")
        return False, None
    if not text.isdigit() or not 0 <= int(text) <= MAX_WINDOW:
        checker.fail(
            field,
            f"Vul bij afspraak {index} de termijn in als heel aantal werkdagen, van 0 tot en "
            f"met {MAX_WINDOW}.",
        )
        return False, None
    return True, int(text)


def window_phrase(term: dict[str, Any]) -> str:
    """ " binnen 3 werkdagen" for a term with its own window, else empty."""
    days = term.get("window_workdays")
    if days is None:
        return ""
    return f" binnen {days} {'werkdag' if days == 1 else 'werkdagen'}"


def sentence(term: dict[str, Any]) -> str:
    """ "Aanwezigheid ≥ 85 % per maand, bijna gemist vanaf 80 %"; a term with its own window
    says it: "Verzuimsignaal op tijd binnen 3 werkdagen ≥ 90 % per maand, ..."."""
    suffix = unit_suffix(term["code"])
    period = PeriodKind(term["period_kind"]).label
    return (
        f"{code_label(term['code'])}{window_phrase(term)} {COMPARISONS[term['comparison']]} "
        f"{number_nl(term['target_centi'])}{suffix} {period}, bijna gemist vanaf "
        f"{number_nl(term['tolerance_centi'])}{suffix}"
    )


COMPARED = (
    "code",
    "window_workdays",
    "comparison",
    "target_centi",
    "tolerance_centi",
    "period_kind",
)
FIELD_LABELS = {
    "code": "wat er gemeten wordt",
    "window_workdays": "termijn in werkdagen",
    "comparison": "vergelijking",
    "target_centi": "norm",
    "tolerance_centi": "bijna gemist vanaf",
    "period_kind": "meetperiode",
}


@dataclass(frozen=True)
class TermChange:
    """One term line between two versions: added, removed, changed or unchanged."""

    line: int
    change: str
    before: str
    after: str
    fields: tuple[str, ...]


def diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[TermChange]:
    """What changed per term line between two versions' terms."""
    old = {term["line"]: term for term in before}
    new = {term["line"]: term for term in after}
    changes = []
    for line in sorted(old.keys() | new.keys()):
        a, b = old.get(line), new.get(line)
        if a is None:
            changes.append(TermChange(line, "toegevoegd", "", sentence(b), ()))  # type: ignore[arg-type]
        elif b is None:
            changes.append(TermChange(line, "verwijderd", sentence(a), "", ()))
        else:
            fields = tuple(FIELD_LABELS[f] for f in COMPARED if a.get(f) != b.get(f))
            changes.append(
                TermChange(
                    line,
                    "gewijzigd" if fields else "ongewijzigd",
                    sentence(a),
                    sentence(b),
                    fields,
                )
            )
    return changes

"""docs/kpis.md is generated from the KPI catalogue and must match it."""

from __future__ import annotations

from partners.registry import register_all
from portal.core.settings import PROJECT_ROOT
from portal.kpi.catalogue import declarations, kpis
from portal.kpi.doc import render_kpi_doc


def test_kpi_doc_is_current() -> None:
    register_all(web=False)
    written = (PROJECT_ROOT / "docs" / "kpis.md").read_text()
    assert written == render_kpi_doc(), "run `make kpi-doc` (portal kpi-doc --write)"


def test_every_term_of_the_issue_is_in_the_catalogue() -> None:
    register_all(web=False)
    codes = {k.code for k in kpis()}
    assert {
        "taal.intake_doorlooptijd",
        "taal.start_na_pip",
        "taal.aanwezigheid",
        "taal.verzuimsignaal_tijdig",
        "taal.presentielijst_getekend",
        "taal.bevestigd_door_cursist",
        "taal.uren_aangeboden",
        "taal.groepsgrootte",
        "taal.voortgang_tijdig",
        "taal.eind_tijdig",
        "taal.examen_lezen",
        "taal.examen_knm",
        "taal.advies_tijdig",
    } <= codes
    assert {d.code for d in declarations()} == {
        "taal.nt2_docenten",
        "taal.tevredenheid",
        "taal.tarieven_roosters_gepubliceerd",
        "taal.klachtafhandeling",
    }
    # A term names one code: measured and declared codes never collide.
    assert not codes & {d.code for d in declarations()}

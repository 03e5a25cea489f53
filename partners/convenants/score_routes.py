"""Routes of the scores: the coordinator's monitor of the convenant terms (partners side by
side, trend charts, pseudonymised records, questions about a row, exports) and a partner's
own scores (its values, its records by name, what it can still fix, its answers). Thin: the
rules, and who may see which organisation, are in `scores.py` and `score_records.py`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from markupsafe import Markup

from partners.convenants import score_records, scores
from partners.convenants.tables import PARTY_ROLES
from portal.auth.guards import allow
from portal.core.clock import today
from portal.core.csv_export import ExportTable, Flavour, table_csv
from portal.core.validation import ValidationFailed
from portal.core.xlsx_export import MEDIA_TYPE as XLSX_MEDIA_TYPE
from portal.core.xlsx_export import table_xlsx
from portal.web import charts
from portal.web.flash import flash
from portal.web.request_values import actor_scope, data_key, form_text
from portal.web.templating import page
from tenants.roles import Role
from tenants.scoped import NotFound

COORDINATOR = [allow(Role.REGIOCOORDINATOR)]
PARTIES = [allow(*PARTY_ROLES)]
FORMATS = ("csv", "xlsx")


def _number(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _chart(found: scores.TermScores) -> Markup | None:
    if not found.measured or len(found.partners) > charts.MAX_SERIES:
        return None
    return charts.line_chart(
        f"grafiek-{found.anchor}",
        f"{found.label}: verloop per partner ({found.title})",
        f"{found.term.sentence}. Waarde per partner per periode, met het gemiddelde van de "
        "regio en de norm. De tabel geeft dezelfde waarden met de status in woorden.",
        [p.label for p in found.periods],
        [charts.Series(row.name, [cell.number for cell in row.cells]) for row in found.partners],
        reference=charts.Series("Regio (gemiddelde)", [c.number for c in found.regio])
        if found.regio
        else None,
        target=charts.Target("Norm", found.term.target_centi / 100),
        unit=found.suffix,
    )


def _export(found: list[scores.TermScores], afspraak: str, formaat: str, name: str) -> Response:
    if formaat not in FORMATS:
        raise NotFound("formaat")
    chosen = next((s for s in found if s.anchor == afspraak), None)
    if chosen is None:
        raise NotFound("afspraak")
    columns, rows = scores.export_rows(chosen)
    table = ExportTable(f"{chosen.label} ({chosen.term.sentence})", columns, rows)
    if formaat == "xlsx":
        content, media_type, suffix = table_xlsx(table), XLSX_MEDIA_TYPE, "xlsx"
    else:
        content, media_type, suffix = (
            table_csv(table, Flavour.EXCEL),
            "text/csv; charset=utf-8",
            "csv",
        )
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}-{afspraak}.{suffix}"'},
    )


async def _records_page(
    request: Request,
    convenant: str,
    regel: str,
    periode: str,
    organisatie: str,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    convenant_id, line = _number(convenant), _number(regel)
    organisation_id = _number(organisatie) if organisatie else None
    if convenant_id is None or line is None or (organisatie and organisation_id is None):
        raise NotFound("records")
    view = await score_records.records(
        actor_scope(request),
        convenant_id,
        line,
        periode,
        organisation_id,
        data_key(request),
        today(),
    )
    return page(
        request,
        "convenants/score_records.html",
        status_code=status_code,
        view=view,
        errors=errors or {},
        typed=typed or {},
    )


async def _post_question(request: Request, back: str) -> Any:
    form = await request.form()
    convenant = form_text(form, "convenant")
    regel = form_text(form, "regel")
    periode = form_text(form, "periode")
    organisatie = form_text(form, "organisatie")
    record = _number(form_text(form, "record"))
    convenant_id, line = _number(convenant), _number(regel)
    if convenant_id is None or line is None or record is None:
        raise NotFound("record")
    question = score_records.QuestionInput(
        convenant_id,
        line,
        periode,
        _number(organisatie) if organisatie else None,
        record,
        form_text(form, "text"),
    )
    try:
        await score_records.ask(actor_scope(request), question, data_key(request), today())
    except ValidationFailed as failed:
        return await _records_page(
            request,
            convenant,
            regel,
            periode,
            organisatie,
            failed.errors,
            {"record": str(record), "text": question.text},
            status_code=HTTP_400_BAD_REQUEST,
        )
    flash(request, "Uw bericht is geplaatst.")
    query = f"convenant={convenant_id}&regel={line}&periode={periode}"
    if question.organisation_id:
        query += f"&organisatie={question.organisation_id}"
    return Redirect(path=f"{back}?{query}#record-{record}", status_code=303)


class ScoreMonitorController(Controller):
    """The coordinator's scores of the convenant terms (a sub-page of the monitor)."""

    path = "/r/{slug:str}/monitor/afspraken"
    guards = COORDINATOR

    @get("/", name="monitor_afspraken")
    async def index(self, request: Request, slug: FromPath[str]) -> Template:
        found = await scores.monitor(actor_scope(request), today())
        return page(
            request,
            "convenants/scores_monitor.html",
            found=found,
            chart_of={s.anchor: _chart(s) for s in found},
        )

    @get("/export")
    async def export(
        self,
        request: Request,
        slug: FromPath[str],
        afspraak: FromQuery[str] = "",
        formaat: FromQuery[str] = "csv",
    ) -> Response:
        found = await scores.monitor(actor_scope(request), today())
        return _export(found, afspraak, formaat, f"{slug}-scores-{today():%Y-%m-%d}")

    @get("/records")
    async def records(
        self,
        request: Request,
        slug: FromPath[str],
        convenant: FromQuery[str] = "",
        regel: FromQuery[str] = "",
        periode: FromQuery[str] = "",
        organisatie: FromQuery[str] = "",
    ) -> Template:
        return await _records_page(request, convenant, regel, periode, organisatie)

    @post("/vraag")
    async def ask(self, request: Request, slug: FromPath[str]) -> Any:
        return await _post_question(request, f"/r/{slug}/monitor/afspraken/records")


class OwnScoresController(Controller):
    """A partner's own scores on the convenants it is a party of."""

    path = "/r/{slug:str}/mijn-scores"
    guards = PARTIES

    @get("/", name="mijn_scores")
    async def index(self, request: Request, slug: FromPath[str]) -> Template:
        found = await score_records.own_page(actor_scope(request), today())
        return page(
            request,
            "convenants/scores_own.html",
            found=found.scores,
            improvements=found.improvements,
            questions=found.questions,
        )

    @get("/export")
    async def export(
        self,
        request: Request,
        slug: FromPath[str],
        afspraak: FromQuery[str] = "",
        formaat: FromQuery[str] = "csv",
    ) -> Response:
        found = await scores.own(actor_scope(request), today())
        return _export(found, afspraak, formaat, f"mijn-scores-{today():%Y-%m-%d}")

    @get("/records")
    async def records(
        self,
        request: Request,
        slug: FromPath[str],
        convenant: FromQuery[str] = "",
        regel: FromQuery[str] = "",
        periode: FromQuery[str] = "",
        organisatie: FromQuery[str] = "",
    ) -> Template:
        return await _records_page(request, convenant, regel, periode, organisatie)

    @post("/vraag")
    async def answer(self, request: Request, slug: FromPath[str]) -> Any:
        return await _post_question(request, f"/r/{slug}/mijn-scores/records")


ROUTE_HANDLERS: list[Any] = [ScoreMonitorController, OwnScoresController]

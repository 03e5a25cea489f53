"""The coordinator's monitor: the regio's own figures, each as a chart with the same numbers
in a table beside it, every number a link to the count behind it, every table as CSV
(Excel) and XLSX; and the form for the taakstelling.

Only the regiocoordinator (403 for any other role; another regio is 404 by the regio
guard). The services read across the regio through an audited system view and return
counts only (portal/casefile/regio_figures.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from markupsafe import Markup

from portal.auth.guards import allow
from portal.casefile import regio_figures as rf
from portal.core.clock import today
from portal.core.csv_export import Flavour, table_csv
from portal.core.validation import ValidationFailed
from portal.core.xlsx_export import MEDIA_TYPE as XLSX_MEDIA_TYPE
from portal.core.xlsx_export import table_xlsx
from portal.web import charts
from portal.web.flash import flash
from portal.web.request_values import actor_scope, form_text
from portal.web.templating import page
from tenants import organisations
from tenants.roles import OrganisationKind, Role
from tenants.scoped import NotFound

COORDINATOR = [allow(Role.REGIOCOORDINATOR)]
FORMATS = ("csv", "xlsx")


def _int_or_none(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


def _link(slug: str, **params: Any) -> str:
    """The address of the count behind a number."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"/r/{slug}/monitor/cijfer?{query}"


def _pip_chart(figures: rf.RegioFigures) -> Markup:
    labels = [rf.half_year_label(h) for h in figures.half_years]
    regio = rf.pip_norm_regio(figures.pip_norm, figures.half_years)
    by_key = {(r.gemeente.id, r.half_year): r for r in figures.pip_norm}
    named = [g for g in figures.gemeenten if any(k[0] == g.id for k in by_key)]
    regio_series = charts.Series("Regio (gemiddelde)", [r.share for r in regio])
    description = (
        "Aandeel dossiers met een PIP binnen 10 weken na inschrijving, van de dossiers die "
        "al te beoordelen zijn, per half jaar van inschrijving. De tabel ernaast geeft de "
        "aantallen."
    )
    if 0 < len(named) <= charts.MAX_SERIES:
        series = [
            charts.Series(
                g.name,
                [
                    by_key[(g.id, h)].share if (g.id, h) in by_key else None
                    for h in figures.half_years
                ],
            )
            for g in named
        ]
        return charts.line_chart(
            "grafiek-pip-norm",
            "PIP binnen 10 weken, per gemeente",
            description,
            labels,
            series,
            reference=regio_series,
            target=charts.Target("Wettelijke norm", 100),
            unit=" %",
        )
    # More gemeenten than can be told apart without colour: the regio alone.
    return charts.line_chart(
        "grafiek-pip-norm",
        "PIP binnen 10 weken, regio",
        description,
        labels,
        [regio_series],
        target=charts.Target("Wettelijke norm", 100),
        unit=" %",
    )


def _funnel_chart(figures: rf.RegioFigures) -> Markup:
    bars = [
        charts.Bar(f"{rf.STEP_LABELS[step.step]}", step.median_days)
        for step in figures.funnel_regio.steps[1:]
        if step.median_days is not None
    ]
    return charts.bar_chart(
        "grafiek-trechter",
        "Dagen per stap, regio (mediaan)",
        "Mediaan aantal dagen van de vorige stap tot deze stap, over de hele regio. De tabel "
        "ernaast geeft de aantallen en medianen per gemeente.",
        bars,
        unit=" d",
    )


def _active_chart(chart_id: str, title: str, items: list[rf.ActiveCount]) -> Markup:
    return charts.bar_chart(
        chart_id,
        title,
        f"{title}. De tabel ernaast geeft dezelfde aantallen.",
        [charts.Bar(item.label, item.count) for item in items],
    )


def _taakstelling_chart(figures: rf.RegioFigures) -> Markup:
    current = figures.half_years[-1]
    rows = [r for r in figures.taakstelling if r.half_year == current]
    return charts.bar_chart(
        "grafiek-taakstelling",
        f"Huisvesting tegen taakstelling, {rf.half_year_label(current)}",
        "Per gemeente het aantal gehuisveste statushouders (balk) en de taakstelling "
        "(streep met ruit). De tabel ernaast geeft alle halve jaren.",
        [charts.Bar(r.gemeente.name, r.realisatie, r.target) for r in rows],
        target_label="Taakstelling",
    )


def _csv_download(content: bytes, name: str, media_type: str) -> Response:
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class MonitorController(Controller):
    path = "/r/{slug:str}/monitor"
    guards = COORDINATOR

    @get("/", name="monitor")
    async def index(self, request: Request, slug: FromPath[str]) -> Template:
        figures = await rf.figures(actor_scope(request), today())
        return page(
            request,
            "casefile/monitor.html",
            f=figures,
            rf=rf,
            link=lambda **params: _link(slug, **params),
            pip_chart=_pip_chart(figures),
            funnel_chart=_funnel_chart(figures),
            leerroute_chart=_active_chart(
                "grafiek-leerroutes", "Actieve inburgeraars per leerroute", figures.per_leerroute
            ),
            partner_chart=_active_chart(
                "grafiek-partners", "Actieve inburgeraars per partner", figures.per_partner
            ),
            taakstelling_chart=_taakstelling_chart(figures),
            exports=rf.export_tables(figures),
        )

    @get("/export")
    async def export(
        self,
        request: Request,
        slug: FromPath[str],
        tabel: FromQuery[str] = "",
        formaat: FromQuery[str] = "csv",
    ) -> Response:
        if formaat not in FORMATS:
            raise NotFound("formaat")
        figures = await rf.figures(actor_scope(request), today())
        table = rf.export_tables(figures).get(tabel)
        if table is None:
            raise NotFound("tabel")
        name = f"{slug}-{tabel}-{today():%Y-%m-%d}"
        if formaat == "xlsx":
            return _csv_download(table_xlsx(table), f"{name}.xlsx", XLSX_MEDIA_TYPE)
        return _csv_download(
            table_csv(table, Flavour.EXCEL), f"{name}.csv", "text/csv; charset=utf-8"
        )

    @get("/cijfer")
    async def figure(
        self,
        request: Request,
        slug: FromPath[str],
        cijfer: FromQuery[str] = "",
        gemeente: FromQuery[str] = "",
        halfjaar: FromQuery[str] = "",
        uitkomst: FromQuery[str] = "",
        stap: FromQuery[str] = "",
        leerroute: FromQuery[str] = "",
        organisatie: FromQuery[str] = "",
    ) -> Template:
        query = rf.BreakdownQuery(
            figure=cijfer,
            gemeente=_int_or_none(gemeente),
            half_year=_int_or_none(halfjaar),
            outcome=uitkomst or None,
            step=stap or None,
            leerroute=leerroute or None,
            organisation=_int_or_none(organisatie),
        )
        if gemeente and query.gemeente is None:
            raise NotFound("gemeente")
        found = await rf.breakdown(actor_scope(request), query, today())
        return page(request, "casefile/monitor_figure.html", found=found)

    @get("/taakstelling", name="taakstelling")
    async def taakstelling_form(self, request: Request, slug: FromPath[str]) -> Template:
        return await self._form(request)

    @post("/taakstelling")
    async def taakstelling_save(self, request: Request, slug: FromPath[str]) -> Any:
        form = await request.form()
        given = rf.TaakstellingInput(
            gemeente=form_text(form, "gemeente"),
            half_year=form_text(form, "half_year"),
            target=form_text(form, "target"),
        )
        try:
            await rf.set_taakstelling(actor_scope(request), given)
        except ValidationFailed as failed:
            return await self._form(
                request, failed.errors, given.__dict__, status_code=HTTP_400_BAD_REQUEST
            )
        flash(request, "De taakstelling is opgeslagen.")
        return Redirect(path=f"/r/{slug}/monitor/#taakstelling", status_code=303)

    async def _form(
        self,
        request: Request,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        scope = actor_scope(request)
        gemeenten = await organisations.organisation_options(
            scope, kinds=frozenset({OrganisationKind.GEMEENTE.value})
        )
        half_years = rf.last_half_years(today(), 2)
        # The coming half year too: the taakstelling is known before it starts.
        upcoming = half_years[-1] + 1 if half_years[-1] % 10 == 1 else half_years[-1] + 9
        half_years = [*half_years, upcoming]
        return page(
            request,
            "casefile/taakstelling_form.html",
            status_code=status_code,
            gemeenten=gemeenten,
            gemeente_options=[(g["id"], g["name"]) for g in gemeenten],
            half_year_options=[(f"{h // 10}-{h % 10}", rf.half_year_label(h)) for h in half_years],
            half_years=half_years,
            half_year_label=rf.half_year_label,
            targets=await rf.taakstelling_targets(scope),
            errors=errors or {},
            values=values or {},
        )


ROUTE_HANDLERS: list[Any] = [MonitorController]

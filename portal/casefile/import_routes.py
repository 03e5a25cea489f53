"""Routes of the DUO import: the upload form, the dry run ("Controleren") and the import.

The file never leaves the request: it is read into memory (at most `MAX_BYTES`), checked or
imported, and dropped. It is not kept between the dry run and the import, because it holds
BSNs in plain text; the regievoerder chooses the file again to import it.
"""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_413_REQUEST_ENTITY_TOO_LARGE

from portal.casefile import duo_import
from portal.casefile.routes import REGIE, today
from portal.web.errors import error_page
from portal.web.flash import flash
from portal.web.request_values import actor_scope, data_key
from portal.web.templating import page

TEMPLATE_CSV = "/static/templates/duo-signalen-voorbeeld.csv"
CHUNK = 64 * 1024
# Room for the multipart framing, the CSRF token and the button next to the file itself.
MULTIPART_SLACK = 64 * 1024
MAX_MB = duo_import.MAX_BYTES // (1024 * 1024)
TOO_LARGE = (
    f"Het bestand is te groot. Een bestand mag maximaal {MAX_MB} MB zijn; splits het in "
    "kleinere bestanden en lees ze een voor een in."
)
ACTIONS = ("controleren", "importeren")


def _body_too_large(request: Request, exc: RequestEntityTooLarge) -> Response:
    """Litestar refuses a body over the route's limit before reading it when the
    content-length says so, and otherwise as soon as the bytes pass the limit; that happens
    while the form is parsed (for the CSRF check), before any guard, so this page shows
    nothing but the Dutch message."""
    return error_page(request, HTTP_413_REQUEST_ENTITY_TOO_LARGE, TOO_LARGE)


async def _read_limited(upload: UploadFile) -> bytes:
    """The file's bytes, read in chunks and refused as soon as they pass `MAX_BYTES`."""
    chunks: list[bytes] = []
    total = 0
    while chunk := await upload.read(CHUNK):
        total += len(chunk)
        if total > duo_import.MAX_BYTES:
            raise duo_import.FileRefused(TOO_LARGE)
        chunks.append(chunk)
    return b"".join(chunks)


def _import_page(
    request: Request,
    *,
    plan: duo_import.Plan | None = None,
    error: str | None = None,
    action: str = "",
    replace_dates: bool = False,
    status_code: int = 200,
) -> Template:
    return page(
        request,
        "casefile/import.html",
        status_code=status_code,
        plan=plan,
        replace_dates=replace_dates,
        error=error,
        action=action,
        columns=duo_import.COLUMNS,
        gebeurtenissen=duo_import.GEBEURTENISSEN,
        template_csv=TEMPLATE_CSV,
        max_mb=MAX_MB,
        max_rows=duo_import.MAX_ROWS_TEXT,
    )


class DuoImportController(Controller):
    path = "/r/{slug:str}/inburgeraars/import"
    guards = REGIE

    @get("/", name="inburgeraars_import")
    async def form(self, request: Request, slug: FromPath[str]) -> Template:
        return _import_page(request)

    @post(
        "/",
        request_max_body_size=duo_import.MAX_BYTES + MULTIPART_SLACK,
        exception_handlers={RequestEntityTooLarge: _body_too_large},
    )
    async def upload(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        action = str(form.get("actie", "controleren"))
        if action not in ACTIONS:
            action = "controleren"
        upload = form.get("bestand")
        if not isinstance(upload, UploadFile):
            return _import_page(
                request,
                error="Kies een CSV-bestand om in te lezen.",
                action=action,
                status_code=HTTP_400_BAD_REQUEST,
            )
        replace_dates = form.get("datums_vervangen") == "ja"
        try:
            raw = await _read_limited(upload)
            scope, key = actor_scope(request), data_key(request)
            if action == "controleren":
                plan = await duo_import.check(scope, raw, key, today(), replace_dates=replace_dates)
                return _import_page(request, plan=plan, action=action, replace_dates=replace_dates)
            outcome = await duo_import.run(scope, raw, key, today(), replace_dates=replace_dates)
        except duo_import.FileRefused as refused:
            status = (
                HTTP_413_REQUEST_ENTITY_TOO_LARGE
                if str(refused) == TOO_LARGE
                else HTTP_400_BAD_REQUEST
            )
            return _import_page(request, error=str(refused), action=action, status_code=status)
        finally:
            await upload.close()
        if not outcome.plan.ok:
            return _import_page(
                request,
                plan=outcome.plan,
                action=action,
                replace_dates=replace_dates,
                status_code=HTTP_400_BAD_REQUEST,
            )
        created, skipped = outcome.created, outcome.plan.skipped
        updated = outcome.plan.updates
        flash(
            request,
            f"{created} {'inburgeraar' if created == 1 else 'inburgeraars'} ingeschreven, "
            + (
                f"{updated} {'dossier' if updated == 1 else 'dossiers'} bijgewerkt, "
                if updated
                else ""
            )
            + f"{skipped} overgeslagen.",
        )
        return Redirect(path=f"/r/{slug}/inburgeraars", status_code=303)

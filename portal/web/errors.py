"""Error pages in Dutch, in the site layout, without internals.

401 becomes a redirect to the log-in page (an `HX-Redirect` for htmx, so a fragment never
turns into a log-in form); a row of another regio (`NotFound` from the data layer) is the
same 404 as a row that does not exist.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

import asyncpg
from asyncpg.exceptions import NumericValueOutOfRangeError
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_405_METHOD_NOT_ALLOWED,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
)

from portal.auth.guards import OtherRegio
from portal.auth.throttle import TooManyAttempts
from portal.core.validation import ValidationFailed
from portal.web.access_log import BsnInUrl
from portal.web.templating import page
from tenants.scoped import NotFound, ProtectedField, ScopeError, is_valid_id

log = logging.getLogger("portal.errors")

MESSAGES = {
    HTTP_400_BAD_REQUEST: (
        "Dit verzoek klopt niet",
        "De gegevens in uw verzoek konden niet worden verwerkt.",
    ),
    HTTP_403_FORBIDDEN: ("Geen toegang", "Uw rol geeft geen toegang tot deze pagina."),
    HTTP_404_NOT_FOUND: (
        "Pagina niet gevonden",
        "Deze pagina bestaat niet, of u heeft er geen toegang toe.",
    ),
    HTTP_405_METHOD_NOT_ALLOWED: (
        "Dit kan zo niet",
        "Deze handeling is op deze pagina niet mogelijk.",
    ),
    HTTP_413_REQUEST_ENTITY_TOO_LARGE: (
        "Bestand te groot",
        "Het bestand of formulier is te groot. Kies een kleiner bestand.",
    ),
    HTTP_429_TOO_MANY_REQUESTS: (
        "Even wachten",
        "U heeft te veel verzoeken gedaan. Wacht even en probeer het opnieuw.",
    ),
    HTTP_500_INTERNAL_SERVER_ERROR: (
        "Er ging iets mis",
        "Er ging aan onze kant iets mis. Probeer het later opnieuw. Blijft het misgaan, "
        "neem dan contact op met de beheerder en noem de foutcode hieronder.",
    ),
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/health"


def error_page(request: Request, status_code: int, message: str | None = None) -> Response:
    title, default = MESSAGES.get(status_code, MESSAGES[HTTP_400_BAD_REQUEST])
    if wants_json(request):
        return Response(
            {
                "type": "about:blank",
                "title": title,
                "status": status_code,
                "detail": message or default,
            },
            status_code=status_code,
            media_type="application/problem+json",
        )
    return page(
        request,
        "errors/error.html",
        status_code=status_code,
        title=title,
        message=message or default,
        trace_id=request.scope.get("state", {}).get("trace_id"),
        error_code=status_code,
    )


def login_redirect(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    location = "/login" if target in ("/", "/login") else f"/login?next={quote(target, safe='')}"
    if request.headers.get("hx-request") == "true":
        return ClientRedirect(redirect_to=location)
    if wants_json(request):
        return error_page(request, 401, "Log in om verder te gaan.")
    return Redirect(path=location, status_code=303)


def handle_not_authorized(request: Request, exc: NotAuthorizedException) -> Response:
    return login_redirect(request)


def handle_not_found(request: Request, exc: Exception) -> Response:
    return error_page(request, HTTP_404_NOT_FOUND)


def handle_forbidden(request: Request, exc: PermissionDeniedException) -> Response:
    if "CSRF" in str(exc.detail):
        return error_page(
            request,
            HTTP_403_FORBIDDEN,
            "Dit formulier is verlopen of niet vanaf deze site verstuurd. Ga terug, laad de "
            "pagina opnieuw en probeer het nog eens.",
        )
    return error_page(
        request, HTTP_403_FORBIDDEN, exc.detail if exc.detail != "Forbidden" else None
    )


def handle_other_regio(request: Request, exc: OtherRegio) -> Response:
    return Redirect(path=f"/kies-rol?regio={quote(exc.slug)}", status_code=303)


def handle_throttled(request: Request, exc: TooManyAttempts) -> Response:
    response = error_page(
        request,
        HTTP_429_TOO_MANY_REQUESTS,
        f"Te veel inlogpogingen. Wacht {exc.retry_after} seconden en probeer het dan opnieuw.",
    )
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def handle_http(request: Request, exc: HTTPException) -> Response:
    if exc.status_code >= 500:
        log.error("HTTP %s on %s: %s", exc.status_code, request.url.path, exc.detail)
        return error_page(request, exc.status_code if exc.status_code in MESSAGES else 500)
    return error_page(
        request, exc.status_code if exc.status_code in MESSAGES else HTTP_400_BAD_REQUEST
    )


def handle_bad_input(request: Request, exc: Exception) -> Response:
    return error_page(request, HTTP_400_BAD_REQUEST)


def handle_number_out_of_range(request: Request, exc: Exception) -> Response:
    """A number too large for the database (an id of 2**63 in a URL or a form field) names
    nothing: 404 when it came in the path, else the request itself is wrong (400). The data
    layer already answers NotFound for ids it looks up; this covers every other query."""
    if not isinstance(exc, OverflowError | NumericValueOutOfRangeError) and (
        "out of int" not in str(exc)
    ):
        return handle_server_error(request, exc)
    path_ids = [value for value in request.path_params.values() if isinstance(value, int)]
    if any(not is_valid_id(value) for value in path_ids):
        return error_page(request, HTTP_404_NOT_FOUND)
    log.warning("Number out of range on %s: %s", request.url.path, exc)
    return error_page(
        request,
        HTTP_400_BAD_REQUEST,
        "Een getal in uw verzoek is te groot of klopt niet. Ga terug en controleer het formulier.",
    )


def handle_bsn_in_url(request: Request, exc: BsnInUrl) -> Response:
    return error_page(request, HTTP_400_BAD_REQUEST, exc.detail)


def handle_server_error(request: Request, exc: Exception) -> Response:
    log.exception("Unhandled error on %s", request.url.path, exc_info=exc)
    return error_page(request, HTTP_500_INTERNAL_SERVER_ERROR)


EXCEPTION_HANDLERS = {
    NotAuthorizedException: handle_not_authorized,
    NotFoundException: handle_not_found,
    NotFound: handle_not_found,
    ScopeError: handle_not_found,
    PermissionDeniedException: handle_forbidden,
    OtherRegio: handle_other_regio,
    TooManyAttempts: handle_throttled,
    ProtectedField: handle_bad_input,
    ValidationFailed: handle_bad_input,
    BsnInUrl: handle_bsn_in_url,
    HTTPException: handle_http,
    # SQLite refuses integers beyond 64 bits in Python; asyncpg refuses to send one beyond
    # the column's size, and PostgreSQL refuses one beyond its arithmetic.
    OverflowError: handle_number_out_of_range,
    asyncpg.exceptions.DataError: handle_number_out_of_range,
    Exception: handle_server_error,
}

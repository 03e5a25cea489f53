"""The inbox: a person's notifications, marking read, and how they want their mail.

Forms post (CSRF) and answer 303, so every step works without JavaScript; htmx only swaps
the list in place (`hx-select`)."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from portal.auth.guards import allow
from portal.core import job_queue
from portal.core.validation import ValidationFailed
from portal.notifications import delivery, outbox
from portal.web.flash import flash
from portal.web.request_values import actor_scope, form_text
from portal.web.templating import page
from tenants.roles import MEMBERSHIP_ROLES

# Every member of the regio has an inbox; which rows they see is the data layer's rule (own
# notifications only). The superadmin acts in no regio.
MEMBERS = [allow(*MEMBERSHIP_ROLES)]


async def _inbox_page(request: Request, which: str, **context: Any) -> Template:
    scope = actor_scope(request)
    which = which if which in outbox.FILTERS else "ongelezen"
    context.setdefault("preference", await outbox.get_preference(scope))
    return page(
        request,
        "portal/meldingen.html",
        items=await outbox.inbox(scope, which),
        which=which,
        filters=outbox.FILTERS,
        modes=outbox.MODES,
        **context,
    )


@get("/r/{slug:str}/meldingen", guards=MEMBERS, name="notifications")
async def notifications(
    request: Request, slug: FromPath[str], filter: FromQuery[str] = "ongelezen"
) -> Template:
    return await _inbox_page(request, filter)


@post("/r/{slug:str}/meldingen/gelezen", guards=MEMBERS, name="notifications_all_read")
async def mark_all_read(request: Request, slug: FromPath[str]) -> Redirect:
    marked = await outbox.mark_all_read(actor_scope(request))
    flash(
        request, "Alle meldingen zijn gelezen." if marked else "Er waren geen ongelezen meldingen."
    )
    return Redirect(path=f"/r/{slug}/meldingen", status_code=303)


@post(
    "/r/{slug:str}/meldingen/{notification_id:int}/gelezen",
    guards=MEMBERS,
    name="notification_read",
)
async def mark_read(
    request: Request, slug: FromPath[str], notification_id: FromPath[int]
) -> Redirect:
    await outbox.mark_read(actor_scope(request), notification_id)
    return Redirect(path=f"/r/{slug}/meldingen", status_code=303)


@get("/r/{slug:str}/meldingen/{notification_id:int}", guards=MEMBERS, name="notification_open")
async def open_notification(
    request: Request, slug: FromPath[str], notification_id: FromPath[int]
) -> Redirect:
    """The link in a mail: mark read and go to the thing, if the reader may still see it."""
    href = await outbox.open_link(actor_scope(request), notification_id)
    if href is None:
        flash(request, "U kunt de pagina van deze melding niet (meer) openen.", "warning")
        return Redirect(path=f"/r/{slug}/meldingen?filter=alle", status_code=303)
    return Redirect(path=href, status_code=303)


@post("/r/{slug:str}/meldingen/testmail", guards=MEMBERS, name="notification_test_mail")
async def send_test_mail(request: Request, slug: FromPath[str]) -> Redirect:
    """The message is in the outbox once this commits; queuing its delivery only makes it
    sooner. With the broker away the page still answers, and the sweep sends it later."""
    scope = actor_scope(request)
    await outbox.request_test_mail(scope)
    queued = await asyncio.to_thread(
        job_queue.queue_job,
        request.app.state.settings,
        delivery.DELIVER_JOB,
        [scope.tenant_id, scope.tenant_slug],
    )
    if queued:
        flash(request, "De testmail is onderweg. Hij staat ook hierboven bij uw meldingen.")
    else:
        flash(
            request,
            "De testmail staat klaar, maar kan nu niet worden verstuurd. Het portaal verstuurt "
            "hem vanzelf zodra dat weer kan; u hoeft niets opnieuw te doen.",
            "warning",
        )
    return Redirect(path=f"/r/{slug}/meldingen#e-mail", status_code=303)


@post("/r/{slug:str}/meldingen/e-mail", guards=MEMBERS, name="notification_preference")
async def save_preference(request: Request, slug: FromPath[str]) -> Template | Redirect:
    form = await request.form()
    mode, digest_time = form_text(form, "mode"), form_text(form, "digest_time")
    try:
        await outbox.save_preference(actor_scope(request), mode, digest_time)
    except ValidationFailed as failed:
        return await _inbox_page(
            request,
            "ongelezen",
            preference=outbox.Preference(mode, digest_time),
            errors=failed.errors,
            status_code=HTTP_400_BAD_REQUEST,
        )
    flash(request, "Uw keuze voor e-mail is opgeslagen.")
    return Redirect(path=f"/r/{slug}/meldingen#e-mail", status_code=303)


ROUTES = [
    notifications,
    mark_all_read,
    mark_read,
    open_notification,
    send_test_mail,
    save_preference,
]

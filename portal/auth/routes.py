"""Log-in, log-out, choosing a role, and changing one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from portal.auth import actor as sessions
from portal.auth.login import answer_invitation, authenticate, change_password
from portal.auth.sessions import rotate_session
from portal.auth.throttle import LoginThrottle
from portal.core.validation import ValidationFailed
from portal.web.flash import flash
from portal.web.templating import page
from tenants import accounts
from tenants.scope import Origin

PUBLIC = {"public": True}


def safe_next(target: str | None) -> str | None:
    """Only local paths: `next` must never send someone to another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _origin(request: Request) -> Origin:
    return request.scope["state"]["origin"]


def _throttle(request: Request) -> LoginThrottle:
    return LoginThrottle.from_settings(request.app.state.counters, request.app.state.settings)


class AuthController(Controller):
    @get("/login", opt=PUBLIC, name="login")
    async def login_form(
        self, request: Request, next: FromQuery[str | None] = None
    ) -> Template | Redirect:
        if request.scope.get("user") is not None:
            return Redirect(path=request.scope["user"].home, status_code=303)
        return page(request, "auth/login.html", errors={}, email="", next=safe_next(next))

    @post("/login", opt=PUBLIC)
    async def login(self, request: Request) -> Template | Redirect:
        form = await request.form()
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", ""))
        target = safe_next(str(form.get("next", "")))
        settings = request.app.state.settings
        try:
            result = await authenticate(
                email, password, _origin(request), _throttle(request), settings
            )
        except ValidationFailed as failed:
            return page(
                request,
                "auth/login.html",
                status_code=400,
                errors=failed.errors,
                email=email,
                next=target,
            )
        session = request.scope["session"] if isinstance(request.scope.get("session"), dict) else {}
        sessions.start_session(session, result.account, result.only_membership, result.choices)
        request.scope["session"] = session
        rotate_session(session)
        if result.invitations:
            return Redirect(path="/uitnodigingen", status_code=303)
        if result.only_membership is None and not (
            result.account.is_superadmin and not result.memberships
        ):
            return Redirect(
                path="/kies-rol" + (f"?next={target}" if target else ""), status_code=303
            )
        if target:
            return Redirect(path=target, status_code=303)
        home = (
            f"/r/{result.memberships[0].tenant_slug}/" if result.memberships else "/platform/regios"
        )
        return Redirect(path=home, status_code=303)

    @post("/logout", opt=PUBLIC)
    async def logout(self, request: Request) -> Redirect:
        request.clear_session()
        return Redirect(path="/login", status_code=303)

    @get("/kies-rol", opt=PUBLIC, name="choose_role")
    async def choose_form(
        self,
        request: Request,
        regio: FromQuery[str | None] = None,
        next: FromQuery[str | None] = None,
    ) -> Template | Redirect:
        session = request.scope.get("session") or {}
        if not sessions.is_logged_in(session):
            return Redirect(path="/login", status_code=303)
        account = await accounts.account_by_id(int(session[sessions.PERSON]))
        if account is None:
            return Redirect(path="/login", status_code=303)
        memberships = await accounts.own_memberships(account.id)
        return page(
            request,
            "auth/choose_role.html",
            memberships=memberships,
            platform=account.is_superadmin,
            highlight=regio,
            current=session.get(sessions.MEMBERSHIP),
            next=safe_next(next),
            # Logged in but not yet acting for anyone: the header still shows who and log-out.
            pending_person=account.full_name,
        )

    @post("/kies-rol", opt=PUBLIC)
    async def choose(self, request: Request) -> Redirect:
        session = request.scope.get("session") or {}
        if not sessions.is_logged_in(session):
            return Redirect(path="/login", status_code=303)
        form = await request.form()
        choice = str(form.get("membership", ""))
        person_id = int(session[sessions.PERSON])
        account = await accounts.account_by_id(person_id)
        memberships = {m.membership_id: m for m in await accounts.own_memberships(person_id)}
        if choice == "platform" and account is not None and account.is_superadmin:
            sessions.choose(session, None)
            rotate_session(session)
            return Redirect(path="/platform/regios", status_code=303)
        if choice.isdigit() and int(choice) in memberships:
            chosen = memberships[int(choice)]
            sessions.choose(session, chosen.membership_id)
            rotate_session(session)
            flash(
                request,
                f"U werkt nu als {chosen.role.label} voor {chosen.organisation_name}.",
                "info",
            )
            target = safe_next(str(form.get("next", "")))
            if target and target.startswith(f"/r/{chosen.tenant_slug}/"):
                return Redirect(path=target, status_code=303)
            return Redirect(path=f"/r/{chosen.tenant_slug}/", status_code=303)
        flash(request, "Kies een van de rollen in de lijst.", "error")
        return Redirect(path="/kies-rol", status_code=303)

    @get("/uitnodigingen", opt=PUBLIC, name="invitations")
    async def invitations(self, request: Request) -> Template | Redirect:
        session = request.scope.get("session") or {}
        if not sessions.is_logged_in(session):
            return Redirect(path="/login", status_code=303)
        person_id = int(session[sessions.PERSON])
        account = await accounts.account_by_id(person_id)
        if account is None:
            return Redirect(path="/login", status_code=303)
        return page(
            request,
            "auth/invitations.html",
            invitations=await accounts.own_invitations(person_id),
            has_roles=bool(await accounts.own_memberships(person_id)) or account.is_superadmin,
            pending_person=account.full_name,
        )

    @post("/uitnodigingen", opt=PUBLIC)
    async def answer(self, request: Request) -> Redirect:
        session = request.scope.get("session") or {}
        if not sessions.is_logged_in(session):
            return Redirect(path="/login", status_code=303)
        form = await request.form()
        person_id = int(session[sessions.PERSON])
        choice = str(form.get("invitation", ""))
        accept = str(form.get("answer", "")) == "aannemen"
        answered = choice.isdigit() and await answer_invitation(
            person_id, int(choice), accept, _origin(request)
        )
        if not answered:
            flash(request, "Deze uitnodiging staat niet (meer) open.", "error")
            return Redirect(path="/uitnodigingen", status_code=303)
        account = await accounts.account_by_id(person_id)
        memberships = await accounts.own_memberships(person_id)
        superadmin = account is not None and account.is_superadmin
        session[sessions.CHOICES] = len(memberships) + (1 if superadmin else 0)
        flash(
            request,
            "U heeft de uitnodiging aangenomen. Kies hieronder voor wie u nu werkt."
            if accept
            else "U heeft de uitnodiging afgewezen.",
        )
        return Redirect(path="/uitnodigingen" if not accept else "/kies-rol", status_code=303)

    @get("/account/wachtwoord", name="password_form")
    async def password_form(self, request: Request) -> Template:
        return page(request, "auth/password.html", errors={})

    @post("/account/wachtwoord")
    async def password(self, request: Request) -> Template | Redirect:
        form = await request.form()
        actor = request.scope["user"]
        try:
            await change_password(
                actor.person_id,
                str(form.get("current", "")),
                str(form.get("new", "")),
                str(form.get("repeat", "")),
                _origin(request),
                _throttle(request),
            )
        except ValidationFailed as failed:
            return page(request, "auth/password.html", status_code=400, errors=failed.errors)
        account = await accounts.account_by_id(actor.person_id)
        session = request.scope["session"]
        if account is not None:
            session[sessions.EPOCH] = account.session_epoch
        rotate_session(session)
        flash(request, "Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd.")
        return Redirect(path=actor.home, status_code=303)

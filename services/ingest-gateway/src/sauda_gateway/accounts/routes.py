"""The dashboard's sign-in: log in (a session cookie), the current session, log out, change the
password, and an invitee's first sign-in (look at the invite, accept it). The session then works
every other REST route the way an API key does."""

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sauda_contracts.accounts import (
    InviteAccept,
    InviteView,
    LoginRequest,
    PasswordChange,
    SessionOut,
)
from sauda_gateway import clock
from sauda_gateway.accounts import handlers
from sauda_gateway.accounts.domain import SESSION_COOKIE, Role
from sauda_gateway.accounts.handlers import Opened
from sauda_gateway.api.deps import (
    AccountsDep,
    InvitesDep,
    PasswordsDep,
    SessionDep,
    SettingsDep,
)
from sauda_gateway.api.responses import json_response, refusals
from sauda_gateway.settings import GatewaySettings

auth = APIRouter(prefix="/api/v1/auth", tags=["Sign-in"])


def _session_json(
    user_id: UUID, business_id: UUID, email: str, role: Role, csrf_token: str, expires_at: datetime
) -> dict[str, object]:
    return SessionOut(user_id=user_id, business_id=business_id, email=email, role=role.value,
                      csrf_token=csrf_token, expires_at=expires_at).model_dump(mode="json")  # fmt: skip


def _with_cookie(response: Response, opened: Opened, settings: GatewaySettings,
                 now: datetime) -> Response:  # fmt: skip
    response.set_cookie(
        SESSION_COOKIE,
        opened.token,
        max_age=max(1, int((opened.session.expires_at - now).total_seconds())),
        path="/",
        secure=settings.gateway_cookie_secure,
        httponly=True,
        samesite="lax",
    )
    return response


@auth.post("/login", response_model=SessionOut, responses=refusals())
async def login(
    body: LoginRequest, request: Request, accounts: AccountsDep, passwords: PasswordsDep,
    settings: SettingsDep,
) -> Response:  # fmt: skip
    """Sign in: the answer sets the `sauda_session` cookie and gives the CSRF token that every
    POST, PUT, PATCH and DELETE of the session must send as `X-CSRF-Token`. Failed logins are
    limited per email and per client address (429 with Retry-After)."""
    now = clock.now()
    opened = await handlers.login(
        body.email, body.password, request.client.host if request.client else "",
        store=accounts, passwords=passwords, now=now, session_hours=settings.gateway_session_hours,
    )  # fmt: skip
    return _signed_in(opened, settings, now)


def _signed_in(opened: Opened, settings: GatewaySettings, now: datetime) -> Response:
    """A new session's answer: SessionOut, and its cookie."""
    new, user = opened.session, opened.session.user
    body = _session_json(user.user_id, user.business_id, user.email, user.role, new.csrf_token,
                         new.expires_at)  # fmt: skip
    return _with_cookie(json_response(body), opened, settings, now)


@auth.get("/invites/{token}", response_model=InviteView, responses=refusals(404, 410))
async def invite(token: str, invites: InvitesDep) -> Response:
    """What an invite link offers (no sign-in needed): the email, the role, the business.
    404 invite_not_found, 410 invite_expired or invite_used."""
    found = await handlers.invite_by_token(token, invites=invites, now=clock.now())
    return json_response(InviteView(email=found.email, role=found.role.value,
                                    business_name=found.business_name).model_dump(mode="json"))  # fmt: skip


@auth.post("/invites/accept", response_model=SessionOut, responses=refusals(404, 409, 410))
async def accept_invite(
    body: InviteAccept, invites: InvitesDep, passwords: PasswordsDep, settings: SettingsDep
) -> Response:
    """Accept an invite with a password of your own: the user is made and signed in (the
    `sauda_session` cookie and CSRF token, as a login gives). The invite is then used up."""
    now = clock.now()
    opened = await handlers.accept_invite(
        body.token, body.password, invites=invites, passwords=passwords, now=now,
        session_hours=settings.gateway_session_hours,
    )  # fmt: skip
    return _signed_in(opened, settings, now)


@auth.get("/session", response_model=SessionOut, responses=refusals())
async def current(session: SessionDep) -> Response:
    """Who is signed in, for which business, until when; and the session's CSRF token."""
    return json_response(_session_json(
        session.user_id, session.business.business_id, session.email, session.role,
        session.csrf_token, session.expires_at,
    ))  # fmt: skip


@auth.post("/logout", status_code=204, responses=refusals())
async def logout(request: Request, _session: SessionDep, accounts: AccountsDep,
                 settings: SettingsDep) -> Response:  # fmt: skip
    """End this session (its cookie opens nothing any more)."""
    await handlers.logout(request.cookies[SESSION_COOKIE], store=accounts, now=clock.now())
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=settings.gateway_cookie_secure,
                           httponly=True, samesite="lax")  # fmt: skip
    return response


@auth.post("/password", status_code=204, responses=refusals())
async def change_password(
    body: PasswordChange, session: SessionDep, accounts: AccountsDep, passwords: PasswordsDep,
    settings: SettingsDep,
) -> Response:  # fmt: skip
    """Change the password: every session of this user ends, this caller gets a fresh cookie
    (read its new CSRF token from GET /api/v1/auth/session)."""
    now = clock.now()
    opened = await handlers.change_password(
        session.user_id, body.current_password, body.new_password, store=accounts,
        passwords=passwords, now=now, session_hours=settings.gateway_session_hours,
    )  # fmt: skip
    return _with_cookie(Response(status_code=204), opened, settings, now)

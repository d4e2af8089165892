"""Pure decisions of the merchant's accounts: roles and what staff may not do, email and password
rules, a session's life, the login throttle, invites' life and the business's last owner. Time
comes in as an argument."""

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sauda_gateway.domain import (
    Conflict,
    DomainError,
    Forbidden,
    Gone,
    Invalid,
    NotFound,
    Unauthenticated,
)

SESSION_COOKIE = "sauda_session"
CSRF_HEADER = "X-CSRF-Token"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Role(StrEnum):
    OWNER = "owner"
    STAFF = "staff"


class Area(StrEnum):
    """What a merchant manages in the dashboard, as far as roles are concerned."""

    ORDERS = "orders"
    CATALOG = "catalog"
    API_KEYS = "api_keys"
    WEBHOOKS = "webhooks"
    USERS = "users"
    WHATSAPP = "whatsapp"


# Who may manage what: staff run the shop, owners also hold its keys and connections.
MAY_MANAGE: dict[Role, frozenset[Area]] = {
    Role.OWNER: frozenset(Area),
    Role.STAFF: frozenset(Area) - {Area.API_KEYS, Area.WEBHOOKS, Area.USERS, Area.WHATSAPP},
}


def may_manage(role: Role, area: Area) -> bool:
    return area in MAY_MANAGE[role]


# --- emails and passwords ---

MIN_PASSWORD, MAX_PASSWORD = 10, 128
_EMAIL = re.compile(r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$")


def normalise_email(raw: str) -> str:
    """One spelling per address: surrounding space dropped, lower case (`Ali@Shop.PK` is
    `ali@shop.pk`)."""
    return raw.strip().lower()


def valid_email(raw: str) -> str:
    """The normalised address, or InvalidEmail."""
    email = normalise_email(raw)
    if len(email) > 320 or not _EMAIL.fullmatch(email):
        raise InvalidEmail()
    return email


def check_password(password: str, field: str = "password") -> str:
    """A password a user may choose: 10 to 128 characters, no NUL."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise WeakPassword(field=field)
    if "\x00" in password:
        raise WeakPassword("a password must not contain NUL characters", field=field)
    return password


# --- sessions ---


def token_hash(token: str) -> bytes:
    """Only a SHA-256 of a session token is kept: a leaked table opens no session."""
    return hashlib.sha256(token.encode()).digest()


def session_expiry(now: datetime, hours: float) -> datetime:
    return now + timedelta(hours=hours)


def session_live(*, expires_at: datetime, revoked_at: datetime | None, now: datetime) -> bool:
    return revoked_at is None and now < expires_at


def csrf_required(method: str) -> bool:
    return method.upper() in STATE_CHANGING


# --- the login throttle ---

LOGIN_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 5  # failed logins of one email in a window before its next is refused
ADDRESS_FAILURES = 20  # failed logins from one client address in a window
ACCOUNT, ADDRESS = "account", "address"  # the throttle's scopes


def login_window(now: datetime) -> datetime:
    """The fixed 15-minute window `now` falls in (its start)."""
    step = int(LOGIN_WINDOW.total_seconds())
    start = int(now.timestamp()) // step * step
    return datetime.fromtimestamp(start, UTC)


@dataclass(frozen=True)
class Throttle:
    scope: str  # ACCOUNT or ADDRESS
    retry_after: int  # seconds until the window ends


def login_throttle(
    *, account_failures: int, address_failures: int, now: datetime
) -> Throttle | None:
    """Refuse a login attempt (before its password is checked) once this window has seen
    ACCOUNT_FAILURES failures for the email or ADDRESS_FAILURES for the address."""
    scope = (
        ACCOUNT
        if account_failures >= ACCOUNT_FAILURES
        else ADDRESS
        if address_failures >= ADDRESS_FAILURES
        else None
    )
    if scope is None:
        return None
    end = login_window(now) + LOGIN_WINDOW
    return Throttle(scope, max(1, math.ceil((end - now).total_seconds())))


# --- invites and the team ---

INVITE_LIFE = timedelta(days=7)
MAX_API_KEYS = 20  # live keys of one business; revoked ones do not count


def invite_expiry(now: datetime) -> datetime:
    return now + INVITE_LIFE


def invite_url(public_url: str, token: str) -> str:
    """The link an invitee opens: the dashboard's invite page with the token after `#`, which
    browsers never send, so it stays out of every server's access log."""
    return f"{public_url.rstrip('/')}/app/invite#{token}"


def invite_pending(*, expires_at: datetime, used_at: datetime | None, now: datetime) -> bool:
    return used_at is None and now < expires_at


def check_invite(*, expires_at: datetime, used_at: datetime | None, now: datetime) -> None:
    """An invite opens one account, once, within its week."""
    if used_at is not None:
        raise InviteUsed()
    if not invite_pending(expires_at=expires_at, used_at=used_at, now=now):
        raise InviteExpired()


def check_owners_left(*, owners: int, role: Role, becomes: Role | None) -> None:
    """A business always keeps an owner: of `owners`, a user of `role` may be removed (`becomes`
    None) or made staff only while another owner stays."""
    if role is Role.OWNER and becomes is not Role.OWNER and owners <= 1:
        raise LastOwner()


# --- refusals ---


class InvalidEmail(
    Invalid, code="invalid_email", message="not an email address", field="email"
): ...


class WeakPassword(
    Invalid,
    code="invalid_password",
    message=f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters",
    field="password",
): ...


class EmailTaken(
    Conflict, code="email_taken", message="a user with this email exists", field="email"
): ...


class InvalidCredentials(
    Unauthenticated, code="invalid_credentials", message="wrong email or password"
): ...


class NotSignedIn(
    Unauthenticated, code="not_signed_in", message="sign in first (POST /api/v1/auth/login)"
): ...


class InvalidSession(
    Unauthenticated, code="invalid_session", message="session ended: sign in", field=SESSION_COOKIE
): ...


class CsrfFailed(
    Forbidden,
    code="csrf_failed",
    message=f"send the session's CSRF token in the {CSRF_HEADER} header",
    field=CSRF_HEADER,
): ...


class OwnerOnly(
    Forbidden, code="owner_only", message="only the business's owner may manage this"
): ...


class WrongPassword(
    Invalid,
    code="wrong_password",
    message="the current password is wrong",
    field="current_password",
): ...


class InviteNotFound(
    NotFound,
    code="invite_not_found",
    message="no such invite (withdrawn, or the link is cut short)",
    field="token",
): ...


class InviteExpired(
    Gone, code="invite_expired", message="this invite has expired: ask for a new one", field="token"
): ...


class InviteUsed(
    Gone, code="invite_used", message="this invite has been used: sign in instead", field="token"
): ...


class UserNotFound(NotFound, code="user_not_found", message="no such user", field="user_id"): ...


class LastOwner(
    Conflict, code="last_owner", message="a business needs an owner: make another one first"
): ...


class ApiKeyNotFound(
    NotFound, code="api_key_not_found", message="no such API key", field="key_id"
): ...


class ApiKeyLimitReached(Conflict, code="api_key_limit_reached", field="name"): ...


class TooManyLoginAttempts(DomainError, code="too_many_login_attempts"):
    """Too many failed logins for this email or from this address; the throttle says when."""

    def __init__(self, throttle: Throttle) -> None:
        what = "this account" if throttle.scope == ACCOUNT else "this address"
        super().__init__(
            f"too many failed logins for {what}; try again in {throttle.retry_after} s",
            details={"retry_after": throttle.retry_after},
        )
        self.throttle = throttle

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.throttle.retry_after)}

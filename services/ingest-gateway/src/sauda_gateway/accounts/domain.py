"""Pure decisions of the merchant's sign-in: roles and what staff may not do, email and password
rules, a session's life, and the login throttle. Time comes in as an argument."""

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sauda_gateway.domain import Conflict, DomainError, Forbidden, Invalid, Unauthenticated

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

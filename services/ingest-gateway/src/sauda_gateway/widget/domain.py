"""Pure decisions of the orders widget: which origins a key may name, what a widget session may
call, and how long it lives. Time comes in as an argument."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sauda_gateway.domain import DomainError, Forbidden, Invalid, NotFound, Unauthenticated

SESSION_PREFIX = "wgt_"  # a widget session's token: what the widget sends as its bearer
PUBLISHABLE_PREFIX = "pk_"  # a publishable widget key: safe to put in a page, origin-bound
MAX_ORIGINS = 20
SESSION_TTL = timedelta(hours=1)
MIN_TTL, MAX_TTL = timedelta(minutes=1), timedelta(hours=12)

# What the orders panel calls, and nothing else: the list, its counts, one order and its
# messages, a status move and a cancel. Paths as the routes declare them.
WIDGET_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/api/v1/orders"),
        ("GET", "/api/v1/orders/counts"),
        ("GET", "/api/v1/orders/{order_id}"),
        ("GET", "/api/v1/orders/{order_id}/messages"),
        ("PATCH", "/api/v1/orders/{order_id}/status"),
        ("POST", "/api/v1/orders/{order_id}/cancel"),
    }
)
EXCHANGE_PATH = "/api/v1/widget/exchange"
_PATTERNS = [
    (method, re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", path) + "$"))
    for method, path in WIDGET_ROUTES
]
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]"})


def widget_may(method: str, route_path: str) -> bool:
    """Whether a widget session may call this route (its declared path, e.g. `/api/v1/orders/{order_id}`)."""
    return (method.upper(), route_path) in WIDGET_ROUTES


def cross_origin_methods(path: str) -> list[str]:
    """The methods a page on another origin may call at this concrete path (for a preflight):
    the widget's routes, and the exchange of a publishable key."""
    if path == EXCHANGE_PATH:
        return ["POST"]
    return sorted({method for method, pattern in _PATTERNS if pattern.match(path)})


def normalize_origin(raw: str, *, allow_http: bool = False, field: str = "origins") -> str:
    """`scheme://host[:port]` as browsers send it in `Origin`: lower case, no default port, no
    path. https only, except on loopback or when `allow_http` (development)."""
    text = raw.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise InvalidOrigin(field=field) from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        raise InvalidOrigin(field=field)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidOrigin("an origin has no path, query or fragment", field=field)
    if parts.scheme == "http" and not allow_http and host not in _LOOPBACK and host != "::1":
        raise InvalidOrigin("a widget origin must be https (http only on localhost)", field=field)
    shown = f"[{host}]" if ":" in host else host
    default = {"https": 443, "http": 80}[parts.scheme]
    return f"{parts.scheme}://{shown}" + (f":{port}" if port and port != default else "")


def normalize_origins(raw: list[str], *, allow_http: bool = False) -> list[str]:
    """A key's origins: at least one, at most MAX_ORIGINS, each normalized, no repeats."""
    if not raw:
        raise InvalidOrigin("name at least one origin the widget is embedded on")
    if len(raw) > MAX_ORIGINS:
        raise InvalidOrigin(f"at most {MAX_ORIGINS} origins")
    seen: dict[str, None] = {}
    for n, origin in enumerate(raw):
        seen[normalize_origin(origin, allow_http=allow_http, field=f"origins[{n}]")] = None
    return list(seen)


def session_expiry(now: datetime, ttl_seconds: int | None) -> datetime:
    """When a widget session ends: an hour unless asked, between a minute and twelve hours."""
    ttl = SESSION_TTL if ttl_seconds is None else timedelta(seconds=ttl_seconds)
    if not MIN_TTL <= ttl <= MAX_TTL:
        raise InvalidTtl()
    return now + ttl


def origin_allowed(sent: str | None, allowed: str) -> bool:
    """A widget call must come from the page its session was made for (the browser's `Origin`)."""
    return sent is not None and sent.lower() == allowed


def listed_origin(sent: str | None, listed: list[str]) -> str | None:
    """The page's origin as a publishable key lists it, if the key lists it at all."""
    return next((origin for origin in listed if origin_allowed(sent, origin)), None)


def widget_refusal(
    *, ended: bool, origin: str, sent_origin: str | None, method: str, route_path: str,
) -> DomainError | None:  # fmt: skip
    """Why a widget session's call is refused, if it is: its session over (or its key revoked),
    another page's origin, or a route outside the orders panel."""
    if ended:
        return WidgetSessionEnded()
    if not origin_allowed(sent_origin, origin):
        return OriginNotAllowed()
    if not widget_may(method, route_path):
        return OutsideWidgetScope()
    return None


# --- refusals ---


class InvalidOrigin(
    Invalid, code="invalid_origin", message="not an origin (https://shop.example)", field="origin"
): ...


class InvalidTtl(
    Invalid, code="invalid_ttl", message="ttl_seconds is 60 to 43200", field="ttl_seconds"
): ...


class OriginNotAllowed(
    Forbidden,
    code="origin_not_allowed",
    message="this page's origin may not use it",
    field="Origin",
): ...


class OutsideWidgetScope(
    Forbidden, code="outside_widget_scope", message="a widget session opens the orders panel only"
): ...


class WidgetSessionEnded(
    Unauthenticated, code="widget_session_ended", message="the widget session has ended"
): ...


class InvalidPublishableKey(
    Unauthenticated, code="invalid_publishable_key", message="not a live publishable key"
): ...


class WidgetKeyNotFound(NotFound, code="widget_key_not_found", message="no such widget key"): ...

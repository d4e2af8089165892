"""Use cases of the orders widget: publishable keys, opening a widget session (by the store's
server, or by a publishable key from a listed origin), and admitting a widget's call."""

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sauda_gateway.accounts.domain import token_hash
from sauda_gateway.domain import Business
from sauda_gateway.widget.domain import (
    PUBLISHABLE_PREFIX,
    SESSION_PREFIX,
    InvalidPublishableKey,
    OriginNotAllowed,
    WidgetKeyNotFound,
    WidgetSessionEnded,
    listed_origin,
    normalize_origin,
    normalize_origins,
    origin_allowed,
    session_expiry,
    widget_refusal,
)
from sauda_gateway.widget.store import WidgetKey, WidgetStore


@dataclass(frozen=True)
class Opened:
    token: str  # shown to the caller once; only its hash is kept
    origin: str
    expires_at: datetime


async def create_key(
    business_id: UUID, name: str, origins: list[str], *, store: WidgetStore, now: datetime,
    allow_http: bool,
) -> WidgetKey:  # fmt: skip
    key = WidgetKey(uuid.uuid4(), business_id, name, PUBLISHABLE_PREFIX + secrets.token_urlsafe(24),
                    normalize_origins(origins, allow_http=allow_http), now, None)  # fmt: skip
    await store.add_key(key)
    return key


async def revoke_key(business_id: UUID, key_id: UUID, *, store: WidgetStore, now: datetime) -> None:
    if not await store.revoke_key(business_id, key_id, now):
        raise WidgetKeyNotFound()


async def _open(
    store: WidgetStore, business_id: UUID, origin: str, key_id: UUID | None, now: datetime,
    expires_at: datetime,
) -> Opened:  # fmt: skip
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    await store.open_session(token_hash(token), business_id, origin, key_id, now, expires_at)
    return Opened(token, origin, expires_at)


async def open_for_store(
    business: Business, origin: str, ttl_seconds: int | None, *, store: WidgetStore,
    now: datetime, allow_http: bool,
) -> Opened:  # fmt: skip
    """The store's server, with its API key, opens a session for the page it is about to serve."""
    page = normalize_origin(origin, allow_http=allow_http, field="origin")
    return await _open(
        store, business.business_id, page, None, now, session_expiry(now, ttl_seconds)
    )


async def exchange(
    publishable_key: str, sent_origin: str | None, *, store: WidgetStore, now: datetime
) -> Opened:
    """A page with a publishable key opens a session, if it is on one of the key's origins."""
    key = await store.live_key(publishable_key)
    if key is None:
        raise InvalidPublishableKey(field="publishable_key")
    origin = listed_origin(sent_origin, key.origins)
    if origin is None:
        raise OriginNotAllowed()
    return await _open(store, key.business_id, origin, key.key_id, now, session_expiry(now, None))


async def admit(
    token: str, sent_origin: str | None, method: str, route_path: str, *, store: WidgetStore,
    now: datetime, answer_cors: Callable[[str], None],
) -> Business:  # fmt: skip
    """A widget's call: its session live, from its own origin, on a route of the orders panel.
    `answer_cors` learns the session's origin as soon as the call comes from it, so even a
    refusal (a session ended) reaches the widget readably; a token Sauda never made (or has
    forgotten) is answered readably to any page, as it says nothing but "not a session"."""
    session = await store.session(token_hash(token))
    if session is None:
        if sent_origin:
            answer_cors(sent_origin)
        raise WidgetSessionEnded()
    if origin_allowed(sent_origin, session.origin):
        answer_cors(session.origin)
    ended = session.key_revoked or now >= session.expires_at
    refusal = widget_refusal(ended=ended, origin=session.origin, sent_origin=sent_origin,
                             method=method, route_path=route_path)  # fmt: skip
    if refusal is not None:
        raise refusal
    return session.business

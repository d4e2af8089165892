"""Route dependencies as `Annotated` aliases: the caller's business (an API key or a dashboard
session checked, plan and hour admitted; the role a route needs), the correlation id, and each
collaborator bootstrap built, by its role.

Routes name the collaborators they use (`view: OrderViewDep`) and hand them to handlers as
keyword arguments; nothing else reads `app.state`.
"""

import hmac
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, fields
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaProducer
from fastapi import Depends, Request
from structlog.contextvars import bind_contextvars, get_contextvars

from sauda_gateway import clock
from sauda_gateway.accounts.domain import (
    CSRF_HEADER,
    SESSION_COOKIE,
    Area,
    CsrfFailed,
    InvalidSession,
    NotSignedIn,
    OwnerOnly,
    Role,
    csrf_required,
    may_manage,
    session_live,
    token_hash,
)
from sauda_gateway.accounts.invites import InviteStore
from sauda_gateway.accounts.keys import ApiKeyStore
from sauda_gateway.accounts.passwords import Passwords
from sauda_gateway.accounts.store import AccountStore, Session
from sauda_gateway.analytics.store import AnalyticsStore
from sauda_gateway.carts.store import CartStore
from sauda_gateway.catalog.background import Background
from sauda_gateway.catalog.crawler import StoreCrawler
from sauda_gateway.catalog.jobs import ImportJobs
from sauda_gateway.catalog.store import CatalogStore
from sauda_gateway.domain import Business
from sauda_gateway.merchant.accounts import WhatsAppAccounts
from sauda_gateway.merchant.domain import STORE_API, InvalidApiKey, MissingApiKey
from sauda_gateway.merchant.endpoints import WebhookEndpoints
from sauda_gateway.merchant.handlers import admit_request
from sauda_gateway.merchant.store import AccessStore, BusinessStore
from sauda_gateway.messaging.store import MessageRequests
from sauda_gateway.messaging.waiting import SendWaiter
from sauda_gateway.orders.ledger import Ledger
from sauda_gateway.orders.outcomes import OutcomeWaiter
from sauda_gateway.orders.store import IngestStore, StoreOrderKeys
from sauda_gateway.outbox import Outbox
from sauda_gateway.settings import GatewaySettings
from sauda_gateway.subscribers.store import SubscriberStore
from sauda_gateway.templates.store import TemplateStore
from sauda_gateway.view.live import LiveFeed
from sauda_gateway.view.queries import MessageLog, OrderView
from sauda_gateway.widget import handlers as widget
from sauda_gateway.widget.domain import SESSION_PREFIX as WIDGET_SESSION
from sauda_gateway.widget.store import WidgetStore


@dataclass(frozen=True)
class Wiring:
    """What `bootstrap.wire` built for the HTTP side, kept on `app.state.wiring`."""

    settings: GatewaySettings
    pool: asyncpg.Pool
    producer: AIOKafkaProducer | None  # None: served without Kafka (tests)
    businesses: BusinessStore
    access: AccessStore
    outbox: Outbox
    ingest: IngestStore
    waiter: OutcomeWaiter | None
    ledger: Ledger | None
    keys: StoreOrderKeys
    view: OrderView
    messages: MessageLog
    carts: CartStore
    whatsapp: WhatsAppAccounts
    webhooks: WebhookEndpoints
    catalog: CatalogStore
    crawler: StoreCrawler
    imports: ImportJobs
    background: Background  # the import jobs this process runs
    accounts: AccountStore
    passwords: Passwords
    analytics: AnalyticsStore
    widget: WidgetStore
    api_keys: ApiKeyStore
    invites: InviteStore
    templates: TemplateStore
    message_requests: MessageRequests
    subscribers: SubscriberStore
    live: LiveFeed | None = None  # None: served without the live stream (tests)
    sends: SendWaiter | None = None  # None: a send answers without waiting (tests)


_NAMES = {f.name for f in fields(Wiring)}


def _part(name: str) -> Any:
    """A dependency giving one collaborator. Async on purpose: FastAPI runs plain `def`
    dependencies in a thread pool, costly per request."""
    assert name in _NAMES, name

    async def part(request: Request) -> Any:
        return getattr(request.app.state.wiring, name)

    part.__name__ = f"wired_{name}"
    return Depends(part)


SettingsDep = Annotated[GatewaySettings, _part("settings")]
PoolDep = Annotated[asyncpg.Pool, _part("pool")]
ProducerDep = Annotated[AIOKafkaProducer, _part("producer")]
BusinessesDep = Annotated[BusinessStore, _part("businesses")]
AccessDep = Annotated[AccessStore, _part("access")]
OutboxDep = Annotated[Outbox, _part("outbox")]
IngestStoreDep = Annotated[IngestStore, _part("ingest")]
OutcomesDep = Annotated[OutcomeWaiter, _part("waiter")]
LedgerDep = Annotated[Ledger, _part("ledger")]
StoreKeysDep = Annotated[StoreOrderKeys, _part("keys")]
OrderViewDep = Annotated[OrderView, _part("view")]
MessageLogDep = Annotated[MessageLog, _part("messages")]
CartsDep = Annotated[CartStore, _part("carts")]
WhatsAppDep = Annotated[WhatsAppAccounts, _part("whatsapp")]
WebhooksDep = Annotated[WebhookEndpoints, _part("webhooks")]
CatalogDep = Annotated[CatalogStore, _part("catalog")]
CrawlerDep = Annotated[StoreCrawler, _part("crawler")]
ImportJobsDep = Annotated[ImportJobs, _part("imports")]
BackgroundDep = Annotated[Background, _part("background")]
AccountsDep = Annotated[AccountStore, _part("accounts")]
PasswordsDep = Annotated[Passwords, _part("passwords")]
WidgetDep = Annotated[WidgetStore, _part("widget")]
ApiKeysDep = Annotated[ApiKeyStore, _part("api_keys")]
InvitesDep = Annotated[InviteStore, _part("invites")]
LiveDep = Annotated[LiveFeed | None, _part("live")]
AnalyticsDep = Annotated[AnalyticsStore, _part("analytics")]
TemplatesDep = Annotated[TemplateStore, _part("templates")]
MessageRequestsDep = Annotated[MessageRequests, _part("message_requests")]
SubscribersDep = Annotated[SubscriberStore, _part("subscribers")]
SendWaiterDep = Annotated[SendWaiter | None, _part("sends")]

# Header names of the stores Sauda stands in for, so their integrations work unchanged.
_KEY_HEADERS = ("x-api-key", "x-botaura-key", "x-guest-id")


def _presented_key(request: Request) -> str | None:
    for name in _KEY_HEADERS:
        if value := request.headers.get(name):
            return value.strip()
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


async def _signed_in(request: Request, accounts: AccountStore) -> Session | None:
    """The live session the cookie names (None without a cookie); a state-changing request
    must also carry its CSRF token."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    session = await accounts.session(token_hash(token))
    if session is None or not session_live(
        expires_at=session.expires_at, revoked_at=session.revoked_at, now=clock.now()
    ):
        raise InvalidSession()
    sent = request.headers.get(CSRF_HEADER, "").encode()
    if csrf_required(request.method) and not hmac.compare_digest(sent, session.csrf_token.encode()):
        raise CsrfFailed()
    request.state.session = session
    request.state.role = session.role
    bind_contextvars(business_id=str(session.business.business_id), user_id=str(session.user_id))
    return session


async def current_session(request: Request, accounts: AccountsDep) -> Session:
    session = await _signed_in(request, accounts)
    if session is None:
        raise NotSignedIn()
    return session


SessionDep = Annotated[Session, Depends(current_session)]


def answer_cors(request: Request) -> Callable[[str], None]:
    """Lets the CORS middleware answer this origin (api/cors.py reads `cors_origin`)."""

    def allow(origin: str) -> None:
        request.state.cors_origin = origin

    return allow


async def _widget_business(request: Request, token: str, store: WidgetStore) -> Business:
    """A widget session's call: staff powers, the orders panel's routes only, its own origin."""
    route = request.scope.get("route")
    business = await widget.admit(
        token, request.headers.get("origin"), request.method,
        getattr(route, "path", request.url.path), store=store, now=clock.now(),
        answer_cors=answer_cors(request),
    )  # fmt: skip
    request.state.role = Role.STAFF
    bind_contextvars(business_id=str(business.business_id), widget=True)
    return business


async def current_business(
    request: Request, businesses: BusinessesDep, accounts: AccountsDep, widgets: WidgetDep
) -> Business:
    """The caller's business: by its API key (an owner's powers), by a widget session (the
    orders panel only) or, without either, by a dashboard session (only ever its own business)."""
    raw = _presented_key(request)
    if not raw:
        session = await _signed_in(request, accounts)
        if session is not None:
            return session.business
        raise MissingApiKey("send your API key in the X-API-Key header", field="X-API-Key")
    return await business_of_key(request, raw, businesses, widgets)


async def business_of_key(
    request: Request,
    raw: str,
    businesses: BusinessStore,
    widgets: WidgetStore,
    *,
    field: str = "X-API-Key",
) -> Business:
    """The business of a presented key: an API key (an owner's powers) or a widget session."""
    if raw.startswith(WIDGET_SESSION):
        return await _widget_business(request, raw, widgets)
    business = await businesses.by_api_key(raw, now=clock.now())
    if business is None:
        raise InvalidApiKey("this API key is not valid", field=field)
    request.state.role = Role.OWNER
    bind_contextvars(business_id=str(business.business_id))
    return business


BusinessDep = Annotated[Business, Depends(current_business)]


async def store_api_business(
    request: Request, business: BusinessDep, access: AccessDep, settings: SettingsDep
) -> Business:
    """The caller's business, once its plan includes the Store API and its hour has room left."""
    return await admitted(request, business, access, settings)


async def admitted(
    request: Request, business: Business, access: AccessStore, settings: GatewaySettings
) -> Business:
    """`business`, once its plan includes the Store API and its hour has room left."""
    decision = await admit_request(
        business,
        access=access,
        api=STORE_API,
        now_epoch=time.time(),
        count=settings.rate_limit_enabled,
    )
    if decision is not None:
        request.state.response_headers = decision.headers()
    return business


StoreBusinessDep = Annotated[Business, Depends(store_api_business)]


async def session_user(request: Request, business: StoreBusinessDep) -> UUID | None:
    """The dashboard user behind the request: None with an API key, which is no one person."""
    session: Session | None = getattr(request.state, "session", None)
    return session.user_id if session is not None else None


SessionUserDep = Annotated[UUID | None, Depends(session_user)]


def _managing(area: Area) -> Callable[..., Coroutine[Any, Any, Business]]:
    async def manager(request: Request, business: StoreBusinessDep) -> Business:
        """The caller's business, when its role may manage `area` (an API key may)."""
        if not may_manage(request.state.role, area):
            raise OwnerOnly()
        return business

    manager.__name__ = f"manages_{area.value}"
    return manager


# Routes of what only an owner manages: webhook endpoints and store callbacks, WhatsApp, the
# business's API keys, its users and invites.
WebhooksOwnerDep = Annotated[Business, Depends(_managing(Area.WEBHOOKS))]
WhatsAppOwnerDep = Annotated[Business, Depends(_managing(Area.WHATSAPP))]
ApiKeysOwnerDep = Annotated[Business, Depends(_managing(Area.API_KEYS))]
UsersOwnerDep = Annotated[Business, Depends(_managing(Area.USERS))]


async def correlation_id() -> str:
    return str(get_contextvars().get("correlation_id", ""))


CorrelationDep = Annotated[str, Depends(correlation_id)]

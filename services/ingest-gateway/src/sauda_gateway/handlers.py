"""Gateway use cases: create a business, ingest an order, change its status, fold the event stream."""

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from sauda_contracts import (
    STORE_STATUS_MEANS,
    Actor,
    AnyOrderEvent,
    ChangeOrderStatus,
    ChangeOrderStatusBody,
    Customer,
    Fulfillment,
    LineItem,
    OrderCommandRejected,
    OrderPlaced,
    OrderSource,
    OrderStatus,
    Payment,
    PaymentStatus,
    PlaceOrder,
    PlaceOrderBody,
    StoreStatus,
    Topic,
    UpsertOrder,
    UpsertOrderBody,
)
from sauda_contracts.api import IngestCustomer, IngestRequest, UpsertOrderRequest
from sauda_contracts.catalog import ImportReport
from sauda_contracts.orders import place_command_id
from sauda_contracts.whatsapp import (
    InboundMessageReceived,
    MessageStatusReported,
    TemplateStatusChanged,
    chat_key,
)
from sauda_gateway import meta
from sauda_gateway.adapters.access import AccessStore
from sauda_gateway.adapters.businesses import Business, BusinessStore
from sauda_gateway.adapters.carts import recover_carts
from sauda_gateway.adapters.catalog import CatalogStore
from sauda_gateway.adapters.ingest import IngestStore
from sauda_gateway.adapters.outcomes import OutcomeWaiter
from sauda_gateway.adapters.store_crawler import (
    CatalogNotFound,
    CurrencyUnknown,
    Progress,
    StoreCrawler,
    StoreUnreachable,
)
from sauda_gateway.adapters.store_keys import StoreOrderKeys
from sauda_gateway.adapters.view import OrderView, ViewWriter, record_outcomes
from sauda_gateway.adapters.whatsapp import WhatsAppAccounts
from sauda_gateway.domain import (
    RateDecision,
    format_order_number,
    normalize_phone,
    order_id_for,
    plan_allowing,
    rate_decision,
    request_fingerprint,
    store_order_id,
    window_start,
)
from sauda_runtime.db import Conn
from sauda_runtime.logging import get_logger
from sauda_runtime.netguard import UnsafeUrl
from sauda_runtime.outbox import add_to_outbox

log = get_logger(__name__)


class ApiProblem(Exception):
    """A request Sauda refuses, with the status, stable code, message and field the client sees."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.field, self.details, self.headers = field, details, headers


def fresh_envelope(business: Business, correlation_id: str) -> dict[str, Any]:
    """Envelope fields of a message this request starts: new id, now, the caller's business."""
    return {
        "event_id": uuid4(),
        "occurred_at": datetime.now(UTC),
        "business_id": business.business_id,
        "correlation_id": correlation_id,
    }


def new_api_key() -> str:
    return "sk_sauda_" + secrets.token_urlsafe(32)


async def create_business(
    store: BusinessStore,
    *,
    name: str,
    plan: str,
    rate_limit_per_hour: int | None = None,
    default_country: str = "PK",
) -> tuple[Business, str]:
    raw_key = new_api_key()
    business = await store.create(
        uuid4(), name, plan, raw_key, rate_limit_per_hour, default_country
    )
    return business, raw_key


async def admit_request(
    business: Business, *, access: AccessStore, api: str, now_epoch: float, count: bool = True
) -> RateDecision | None:
    """Count the request against the business's hour; refuse it when its plan or hour says no.

    With `count` off (RATE_LIMIT_ENABLED=false) only the plan is checked; no decision returns.
    """
    window = window_start(now_epoch)
    admission = await access.admit(business.business_id, api, window, count=count)
    if admission is None:
        raise ApiProblem(401, "invalid_api_key", "this API key is not valid", field="X-API-Key")
    if api not in admission.apis:
        needed = plan_allowing(api, await access.plans())
        raise ApiProblem(
            403,
            "plan_required",
            f"the {admission.plan} plan does not include the Store API"
            + (f"; the {needed} plan does" if needed else ""),
            details={"current_plan": admission.plan, "required_plan": needed},
        )
    if admission.used is None:
        return None
    decision = rate_decision(
        used=admission.used, limit=admission.limit, window=window, now_epoch=now_epoch
    )
    if not decision.allowed:
        raise ApiProblem(
            429,
            "rate_limited",
            f"this business may make {decision.limit} requests per hour; "
            f"try again in {decision.retry_after} s",
            details={"limit": decision.limit, "reset": decision.reset_epoch},
            headers=decision.headers(),
        )
    return decision


def phone_of(raw: str, business: Business, *, field: str) -> str:
    phone = normalize_phone(raw, business.default_country)
    if phone is None:
        raise ApiProblem(
            400,
            "invalid_phone",
            f"{field}: {raw!r} is not a possible phone number (numbers without a country code "
            f"are read as {business.default_country})",
            field=field,
        )
    return phone


def customer_of(customer: IngestCustomer, business: Business, *, field: str) -> Customer:
    return Customer(
        phone=phone_of(customer.phone, business, field=field),
        name=customer.name,
        email=customer.email,
        consent=customer.consent,
        language=customer.language,
    )


@dataclass(frozen=True)
class IngestResult:
    created: bool  # False: the ledger has not answered yet (202)
    order_id: UUID
    order_number: str


async def ingest_order(
    request: IngestRequest,
    *,
    business: Business,
    correlation_id: str,
    store: IngestStore,
    waiter: OutcomeWaiter,
    wake_relay: Any,
    wait_seconds: float,
) -> IngestResult:
    order_id = order_id_for(business.business_id, request.idempotency_key)
    fingerprint = request_fingerprint(request)
    now = datetime.now(UTC)
    command_id = place_command_id(order_id)
    order = request.order
    total = order.total if order.total is not None else sum(i.price * i.qty for i in order.items)
    customer = customer_of(request.customer, business, field="customer.phone")

    def command_for(order_number: str) -> PlaceOrder:
        return PlaceOrder(
            event_id=command_id,
            occurred_at=now,
            business_id=business.business_id,
            correlation_id=correlation_id,
            body=PlaceOrderBody(
                order_id=order_id,
                order_number=order_number,
                source=OrderSource.INGEST,
                customer=customer,
                items=order.items,
                total=total,
                currency=order.currency,
                external_order_id=order.external_order_id,
                idempotency_key=request.idempotency_key,
                actor=Actor.STORE,
            ),
        )

    with waiter.expect(command_id) as expectation:
        is_new, record = await store.record(
            business_id=business.business_id,
            idempotency_key=request.idempotency_key,
            order_id=order_id,
            body_hash=fingerprint,
            command_for=command_for,
        )
        if not is_new:
            same = record.body_hash == fingerprint
            raise ApiProblem(
                409,
                "duplicate_idempotency_key" if same else "idempotency_key_reused",
                "an order with this idempotency_key already exists"
                if same
                else "this idempotency_key was already used with a different request body",
                field="idempotency_key",
                details={"order_id": str(record.order_id), "order_number": record.order_number},
            )
        wake_relay()
        log.info("order_accepted", order_id=str(order_id), order_number=record.order_number)
        outcome = await expectation.wait(wait_seconds)
    return IngestResult(outcome is not None, order_id, record.order_number)


@dataclass(frozen=True)
class CommandResult:
    applied: bool  # False: queued, the ledger has not answered yet (202)
    order: dict[str, Any] | None
    command_id: UUID


@dataclass(frozen=True)
class OrderCommands:
    """What sending an order command and awaiting the ledger's answer needs."""

    view: OrderView
    producer: AIOKafkaProducer
    waiter: OutcomeWaiter
    wait_seconds: float


async def send_and_await(
    command: ChangeOrderStatus | UpsertOrder,
    *,
    business: Business,
    orders: OrderCommands,
    field: str,
) -> CommandResult:
    """Send an order command and wait for the ledger's answer; a refusal becomes the API's."""
    order_id = command.body.order_id
    with orders.waiter.expect(command.event_id) as expectation:
        try:
            await orders.producer.send_and_wait(
                Topic.ORDERS_COMMANDS, command.to_bytes(), key=str(order_id).encode()
            )
        except KafkaError as exc:
            raise ApiProblem(
                503, "broker_unavailable", "the order could not be queued; retry shortly"
            ) from exc
        log.info("order_command_sent", order_id=str(order_id), command=command.type)
        outcome = await expectation.wait(orders.wait_seconds)
    if outcome is None:
        return CommandResult(False, None, command.event_id)
    if outcome["outcome"] == "rejected":
        rejection = outcome["payload"]
        raise ApiProblem(
            409 if rejection["code"] == "invalid_transition" else 404,
            rejection["code"],
            rejection["message"],
            field=field,
            details={
                "current_status": rejection.get("current_status"),
                "allowed": rejection.get("allowed_next", []),
            },
        )
    # The view folds the answer before the notification, so this read shows the change.
    return CommandResult(
        True, await orders.view.get(business.business_id, order_id), command.event_id
    )


async def change_status(
    order_id: UUID,
    status: OrderStatus,
    *,
    reason: str | None,
    actor: Actor,
    business: Business,
    correlation_id: str,
    orders: OrderCommands,
) -> CommandResult:
    if await orders.view.get(business.business_id, order_id) is None:
        raise ApiProblem(404, "order_not_found", "no such order", field="order_id")
    command = ChangeOrderStatus(
        **fresh_envelope(business, correlation_id),
        body=ChangeOrderStatusBody(order_id=order_id, status=status, actor=actor, reason=reason),
    )
    return await send_and_await(
        command, business=business, orders=orders, field="status",
    )  # fmt: skip


@dataclass(frozen=True)
class UpsertResult:
    created: bool
    result: CommandResult
    order_id: UUID
    order_number: str


def _unchanged(current: dict[str, Any], status: StoreStatus, payment: Payment | None,
               fulfillment: Fulfillment | None) -> bool:  # fmt: skip
    """Whether the view already shows everything the store reports (fields not sent don't count)."""
    return (
        current["status"] in STORE_STATUS_MEANS[status]
        and (payment is None or current["payment"] == payment.model_dump(mode="json"))
        and (fulfillment is None or current["fulfillment"] == fulfillment.model_dump(mode="json"))
    )


async def upsert_order(
    request: UpsertOrderRequest,
    *,
    business: Business,
    correlation_id: str,
    keys: StoreOrderKeys,
    orders: OrderCommands,
    reason: str | None = None,
) -> UpsertResult:
    """Create the store's order or bring it up to date, through the ledger's FSM."""
    phone = (
        phone_of(request.customerPhone, business, field="customerPhone")
        if request.customerPhone
        else None
    )
    platform = request.platform.strip().lower()
    order_id = store_order_id(business.business_id, platform, request.orderNumber)
    status = StoreStatus(request.orderStatus)
    payment = (
        Payment(status=request.paymentStatus or PaymentStatus.PENDING, method=request.paymentMethod)
        if request.paymentStatus or request.paymentMethod
        else None
    )
    fulfillment = (
        Fulfillment(tracking_code=request.trackingCode, tracking_url=request.trackingUrl)
        if request.trackingCode or request.trackingUrl
        else None
    )
    current = await orders.view.get(business.business_id, order_id)
    if current is not None and _unchanged(current, status, payment, fulfillment):
        return UpsertResult(False, CommandResult(True, current, uuid4()), order_id,
                            current["order_number"])  # fmt: skip
    seq = await keys.order_seq(business.business_id, platform, request.orderNumber, order_id)
    items = tuple(
        LineItem(name=i.name, qty=i.quantity, price=i.price, sku=i.sku) for i in request.items
    )
    place = PlaceOrderBody(
        order_id=order_id,
        order_number=format_order_number(seq),
        source=OrderSource.INGEST,
        customer=Customer(phone=phone, name=request.customerName, email=request.customerEmail,
                          consent=request.consent),
        items=items,
        total=request.total if request.total is not None else sum(i.price * i.qty for i in items),
        currency=request.currency.upper(),
        external_order_id=request.orderNumber,
        idempotency_key=f"{platform}:{request.orderNumber}",
        actor=Actor.STORE,
        platform=platform,
        payment=payment,
    )  # fmt: skip
    command = UpsertOrder(
        **fresh_envelope(business, correlation_id),
        body=UpsertOrderBody(
            order_id=order_id,
            place=place,
            status=status,
            payment=payment,
            fulfillment=fulfillment,
            reason=reason,
        ),
    )
    result = await send_and_await(
        command, business=business, orders=orders, field="orderStatus",
    )  # fmt: skip
    return UpsertResult(current is None, result, order_id, place.order_number)


def place_from_view(row: dict[str, Any]) -> PlaceOrderBody:
    """The PlaceOrder body of an order the view already shows (the ledger has it, so it is moot)."""
    return PlaceOrderBody(
        order_id=row["order_id"],
        order_number=row["order_number"],
        source=row["source"],
        customer=row["customer"],
        items=row["items"],
        total=row["total"],
        currency=row["currency"],
        external_order_id=row["external_order_id"],
        idempotency_key=row["idempotency_key"],
        actor=Actor.STORE,
        platform=row["platform"],
        payment=row["payment"],
    )


async def update_store_order(
    platform: str,
    store_order_number: str,
    *,
    status: StoreStatus,
    fulfillment: Fulfillment | None,
    business: Business,
    correlation_id: str,
    orders: OrderCommands,
) -> CommandResult:
    """Move a store's existing order (known by its platform and number) through the FSM."""
    order_id = store_order_id(business.business_id, platform, store_order_number)
    current = await orders.view.get(business.business_id, order_id)
    if current is None:
        raise ApiProblem(
            404, "order_not_found", "no order with this id from this store", field="id"
        )
    command = UpsertOrder(
        **fresh_envelope(business, correlation_id),
        body=UpsertOrderBody(
            order_id=order_id,
            place=place_from_view(current),
            status=status,
            fulfillment=fulfillment,
        ),
    )
    return await send_and_await(
        command, business=business, orders=orders, field="status",
    )  # fmt: skip


async def project_order_stream(
    conn: Conn,
    *,
    events: Sequence[AnyOrderEvent],
    rejections: Sequence[OrderCommandRejected],
    writer: ViewWriter,
    channel: str,
) -> None:
    """Fold a batch into the view, record the outcomes and recover carts, in one transaction."""
    await writer.apply(conn, events)
    await record_outcomes(conn, events, rejections, channel)
    placed = [e for e in events if isinstance(e, OrderPlaced)]
    if placed:
        await recover_carts(conn, placed, datetime.now(UTC))


# --- WhatsApp: Meta's webhook in, topics out ---


def _stable_id(*parts: str) -> UUID:
    """Meta retries a webhook with the same contents: the same fact gets the same event id."""
    return uuid5(NAMESPACE_URL, "sauda:" + ":".join(parts))


async def receive_whatsapp_webhook(
    raw: bytes,
    signature: str | None,
    *,
    app_secret: str,
    accounts: WhatsAppAccounts,
    pool: asyncpg.Pool,
    wake_relay: Callable[[], None],
    correlation_id: str,
) -> int:
    """Check Meta's signature, then queue what the webhook carried on its topics (one
    transaction), keyed by business + customer phone. Returns how many messages were queued."""
    if not meta.signature_ok(app_secret, raw, signature):
        raise ApiProblem(
            401,
            "invalid_signature",
            "X-Hub-Signature-256 is missing or does not match the body",
            field="X-Hub-Signature-256",
        )
    try:
        payload = meta.MetaWebhook.model_validate_json(raw)
    except ValidationError as exc:
        raise ApiProblem(400, "invalid_payload", f"not a WhatsApp webhook: {exc.errors()[0]['msg']}",
                         field="body") from None  # fmt: skip
    received = meta.read_webhook(payload)
    now = datetime.now(UTC)
    rows: list[tuple[str, bytes, bytes]] = []

    async def business_of(phone_number_id: str) -> UUID | None:
        account = await accounts.by_phone_number_id(phone_number_id)
        if account is None:
            log.warning("webhook_unknown_number", phone_number_id=phone_number_id)
        return account.business_id if account else None

    for body in received.inbound:
        if (business_id := await business_of(body.phone_number_id)) is not None:
            event = InboundMessageReceived(
                event_id=_stable_id("inbound", body.wamid), occurred_at=now,
                business_id=business_id, correlation_id=correlation_id, body=body,
            )  # fmt: skip
            rows.append((Topic.WHATSAPP_INBOUND, chat_key(business_id, body.customer_phone),
                         event.to_bytes()))  # fmt: skip
    for status in received.statuses:
        if (business_id := await business_of(status.phone_number_id)) is not None:
            report = MessageStatusReported(
                event_id=_stable_id("status", status.wamid, status.status), occurred_at=now,
                business_id=business_id, correlation_id=correlation_id, body=status,
            )  # fmt: skip
            rows.append((Topic.WHATSAPP_STATUS, chat_key(business_id, status.customer_phone),
                         report.to_bytes()))  # fmt: skip
    for review in received.templates:
        for account in await accounts.by_waba_id(review.waba_id):
            changed = TemplateStatusChanged(
                event_id=_stable_id("template", str(account.business_id), review.name,
                                    review.language, review.status),
                occurred_at=now, business_id=account.business_id,
                correlation_id=correlation_id, body=review,
            )  # fmt: skip
            rows.append((Topic.WHATSAPP_STATUS, str(account.business_id).encode(),
                         changed.to_bytes()))  # fmt: skip
    if received.skipped:
        log.warning("webhook_items_unreadable", skipped=received.skipped)
    if rows:
        async with pool.acquire() as conn:
            await add_to_outbox(conn, rows)
        wake_relay()
    return len(rows)


async def import_catalog(
    url: str,
    *,
    business_id: UUID,
    currency: str | None,
    crawler: StoreCrawler,
    catalog: CatalogStore,
    on_progress: Progress | None = None,
) -> ImportReport:
    """Read a store's catalog and write it into the business's products: a re-import updates
    what it imported before and never adds a product twice."""
    try:
        crawl = await crawler.crawl(url, currency=currency, on_progress=on_progress)
    except UnsafeUrl as exc:
        raise ApiProblem(400, "unsafe_url", f"url: {exc}", field="url") from None
    except CurrencyUnknown as exc:
        raise ApiProblem(400, "currency_required", f"{exc}: send `currency` (ISO 4217) with "
                         "the import", field="currency") from None  # fmt: skip
    except StoreUnreachable as exc:
        raise ApiProblem(502, "store_unreachable", str(exc), field="url") from None
    except CatalogNotFound as exc:
        skipped = [s.model_dump() for s in exc.skipped[:50]]
        raise ApiProblem(502, "catalog_not_found", str(exc), field="url",
                         details={"pages": exc.pages, "skipped": skipped}) from None  # fmt: skip
    counts = await catalog.save_imported(business_id, crawl.products)
    log.info("catalog_imported", source=crawl.source.value, created=counts.created,
             updated=counts.updated, unchanged=counts.unchanged)  # fmt: skip
    return ImportReport(
        source=crawl.source,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        skipped=(*crawl.skipped, *counts.skipped),
        products=counts.created + counts.updated + counts.unchanged,
        pages=crawl.pages,
    )

"""The merchant's read routes: orders, customers, an order's messages, chats and notices."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from sauda_contracts import OrderSource, OrderStatus
from sauda_contracts.api import (
    NO_NUL,
    CustomerList,
    CustomerOrders,
    CustomerOut,
    OrderCounts,
    OrderList,
    OrderOut,
)
from sauda_contracts.message_log import Conversation, NoticeList, OrderMessages
from sauda_contracts.whatsapp import NoticeKind
from sauda_gateway import clock
from sauda_gateway.api.deps import (
    LiveDep,
    MessageLogDep,
    OrderViewDep,
    SessionUserDep,
    SettingsDep,
    StoreBusinessDep,
)
from sauda_gateway.api.responses import (
    COMMON,
    json_response,
    offset_of,
    order_json,
    page_json,
    refusals,
)
from sauda_gateway.chats import chat_of
from sauda_gateway.domain import Business, parse_id
from sauda_gateway.orders.domain import CustomerNotFound, OrderNotFound
from sauda_gateway.phones import normalize_phone, phone_of
from sauda_gateway.view.domain import (
    Cursor,
    InvalidCursor,
    LiveUnavailable,
    OrderFilter,
    SignedInOnly,
    date_range,
    next_statuses,
    search_of,
)
from sauda_gateway.view.queries import OrderView

orders = APIRouter(prefix="/api/v1")
messages = APIRouter(prefix="/api/v1", tags=["WhatsApp"])

Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


Search = Annotated[str | None, Query(min_length=1, max_length=100, pattern=NO_NUL,
                    description="An order number (ORD-000042, #42, the store's own), a phone in "
                    "any form, or part of the customer's name.")]  # fmt: skip
CreatedFrom = Annotated[str | None, Query(description="Orders placed from then: an ISO date "
                                          "(a UTC day) or datetime.")]  # fmt: skip
CreatedTo = Annotated[str | None, Query(description="Orders placed before then; a date "
                                        "includes that whole day.")]  # fmt: skip


def _filter(business: Business, q: str | None, source: OrderSource | None,
            created_from: str | None, created_to: str | None,
            status: OrderStatus | None = None) -> OrderFilter:  # fmt: skip
    """The list's and the counts' filters, read from the query string."""
    start, stop = date_range(created_from, created_to)
    search = None
    if q is not None and q.strip():
        search = search_of(q, phone=normalize_phone(q, business.default_country))
    return OrderFilter(status=status.value if status else None,
                       source=source.value if source else None,
                       search=search, created_from=start, created_to=stop)  # fmt: skip


@orders.get("/orders", response_model=OrderList, responses=COMMON)
async def list_orders(
    business: StoreBusinessDep,
    view: OrderViewDep,
    status: OrderStatus | None = None,
    source: OrderSource | None = None,
    q: Search = None,
    created_from: CreatedFrom = None,
    created_to: CreatedTo = None,
    cursor: Annotated[str | None, Query(max_length=200, description="The `next_cursor` of the "
                                        "page before (keyset paging, newest first).")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    page: Annotated[int | None, Query(ge=1, le=1_000_000, description="1-based page of `limit` "
                                      "orders (Bugalou style); wins over `offset`.")] = None,
) -> Response:  # fmt: skip
    """Newest first, filtered; paged by `offset`/`page` or by the `cursor` a page gave."""
    offset = offset_of(limit, offset, page)
    if cursor is not None and offset:
        raise InvalidCursor("cursor: give a cursor or an offset/page, not both")
    after = Cursor.decode(cursor) if cursor is not None else None
    found = _filter(business, q, source, created_from, created_to, status)
    rows, total, following = await view.search(business.business_id, found, limit=limit,
                                               offset=offset, after=after)  # fmt: skip
    body = page_json("orders", [order_json(r, with_history=False) for r in rows], total=total,
                     limit=limit, offset=offset, page=page)  # fmt: skip
    return json_response({**body, "next_cursor": following.encode() if following else None})


@orders.get("/orders/counts", response_model=OrderCounts, responses=COMMON)
async def order_counts(
    business: StoreBusinessDep,
    view: OrderViewDep,
    source: OrderSource | None = None,
    q: Search = None,
    created_from: CreatedFrom = None,
    created_to: CreatedTo = None,
) -> Response:
    """How many orders of each status the same search and filters find: the status tabs."""
    counts = await view.counts(business.business_id,
                               _filter(business, q, source, created_from, created_to))  # fmt: skip
    return json_response({"counts": counts, "total": sum(counts.values())})


@orders.get("/orders/{order_id}", response_model=OrderOut, responses=refusals(404))
async def get_order(
    order_id: str, business: StoreBusinessDep, view: OrderViewDep, log: MessageLogDep
) -> Response:
    oid = parse_id(order_id, OrderNotFound)
    row = await view.get(business.business_id, oid)
    if row is None:
        raise OrderNotFound()
    notices, _ = await log.notices(business.business_id, order_id=oid, limit=100, offset=0)
    moves = next_statuses(OrderStatus(row["status"]))
    return json_response(order_json({**row, "notices": notices, "next_statuses": moves},
                                    with_history=True))  # fmt: skip


def _customer_json(row: dict[str, Any]) -> dict[str, Any]:
    return CustomerOut.model_validate(row).model_dump(mode="json")


async def _customer(raw_phone: str, business: Business, view: OrderView) -> tuple[str, Any]:
    """The customer with this phone (read as the business's country), or 404."""
    number = phone_of(raw_phone, business, field="phone")
    found = await view.customer(business.business_id, phone=number)
    if not found:
        raise CustomerNotFound()
    return number, _customer_json(found[0])


@orders.get("/customers", response_model=CustomerList, responses=COMMON)
async def find_customers(
    business: StoreBusinessDep,
    view: OrderViewDep,
    email: Annotated[str, Query(min_length=3, max_length=320, description="Customer's email.")],
) -> Response:
    found = await view.customer(business.business_id, email=email)
    return json_response({"customers": [_customer_json(r) for r in found]})


@orders.get("/customers/{phone}", response_model=CustomerOut, responses=refusals(404))
async def get_customer(phone: str, business: StoreBusinessDep, view: OrderViewDep) -> Response:
    _, customer = await _customer(phone, business, view)
    return json_response(customer)


@orders.get("/customers/{phone}/orders", response_model=CustomerOrders, responses=refusals(404))
async def get_customer_orders(
    phone: str,
    business: StoreBusinessDep,
    view: OrderViewDep,
    limit: Annotated[int, Query(ge=1, le=50, description="How many, newest first.")] = 3,
) -> Response:
    """The customer's last orders, newest first (three by default, as BusinessOnBot asks)."""
    number, customer = await _customer(phone, business, view)
    rows = await view.customer_orders(business.business_id, number, limit)
    return json_response({"customer": customer,
                          "orders": [order_json(r, with_history=False) for r in rows]})  # fmt: skip


@messages.get("/orders/{order_id}/messages", response_model=OrderMessages, responses=refusals(404))
async def order_messages(
    order_id: str, business: StoreBusinessDep, view: OrderViewDep, log: MessageLogDep
) -> Response:
    """Every WhatsApp message about this order, oldest first, with Meta's ids and statuses."""
    oid = parse_id(order_id, OrderNotFound)
    if await view.get(business.business_id, oid) is None:
        raise OrderNotFound()
    found = await log.of_order(business.business_id, oid)
    return json_response(OrderMessages(order_id=oid, messages=found).model_dump(mode="json"))


@messages.get("/conversations/{phone}", response_model=Conversation, responses=refusals())
async def conversation(
    phone: str, business: StoreBusinessDep, log: MessageLogDep, limit: Limit = 20,
    offset: Offset = 0,
) -> Response:  # fmt: skip
    """A customer's chat (both directions), newest first; `limit` (20) and `offset` page it.
    `phone` is the shopper's phone, or Meta's user id (`US.…`) of one who shares no number."""
    chat = chat_of(phone, business, field="phone")
    found, total = await log.of_customer(business.business_id, chat, limit=limit, offset=offset)
    page = Conversation(customer_phone=chat, messages=found, total=total, limit=limit,
                        offset=offset)  # fmt: skip
    return json_response(page.model_dump(mode="json"))


@messages.get("/notices", response_model=NoticeList, responses=refusals())
async def notices(
    business: StoreBusinessDep,
    log: MessageLogDep,
    user: SessionUserDep,
    kind: NoticeKind | None = None,
    order_id: uuid.UUID | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """What the merchant should know: new orders, messages not sent and why, failures."""
    rows, total = await log.notices(business.business_id, limit=limit, offset=offset,
                                    kind=kind.value if kind else None, order_id=order_id)  # fmt: skip
    unread = await log.unread(business.business_id, user) if user is not None else None
    page = NoticeList(notices=rows, total=total, limit=limit, offset=offset, unread=unread)
    return json_response(page.model_dump(mode="json"))


@messages.post("/notices/read", status_code=204, responses=refusals())
async def mark_notices_read(
    business: StoreBusinessDep, log: MessageLogDep, user: SessionUserDep
) -> Response:
    """Every notice so far is read for the signed-in user: the bell's count starts again at 0."""
    if user is None:
        raise SignedInOnly()
    await log.mark_read(business.business_id, user, clock.now())
    return Response(status_code=204)


# Left out of the OpenAPI: a stream never ends, so no generated client (or fuzzer) can call it
# as an operation; the README and the dashboard's API page describe it.
@messages.get("/stream", include_in_schema=False)
async def stream(business: StoreBusinessDep, live: LiveDep, settings: SettingsDep) -> Response:
    """Server-sent events of this business: `event: order` (LiveOrder) when an order is placed
    or changes, `event: notice` (NoticeOut) when a notice is raised, `event: import`
    (ImportJob) when a store import job starts, advances or ends, `event: template`
    (TemplateOut) when a WhatsApp template's review state changes, `: ping` when idle."""
    if live is None:
        raise LiveUnavailable()
    events = live.events(business.business_id, ping_seconds=settings.gateway_stream_ping_seconds)
    return StreamingResponse(events, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})  # fmt: skip

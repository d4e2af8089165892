"""WhatsApp routes: Meta's webhook (handshake and deliveries), and the merchant's message log,
notices and connected account."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response

from sauda_contracts.api import (
    Conversation,
    NoticeList,
    OrderMessages,
    WhatsAppAccountOut,
    WhatsAppAccountPatch,
)
from sauda_contracts.whatsapp import NoticeKind
from sauda_gateway import handlers
from sauda_gateway.app import json_response, parse_order_id, refusals
from sauda_gateway.deps import ContainerDep, CorrelationDep, StoreBusinessDep
from sauda_gateway.handlers import ApiProblem

meta_webhooks = APIRouter(prefix="/webhooks", tags=["Meta webhooks"])
whatsapp = APIRouter(prefix="/api/v1", tags=["WhatsApp"])


@meta_webhooks.get(
    "/whatsapp",
    responses={
        **refusals(),
        200: {"description": "`hub.challenge`, echoed.", "content": {"text/plain": {}}},
        403: {"description": "Verify token mismatch.", "content": {"text/plain": {}}},
    },
)
async def verify_webhook(
    c: ContainerDep,
    mode: Annotated[str | None, Query(alias="hub.mode")] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token")] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge", max_length=200)] = None,
) -> Response:
    """Meta's subscription handshake: echo `hub.challenge` when the verify token matches."""
    expected = c.settings.whatsapp_verify_token
    if mode == "subscribe" and expected and token == expected and challenge is not None:
        return PlainTextResponse(challenge)
    return PlainTextResponse("verification failed", status_code=403)


@meta_webhooks.post("/whatsapp", responses=refusals())
async def receive_webhook(
    request: Request, c: ContainerDep, correlation_id: CorrelationDep
) -> Response:
    """Meta's deliveries: signature checked on the raw body, contents queued, 200 at once."""
    queued = await handlers.receive_whatsapp_webhook(
        await request.body(),
        request.headers.get("x-hub-signature-256"),
        app_secret=c.settings.whatsapp_app_secret,
        accounts=c.whatsapp,
        pool=c.pool,
        wake_relay=c.relay.wake,
        correlation_id=correlation_id,
    )
    return json_response({"received": queued})


@whatsapp.get("/orders/{order_id}/messages", response_model=OrderMessages, responses=refusals(404))
async def order_messages(order_id: str, business: StoreBusinessDep, c: ContainerDep) -> Response:
    """Every WhatsApp message about this order, oldest first, with Meta's ids and statuses."""
    oid = parse_order_id(order_id)
    if await c.view.get(business.business_id, oid) is None:
        raise ApiProblem(404, "order_not_found", "no such order", field="order_id")
    messages = await c.messages.of_order(business.business_id, oid)
    return json_response(OrderMessages(order_id=oid, messages=messages).model_dump(mode="json"))


@whatsapp.get("/conversations/{phone}", response_model=Conversation, responses=refusals())
async def conversation(
    phone: str,
    business: StoreBusinessDep,
    c: ContainerDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """A customer's chat (both directions), newest first; `limit` (20) and `offset` page it."""
    number = handlers.phone_of(phone, business, field="phone")
    messages, total = await c.messages.of_customer(
        business.business_id, number, limit=limit, offset=offset
    )
    page = Conversation(
        customer_phone=number,
        messages=messages,
        total=total,
        limit=limit,
        offset=offset,
    )
    return json_response(page.model_dump(mode="json"))


@whatsapp.get("/notices", response_model=NoticeList, responses=refusals())
async def notices(
    business: StoreBusinessDep,
    c: ContainerDep,
    kind: NoticeKind | None = None,
    order_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """What the merchant should know: new orders, messages not sent and why, failures."""
    rows, total = await c.messages.notices(
        business.business_id,
        limit=limit,
        offset=offset,
        kind=kind.value if kind else None,
        order_id=order_id,
    )
    page = NoticeList(notices=rows, total=total, limit=limit, offset=offset)
    return json_response(page.model_dump(mode="json"))


@whatsapp.get("/whatsapp", response_model=WhatsAppAccountOut, responses=refusals(404))
async def whatsapp_account(business: StoreBusinessDep, c: ContainerDep) -> Response:
    """The connected WhatsApp number (the access token is never shown)."""
    account = await c.whatsapp.of_business(business.business_id)
    if account is None:
        raise ApiProblem(404, "whatsapp_not_connected", "no WhatsApp number is connected")
    return json_response(account.public())


@whatsapp.patch("/whatsapp", response_model=WhatsAppAccountOut, responses=refusals(404))
async def patch_whatsapp_account(
    body: WhatsAppAccountPatch, business: StoreBusinessDep, c: ContainerDep
) -> Response:
    """Set the admin phone that hears of every new order, or the default template language."""
    changes = body.model_dump(exclude_unset=True, mode="json")
    if changes.get("language", "") is None:
        del changes["language"]  # there is always a default language
    if "admin_phone" in changes and changes["admin_phone"] is not None:
        changes["admin_phone"] = handlers.phone_of(changes["admin_phone"], business,
                                                   field="admin_phone")  # fmt: skip
    account = await c.whatsapp.update(business.business_id, **changes) if changes else (
        await c.whatsapp.of_business(business.business_id)
    )  # fmt: skip
    if account is None:
        raise ApiProblem(404, "whatsapp_not_connected", "no WhatsApp number is connected")
    return json_response(account.public())

"""Merchant configuration routes: webhook endpoints (CRUD, secret rotation, test events, the
delivery log and redelivery), store callbacks, and the connected WhatsApp account. Deliveries
themselves are the webhook dispatcher's. Only an owner (or an API key) manages any of these;
anyone of the business sees its plan and this hour's usage."""

import time
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sauda_contracts.accounts import UsageOut
from sauda_contracts.api import (
    DeliveryList,
    Queued,
    StoreCallbacksIn,
    StoreCallbacksOut,
    WebhookEndpointCreated,
    WebhookEndpointIn,
    WebhookEndpointList,
    WebhookEndpointOut,
    WebhookEndpointPatch,
    WebhookSecret,
    WhatsAppAccountOut,
    WhatsAppAccountPatch,
)
from sauda_gateway import clock
from sauda_gateway.api.deps import (
    AccessDep,
    BusinessDep,
    CorrelationDep,
    OutboxDep,
    SettingsDep,
    WebhooksDep,
    WebhooksOwnerDep,
    WhatsAppDep,
    WhatsAppOwnerDep,
)
from sauda_gateway.api.responses import json_response, refusals
from sauda_gateway.merchant import handlers
from sauda_gateway.merchant.domain import (
    StoreCallbacksNotSet,
    WebhookNotFound,
    WhatsAppNotConnected,
)
from sauda_gateway.merchant.handlers import endpoint_id, owned_endpoint, safe_url
from sauda_gateway.phones import phone_of

webhooks = APIRouter(prefix="/api/v1", tags=["Webhooks"])
whatsapp = APIRouter(prefix="/api/v1", tags=["WhatsApp"])
plan = APIRouter(prefix="/api/v1", tags=["Plan"])


def _out(row: dict[str, object]) -> dict[str, object]:
    return WebhookEndpointOut.model_validate(row).model_dump(mode="json")


def _queued(code: str, message: str, command_id: uuid.UUID) -> Response:
    return json_response({"code": code, "message": message,
                          "details": {"command_id": str(command_id)}}, status_code=202)  # fmt: skip


@webhooks.get("/webhooks", response_model=WebhookEndpointList, responses=refusals())
async def list_webhooks(business: WebhooksOwnerDep, endpoints: WebhooksDep) -> Response:
    """Every endpoint of this business (never their secrets)."""
    rows = await endpoints.of_business(business.business_id)
    return json_response({"webhooks": [_out(r) for r in rows]})


@webhooks.post("/webhooks", status_code=201, response_model=WebhookEndpointCreated,
               responses=refusals(409))  # fmt: skip
async def create_webhook(
    body: WebhookEndpointIn, business: WebhooksOwnerDep, endpoints: WebhooksDep,
    settings: SettingsDep,
) -> Response:  # fmt: skip
    """A new endpoint; its signing secret is in this answer and never shown again."""
    row, secret = await handlers.create_endpoint(
        business, body.url, [e.value for e in body.events], body.active, endpoints=endpoints,
        allow_private=settings.webhooks_allow_private_urls,
    )  # fmt: skip
    return json_response({**_out(row), "secret": secret}, status_code=201)


@webhooks.patch("/webhooks/{id}", response_model=WebhookEndpointOut, responses=refusals(404))
async def update_webhook(
    id: str, body: WebhookEndpointPatch, business: WebhooksOwnerDep, endpoints: WebhooksDep,
    settings: SettingsDep,
) -> Response:  # fmt: skip
    """Change URL, events or `active` (`true` reactivates an endpoint that was turned off)."""
    changes = body.model_dump(exclude_unset=True, exclude_none=True, mode="json")
    row = await handlers.update_endpoint(business, id, changes, endpoints=endpoints,
                                         allow_private=settings.webhooks_allow_private_urls)  # fmt: skip
    return json_response(_out(row))


@webhooks.delete("/webhooks/{id}", status_code=204, responses=refusals(404))
async def delete_webhook(id: str, business: WebhooksOwnerDep, endpoints: WebhooksDep) -> Response:
    if not await endpoints.delete(business.business_id, endpoint_id(id)):
        raise WebhookNotFound()
    return Response(status_code=204)


@webhooks.post(
    "/webhooks/{id}/rotate-secret", response_model=WebhookSecret, responses=refusals(404)
)
async def rotate_secret(id: str, business: WebhooksOwnerDep, endpoints: WebhooksDep) -> Response:
    """A new signing secret; deliveries carry signatures by both secrets for 24 hours."""
    secret, until = await handlers.rotate_secret(business, endpoint_id(id), endpoints=endpoints,
                                                 now=clock.now())  # fmt: skip
    return json_response(
        {"id": id, "secret": secret, "previous_secret_valid_until": until.isoformat()}
    )


@webhooks.post(
    "/webhooks/{id}/test", status_code=202, response_model=Queued, responses=refusals(404)
)
async def send_test(
    id: str, business: WebhooksOwnerDep, endpoints: WebhooksDep, outbox: OutboxDep,
    correlation_id: CorrelationDep,
) -> Response:  # fmt: skip
    """Send a `webhook_test` event to this endpoint; its delivery shows in the log."""
    command_id = await handlers.send_test(business, endpoint_id(id), correlation_id=correlation_id,
                                          endpoints=endpoints, outbox=outbox)  # fmt: skip
    return _queued("test_queued", "a webhook_test event is on its way", command_id)


@webhooks.get("/webhooks/{id}/deliveries", response_model=DeliveryList, responses=refusals(404))
async def deliveries(
    id: str,
    business: WebhooksOwnerDep,
    endpoints: WebhooksDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Every delivery to this endpoint, newest first: event, attempts, status code, duration,
    the first bytes of the response, the error."""
    owned = await owned_endpoint(business, endpoint_id(id), endpoints=endpoints)
    rows, total = await endpoints.deliveries(business.business_id, owned, limit=limit,
                                             offset=offset)  # fmt: skip
    page = DeliveryList.model_validate({"deliveries": rows, "total": total, "limit": limit,
                                        "offset": offset})  # fmt: skip
    return json_response(page.model_dump(mode="json"))


@webhooks.post("/webhooks/{id}/deliveries/{delivery_id}/redeliver", status_code=202,
               response_model=Queued, responses=refusals(404))  # fmt: skip
async def redeliver(
    id: str, delivery_id: str, business: WebhooksOwnerDep, endpoints: WebhooksDep,
    outbox: OutboxDep, correlation_id: CorrelationDep,
) -> Response:  # fmt: skip
    """Deliver a past event again (same `event_id`, so the receiver can tell it is a repeat)."""
    try:
        did: uuid.UUID | None = uuid.UUID(delivery_id)
    except ValueError:
        did = None
    command_id = await handlers.redeliver(business, endpoint_id(id), did,
                                          correlation_id=correlation_id, endpoints=endpoints,
                                          outbox=outbox)  # fmt: skip
    return _queued("redelivery_queued", "the event is on its way again", command_id)


@webhooks.get("/store-callbacks", response_model=StoreCallbacksOut, responses=refusals(404))
async def get_store_callbacks(business: WebhooksOwnerDep, endpoints: WebhooksDep) -> Response:
    row = await endpoints.store_callbacks(business.business_id)
    if row is None:
        raise StoreCallbacksNotSet()
    return json_response(StoreCallbacksOut.model_validate(row).model_dump(mode="json"))


@webhooks.put("/store-callbacks", response_model=StoreCallbacksOut, responses=refusals())
async def put_store_callbacks(
    body: StoreCallbacksIn, business: WebhooksOwnerDep, endpoints: WebhooksDep,
    settings: SettingsDep,
) -> Response:  # fmt: skip
    """The store's own cancel endpoint: called when a shopper cancels on WhatsApp or the
    merchant cancels in Sauda. Its signing secret is shown once, when first set."""
    url = await safe_url(body.cancel_url, allow_private=settings.webhooks_allow_private_urls,
                         field="cancel_url")  # fmt: skip
    row = await endpoints.set_store_callbacks(business.business_id, url)
    return json_response(StoreCallbacksOut.model_validate(row).model_dump(mode="json"))


@webhooks.delete("/store-callbacks", status_code=204, responses=refusals(404))
async def delete_store_callbacks(business: WebhooksOwnerDep, endpoints: WebhooksDep) -> Response:
    row = await endpoints.store_callbacks(business.business_id)
    if row is None or not await endpoints.delete(business.business_id, row["id"], "store_cancel"):
        raise StoreCallbacksNotSet()
    return Response(status_code=204)


@whatsapp.get("/whatsapp", response_model=WhatsAppAccountOut, responses=refusals(404))
async def whatsapp_account(business: WhatsAppOwnerDep, accounts: WhatsAppDep) -> Response:
    """The connected WhatsApp number (the access token is never shown)."""
    account = await accounts.of_business(business.business_id)
    if account is None:
        raise WhatsAppNotConnected()
    return json_response(account.public())


@whatsapp.patch("/whatsapp", response_model=WhatsAppAccountOut, responses=refusals(404))
async def patch_whatsapp_account(
    body: WhatsAppAccountPatch, business: WhatsAppOwnerDep, accounts: WhatsAppDep
) -> Response:
    """Set the admin phone that hears of every new order, or the default template language."""
    changes = body.model_dump(exclude_unset=True, mode="json")
    if changes.get("language", "") is None:
        del changes["language"]  # there is always a default language
    if "admin_phone" in changes and changes["admin_phone"] is not None:
        changes["admin_phone"] = phone_of(changes["admin_phone"], business, field="admin_phone")
    account = await accounts.update(business.business_id, **changes) if changes else (
        await accounts.of_business(business.business_id)
    )  # fmt: skip
    if account is None:
        raise WhatsAppNotConnected()
    return json_response(account.public())


@plan.get("/usage", response_model=UsageOut, responses=refusals())
async def usage(business: BusinessDep, access: AccessDep) -> Response:
    """The business's plan, the APIs it includes, its hourly allowance, the requests admitted
    this hour and when the count starts again. Any user may look; looking is not counted and
    works when the hour is used up or the plan lacks the Store API. With RATE_LIMIT_ENABLED off
    nothing is counted."""
    hour = await handlers.usage(business, access=access, now_epoch=time.time())
    return json_response(UsageOut(
        plan=hour.plan, apis=hour.apis, per_hour=hour.per_hour, used_this_hour=hour.used,
        resets_at=datetime.fromtimestamp(hour.resets_epoch, UTC),
    ).model_dump(mode="json"))  # fmt: skip

"""Merchant webhook endpoints and store callbacks: CRUD, secret rotation, test events, the
delivery log and redelivery. Deliveries themselves are the webhook dispatcher's."""

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sauda_contracts import Topic
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
)
from sauda_contracts.webhooks import (
    MAX_ENDPOINTS_PER_BUSINESS,
    RedeliverBody,
    RedeliverWebhook,
    SendTestBody,
    SendTestWebhook,
)
from sauda_gateway.adapters.businesses import Business
from sauda_gateway.adapters.webhooks import EndpointLimit
from sauda_gateway.app import json_response, parse_id, refusals
from sauda_gateway.deps import Container, ContainerDep, CorrelationDep, StoreBusinessDep
from sauda_gateway.handlers import ApiProblem, fresh_envelope
from sauda_runtime.netguard import UnsafeUrl, check_url
from sauda_runtime.outbox import add_to_outbox

webhooks = APIRouter(prefix="/api/v1", tags=["Webhooks"])


def _endpoint_id(raw: str) -> uuid.UUID:
    return parse_id(raw, code="webhook_not_found", message="no such webhook endpoint", field="id")


async def _safe_url(url: str, c: Container, field: str = "url") -> str:
    allow = c.settings.webhooks_allow_private_urls
    try:
        await check_url(url, require_https=not allow, allow_private=allow)
    except UnsafeUrl as exc:
        raise ApiProblem(400, "unsafe_url", f"{field}: {exc}", field=field) from None
    return url


def _out(row: dict[str, object]) -> dict[str, object]:
    return WebhookEndpointOut.model_validate(row).model_dump(mode="json")


@webhooks.get("/webhooks", response_model=WebhookEndpointList, responses=refusals())
async def list_webhooks(business: StoreBusinessDep, c: ContainerDep) -> Response:
    """Every endpoint of this business (never their secrets)."""
    rows = await c.webhooks.of_business(business.business_id)
    return json_response({"webhooks": [_out(r) for r in rows]})


@webhooks.post("/webhooks", status_code=201, response_model=WebhookEndpointCreated,
               responses=refusals(409))  # fmt: skip
async def create_webhook(
    body: WebhookEndpointIn, business: StoreBusinessDep, c: ContainerDep
) -> Response:
    """A new endpoint; its signing secret is in this answer and never shown again."""
    url = await _safe_url(body.url, c)
    try:
        row, secret = await c.webhooks.create(
            business.business_id, url, [e.value for e in dict.fromkeys(body.events)], body.active,
            limit=MAX_ENDPOINTS_PER_BUSINESS,
        )  # fmt: skip
    except EndpointLimit:
        raise ApiProblem(
            409, "webhook_limit_reached",
            f"a business has at most {MAX_ENDPOINTS_PER_BUSINESS} webhook endpoints; "
            "delete one first", field="url",
        ) from None  # fmt: skip
    return json_response({**_out(row), "secret": secret}, status_code=201)


async def _owned(business: Business, raw_id: str, c: Container) -> uuid.UUID:
    endpoint_id = _endpoint_id(raw_id)
    if await c.webhooks.get(business.business_id, endpoint_id) is None:
        raise ApiProblem(404, "webhook_not_found", "no such webhook endpoint", field="id")
    return endpoint_id


@webhooks.patch("/webhooks/{id}", response_model=WebhookEndpointOut, responses=refusals(404))
async def update_webhook(
    id: str, body: WebhookEndpointPatch, business: StoreBusinessDep, c: ContainerDep
) -> Response:
    """Change URL, events or `active` (`true` reactivates an endpoint that was turned off)."""
    changes = body.model_dump(exclude_unset=True, exclude_none=True, mode="json")
    if "url" in changes:
        await _safe_url(changes["url"], c)
    if "events" in changes:
        changes["events"] = list(dict.fromkeys(changes["events"]))
    row = await c.webhooks.update(business.business_id, _endpoint_id(id), changes)
    if row is None:
        raise ApiProblem(404, "webhook_not_found", "no such webhook endpoint", field="id")
    return json_response(_out(row))


@webhooks.delete("/webhooks/{id}", status_code=204, responses=refusals(404))
async def delete_webhook(id: str, business: StoreBusinessDep, c: ContainerDep) -> Response:
    if not await c.webhooks.delete(business.business_id, _endpoint_id(id)):
        raise ApiProblem(404, "webhook_not_found", "no such webhook endpoint", field="id")
    return Response(status_code=204)


@webhooks.post(
    "/webhooks/{id}/rotate-secret", response_model=WebhookSecret, responses=refusals(404)
)
async def rotate_secret(id: str, business: StoreBusinessDep, c: ContainerDep) -> Response:
    """A new signing secret; deliveries carry signatures by both secrets for 24 hours."""
    rotated = await c.webhooks.rotate_secret(
        business.business_id, await _owned(business, id, c), datetime.now(UTC)
    )
    if rotated is None:
        raise ApiProblem(404, "webhook_not_found", "no such webhook endpoint", field="id")
    secret, until = rotated
    return json_response(
        {"id": id, "secret": secret, "previous_secret_valid_until": until.isoformat()}
    )


async def _queue(c: Container, endpoint_id: uuid.UUID, value: bytes) -> None:
    async with c.pool.acquire() as conn:
        await add_to_outbox(conn, [(Topic.WEBHOOKS_COMMANDS, str(endpoint_id).encode(), value)])
    c.relay.wake()


@webhooks.post(
    "/webhooks/{id}/test", status_code=202, response_model=Queued, responses=refusals(404)
)
async def send_test(
    id: str, business: StoreBusinessDep, c: ContainerDep, correlation_id: CorrelationDep
) -> Response:
    """Send a `webhook_test` event to this endpoint; its delivery shows in the log."""
    endpoint_id = await _owned(business, id, c)
    command = SendTestWebhook(**fresh_envelope(business, correlation_id),
                              body=SendTestBody(endpoint_id=endpoint_id))  # fmt: skip
    await _queue(c, endpoint_id, command.to_bytes())
    return json_response({"code": "test_queued", "message": "a webhook_test event is on its way",
                          "details": {"command_id": str(command.event_id)}}, status_code=202)  # fmt: skip


@webhooks.get("/webhooks/{id}/deliveries", response_model=DeliveryList, responses=refusals(404))
async def deliveries(
    id: str,
    business: StoreBusinessDep,
    c: ContainerDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Every delivery to this endpoint, newest first: event, attempts, status code, duration,
    the first bytes of the response, the error."""
    endpoint_id = await _owned(business, id, c)
    rows, total = await c.webhooks.deliveries(business.business_id, endpoint_id, limit=limit,
                                              offset=offset)  # fmt: skip
    page = DeliveryList.model_validate({"deliveries": rows, "total": total, "limit": limit,
                                        "offset": offset})  # fmt: skip
    return json_response(page.model_dump(mode="json"))


@webhooks.post("/webhooks/{id}/deliveries/{delivery_id}/redeliver", status_code=202,
               response_model=Queued, responses=refusals(404))  # fmt: skip
async def redeliver(
    id: str, delivery_id: str, business: StoreBusinessDep, c: ContainerDep,
    correlation_id: CorrelationDep,
) -> Response:  # fmt: skip
    """Deliver a past event again (same `event_id`, so the receiver can tell it is a repeat)."""
    endpoint_id = await _owned(business, id, c)
    try:
        did = uuid.UUID(delivery_id)
    except ValueError:
        did = None
    if did is None or not await c.webhooks.has_delivery(business.business_id, endpoint_id, did):
        raise ApiProblem(404, "delivery_not_found", "no such delivery", field="delivery_id")
    command = RedeliverWebhook(**fresh_envelope(business, correlation_id),
                               body=RedeliverBody(endpoint_id=endpoint_id, delivery_id=did))  # fmt: skip
    await _queue(c, endpoint_id, command.to_bytes())
    return json_response({"code": "redelivery_queued", "message": "the event is on its way again",
                          "details": {"command_id": str(command.event_id)}}, status_code=202)  # fmt: skip


@webhooks.get("/store-callbacks", response_model=StoreCallbacksOut, responses=refusals(404))
async def get_store_callbacks(business: StoreBusinessDep, c: ContainerDep) -> Response:
    row = await c.webhooks.store_callbacks(business.business_id)
    if row is None:
        raise ApiProblem(404, "store_callbacks_not_set", "no store callbacks are configured")
    return json_response(StoreCallbacksOut.model_validate(row).model_dump(mode="json"))


@webhooks.put("/store-callbacks", response_model=StoreCallbacksOut, responses=refusals())
async def put_store_callbacks(
    body: StoreCallbacksIn, business: StoreBusinessDep, c: ContainerDep
) -> Response:
    """The store's own cancel endpoint: called when a shopper cancels on WhatsApp or the
    merchant cancels in Sauda. Its signing secret is shown once, when first set."""
    row = await c.webhooks.set_store_callbacks(
        business.business_id, await _safe_url(body.cancel_url, c, "cancel_url")
    )
    return json_response(StoreCallbacksOut.model_validate(row).model_dump(mode="json"))


@webhooks.delete("/store-callbacks", status_code=204, responses=refusals(404))
async def delete_store_callbacks(business: StoreBusinessDep, c: ContainerDep) -> Response:
    row = await c.webhooks.store_callbacks(business.business_id)
    if row is None or not await c.webhooks.delete(business.business_id, row["id"], "store_cancel"):
        raise ApiProblem(404, "store_callbacks_not_set", "no store callbacks are configured")
    return Response(status_code=204)

"""Meta's webhook routes: the subscription handshake and the deliveries."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response

from sauda_gateway.api.deps import CorrelationDep, OutboxDep, SettingsDep, WhatsAppDep
from sauda_gateway.api.responses import json_response, refusals
from sauda_gateway.integrations.meta.handlers import receive_whatsapp_webhook

meta_webhooks = APIRouter(prefix="/webhooks", tags=["Meta webhooks"])


@meta_webhooks.get(
    "/whatsapp",
    responses={
        **refusals(),
        200: {"description": "`hub.challenge`, echoed.", "content": {"text/plain": {}}},
        403: {"description": "Verify token mismatch.", "content": {"text/plain": {}}},
    },
)
async def verify_webhook(
    settings: SettingsDep,
    mode: Annotated[str | None, Query(alias="hub.mode")] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token")] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge", max_length=200)] = None,
) -> Response:
    """Meta's subscription handshake: echo `hub.challenge` when the verify token matches."""
    expected = settings.whatsapp_verify_token
    if mode == "subscribe" and expected and token == expected and challenge is not None:
        return PlainTextResponse(challenge)
    return PlainTextResponse("verification failed", status_code=403)


@meta_webhooks.post("/whatsapp", responses=refusals())
async def receive_webhook(
    request: Request, settings: SettingsDep, accounts: WhatsAppDep, outbox: OutboxDep,
    correlation_id: CorrelationDep,
) -> Response:  # fmt: skip
    """Meta's deliveries: signature checked on the raw body, contents queued, 200 at once."""
    queued = await receive_whatsapp_webhook(
        await request.body(),
        request.headers.get("x-hub-signature-256"),
        app_secret=settings.whatsapp_app_secret,
        accounts=accounts,
        outbox=outbox,
        correlation_id=correlation_id,
    )
    return json_response({"received": queued})

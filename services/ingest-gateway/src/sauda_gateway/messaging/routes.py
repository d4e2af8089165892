"""Sauda's messaging REST: send a WhatsApp message, read one back (status, history, error), and
connect the business's number. Each validates, calls a handler and shapes the answer."""

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.api import WhatsAppAccountOut
from sauda_contracts.message_log import MessageOut
from sauda_contracts.messaging import MessageAccepted, SendMessageRequest, WhatsAppConnectRequest
from sauda_gateway.api.deps import StoreBusinessDep, WhatsAppOwnerDep
from sauda_gateway.api.responses import contract_response, json_response, refusals
from sauda_gateway.messaging.deps import IdempotencyKey, MessagingDep

messaging = APIRouter(prefix="/api/v1/whatsapp", tags=["WhatsApp messaging"])


@messaging.post(
    "/messages",
    status_code=202,
    response_model=MessageAccepted,
    responses=refusals(404, 409),
)
async def send_message(
    body: SendMessageRequest,
    business: StoreBusinessDep,
    messages: MessagingDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Send a text, buttons, a list, a template or a media file to a customer. Free-form types
    need the customer to have written in the last 24 hours (else 409
    `outside_customer_window`); a template goes at any time, if Meta approved it. The answer
    comes once the notifier recorded the send (up to WHATSAPP_SEND_WAIT_MS): `sent` with Meta's
    wamid, `failed` or `skipped` with the error, or still `queued` / `accepted`."""
    sent = await messages.send(body, business, idempotency_key)
    headers = {"Location": f"/api/v1/whatsapp/messages/{sent.answer['message_id']}"}
    if sent.replayed:
        headers["Idempotent-Replayed"] = "true"
    answer = MessageAccepted.model_validate(sent.answer).model_dump(mode="json")
    return json_response(answer, status_code=202, headers=headers)


@messaging.get("/messages/{message_id}", response_model=MessageOut, responses=refusals(404))
async def get_message(
    message_id: str, business: StoreBusinessDep, messages: MessagingDep
) -> Response:
    """One message of the log, by Sauda's message id or by Meta's wamid: its status (accepted,
    queued, retrying, sent, delivered, read, failed, skipped; inbound: received), every status
    it went through, and the error of a failed or skipped one. Another business's is 404."""
    return contract_response(MessageOut, await messages.find(business, message_id))


@messaging.put("", response_model=WhatsAppAccountOut, responses=refusals(409))
async def connect_whatsapp(
    body: WhatsAppConnectRequest, business: WhatsAppOwnerDep, messages: MessagingDep
) -> Response:
    """Connect (or reconnect) the business's WhatsApp Cloud API number; the access token is
    stored sealed and never shown. Its Graph API is WHATSAPP_GRAPH_URL. Only an owner (or an
    API key)."""
    account = await messages.connect(business, body)
    return json_response(account.public())

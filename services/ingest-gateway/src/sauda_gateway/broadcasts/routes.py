"""Sauda's broadcasts REST: start one (202 at once: the notifier runs it), its progress, and
its recipients' results. Each validates, calls a handler and shapes the answer."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sauda_contracts.api import NO_NUL
from sauda_contracts.broadcast_api import (
    BroadcastAccepted,
    BroadcastOut,
    BroadcastRecipientPage,
    BroadcastRequest,
)
from sauda_gateway.api.deps import StoreBusinessDep
from sauda_gateway.api.responses import contract_response, json_response, refusals
from sauda_gateway.broadcasts.deps import BroadcastsDep
from sauda_gateway.broadcasts.handlers import Started
from sauda_gateway.messaging.deps import IdempotencyKey

broadcasts = APIRouter(prefix="/api/v1/whatsapp/broadcasts", tags=["WhatsApp broadcasts"])

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Status = Annotated[str | None, Query(min_length=1, max_length=20, pattern=NO_NUL,
                                     description="pending, queued, retrying, sent, delivered, "
                                     "read, failed or skipped.")]  # fmt: skip


def accepted(started: Started) -> Response:
    headers = {"Location": f"/api/v1/whatsapp/broadcasts/{started.broadcast_id}"}
    if started.replayed:
        headers["Idempotent-Replayed"] = "true"
    answer = BroadcastAccepted(broadcast_id=started.broadcast_id, status=started.status,
                               recipients=started.recipients)  # fmt: skip
    return json_response(answer.model_dump(mode="json"), status_code=202, headers=headers)


@broadcasts.post("", status_code=202, response_model=BroadcastAccepted,
                 responses=refusals(404, 409))  # fmt: skip
async def start_broadcast(
    body: BroadcastRequest,
    business: StoreBusinessDep,
    jobs: BroadcastsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Broadcast an approved template to up to 10,000 customers (`recipients`, read into
    international digits and deduplicated; a bad one is refused naming its index) or to a
    label's subscribers (`label_id`). Answers at once; the notifier sends at the number's
    limit (NOTIFIER_BROADCAST_RATE), never twice to anyone, and skips customers who wrote STOP.
    The Idempotency-Key names the broadcast: a retried POST answers the same one."""
    return accepted(await jobs.start(body, business, idempotency_key))


@broadcasts.get("/{broadcast_id}", response_model=BroadcastOut, responses=refusals(404))
async def get_broadcast(
    broadcast_id: str, business: StoreBusinessDep, jobs: BroadcastsDep
) -> Response:
    """Progress: accepted (not started yet), running or completed, and the recipients by
    outcome (pending, queued, sent, delivered, read, failed, skipped), as of the notifier's
    last report. Another business's is 404."""
    return contract_response(BroadcastOut, await jobs.find(business, broadcast_id))


@broadcasts.get("/{broadcast_id}/recipients", response_model=BroadcastRecipientPage,
                responses=refusals(404))  # fmt: skip
async def broadcast_recipients(
    broadcast_id: str,
    business: StoreBusinessDep,
    jobs: BroadcastsDep,
    status: Status = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Each recipient's result, in request order: its message's status (live from the message
    log: sent, delivered, read, failed with Meta's error, skipped with why; pending until the
    notifier records it), its message id and Meta's wamid."""
    page = await jobs.recipients(business, broadcast_id, status=status, limit=limit,
                                 offset=offset)  # fmt: skip
    return contract_response(BroadcastRecipientPage, page)

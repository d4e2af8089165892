"""Creating the merchant's WhatsApp templates at Meta and syncing them again, through the
notifier (the only caller of Meta): each answers 202 with the request at once; GET shows how it
went, and the template itself appears in GET /api/v1/whatsapp/templates (PENDING, then as
Meta reviews it)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sauda_contracts.template_admin import TemplateCreateRequest, TemplateRequestOut
from sauda_gateway.accounts.domain import Area, OwnerOnly, may_manage
from sauda_gateway.api.deps import (
    CorrelationDep,
    OutboxDep,
    PoolDep,
    StoreBusinessDep,
    WhatsAppDep,
)
from sauda_gateway.api.responses import json_response, refusals
from sauda_gateway.templates import admin
from sauda_gateway.templates.requests import TemplateRequests

template_admin = APIRouter(prefix="/api/v1", tags=["WhatsApp"])


def _owner(request: Request) -> None:
    if not may_manage(request.state.role, Area.WHATSAPP):
        raise OwnerOnly()


def _answer(row: dict[str, Any], status_code: int = 200) -> Response:
    body = TemplateRequestOut.model_validate(row).model_dump(mode="json")
    headers = ({"Location": f"/api/v1/whatsapp/templates/requests/{row['request_id']}"}
               if status_code == 202 else None)  # fmt: skip
    return json_response(body, status_code=status_code, headers=headers)


@template_admin.post("/whatsapp/templates", status_code=202, response_model=TemplateRequestOut,
                     responses=refusals(404, 409))  # fmt: skip
async def create_template(
    body: TemplateCreateRequest, request: Request, business: StoreBusinessDep,
    accounts: WhatsAppDep, pool: PoolDep, outbox: OutboxDep, correlation_id: CorrelationDep,
) -> Response:  # fmt: skip
    """Submit a template to Meta's review: `name` (lower case, digits, underscores),
    `language`, `category` (MARKETING, UTILITY, AUTHENTICATION) and `components` (one BODY with
    text, variables {{1}}, {{2}}, … without gaps; HEADER and FOOTER ≤ 60 characters; 1–10
    BUTTONS). Checked as Meta checks it (400 with the field at fault); 409 `template_exists`
    when the WABA has one of that name and language or one is being created. 202 with the
    request: GET it for Meta's answer (done with Meta's `template_id`, or failed with Meta's
    error). Only an owner (or an API key)."""
    _owner(request)
    row = await admin.create_template(body, business=business, correlation_id=correlation_id,
                                      accounts=accounts, requests=TemplateRequests(pool),
                                      wake_relay=outbox.wake)  # fmt: skip
    return _answer(row, 202)


@template_admin.post("/whatsapp/templates/sync", status_code=202,
                     response_model=TemplateRequestOut, responses=refusals(404))  # fmt: skip
async def sync_templates(
    request: Request, business: StoreBusinessDep, accounts: WhatsAppDep, pool: PoolDep,
    outbox: OutboxDep, correlation_id: CorrelationDep,
) -> Response:  # fmt: skip
    """List the WABA's templates at Meta again: what changed (a review, a template made or
    deleted outside Sauda) reaches GET /api/v1/whatsapp/templates. Syncing twice changes
    nothing more. 202 with the request; GET it to see it done."""
    _owner(request)
    row = await admin.sync_templates(business=business, correlation_id=correlation_id,
                                     accounts=accounts, requests=TemplateRequests(pool),
                                     wake_relay=outbox.wake)  # fmt: skip
    return _answer(row, 202)


@template_admin.get("/whatsapp/templates/requests/{request_id}",
                    response_model=TemplateRequestOut, responses=refusals(404))  # fmt: skip
async def get_template_request(
    request_id: str, business: StoreBusinessDep, pool: PoolDep
) -> Response:
    """A template request as it stands: queued, done, or failed with Meta's error."""
    return _answer(await admin.template_request(business, request_id,
                                                requests=TemplateRequests(pool)))  # fmt: skip

"""The merchant's WhatsApp templates: Sauda's (and any other) templates of the connected WABA
with Meta's review state, for owners, staff and API keys alike."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sauda_contracts.message_templates import TemplateList
from sauda_gateway.api.deps import StoreBusinessDep, TemplatesDep
from sauda_gateway.api.responses import COMMON, contract_response, page_json
from sauda_gateway.templates.domain import STATUSES, template_filter

templates = APIRouter(prefix="/api/v1", tags=["WhatsApp"])

Status = Annotated[str | None, Query(max_length=400, description="Only these review states, "
                   f"comma separated, any case: {STATUSES}.")]  # fmt: skip
Language = Annotated[str | None, Query(max_length=20, description="Only this language, as Meta "
                     "spells it: en, ur, en_US, ...")]  # fmt: skip


@templates.get("/whatsapp/templates", response_model=TemplateList, responses=COMMON)
async def list_templates(
    business: StoreBusinessDep,
    store: TemplatesDep,
    status: Status = None,
    language: Language = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """The connected WhatsApp number's message templates with Meta's review state (APPROVED,
    PENDING, REJECTED with Meta's reason, ...), by name then language. Kept in step with Meta
    by the notifier (its sync and Meta's review webhooks); changes also arrive on
    GET /api/v1/stream as `event: template`. Empty before a number is connected."""
    rows, total = await store.page(business.business_id, template_filter(status, language),
                                   limit=limit, offset=offset)  # fmt: skip
    return contract_response(TemplateList, page_json("templates", rows, total=total, limit=limit,
                                                     offset=offset))  # fmt: skip

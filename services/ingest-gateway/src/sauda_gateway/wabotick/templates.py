"""Wabotick-compatible template routes: the document's `template/list`, on the same store as
Sauda's GET /api/v1/whatsapp/templates (the connected WABA's templates, never another
business's)."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.api import ApiError
from sauda_contracts.wabotick import WabotickRefusal
from sauda_contracts.wabotick_templates import (
    TemplateListForm,
    WabotickTemplate,
    WabotickTemplateList,
)
from sauda_gateway.api.deps import TemplatesDep, WhatsAppDep
from sauda_gateway.api.responses import json_response
from sauda_gateway.subscribers.domain import page
from sauda_gateway.templates.domain import TemplateFilter
from sauda_gateway.wabotick import translate
from sauda_gateway.wabotick.forms import WabotickCallDep, WabotickRoute, form_body, own_number

wabotick_templates = APIRouter(prefix="/api/v1/whatsapp", tags=["WhatsApp (Wabotick-compatible)"],
                               route_class=WabotickRoute)  # fmt: skip

_REFUSED: dict[int | str, dict[str, Any]] = {
    code: {"model": WabotickRefusal} for code in (400, 401, 403, 404, 415, 429)
}


def template_line(row: dict[str, Any]) -> WabotickTemplate:
    status = str(row["status"])
    return WabotickTemplate(
        id=row["template_id"] or f"{row['name']}:{row['language']}",
        template_id=row["template_id"], whatsapp_business_id=row["waba_id"],
        template_name=row["name"], locale=row["language"], category=row["category"],
        status=status.replace("_", " ").title(), status_raw=status,
        rejected_reason=row["rejected_reason"],
        updated_at=translate.wabotick_time(row["updated_at"]),
        system_template="1" if str(row["name"]).startswith("sauda_") else "0",
    )  # fmt: skip


@wabotick_templates.post("/template/list", summary="Get Template List",
                         responses={200: {"model": WabotickTemplateList}, **_REFUSED,
                                    413: {"model": ApiError}},
                         openapi_extra=form_body(TemplateListForm))  # fmt: skip
async def template_list(call: WabotickCallDep, store: TemplatesDep,
                        accounts: WhatsAppDep) -> Response:  # fmt: skip
    """The connected number's templates with Meta's review state (Approved, Pending, Rejected
    with Meta's reason, ...), by name then language; `limit` (1–100, 100) from `offset`."""
    form = translate.parse(TemplateListForm, call.form)
    await own_number(call.business, form.phone_number_id, accounts)
    limit, offset = page(form.limit or "100", form.offset)
    rows, _ = await store.page(call.business.business_id, TemplateFilter(), limit=limit,
                               offset=offset)  # fmt: skip
    body = WabotickTemplateList(message=[template_line(r) for r in rows])
    return json_response(body.model_dump())

"""The Wabotick-compatible broadcast: `/broadcast/template/send` with the document's form
(apiToken, phone_number_id, flow_data as JSON) on the same handler as Sauda's
POST /api/v1/whatsapp/broadcasts, answered in the document's shape."""

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.wabotick import BroadcastTemplateForm, WabotickBroadcastSaved
from sauda_gateway.api.responses import json_response
from sauda_gateway.broadcasts.deps import BroadcastsDep
from sauda_gateway.domain import InvalidPhone
from sauda_gateway.messaging.deps import IdempotencyKey, MessagingDep
from sauda_gateway.wabotick import translate
from sauda_gateway.wabotick.forms import WabotickCallDep, WabotickRoute, form_body, own_number
from sauda_gateway.wabotick.routes import _answers

wabotick_broadcasts = APIRouter(prefix="/api/v1/whatsapp",
                                tags=["WhatsApp (Wabotick-compatible)"],
                                route_class=WabotickRoute)  # fmt: skip


@wabotick_broadcasts.post("/broadcast/template/send", summary="Send Broadcast Template",
                          responses=_answers(WabotickBroadcastSaved),
                          openapi_extra=form_body(BroadcastTemplateForm))  # fmt: skip
async def send_broadcast(
    call: WabotickCallDep,
    messages: MessagingDep,
    jobs: BroadcastsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """An approved template to many customers: `flow_data` is a JSON object with
    `template_id` (or `template_name` + `language`), `parameters`, and `phone_numbers` (a JSON
    array, ≤ 10,000) or `label_id`. Answers once the broadcast is recorded; its progress is
    GET /api/v1/whatsapp/broadcasts/{visual_flow_campaign_id}."""
    form = translate.parse(BroadcastTemplateForm, call.form)
    await own_number(call.business, form.phone_number_id, messages.accounts)
    request = translate.broadcast_request(form)
    try:
        started = await jobs.start(request, call.business, idempotency_key)
    except InvalidPhone as exc:  # named by Sauda's field: say the form's
        field = (exc.field or "").replace("recipients", "flow_data.phone_numbers", 1)
        raise InvalidPhone(exc.message.replace("recipients", "flow_data.phone_numbers", 1),
                           field=field) from None  # fmt: skip
    body = WabotickBroadcastSaved(visual_flow_campaign_id=str(started.broadcast_id),
                                  message="Data has been saved successfully.",
                                  recipients=started.recipients)  # fmt: skip
    return json_response(body.model_dump())

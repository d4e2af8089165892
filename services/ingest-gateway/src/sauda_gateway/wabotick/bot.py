"""Wabotick-compatible `trigger-bot` and `get/post-back-list`, on the same handlers as Sauda's
bot REST, answered in the document's shapes."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.bot_flows import PostbackOut
from sauda_contracts.wabotick import WabotickDone
from sauda_contracts.wabotick_media import PostbackListForm, TriggerBotForm, WabotickPostbacks
from sauda_gateway.api.responses import json_response
from sauda_gateway.bot.deps import BotDep
from sauda_gateway.bot.domain import bot_postback
from sauda_gateway.messaging.deps import IdempotencyKey, MessagingDep
from sauda_gateway.wabotick import translate
from sauda_gateway.wabotick.forms import WabotickCallDep, WabotickRoute, form_body, own_number
from sauda_gateway.wabotick.routes import _answers

wabotick_bot = APIRouter(prefix="/api/v1/whatsapp", tags=["WhatsApp (Wabotick-compatible)"],
                         route_class=WabotickRoute)  # fmt: skip

# The document's fields that have no meaning in Sauda (its visual flow builder, Google Sheets
# and Calendar, label and sequence actions on a postback): always null.
UNUSED = (
    "user_id", "whatsapp_bot_setting_id", "template_jsoncode", "template_for", "template_id",
    "inherit_from_template", "whatsapp_bot_label_ids", "whatsapp_bot_remove_label_ids",
    "remove_sequence_campaign_id", "team_assign_role_id", "team_assign_user_id",
    "broadcast_sequence_campaign_id", "visual_flow_type",
    "whatsapp_bot_visual_flow_builder_campaign_id", "google_sheet_ids", "custom_field_id",
    "custom_field_index", "custom_field_index_title", "generateGoogleMeetLink",
    "googleCalendarId", "googleMeetToCustomFieldId",
)  # fmt: skip


def postback_row(position: int, p: PostbackOut, phone_number_id: str) -> dict[str, Any]:
    """One postback in the document's shape, with Sauda's `taps` and `last_tapped_at`."""
    bot = bot_postback(p.postback_id)
    return dict.fromkeys(UNUSED) | {
        "id": position,
        "postback_id": p.postback_id,
        "whatsapp_bot_id": phone_number_id,
        "use_status": "1" if p.taps else "0",
        "status": "1",
        "bot_name": p.bot_name,
        "is_template": "1" if bot is not None and bot.template else "0",
        "template_name": p.title,
        "postback_type": "main" if bot is not None else "merchant",
        "row_type": "static" if bot is not None else "dynamic",
        "updated_at": translate.wabotick_time(p.last_tapped_at),
        "taps": p.taps,
        "last_tapped_at": translate.wabotick_time(p.last_tapped_at),
    }


@wabotick_bot.post("/trigger-bot", summary="Trigger Bot Flow",
                   responses=_answers(WabotickDone, 202),
                   openapi_extra=form_body(TriggerBotForm))  # fmt: skip
async def trigger_bot(
    call: WabotickCallDep, messages: MessagingDep, bots: BotDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """Start a bot flow (`bot_flow_unique_id`: order or menu, GET /api/v1/whatsapp/bot-flows)
    for a subscriber inside their 24-hour window."""
    form = translate.parse(TriggerBotForm, call.form)
    await own_number(call.business, form.phone_number_id, messages.accounts)
    await bots.trigger(call.business, form.bot_flow_unique_id, form.phone_number, idempotency_key,
                       fields=("bot_flow_unique_id", "phone_number"))  # fmt: skip
    return json_response(WabotickDone(message="Bot has been trigger successfully.").model_dump())


@wabotick_bot.post("/get/post-back-list", summary="Get Button PostBack List",
                   responses=_answers(WabotickPostbacks),
                   openapi_extra=form_body(PostbackListForm))  # fmt: skip
async def postback_list(call: WabotickCallDep, messages: MessagingDep, bots: BotDep) -> Response:
    """The click log of reply buttons: each postback id, what sends it, its taps and last tap."""
    form = translate.parse(PostbackListForm, call.form)
    account = await own_number(call.business, form.phone_number_id, messages.accounts)
    found = await bots.postbacks(call.business)
    rows = [postback_row(i, p, account.phone_number_id) for i, p in enumerate(found, 1)]
    return json_response(WabotickPostbacks(message=rows).model_dump())

"""Wabotick-compatible sequences: the document's `subscriber/chat/assign-sequence` and
`remove-sequence` (apiToken, phone_number_id, phone_number, comma-separated sequence_ids) on
the same handlers as Sauda's REST (`sequences/routes.py`), answered in the document's shape."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.sequence_api import SequenceIdsForm
from sauda_contracts.wabotick import WabotickDone
from sauda_gateway.api.deps import WhatsAppDep
from sauda_gateway.api.responses import json_response
from sauda_gateway.chats import chat_of
from sauda_gateway.sequences.deps import SequencesDep
from sauda_gateway.subscribers import domain
from sauda_gateway.wabotick import translate
from sauda_gateway.wabotick.crm_routes import _answers
from sauda_gateway.wabotick.forms import WabotickCallDep, WabotickRoute, form_body, own_number

wabotick_sequences = APIRouter(prefix="/api/v1/whatsapp",
                               tags=["WhatsApp subscribers (Wabotick-compatible)"],
                               route_class=WabotickRoute)  # fmt: skip
_DOC: dict[str, Any] = {"responses": _answers(WabotickDone),
                        "openapi_extra": form_body(SequenceIdsForm)}  # fmt: skip


@wabotick_sequences.post("/subscriber/chat/assign-sequence",
                         summary="Assign Sequences to Subscriber", **_DOC)  # fmt: skip
async def assign_sequence(call: WabotickCallDep, jobs: SequencesDep,
                          accounts: WhatsAppDep) -> Response:  # fmt: skip
    """Enrol the subscriber in each sequence of `sequence_ids` (comma-separated ids of this
    business's sequences; all or none): its templates go at their delays until the subscriber
    replies, writes STOP or is removed. One they are in already is left as it is."""
    form = translate.parse(SequenceIdsForm, call.form)
    await own_number(call.business, form.phone_number_id, accounts)
    chat = chat_of(form.phone_number, call.business)
    await jobs.assign(call.business, chat, domain.ids_of(form.sequence_ids, field="sequence_ids"))
    return json_response(WabotickDone(message="Sequences have been assigned successfully.")
                         .model_dump())  # fmt: skip


@wabotick_sequences.post("/subscriber/chat/remove-sequence",
                         summary="Remove Sequences from Subscriber", **_DOC)  # fmt: skip
async def remove_sequence(call: WabotickCallDep, jobs: SequencesDep,
                          accounts: WhatsAppDep) -> Response:  # fmt: skip
    """Take the subscriber out of each sequence of `sequence_ids`: no step after now."""
    form = translate.parse(SequenceIdsForm, call.form)
    await own_number(call.business, form.phone_number_id, accounts)
    chat = chat_of(form.phone_number, call.business)
    await jobs.remove(call.business, chat, domain.ids_of(form.sequence_ids, field="sequence_ids"))
    return json_response(WabotickDone(message="Sequences have been removed successfully.")
                         .model_dump())  # fmt: skip

"""Sauda's sequences REST: a business's sequence definitions, and a subscriber's enrolments
(assign, remove, list). JSON in and out; refusals are `{code, message, field}`."""

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.sequence_api import EnrolmentOut, EnrolmentRequest, SequenceCreate, SequenceOut
from sauda_gateway.api.deps import StoreBusinessDep
from sauda_gateway.api.responses import json_response, refusals
from sauda_gateway.chats import chat_of
from sauda_gateway.sequences.deps import SequencesDep
from sauda_gateway.sequences.domain import sequence_ident

sequences = APIRouter(prefix="/api/v1/whatsapp", tags=["WhatsApp sequences"])
ChatId = Annotated[str, "the subscriber's phone (with country code) or WhatsApp user id"]


def _enrolments(found: list[dict[str, object]], status: int = 200) -> Response:
    shown = [EnrolmentOut.model_validate(e).model_dump(mode="json") for e in found]
    return json_response(shown, status)


def _out(row: dict[str, object]) -> dict[str, object]:
    return SequenceOut.model_validate(row).model_dump(mode="json")


@sequences.post("/sequences", status_code=201, response_model=SequenceOut,
                responses=refusals(403))  # fmt: skip
async def create_sequence(body: SequenceCreate, business: StoreBusinessDep,
                          jobs: SequencesDep) -> Response:  # fmt: skip
    """A drip of 1 to 10 templates: each step's template (name and language, one of the
    connected number's: else 400 `unknown_template` naming the step) is sent `delay_seconds`
    after the step before (the first: after the subscriber is assigned). A subscriber's reply,
    STOP or removal ends it. At most 100 sequences per business."""
    return json_response(_out(await jobs.create(business, body)), 201)


@sequences.get("/sequences", response_model=list[SequenceOut])
async def list_sequences(business: StoreBusinessDep, jobs: SequencesDep) -> Response:
    """The business's sequences, oldest first."""
    return json_response([_out(r) for r in await jobs.store.all(business.business_id)])


@sequences.get("/sequences/{sequence_id}", response_model=SequenceOut, responses=refusals(404))
async def get_sequence(sequence_id: str, business: StoreBusinessDep,
                       jobs: SequencesDep) -> Response:  # fmt: skip
    """One sequence; another business's is 404 `unknown_sequence`."""
    return json_response(_out(await jobs.find(business, sequence_ident(sequence_id))))


@sequences.delete("/sequences/{sequence_id}", status_code=204, responses=refusals(404))
async def delete_sequence(sequence_id: str, business: StoreBusinessDep,
                          jobs: SequencesDep) -> Response:  # fmt: skip
    """Delete it: every subscriber still in it is removed (no step after now)."""
    await jobs.delete(business, sequence_ident(sequence_id))
    return Response(status_code=204)


@sequences.get("/subscribers/{chat_id}/sequences", response_model=list[EnrolmentOut],
               responses=refusals(404))  # fmt: skip
async def list_enrolments(chat_id: ChatId, business: StoreBusinessDep,
                          jobs: SequencesDep) -> Response:  # fmt: skip
    """The subscriber's enrolments, oldest first: state (assigned, active, completed,
    stopped), why it stopped (reply, opted_out, removed), the steps sent with their messages'
    statuses, and when the next is due."""
    chat = chat_of(chat_id, business, field="chat_id")
    return _enrolments(await jobs.enrolments(business, chat))


@sequences.post("/subscribers/{chat_id}/sequences", status_code=202,
                response_model=list[EnrolmentOut], responses=refusals(404, 409))  # fmt: skip
async def assign_sequence(chat_id: ChatId, body: EnrolmentRequest, business: StoreBusinessDep,
                          jobs: SequencesDep) -> Response:  # fmt: skip
    """Assign the subscriber to a sequence (the notifier sends its steps). Already in it: no
    change; its earlier enrolment ended: it starts again. A subscriber who wrote STOP is 409
    `opted_out`. Answers the subscriber's enrolments."""
    chat = chat_of(chat_id, business, field="chat_id")
    await jobs.assign(business, chat, [body.sequence_id], field="sequence_id")
    found = await jobs.enrolments(business, chat)
    return _enrolments(found, 202)


@sequences.delete("/subscribers/{chat_id}/sequences/{sequence_id}", status_code=204,
                  responses=refusals(404))  # fmt: skip
async def remove_sequence(chat_id: ChatId, sequence_id: str, business: StoreBusinessDep,
                          jobs: SequencesDep) -> Response:  # fmt: skip
    """Take the subscriber out of the sequence: no step after now (one not in it: no change)."""
    chat = chat_of(chat_id, business, field="chat_id")
    await jobs.remove(business, chat, [sequence_ident(sequence_id)], field="sequence_id")
    return Response(status_code=204)

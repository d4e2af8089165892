"""Sauda's subscriber CRM REST: subscribers (named by their chat: phone or WhatsApp user id),
their labels, custom fields, notes, team member and chat-ordering flow; the business's labels
and custom field definitions. JSON in and out; refusals are `{code, message, field}`."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sauda_contracts.subscribers import (
    AssignChat,
    CustomFieldCreate,
    CustomFieldOut,
    CustomFieldValues,
    Done,
    LabelCreate,
    LabelIds,
    LabelOut,
    NoteCreate,
    NoteOut,
    SubscriberCreate,
    SubscriberOut,
    SubscriberPage,
    SubscriberUpdate,
)
from sauda_gateway.api.deps import StoreBusinessDep
from sauda_gateway.api.responses import contract_response, json_response, refusals
from sauda_gateway.chats import chat_of
from sauda_gateway.subscribers import domain, handlers
from sauda_gateway.subscribers.deps import ResetDep, SubscribersDep
from sauda_gateway.subscribers.store import Changes

subscribers = APIRouter(prefix="/api/v1/whatsapp", tags=["WhatsApp subscribers"])
ChatId = Annotated[str, "the subscriber's phone (with country code) or WhatsApp user id"]


@subscribers.get("/subscribers", response_model=SubscriberPage, responses=refusals(404))
async def list_subscribers(
    business: StoreBusinessDep, store: SubscribersDep,
    limit: Annotated[int, Query(ge=1, le=domain.MAX_PAGE)] = 20,
    offset: Annotated[int, Query(ge=0, le=10**7)] = 0,
    label_id: Annotated[int | None, Query(ge=1, le=2**62, description="Only those with it.")] = None,
    order_by: Annotated[str | None, Query(max_length=40, description="id, created_at, "
                        "updated_at, first_name or last_name, then ASC or DESC (id DESC).")] = None,
) -> Response:  # fmt: skip
    """A page of the business's subscribers, newest first unless `order_by` says otherwise."""
    order = domain.order_by(order_by, field="order_by")
    rows, total = await store.page(business.business_id, label_id=label_id, order=order,
                                   limit=limit, offset=offset)  # fmt: skip
    page = {"items": rows, "total": total, "limit": limit, "offset": offset}
    return contract_response(SubscriberPage, page)


@subscribers.post("/subscribers", status_code=201, response_model=SubscriberOut,
                  responses=refusals(409))  # fmt: skip
async def create_subscriber(
    body: SubscriberCreate, business: StoreBusinessDep, store: SubscribersDep
) -> Response:
    """Add a contact by hand; one already there is 409 `subscriber_exists`."""
    chat = chat_of(body.chat_id, business, field="chat_id")
    try:
        made = await handlers.create(store, business, chat, first_name=body.first_name,
                                     last_name=body.last_name)  # fmt: skip
    except domain.SubscriberExists:
        raise domain.SubscriberExists("a subscriber with this chat_id exists",
                                      field="chat_id") from None  # fmt: skip
    return contract_response(SubscriberOut, made, 201)


@subscribers.get("/subscribers/custom-fields", response_model=list[CustomFieldOut])
async def list_custom_fields(business: StoreBusinessDep, store: SubscribersDep) -> Response:
    """The business's custom fields."""
    return json_response(await store.fields(business.business_id))


@subscribers.post("/subscribers/custom-fields", status_code=201, response_model=CustomFieldOut,
                  responses=refusals(409))  # fmt: skip
async def create_custom_field(
    body: CustomFieldCreate, business: StoreBusinessDep, store: SubscribersDep
) -> Response:
    """A custom field: a name unique in the business (ignoring case) and its reply type (text,
    number, email, phone, date, url, boolean), which its values are checked against. At most
    100 per business."""
    made = await handlers.create_field(store, business, body.name, body.reply_type)
    return contract_response(CustomFieldOut, made, 201)


@subscribers.get("/subscribers/{chat_id}", response_model=SubscriberOut, responses=refusals(404))
async def get_subscriber(chat_id: ChatId, business: StoreBusinessDep,
                         store: SubscribersDep) -> Response:  # fmt: skip
    """A subscriber with its labels, custom field values and notes; another business's is 404."""
    chat = chat_of(chat_id, business, field="chat_id")
    return contract_response(SubscriberOut, await handlers.profile(store, business, chat))


@subscribers.patch("/subscribers/{chat_id}", response_model=SubscriberOut,
                   responses=refusals(404))  # fmt: skip
async def update_subscriber(
    chat_id: ChatId, body: SubscriberUpdate, business: StoreBusinessDep, store: SubscribersDep
) -> Response:
    """Change names, gender, email; `label_ids`, if given, become its labels."""
    chat = chat_of(chat_id, business, field="chat_id")
    changes = Changes(first_name=body.first_name, last_name=body.last_name,
                      gender=domain.gender_of(body.gender), email=handlers.email_of(body.email))  # fmt: skip
    found = await handlers.update(store, business, chat, changes, body.label_ids)
    return contract_response(SubscriberOut, found)


@subscribers.delete("/subscribers/{chat_id}", status_code=204, responses=refusals(404))
async def delete_subscriber(chat_id: ChatId, business: StoreBusinessDep,
                            store: SubscribersDep) -> Response:  # fmt: skip
    """Delete its CRM record (labels, custom field values, notes, assignment). Its orders and
    message log are kept; a new message from the shopper makes them a subscriber again."""
    await handlers.delete(store, business, chat_of(chat_id, business, field="chat_id"))
    return Response(status_code=204)


@subscribers.put("/subscribers/{chat_id}/custom-fields", response_model=dict[str, str],
                 responses=refusals(404))  # fmt: skip
async def assign_custom_fields(
    chat_id: ChatId, body: CustomFieldValues, business: StoreBusinessDep, store: SubscribersDep
) -> Response:
    """Set values by field name or id (each checked by its reply type); answers all its values."""
    chat = chat_of(chat_id, business, field="chat_id")
    values = await handlers.assign_fields(store, business, chat, body.values, field="values")
    return json_response(values)


@subscribers.get("/subscribers/{chat_id}/notes", response_model=list[NoteOut],
                 responses=refusals(404))  # fmt: skip
async def list_notes(chat_id: ChatId, business: StoreBusinessDep,
                     store: SubscribersDep) -> Response:  # fmt: skip
    """The subscriber's notes, oldest first."""
    found = await handlers.subscriber(store, business,
                                      chat_of(chat_id, business, field="chat_id"))  # fmt: skip
    notes = await store.notes(found["subscriber_id"])
    return json_response([NoteOut.model_validate(n).model_dump(mode="json") for n in notes])


@subscribers.post("/subscribers/{chat_id}/notes", status_code=201, response_model=NoteOut,
                  responses=refusals(404))  # fmt: skip
async def add_note(chat_id: ChatId, body: NoteCreate, business: StoreBusinessDep,
                   store: SubscribersDep) -> Response:  # fmt: skip
    """A note (≤ 2000 characters) on the subscriber."""
    chat = chat_of(chat_id, business, field="chat_id")
    note = await handlers.add_note(store, business, chat, body.text, field="text")
    return contract_response(NoteOut, note, 201)


@subscribers.put("/subscribers/{chat_id}/assignee", response_model=SubscriberOut,
                 responses=refusals(404))  # fmt: skip
async def assign_chat(chat_id: ChatId, body: AssignChat, business: StoreBusinessDep,
                      store: SubscribersDep) -> Response:  # fmt: skip
    """Assign the chat to a dashboard user of this business (another business's user, or no
    such user, is 404 `team_member_not_found`)."""
    chat = chat_of(chat_id, business, field="chat_id")
    await handlers.assign_to(store, business, chat, body.user_id, field="user_id")
    return contract_response(SubscriberOut, await handlers.profile(store, business, chat))


@subscribers.post("/subscribers/{chat_id}/labels", response_model=SubscriberOut,
                  responses=refusals(404))  # fmt: skip
async def add_labels(chat_id: ChatId, body: LabelIds, business: StoreBusinessDep,
                     store: SubscribersDep) -> Response:  # fmt: skip
    """Put these labels (of this business) on the subscriber."""
    chat = chat_of(chat_id, business, field="chat_id")
    await handlers.label(store, business, chat, body.label_ids, add=True)
    return contract_response(SubscriberOut, await handlers.profile(store, business, chat))


@subscribers.delete("/subscribers/{chat_id}/labels/{label_id}", response_model=SubscriberOut,
                    responses=refusals(404))  # fmt: skip
async def remove_label(chat_id: ChatId, label_id: int, business: StoreBusinessDep,
                       store: SubscribersDep) -> Response:  # fmt: skip
    """Take a label off the subscriber."""
    chat = chat_of(chat_id, business, field="chat_id")
    if not 0 < label_id < 2**62:
        raise domain.LabelNotFound(field="label_id")
    await handlers.label(store, business, chat, [label_id], add=False)
    return contract_response(SubscriberOut, await handlers.profile(store, business, chat))


@subscribers.post("/subscribers/{chat_id}/reset-flow", status_code=202, response_model=Done,
                  responses=refusals(404))  # fmt: skip
async def reset_flow(chat_id: ChatId, business: StoreBusinessDep, store: SubscribersDep,
                     reset: ResetDep) -> Response:  # fmt: skip
    """Clear the shopper's chat-ordering session (its step and cart): their next message starts
    the flow over. Carried out by the conversation service, in order with their messages."""
    chat = chat_of(chat_id, business, field="chat_id")
    await handlers.subscriber(store, business, chat, field="chat_id")
    await reset(business, chat)
    return json_response({"done": True}, 202)


@subscribers.get("/labels", response_model=list[LabelOut])
async def list_labels(business: StoreBusinessDep, store: SubscribersDep) -> Response:
    """The business's labels and how many subscribers each has."""
    rows = await store.labels(business.business_id)
    return json_response([LabelOut.model_validate(r).model_dump() for r in rows])


@subscribers.post("/labels", status_code=201, response_model=LabelOut, responses=refusals(409))
async def create_label(body: LabelCreate, business: StoreBusinessDep,
                       store: SubscribersDep) -> Response:  # fmt: skip
    """A label: 1–60 characters, no commas, unique in the business ignoring case; at most 200."""
    made = await handlers.create_label(store, business, body.name, field="name")
    return contract_response(LabelOut, made, 201)

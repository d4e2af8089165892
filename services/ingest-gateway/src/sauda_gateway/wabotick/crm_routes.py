"""Wabotick-compatible subscriber CRM routes: the document's `subscriber/…` and `label/…` paths,
forms and answers, on the same handlers as Sauda's REST (`subscribers/routes.py`)."""

import json
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.api import ApiError
from sauda_contracts.wabotick import WabotickDone, WabotickRefusal
from sauda_contracts.wabotick_crm import (
    CustomFieldsForm,
    CustomFieldsListForm,
    LabelCreateForm,
    LabelIdsForm,
    LabelListForm,
    NoteForm,
    SubscriberCreateForm,
    SubscriberForm,
    SubscriberListForm,
    SubscriberUpdateForm,
    TeamMemberForm,
    WabotickCreated,
    WabotickCustomFields,
    WabotickLabels,
    WabotickSubscriber,
    WabotickSubscriberList,
)
from sauda_gateway.api.deps import WhatsAppDep
from sauda_gateway.api.responses import json_response
from sauda_gateway.chats import chat_of, recipient
from sauda_gateway.domain import InvalidField
from sauda_gateway.merchant.accounts import WhatsAppAccounts
from sauda_gateway.subscribers import domain, handlers
from sauda_gateway.subscribers.deps import ResetDep, SubscribersDep
from sauda_gateway.subscribers.store import Changes
from sauda_gateway.wabotick import translate
from sauda_gateway.wabotick.forms import (
    WabotickCall,
    WabotickCallDep,
    WabotickRoute,
    form_body,
    own_number,
)

F = TypeVar("F", bound=SubscriberForm)

crm = APIRouter(prefix="/api/v1/whatsapp", tags=["WhatsApp subscribers (Wabotick-compatible)"],
                route_class=WabotickRoute)  # fmt: skip


def _answers(success: type) -> dict[int | str, dict[str, Any]]:
    refused: dict[int | str, dict[str, Any]] = {
        code: {"model": WabotickRefusal} for code in (400, 401, 403, 404, 409, 415, 429)
    }
    return {200: {"model": success}, **refused, 413: {"model": ApiError}}


def _done(message: str) -> Response:
    return json_response(WabotickDone(message=message).model_dump())


def _doc(model: type, success: type = WabotickDone) -> dict[str, Any]:
    return {"responses": _answers(success), "openapi_extra": form_body(model)}


async def _subscriber_call(
    call: WabotickCall, model: type[F], accounts: WhatsAppAccounts
) -> tuple[F, str]:
    """The form of a route naming one subscriber, its `phone_number_id` checked as the
    business's number, and the subscriber's chat: `phone_number` (a phone or a user id, as
    always) or Sauda's `user_id`, one of them."""
    form = translate.parse(model, call.form)
    await own_number(call.business, form.phone_number_id, accounts)
    chat = recipient(form.phone_number, form.user_id, call.business, phone_field="phone_number",
                     either_as_phone=True)  # fmt: skip
    return form, chat


@crm.post("/subscriber/get", summary="Get Subscriber", **_doc(SubscriberForm, WabotickSubscriber))
async def get_subscriber(call: WabotickCallDep, store: SubscribersDep,
                         accounts: WhatsAppDep) -> Response:  # fmt: skip
    """A subscriber's profile: names, gender, labels, custom fields (and Sauda's extras: its
    opt-out, team member and notes)."""
    _, chat = await _subscriber_call(call, SubscriberForm, accounts)
    found = await handlers.profile(store, call.business, chat)
    data = found | {"phone_number": found["chat_id"],
                    "assigned_user_id": str(found["assigned_user_id"] or "") or None,
                    "notes": [{"id": n["note_id"], "note_text": n["text"],
                               "created_at": translate.wabotick_time(n["created_at"])}
                              for n in found["notes"]]}  # fmt: skip
    body = WabotickSubscriber.model_validate({"data": data})
    return json_response(body.model_dump())


@crm.post("/subscriber/create", summary="Create Subscriber",
          **_doc(SubscriberCreateForm, WabotickCreated))  # fmt: skip
async def create_subscriber(call: WabotickCallDep, store: SubscribersDep,
                            accounts: WhatsAppDep) -> Response:  # fmt: skip
    """A contact added by hand: `phoneNumberID`, `name`, `phoneNumber` (camelCase, as the
    document has them). One that exists already is refused (409)."""
    form = translate.parse(SubscriberCreateForm, call.form)
    await own_number(call.business, form.phoneNumberID, accounts)
    chat = chat_of(form.phoneNumber, call.business, field="phoneNumber")
    first, last = domain.split_name(form.name)
    try:
        await handlers.create(store, call.business, chat, first_name=first, last_name=last)
    except domain.SubscriberExists as exc:
        raise domain.SubscriberExists(exc.message, field="phoneNumber") from None
    text = "WhatsApp subscriber has been created."
    return json_response(WabotickCreated(mesasge=text, message=text).model_dump())


@crm.post("/subscriber/list", summary="List Subscribers",
          **_doc(SubscriberListForm, WabotickSubscriberList))  # fmt: skip
async def list_subscribers(call: WabotickCallDep, store: SubscribersDep,
                           accounts: WhatsAppDep) -> Response:  # fmt: skip
    """A page (`limit` 1–100, 20; `offset`) in `orderBy` order (`id DESC` by default; id,
    created_at, updated_at, first_name, last_name, then ASC or DESC); `label_id` filters."""
    form = translate.parse(SubscriberListForm, call.form)
    await own_number(call.business, form.phone_number_id, accounts)
    limit, offset = domain.page(form.limit, form.offset)
    order = domain.order_by(form.orderBy)
    label_id = domain.ids_of(form.label_id, field="label_id")[0] if form.label_id else None
    rows, _ = await store.page(call.business.business_id, label_id=label_id, order=order,
                               limit=limit, offset=offset)  # fmt: skip
    lines = [r | {"label_names": ",".join(r["labels"])} for r in rows]
    return json_response(WabotickSubscriberList.model_validate({"message": lines}).model_dump())


@crm.post("/subscriber/update", summary="Update Subscriber", **_doc(SubscriberUpdateForm))
async def update_subscriber(call: WabotickCallDep, store: SubscribersDep,
                            accounts: WhatsAppDep) -> Response:  # fmt: skip
    """Names, gender (and Sauda's email); `label_ids` (comma-separated) become its labels."""
    form, chat = await _subscriber_call(call, SubscriberUpdateForm, accounts)
    labels = domain.ids_of(form.label_ids, field="label_ids") if form.label_ids else None
    changes = Changes(first_name=form.first_name, last_name=form.last_name,
                      gender=domain.gender_of(form.gender),
                      email=handlers.email_of(form.email))  # fmt: skip
    await handlers.update(store, call.business, chat, changes, labels)
    return _done("Subscriber Updated Successfully.")


@crm.post("/subscriber/delete", summary="Delete Subscriber", **_doc(SubscriberForm))
async def delete_subscriber(call: WabotickCallDep, store: SubscribersDep,
                            accounts: WhatsAppDep) -> Response:  # fmt: skip
    """Its CRM record (labels, custom fields, notes, assignment); orders and the message log
    are kept."""
    _, chat = await _subscriber_call(call, SubscriberForm, accounts)
    await handlers.delete(store, call.business, chat)
    return _done("Subscriber has been deleted successfully.")


@crm.post("/subscriber/custom-fields/list", summary="Custom Fields List",
          **_doc(CustomFieldsListForm, WabotickCustomFields))  # fmt: skip
async def custom_fields(call: WabotickCallDep, store: SubscribersDep) -> Response:
    """The business's custom fields and their reply types."""
    translate.parse(CustomFieldsListForm, call.form)
    rows = await store.fields(call.business.business_id)
    data = [{"id": r["field_id"], "name": r["name"], "reply_type": r["reply_type"]} for r in rows]
    return json_response(WabotickCustomFields.model_validate({"data": data}).model_dump())


@crm.post("/subscriber/chat/add-notes", summary="Add Notes to Subscriber", **_doc(NoteForm))
async def add_note(call: WabotickCallDep, store: SubscribersDep,
                   accounts: WhatsAppDep) -> Response:  # fmt: skip
    """A note (≤ 2000 characters) on the subscriber's profile."""
    form, chat = await _subscriber_call(call, NoteForm, accounts)
    await handlers.add_note(store, call.business, chat, form.note_text)
    return _done("Notes have been added successfully.")


@crm.post("/subscriber/chat/assign-to-team-member", summary="Assign Chat to Team Member",
          **_doc(TeamMemberForm))  # fmt: skip
async def assign_to_team_member(call: WabotickCallDep, store: SubscribersDep,
                                accounts: WhatsAppDep) -> Response:  # fmt: skip
    """`team_member_id`: a dashboard user's id of this business (another's is 404)."""
    form, chat = await _subscriber_call(call, TeamMemberForm, accounts)
    await handlers.assign_to(store, call.business, chat, form.team_member_id)
    return _done("Successfully Assign Agent to Conversation.")


@crm.post("/subscriber/reset/user-input-flow", summary="Reset User Input Flow",
          **_doc(SubscriberForm))  # fmt: skip
async def reset_user_input_flow(call: WabotickCallDep, store: SubscribersDep,
                                accounts: WhatsAppDep, reset: ResetDep) -> Response:  # fmt: skip
    """Clear the shopper's chat-ordering session (cart, step): their next message starts over."""
    _, chat = await _subscriber_call(call, SubscriberForm, accounts)
    await handlers.subscriber(store, call.business, chat)
    await reset(call.business, chat)
    return _done("Reset User Input Flow successfully.")


@crm.post("/subscriber/chat/assign-custom-fields", summary="Assign Custom Fields",
          **_doc(CustomFieldsForm))  # fmt: skip
async def assign_custom_fields(call: WabotickCallDep, store: SubscribersDep,
                               accounts: WhatsAppDep) -> Response:  # fmt: skip
    """`custom_fields`: a JSON object of values by field name or id, each checked by its type."""
    form, chat = await _subscriber_call(call, CustomFieldsForm, accounts)
    await handlers.assign_fields(store, call.business, chat, _json_object(form.custom_fields))
    return _done("Subscriber changes have been saved successfully.")


def _json_object(value: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    try:
        found = json.loads(value)
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise InvalidField('custom_fields: a JSON object, like {"city": "Lahore"}',
                           field="custom_fields")  # fmt: skip
    return found


@crm.post("/subscriber/chat/assign-labels", summary="Assign Labels to Subscriber",
          **_doc(LabelIdsForm))  # fmt: skip
async def assign_labels(call: WabotickCallDep, store: SubscribersDep,
                        accounts: WhatsAppDep) -> Response:  # fmt: skip
    """Add the labels (comma-separated ids of this business's labels)."""
    form, chat = await _subscriber_call(call, LabelIdsForm, accounts)
    ids = domain.ids_of(form.label_ids, field="label_ids")
    await handlers.label(store, call.business, chat, ids, add=True)
    return _done("Labels have been assigned successfully.")


@crm.post("/subscriber/chat/remove-labels", summary="Remove Labels from Subscriber",
          **_doc(LabelIdsForm))  # fmt: skip
async def remove_labels(call: WabotickCallDep, store: SubscribersDep,
                        accounts: WhatsAppDep) -> Response:  # fmt: skip
    """Take the labels off (the document shows its assign message here; Sauda says removed)."""
    form, chat = await _subscriber_call(call, LabelIdsForm, accounts)
    ids = domain.ids_of(form.label_ids, field="label_ids")
    await handlers.label(store, call.business, chat, ids, add=False)
    return _done("Labels have been removed successfully.")


@crm.post("/label/list", summary="List Labels", **_doc(LabelListForm, WabotickLabels))
async def list_labels(call: WabotickCallDep, store: SubscribersDep,
                      accounts: WhatsAppDep) -> Response:  # fmt: skip
    form = translate.parse(LabelListForm, call.form)
    await own_number(call.business, form.phone_number_id, accounts)
    rows = await store.labels(call.business.business_id)
    labels = [{"id": r["label_id"], "label_name": r["name"]} for r in rows]
    return json_response(WabotickLabels.model_validate({"message": labels}).model_dump())


@crm.post("/label/create", summary="Create Label", **_doc(LabelCreateForm))
async def create_label(call: WabotickCallDep, store: SubscribersDep,
                       accounts: WhatsAppDep) -> Response:  # fmt: skip
    """A label: unique in the business ignoring case, 1–60 characters, no commas."""
    form = translate.parse(LabelCreateForm, call.form)
    await own_number(call.business, form.phone_number_id, accounts)
    await handlers.create_label(store, call.business, form.label_name)
    return _done("Label has been created successfully.")

"""The CRM's use cases, called by Sauda's REST and by the Wabotick-compatible routes alike: each
resolves the subscriber within the caller's business, decides with the domain and writes."""

from typing import Any
from uuid import UUID, uuid4

from sauda_contracts import Topic
from sauda_contracts.identity import identity_fields
from sauda_contracts.whatsapp import ResetChatFlow, ResetChatFlowBody, chat_key
from sauda_gateway import clock
from sauda_gateway.domain import Business, InvalidField, envelope
from sauda_gateway.outbox import Outbox
from sauda_gateway.subscribers import domain
from sauda_gateway.subscribers.domain import (
    FieldExists,
    FieldNotFound,
    LabelExists,
    LabelNotFound,
    LimitReached,
    SubscriberExists,
    SubscriberNotFound,
    TeamMemberNotFound,
)
from sauda_gateway.subscribers.store import Changes, SubscriberStore
from sauda_runtime.logging import get_logger

log = get_logger(__name__)


async def subscriber(store: SubscriberStore, business: Business, chat: str,
                     *, field: str = "phone_number") -> dict[str, Any]:  # fmt: skip
    found = await store.get(business.business_id, chat)
    if found is None:
        raise SubscriberNotFound(field=field)
    return found


async def profile(store: SubscriberStore, business: Business, chat: str) -> dict[str, Any]:
    """A subscriber with its labels, custom field values and notes."""
    found = await subscriber(store, business, chat)
    fields = await store.fields_of(found["subscriber_id"])
    notes = await store.notes(found["subscriber_id"])
    return found | {"custom_fields": fields, "notes": notes}


async def create(store: SubscriberStore, business: Business, chat: str, *,
                 first_name: str | None, last_name: str | None) -> dict[str, Any]:  # fmt: skip
    made = await store.create(business.business_id, chat, first_name=first_name,
                              last_name=last_name, source="merchant")  # fmt: skip
    if made is None:
        raise SubscriberExists()
    return await profile(store, business, chat)


async def labels_of_business(store: SubscriberStore, business: Business, ids: list[int],
                             *, field: str = "label_ids") -> list[int]:  # fmt: skip
    """`ids`, every one a label of this business (another's is not found)."""
    own = set(await store.own_labels(business.business_id, ids))
    missing = [i for i in ids if i not in own]
    if missing:
        raise LabelNotFound(f"{field}: no label {missing[0]} in this business", field=field)
    return ids


async def update(store: SubscriberStore, business: Business, chat: str, changes: Changes,
                 label_ids: list[int] | None) -> dict[str, Any]:  # fmt: skip
    """Set the given details; `label_ids`, when given, become the subscriber's labels."""
    found = await subscriber(store, business, chat)
    if label_ids is not None:
        await labels_of_business(store, business, label_ids)
    await store.update(found["subscriber_id"], changes)
    if label_ids is not None:
        await store.set_labels(found["subscriber_id"], label_ids)
    return await profile(store, business, chat)


async def delete(store: SubscriberStore, business: Business, chat: str) -> None:
    found = await subscriber(store, business, chat)
    await store.delete(found["subscriber_id"])


async def label(store: SubscriberStore, business: Business, chat: str, ids: list[int],
                *, add: bool) -> None:  # fmt: skip
    found = await subscriber(store, business, chat)
    await labels_of_business(store, business, ids)
    if add:
        await store.add_labels(found["subscriber_id"], ids)
    else:
        await store.remove_labels(found["subscriber_id"], ids)


async def create_label(store: SubscriberStore, business: Business, raw: str,
                       *, field: str = "label_name") -> dict[str, Any]:  # fmt: skip
    name = domain.name_of(raw, field=field, what="label")
    made = await store.create_label(business.business_id, name)
    if made == -1:
        raise LimitReached(f"a business has at most {domain.MAX_LABELS} labels", field=field)
    if made is None:
        raise LabelExists(f"{field}: a label named {name!r} exists (names ignore case)",
                          field=field)  # fmt: skip
    return {"label_id": made, "name": name, "subscribers": 0}


async def create_field(store: SubscriberStore, business: Business, raw_name: str,
                       raw_type: str) -> dict[str, Any]:  # fmt: skip
    name = domain.name_of(raw_name, field="name", what="custom field")
    kind = domain.reply_type_of(raw_type)
    made = await store.create_field(business.business_id, name, kind.value)
    if made == -1:
        raise LimitReached(f"a business has at most {domain.MAX_FIELDS} custom fields",
                           field="name")  # fmt: skip
    if made is None:
        raise FieldExists(f"name: a custom field named {name!r} exists (names ignore case)")
    return {"field_id": made, "name": name, "reply_type": kind.value}


def field_values(defined: list[dict[str, Any]], given: dict[str, Any],
                 *, field: str = "custom_fields") -> dict[int, str]:  # fmt: skip
    """Values by field id from values keyed by a field's id or name (any case), each checked
    against its field's reply type. Pure."""
    if not given:
        raise InvalidField(f"{field}: at least one field", field=field)
    by_id = {str(d["field_id"]): d for d in defined}
    by_name = {d["name"].lower(): d for d in defined}
    values: dict[int, str] = {}
    for key, raw in given.items():
        found = by_id.get(str(key).strip()) or by_name.get(str(key).strip().lower())
        if found is None:
            raise FieldNotFound(f"{field}: no custom field {key!r} in this business "
                                "(create it first)", field=f"{field}.{key}")  # fmt: skip
        kind = domain.ReplyType(found["reply_type"])
        values[found["field_id"]] = domain.field_value(kind, raw, field=f"{field}.{key}")
    return values


async def assign_fields(store: SubscriberStore, business: Business, chat: str,
                        given: dict[str, Any], *, field: str = "custom_fields") -> dict[str, str]:  # fmt: skip
    found = await subscriber(store, business, chat)
    values = field_values(await store.fields(business.business_id), given, field=field)
    await store.set_values(found["subscriber_id"], values)
    return await store.fields_of(found["subscriber_id"])


async def add_note(store: SubscriberStore, business: Business, chat: str,
                   raw: str, *, field: str = "note_text") -> dict[str, Any]:  # fmt: skip
    found = await subscriber(store, business, chat)
    text = domain.note_text(raw, field=field)
    note_id = await store.add_note(found["subscriber_id"], text)
    return next(n for n in await store.notes(found["subscriber_id"]) if n["note_id"] == note_id)


async def assign_to(store: SubscriberStore, business: Business, chat: str, raw_user: str,
                    *, field: str = "team_member_id") -> UUID:  # fmt: skip
    """Assign the chat to a dashboard user of this business; another's or none is refused."""
    found = await subscriber(store, business, chat)
    try:
        user_id = UUID(raw_user.strip())
    except ValueError:
        raise TeamMemberNotFound(field=field) from None
    if not await store.team_member(business.business_id, user_id):
        raise TeamMemberNotFound(field=field)
    await store.assign(found["subscriber_id"], user_id)
    return user_id


async def recipients_for_label(store: SubscriberStore, business_id: UUID,
                               label_id: int) -> list[str]:  # fmt: skip
    """The chats (phones in international digits, or WhatsApp user ids) of the subscribers a
    business's label is on, oldest subscriber first: the audience of a broadcast to a label.

    A label of another business, or no label, gives []. Opt-out is not applied here: the
    notifier is the authority on consent and skips an opted-out contact at send time."""
    return await store.label_chats(business_id, label_id)


def email_of(raw: str | None) -> str | None:
    if raw is None:
        return None
    return domain.field_value(domain.ReplyType.EMAIL, raw, field="email")


async def reset_chat_flow(business: Business, chat: str, *, outbox: Outbox,
                          correlation_id: str) -> None:  # fmt: skip
    """Ask the conversation to clear the shopper's chat-ordering session: a ResetChatFlow on
    whatsapp.inbound.v1 under the chat's key, so it is handled in order with their messages.
    The gateway never writes the conversation's schema."""
    record = ResetChatFlow(**envelope(business, correlation_id, event_id=uuid4(), now=clock.now()),
                           body=ResetChatFlowBody(**identity_fields(chat)))  # fmt: skip
    await outbox.publish([(Topic.WHATSAPP_INBOUND.value, chat_key(business.business_id, chat),
                           record.to_bytes())])  # fmt: skip
    log.info("chat_flow_reset_requested", business_id=str(business.business_id),
             correlation_id=correlation_id)  # fmt: skip

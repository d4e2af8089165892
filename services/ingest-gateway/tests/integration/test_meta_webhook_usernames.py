"""Username users (Meta's business-scoped user ids) in Meta's webhooks, signed and posted to the
gateway's real endpoint: messages, receipts and preferences name the shopper by phone, by user
id, or both, in every shape whatsapp-api-js v25 and netflie record, and are keyed by the chat."""

from typing import Any

import asyncpg
import pytest

from sauda_contracts import Topic
from sauda_gateway.domain import Business

from .meta_webhooks import Meta, chat, records

USER = "US.13491208655302741918"
PARENT = "US.ENT.506847293015824"
PHONE = "16315551181"


def bsuid_contact(*, phone: bool, username: bool, parent: bool) -> dict[str, Any]:
    profile = {"name": "test user name", **({"username": "@testusername"} if username else {})}
    return {"profile": profile, **({"wa_id": PHONE} if phone else {}), "user_id": USER,
            **({"parent_user_id": PARENT} if parent else {})}  # fmt: skip


@pytest.mark.parametrize("parent", [True, False], ids=["parent", "no-parent"])
@pytest.mark.parametrize(
    ("phone", "username"),
    [(True, False), (False, True), (True, True)],
    ids=["with-phone", "with-username", "with-phone-and-username"],
)
async def test_messages_name_their_shopper_by_phone_or_by_user_id(
    meta: Meta, pool: asyncpg.Pool, business: tuple[Business, str],
    phone: bool, username: bool, parent: bool,
) -> None:  # fmt: skip
    message = {"id": "ABGGFlA5Fpa", "timestamp": "1504902988", **({"from": PHONE} if phone else {}),
               "from_user_id": USER, **({"from_parent_user_id": PARENT} if parent else {}),
               "type": "text", "text": {"body": "this is a text message"}}  # fmt: skip
    await meta.messages(message, contacts=[bsuid_contact(phone=phone, username=username,
                                                         parent=parent)])  # fmt: skip
    [(key, record)] = await records(pool, Topic.WHATSAPP_INBOUND)
    body = record.body
    assert (body.customer_phone, body.customer_user_id) == (PHONE if phone else None, USER)
    assert body.customer_parent_user_id == (PARENT if parent else None)
    assert body.customer_username == ("@testusername" if username else None)
    assert body.profile_name == "test user name" and body.text == "this is a text message"
    assert key == chat(business, PHONE if phone else USER)  # the phone keys the chat if given


async def test_a_message_with_no_sender_is_the_only_contacts(
    meta: Meta, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    await meta.messages(
        {"id": "wamid.ID", "timestamp": "1669233778", "type": "text", "text": {"body": "BODY"}},
        contacts=[{"profile": {"name": "NAME"}, "user_id": "BSUID_123"}],
    )
    [(key, record)] = await records(pool, Topic.WHATSAPP_INBOUND)
    assert (record.body.customer_phone, record.body.customer_user_id) == (None, "BSUID_123")
    assert key == chat(business, "BSUID_123") and record.body.profile_name == "NAME"


async def test_v25_receipts_carry_the_recipients_user_id(
    meta: Meta, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    conversation = {"id": "CONVERSATION_ID", "expiration_timestamp": "1504903988",
                    "origin": {"type": "marketing"}}  # fmt: skip
    pricing = {"billable": True, "pricing_model": "PMP", "type": "regular", "category": "marketing"}
    v25 = {"id": "ABGGFlA5Fpa", "timestamp": "1504902988", "recipient_id": PHONE,
           "recipient_user_id": USER, "parent_recipient_user_id": "US.11815799212886844830"}  # fmt: skip
    contacts = [{"profile": {"name": "test user name", "username": "@testusername"},
                 "wa_id": PHONE, "user_id": USER, "parent_user_id": "US.11815799212886844830"}]  # fmt: skip
    await meta.statuses({**v25, "status": "sent", "conversation": conversation, "pricing": pricing},
                        contacts=contacts)  # fmt: skip
    await meta.statuses({**v25, "status": "delivered", "conversation": conversation},
                        contacts=contacts)  # fmt: skip
    await meta.statuses({**v25, "status": "read"}, contacts=contacts)
    queued = await records(pool, Topic.WHATSAPP_STATUS)
    assert [(k, r.body.status, r.body.customer_phone, r.body.customer_user_id) for k, r in queued] == [
        (chat(business, PHONE), s, PHONE, USER) for s in ("sent", "delivered", "read")]  # fmt: skip
    assert queued[0][1].body.customer_parent_user_id == "US.11815799212886844830"


@pytest.mark.parametrize("phone", [True, False], ids=["with-phone", "with-username"])
@pytest.mark.parametrize("to", ["phone", "bsuid"], ids=["sent-to-phone", "sent-to-bsuid"])
async def test_a_receipt_names_its_recipient_whichever_way_it_was_sent(
    meta: Meta, pool: asyncpg.Pool, business: tuple[Business, str], phone: bool, to: str
) -> None:
    recipient = {"recipient_id": PHONE} if to == "phone" else {"recipient_user_id": USER}
    await meta.statuses(
        {"id": "ABGGFlA5Fpa", "status": "sent", "timestamp": "1504902988", **recipient,
         "parent_recipient_user_id": PARENT,
         "pricing": {"billable": True, "pricing_model": "PMP", "type": "regular", "category": "marketing"}},
        contacts=[bsuid_contact(phone=phone, username=not phone, parent=True)],
    )  # fmt: skip
    [(key, record)] = await records(pool, Topic.WHATSAPP_STATUS)
    body = record.body
    expected_phone = PHONE if phone or to == "phone" else None
    assert (body.customer_phone, body.customer_user_id) == (expected_phone, USER)
    assert body.customer_parent_user_id == PARENT
    assert key == chat(business, expected_phone or USER)


async def test_a_username_users_marketing_stop_is_their_opt_out(
    meta: Meta, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    pref = {"user_id": USER, "detail": "User requested to stop marketing messages",
            "category": "marketing_messages", "value": "stop", "timestamp": 1731705721}  # fmt: skip
    contacts = [bsuid_contact(phone=False, username=True, parent=False)]
    value = meta.value(contacts=contacts, user_preferences=[pref])
    await meta.delivers(meta.envelope(("user_preferences", value)))
    [(key, record)] = await records(pool, Topic.WHATSAPP_OUTBOUND)
    assert key == chat(business, USER)
    assert (record.body.customer_phone, record.body.customer_user_id, record.body.opted_out) == (
        None, USER, True)  # fmt: skip

"""Meta's 2026 identities over real HTTP: business-scoped user ids on every webhook, username-only
shoppers, sends addressed by user id, and one change per webhook POST."""

import re
from typing import Any

from sauda_sandbox.testing import Env, order_template

from .test_sandbox_api import graph_error, with_order_template

SHOPPER = "919812345678"
USER_ID = re.compile(r"[A-Z]{2}\.\d{20}")


async def shopper(env: Env, number: dict[str, Any], **body: Any) -> dict[str, Any]:
    made = await env.http.post(f"/sandbox/{number['phone_number_id']}/shoppers", json=body)
    assert made.status_code in (200, 201), made.text
    found: dict[str, Any] = made.json()
    return found


async def test_a_phone_shoppers_webhooks_carry_its_user_id(env: Env) -> None:
    number = await env.number()
    await env.shopper(number, SHOPPER, {"text": "hi", "name": "Asha"})
    [inbound] = await env.receiver.wait_for(env.receiver.inbound, what="the text")
    [contact] = inbound.value["contacts"]
    user_id = contact["user_id"]
    assert USER_ID.fullmatch(user_id) and user_id.startswith("IN.")
    assert contact == {"profile": {"name": "Asha"}, "wa_id": SHOPPER, "user_id": user_id}
    [message] = inbound.value["messages"]
    assert (message["from"], message["from_user_id"]) == (SHOPPER, user_id)

    sent = (await env.send(number, {"to": SHOPPER, "type": "text", "text": {"body": "yo"}})).json()
    assert sent["contacts"] == [{"input": SHOPPER, "wa_id": SHOPPER}]
    mid = sent["messages"][0]["id"]
    await env.receiver.wait_for(lambda: len(env.receiver.statuses(mid)) == 2, what="delivered")
    for received in env.receiver.received:
        if received.value.get("statuses"):
            assert received.value["contacts"] == [contact]
    for status in env.receiver.statuses(mid):
        assert (status["recipient_id"], status["recipient_user_id"]) == (SHOPPER, user_id)

    # The same phone is another user id with another business (a BSUID is business-scoped).
    other = await env.number()
    assert (await env.shopper(other, SHOPPER, {"text": "hi"})).status_code == 201
    theirs = (await env.http.get(f"/sandbox/{other['phone_number_id']}/shoppers/{SHOPPER}")).json()
    assert theirs["user_id"] != user_id and theirs["phone"] == SHOPPER


async def test_a_username_only_shopper_chats_without_a_phone(env: Env) -> None:
    number = await env.number()
    made = await shopper(
        env, number, username="bilal_k", name="Bilal", parent_user_id="PK.ENT.506847293015824",
        country="PK",
    )  # fmt: skip
    user_id = made["user_id"]
    assert USER_ID.fullmatch(user_id) and user_id.startswith("PK.") and made["phone"] is None
    assert made["username"] == "@bilal_k"
    said = await env.shopper(number, user_id, {"text": "salaam"})
    assert said.status_code == 201, said.text
    [inbound] = await env.receiver.wait_for(env.receiver.inbound, what="the username text")
    assert inbound.value["contacts"] == [
        {
            "profile": {"name": "Bilal", "username": "@bilal_k"},
            "user_id": user_id,
            "parent_user_id": "PK.ENT.506847293015824",
        }
    ]
    [message] = inbound.value["messages"]
    assert "from" not in message
    assert message["from_user_id"] == user_id
    assert message["from_parent_user_id"] == "PK.ENT.506847293015824"

    reply = await env.send(number, {"recipient": user_id, "type": "text", "text": {"body": "hi"}})
    assert reply.status_code == 200, reply.text
    assert reply.json()["contacts"] == [{"input": user_id, "user_id": user_id}]
    mid = reply.json()["messages"][0]["id"]
    [sent, _] = await env.receiver.wait_for(
        lambda: len(env.receiver.statuses(mid)) == 2 and env.receiver.statuses(mid), what="statuses"
    )
    assert "recipient_id" not in sent
    assert sent["recipient_user_id"] == user_id
    assert sent["parent_recipient_user_id"] == "PK.ENT.506847293015824"
    by_parent = await env.send(
        number, {"recipient": "PK.ENT.506847293015824", "type": "text", "text": {"body": "again"}}
    )
    assert by_parent.status_code == 200, by_parent.text

    chat = (await env.http.get(f"/sandbox/{number['phone_number_id']}/chats/{user_id}")).json()
    assert chat["shopper_phone"] is None and chat["shopper"]["username"] == "@bilal_k"
    assert [m["text"] for m in chat["messages"]] == ["salaam", "hi", "again"]
    listed = (await env.http.get(f"/sandbox/{number['phone_number_id']}/chats")).json()["chats"]
    assert [(c["user_id"], c["username"]) for c in listed] == [(user_id, "@bilal_k")]


async def test_shopper_management_refusals(env: Env) -> None:
    number = await env.number()
    pnid = number["phone_number_id"]
    await shopper(env, number, username="asha")
    taken = await env.http.post(f"/sandbox/{pnid}/shoppers", json={"username": "@asha"})
    assert taken.status_code == 409 and "@asha" in taken.json()["detail"]
    neither = await env.http.post(f"/sandbox/{pnid}/shoppers", json={"name": "x"})
    assert neither.status_code == 422
    unknown = await env.http.get(f"/sandbox/{pnid}/chats/US.12345678901234567890")
    assert unknown.status_code == 404
    assert (await env.http.get(f"/sandbox/{pnid}/chats/alice")).status_code == 400
    assert (
        await env.http.post("/sandbox/123/shoppers", json={"username": "z_z_z"})
    ).status_code == 404

    # A phone shopper may add a username; the answer says nothing new was made the second time.
    first = await env.http.post(
        f"/sandbox/{pnid}/shoppers", json={"phone": SHOPPER, "username": "rahul"}
    )
    again = await env.http.post(f"/sandbox/{pnid}/shoppers", json={"phone": SHOPPER})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json() and first.json()["username"] == "@rahul"


async def test_sends_to_unknown_or_malformed_recipients_are_refused(env: Env) -> None:
    number = await env.number()
    text = {"type": "text", "text": {"body": "hi"}}
    graph_error(
        await env.send(number, {"recipient": "US.98765432109876543210", **text}), 400, 131009
    )
    graph_error(await env.send(number, {"recipient": "bob", **text}), 400, 100)
    graph_error(await env.send(number, text), 400, 131008)


async def test_each_webhook_post_holds_one_change(env: Env) -> None:
    """A tap and the statuses waiting before it go out as separate POSTs (SANDBOX_WEBHOOK_BATCH=1)."""
    number = await env.number()
    await with_order_template(env, number)
    sent = [
        (await env.send(number, order_template(SHOPPER))).json()["messages"][0]["id"]
        for _ in range(3)
    ]
    await env.shopper(number, SHOPPER, {"button_id": "CONFIRM_1042"})
    await env.http.get(f"/sandbox/{number['phone_number_id']}/chats/{SHOPPER}")
    await env.receiver.wait_for(
        lambda: all(len(env.receiver.statuses(m)) == 3 for m in sent), what="read statuses"
    )
    bodies = {r.raw for r in env.receiver.received}
    assert len(bodies) == len(env.receiver.received)  # one Received per POST: one change each
    for received in env.receiver.received:
        [entry] = received.body["entry"]
        [change] = entry["changes"]
        assert len(change["value"].get("statuses", [])) <= 1


async def test_batching_can_still_be_turned_on(start_sandbox: Any) -> None:
    # The first POST fails and is retried after a second: the texts sent meanwhile queue up.
    env = await start_sandbox(sandbox_webhook_batch=20, sandbox_webhook_backoff_s=1.0)
    number = await env.number()
    env.receiver.answers = [500]  # hold the first POST back so that the rest queue up
    for word in ("one", "two", "three"):
        await env.shopper(number, SHOPPER, {"text": word})
    await env.receiver.wait_for(lambda: len(env.receiver.inbound()) == 3, what="three texts")
    assert max(len(r.body["entry"][0]["changes"]) for r in env.receiver.received) > 1

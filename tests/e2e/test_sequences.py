"""Sequences end to end: real gateway, notifier, conversation and sandbox processes over real
Kafka and Postgres. A three-step sequence (a few seconds apart) is assigned to three
subscribers, by Wabotick's form and by Sauda's REST: the one who replies in the sandbox after
the first step gets nothing more and shows stopped by the reply; the one the merchant removes
after the first step gets nothing more and shows removed; the third gets all three and
completes. Bad, unknown and another business's sequence ids are refused both ways."""

from typing import Any

from .conftest import Chat, Shop, to_shopper

W = "/api/v1/whatsapp"
REPLIER, REMOVED, CONTROL = "923007770001", "923007770002", "923007770003"
FIRST, SECOND, THIRD = "sauda_order_confirmed", "sauda_order_shipped", "sauda_order_delivered"
STEPS = [
    {"template": FIRST, "language": "en", "parameters": ["Friend", "SEQ-1", "Shop"],
     "delay_seconds": 0},
    # Long enough for a reply (or a removal) to reach the notifier before it is due.
    {"template": SECOND, "language": "en", "parameters": ["Friend", "SEQ-2", "-"],
     "delay_seconds": 10},
    {"template": THIRD, "language": "en", "parameters": ["Friend", "SEQ-3"], "delay_seconds": 2},
]  # fmt: skip


async def chat_of(shop: Shop, phone: str) -> Chat:
    got = await shop.sandbox.get(f"/sandbox/{shop.number}/chats/{phone}")
    if got.status_code == 404:
        return []
    assert got.status_code == 200, got.text
    return got.json()["messages"]  # type: ignore[no-any-return]


async def steps_at(shop: Shop, phone: str) -> list[str]:
    """The sequence's templates the shopper's phone received, in order."""
    names = {FIRST, SECOND, THIRD}
    return [m["template"]["name"] for m in to_shopper(await chat_of(shop, phone))
            if (m.get("template") or {}).get("name") in names]  # fmt: skip


async def arrived(shop: Shop, phone: str, count: int) -> list[str]:
    async def enough() -> list[str] | None:
        found = await steps_at(shop, phone)
        return found if len(found) >= count else None

    return await shop.wait_for(enough, timeout=60, what=f"{count} steps at {phone}")  # type: ignore[no-any-return]


async def enrolment(shop: Shop, phone: str, state: str) -> dict[str, Any]:
    async def reached() -> dict[str, Any] | None:
        [found] = await shop.get(f"{W}/subscribers/{phone}/sequences")
        return found if found["state"] == state else None

    return await shop.wait_for(reached, timeout=60, what=f"{phone}'s enrolment {state}")  # type: ignore[no-any-return]


async def templates_synced(shop: Shop) -> None:
    """The notifier has synced the number's templates and the gateway folded them."""

    async def listed() -> bool:
        found = (await shop.get(f"{W}/templates", status="APPROVED", limit=100))["templates"]
        return {FIRST, SECOND, THIRD} <= {t["name"] for t in found}

    await shop.wait_for(listed, timeout=60, what="the number's templates")


async def test_a_reply_or_a_removal_stops_a_sequence_and_the_rest_get_every_step(
    shop: Shop, open_shop: Any
) -> None:
    await templates_synced(shop)
    for phone in (REPLIER, REMOVED, CONTROL):
        made = await shop.api.post(f"{W}/subscribers", headers=shop.headers,
                                   json={"chat_id": phone, "first_name": "Friend"})  # fmt: skip
        assert made.status_code == 201, made.text
    created = await shop.api.post(f"{W}/sequences", headers=shop.headers,
                                  json={"name": "Welcome drip", "steps": STEPS})  # fmt: skip
    assert created.status_code == 201, created.text
    sequence_id = created.json()["sequence_id"]
    form = {"apiToken": shop.business["api_key"], "phone_number_id": shop.number}

    # Refused, both ways: a bad id, an unknown one, another business's.
    other = await open_shop()
    await templates_synced(other)
    theirs = await other.api.post(f"{W}/sequences", headers=other.headers,
                                  json={"name": "Theirs", "steps": STEPS[:1]})  # fmt: skip
    assert theirs.status_code == 201, theirs.text
    bad = await shop.api.post(f"{W}/subscriber/chat/assign-sequence", data=form | {
        "phone_number": REPLIER, "sequence_ids": "first"})  # fmt: skip
    assert bad.status_code == 400 and bad.json()["status"] == "0"
    assert bad.json()["field"] == "sequence_ids"
    unknown = await shop.api.post(f"{W}/subscriber/chat/assign-sequence", data=form | {
        "phone_number": REPLIER, "sequence_ids": f"{sequence_id + 100000}"})  # fmt: skip
    assert unknown.status_code == 404
    assert (unknown.json()["status"], unknown.json()["code"]) == ("0", "unknown_sequence")
    foreign = await shop.api.post(f"{W}/subscribers/{REPLIER}/sequences", headers=shop.headers,
                                  json={"sequence_id": theirs.json()["sequence_id"]})  # fmt: skip
    assert foreign.status_code == 404 and foreign.json()["code"] == "unknown_sequence"
    assert await shop.get(f"{W}/subscribers/{REPLIER}/sequences") == []

    # Assigned: by Wabotick's form, and by Sauda's REST.
    assigned = await shop.api.post(f"{W}/subscriber/chat/assign-sequence", data=form | {
        "phone_number": REPLIER, "sequence_ids": str(sequence_id)})  # fmt: skip
    assert assigned.json() == {
        "status": "1",
        "message": "Sequences have been assigned successfully.",
    }
    for phone in (REMOVED, CONTROL):
        rest = await shop.api.post(f"{W}/subscribers/{phone}/sequences", headers=shop.headers,
                                   json={"sequence_id": sequence_id})  # fmt: skip
        assert rest.status_code == 202, rest.text

    # The first step arrives; one shopper replies, the merchant removes another.
    assert await arrived(shop, REPLIER, 1) == [FIRST]
    await shop.write("Thanks, got it", REPLIER)
    assert await arrived(shop, REMOVED, 1) == [FIRST]
    removed = await shop.api.post(f"{W}/subscriber/chat/remove-sequence", data=form | {
        "phone_number": REMOVED, "sequence_ids": str(sequence_id)})  # fmt: skip
    assert removed.json() == {"status": "1", "message": "Sequences have been removed successfully."}

    stopped = await enrolment(shop, REPLIER, "stopped")
    assert (stopped["stop_reason"], stopped["steps_sent"], stopped["total_steps"]) == (
        "reply",
        1,
        3,
    )
    assert [s["template"] for s in stopped["steps"]] == [f"{FIRST} (en)"]
    out = await enrolment(shop, REMOVED, "stopped")
    assert (out["stop_reason"], out["steps_sent"]) == ("removed", 1)

    # The third subscriber, assigned last, gets every step: by then the others' second and
    # third steps would have come too.
    assert await arrived(shop, CONTROL, 3) == [FIRST, SECOND, THIRD]
    done = await enrolment(shop, CONTROL, "completed")
    assert done["steps_sent"] == 3 and done["stop_reason"] is None
    assert await steps_at(shop, REPLIER) == [FIRST]
    assert await steps_at(shop, REMOVED) == [FIRST]
    [third] = to_shopper(await chat_of(shop, CONTROL), THIRD)
    assert "SEQ-3" in third["text"]

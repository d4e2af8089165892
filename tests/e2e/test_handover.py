"""Handing a chat to a person, end to end: a shopper the bot cannot understand twice in a row,
or who asks for a person, is told a person will reply; the merchant gets a `handover` notice
and finds the chat assigned in the subscribers API; the bot keeps quiet on their free text
until the merchant unassigns the chat. Every assertion is what the shopper's phone shows or
what the merchant's API returns."""

import asyncio
import hashlib
import hmac
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson
import pytest

from .conftest import SHOPPER, Shop, _create_business, to_shopper
from .test_order_questions import add_milk, ask, bot_says

W = "/api/v1/whatsapp"
HANDED_OVER = "will reply here soon"
SORRY = "Sorry, I did not understand that."


Open = Callable[[], Awaitable[Shop]]


@pytest.fixture
def named_shop(stack: Any, client: httpx.AsyncClient, sandbox: httpx.AsyncClient, seed: Any,
               wait_for: Any) -> Open:  # fmt: skip
    """named_shop(): a shop with a name the shopper reads, on a fresh sandbox number, that
    sells in chat."""

    async def make() -> Shop:
        name = f"Chai Wala {uuid.uuid4().hex[:6]}"
        business = await _create_business(stack, name, whatsapp=True)
        shop = Shop(business, client, sandbox, seed, wait_for)
        await add_milk(shop)
        return shop

    return make


async def team_member(business_id: str, role: str = "staff") -> str:
    """A dashboard user of the business, as the operator creates one (`sauda user create`)."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.pk"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sauda_cli", "user", "create", "--business", business_id,
        "--email", email, "--role", role, "--password-stdin",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate(b"correct horse battery\n")
    assert proc.returncode == 0, err.decode()
    return str(orjson.loads(out)["user_id"])


async def assignee(shop: Shop, phone: str = SHOPPER) -> str | None:
    got = await shop.api.get(f"{W}/subscribers/{phone}", headers=shop.headers)
    assert got.status_code == 200, got.text
    return got.json()["assigned_user_id"]  # type: ignore[no-any-return]


async def assigned_to(shop: Shop, user_id: str, phone: str = SHOPPER) -> None:
    async def done() -> bool:
        return await assignee(shop, phone) == user_id

    await shop.wait_for(done, timeout=45, what=f"the chat assigned to {user_id}")


def bot_texts(chat: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in to_shopper(chat) if not m["template"]]


async def test_two_misunderstood_texts_hand_the_chat_to_the_owner_until_unassigned(
    named_shop: Open,
) -> None:
    shop = await named_shop()
    await team_member(shop.business["business_id"])  # staff, there first
    owner = await team_member(shop.business["business_id"], "owner")
    [welcome] = await ask(shop, "xqzv blorp")
    assert [b["title"] for b in welcome["buttons"]] == ["Order now"]  # one miss: the menu
    [handed] = await ask(shop, "zzkq wubba frop")
    assert handed["text"].startswith("Thank you! A person from Chai Wala")
    assert handed["text"].endswith(HANDED_OVER + ".") and not handed["buttons"]

    [notice] = await shop.notices(kind="handover")
    assert notice["customer_phone"] == SHOPPER
    assert notice["details"]["reason"] == "not_understood"
    assert notice["details"]["assigned_user_id"] == owner  # no setting: the first owner
    assert notice["details"]["text"] == "zzkq wubba frop"
    await assigned_to(shop, owner)

    # A person holds the chat: free text gets no answer, a tap on the menu still works.
    await shop.write("hello? anyone?")
    before = len(bot_texts(await shop.chat()))
    await shop.tap(welcome["buttons"][0]["id"])
    [products] = await bot_says(shop, SHOPPER, before)
    assert products["list"], products  # the product list, nothing said to "hello? anyone?"
    assert bot_texts(await shop.chat())[-2].endswith(HANDED_OVER + ".")

    unassigned = await shop.api.delete(f"{W}/subscribers/{SHOPPER}/assignee",
                                       headers=shop.headers)  # fmt: skip
    assert unassigned.status_code == 200, unassigned.text
    assert unassigned.json()["assigned_user_id"] is None
    [menu] = await ask(shop, "menu")  # the bot answers again
    assert menu["list"], menu


async def test_asking_for_a_person_hands_over_at_once_to_the_chosen_member_in_urdu(
    named_shop: Open,
) -> None:
    shop = await named_shop()
    await team_member(shop.business["business_id"], "owner")
    staff = await team_member(shop.business["business_id"])
    other = await named_shop()
    outsider = await team_member(other.business["business_id"])

    refused = await shop.api.put(f"{W}/handover", headers=shop.headers,
                                 json={"assign_to_user_id": outsider})  # fmt: skip
    assert refused.status_code == 404, refused.text
    assert refused.json()["field"] == "assign_to_user_id"
    bad = await shop.api.put(f"{W}/handover", headers=shop.headers, json={"bot_quiet_hours": 0})
    assert (bad.status_code, bad.json()["field"]) == (400, "bot_quiet_hours"), bad.text
    chosen = await shop.api.put(f"{W}/handover", headers=shop.headers,
                                json={"assign_to_user_id": staff, "bot_quiet_hours": 12})  # fmt: skip
    assert chosen.status_code == 200, chosen.text
    got = await shop.api.get(f"{W}/handover", headers=shop.headers)
    assert got.json() == {"assign_to_user_id": staff, "bot_quiet_hours": 12}

    [handed] = await ask(shop, "کسی انسان سے بات کرنی ہے")
    assert handed["text"].startswith("شکریہ!") and "Chai Wala" in handed["text"]
    [notice] = await shop.notices(kind="handover")
    assert notice["details"]["reason"] == "asked"
    await assigned_to(shop, staff)

    # Another business sees nothing of it: no notice, no such subscriber.
    assert (await other.get("/api/v1/notices", kind="handover"))["notices"] == []
    theirs = await other.api.get(f"{W}/subscribers/{SHOPPER}", headers=other.headers)
    assert theirs.status_code == 404, theirs.text
    foreign = await other.api.delete(f"{W}/subscribers/{SHOPPER}/assignee", headers=other.headers)
    assert foreign.status_code == 404 and foreign.json()["code"] == "subscriber_not_found"
    assert await assignee(shop) == staff


async def test_one_miss_then_an_understood_text_does_not_hand_over(named_shop: Open) -> None:
    shop = await named_shop()
    [welcome] = await ask(shop, "xqzv blorp")
    assert [b["title"] for b in welcome["buttons"]] == ["Order now"]
    [products] = await ask(shop, "I want milk")
    assert products["list"], products
    [again] = await ask(shop, "zzkq wubba")  # a miss again, but not in a row
    assert not again["text"].endswith(HANDED_OVER + ".")
    assert not any(HANDED_OVER in t for t in bot_texts(await shop.chat()))
    assert (await shop.get("/api/v1/notices", kind="handover"))["notices"] == []


def meta_text(number: str, wamid: str, text: str) -> bytes:
    """Meta's webhook of a shopper's text, as Meta delivers (and redelivers) it."""
    return orjson.dumps({
        "object": "whatsapp_business_account",
        "entry": [{"id": "x", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "1", "phone_number_id": number},
            "contacts": [{"profile": {"name": "Ayesha"}, "wa_id": SHOPPER}],
            "messages": [{"from": SHOPPER, "id": wamid, "timestamp": str(int(time.time())),
                          "type": "text", "text": {"body": text}}],
        }}]}],
    })  # fmt: skip


async def test_a_redelivered_message_counts_as_one_miss(stack: Any, named_shop: Open) -> None:
    shop = await named_shop()
    payload = meta_text(shop.number, f"wamid.HANDOVER{uuid.uuid4().hex}", "xqzv blorp")
    signature = "sha256=" + hmac.new(stack.app_secret.encode(), payload,
                                     hashlib.sha256).hexdigest()  # fmt: skip
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
    [hello] = await ask(shop, "hi")  # the shopper writes first: the bot may answer them
    assert hello["list"], hello
    posted = await shop.api.post("/webhooks/whatsapp", content=payload, headers=headers)
    assert posted.status_code == 200, posted.text
    [sorry] = await bot_says(shop, SHOPPER, 1)  # one miss: sorry, and the list again
    assert sorry["text"].startswith(SORRY) and sorry["list"], sorry
    for _ in range(2):  # Meta retries a webhook it thinks was not received
        posted = await shop.api.post("/webhooks/whatsapp", content=payload, headers=headers)
        assert posted.status_code == 200, posted.text
    [products] = await ask(shop, "menu")  # handled after the redeliveries: same chat, in order
    assert products["list"], products
    texts = bot_texts(await shop.chat())
    assert not any(HANDED_OVER in t for t in texts), texts
    assert len([t for t in texts if t.startswith(SORRY)]) == 1  # answered once

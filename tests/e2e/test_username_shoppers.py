"""A WhatsApp username user (Meta's business-scoped user id, no phone) orders in the chat, end to
end: real gateway, ledger, conversation and notifier processes over real Kafka and Postgres.

The shopper's side is Meta's: webhooks signed with the app secret and posted to the gateway,
named by `from_user_id` / `contacts[].user_id` only, as Meta sends them for a user who hides
their number. The business's number is connected to a recording stand-in for Meta's Graph API
(the sandbox models no username shoppers yet), so what the notifier sends, addressed by
`recipient`, is read from there; the merchant's side is the public API."""

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiohttp import web

from sauda_notifier.domain.templates import sauda_templates
from sauda_runtime.testing import free_ports

from .conftest import Stack

USER = "US.13491208655302741918"
CATALOG = [
    {"name": "Tapal Danedar Tea 950g", "price": 1250, "aliases": ["chai", "tea"]},
    {"name": "Olpers Milk 1L", "price": 330, "aliases": ["doodh", "milk"]},
]


@dataclass
class GraphStandIn:
    """Meta's Graph API as the notifier uses it: Sauda's templates approved, every send recorded
    and answered with a wamid, as Meta answers a send addressed by `recipient`."""

    url: str = ""
    sends: list[dict[str, Any]] = field(default_factory=list)

    async def _send(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.sends.append(body)
        wamid = f"wamid.E2E{len(self.sends):06d}{uuid.uuid4().hex[:6]}"
        who = body.get("recipient") or body.get("to")
        contact = {"input": who, **({"user_id": who} if "recipient" in body else {"wa_id": who})}
        return web.json_response({"messaging_product": "whatsapp", "contacts": [contact],
                                  "messages": [{"id": wamid}]})  # fmt: skip

    async def _templates(self, request: web.Request) -> web.Response:
        data = [{"id": str(i), "name": d["name"], "language": d["language"], "status": "APPROVED",
                 "category": d["category"]} for i, (_, _, d) in enumerate(sauda_templates())]  # fmt: skip
        return web.json_response({"data": data, "paging": {"cursors": {"before": "0"}}})

    async def _create(self, request: web.Request) -> web.Response:
        return web.json_response({"id": uuid.uuid4().hex, "status": "APPROVED"})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{version}/{number}/messages", self._send)
        app.router.add_get("/{version}/{waba}/message_templates", self._templates)
        app.router.add_post("/{version}/{waba}/message_templates", self._create)
        return app


@pytest.fixture
async def graph() -> AsyncIterator[GraphStandIn]:
    stand_in = GraphStandIn()
    runner = web.AppRunner(stand_in.app())
    await runner.setup()
    [port] = free_ports(1)
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stand_in.url = f"http://127.0.0.1:{port}"
    try:
        yield stand_in
    finally:
        await runner.cleanup()


@dataclass
class UsernameShopper:
    """A shopper Meta names only by user id, writing to one business's number."""

    stack: Stack
    api: httpx.AsyncClient
    graph: GraphStandIn
    wait_for: Callable[..., Awaitable[Any]]
    business: dict[str, str]
    number: str
    seen: int = 0

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.business["api_key"]}

    async def meta_posts(self, field_name: str, value: dict[str, Any]) -> None:
        metadata = {"display_phone_number": "15550783881", "phone_number_id": self.number}
        payload = {"object": "whatsapp_business_account", "entry": [{"id": "waba-e2e", "changes": [
            {"field": field_name, "value": {"messaging_product": "whatsapp", "metadata": metadata,
                                            **value}}]}]}  # fmt: skip
        raw = json.dumps(payload).encode()
        signature = hmac.new(self.stack.app_secret.encode(), raw, hashlib.sha256).hexdigest()
        posted = await self.api.post("/webhooks/whatsapp", content=raw, headers={
            "Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={signature}"})  # fmt: skip
        assert posted.status_code == 200, posted.text

    async def _write(self, message: dict[str, Any]) -> None:
        contact = {"profile": {"name": "Ayesha", "username": "@ayesha"}, "user_id": USER}
        await self.meta_posts("messages", {"contacts": [contact], "messages": [{
            "id": f"wamid.IN{uuid.uuid4().hex}", "timestamp": str(int(time.time())),
            "from_user_id": USER, **message}]})  # fmt: skip

    def to_me(self) -> list[dict[str, Any]]:
        sent = [s for s in self.graph.sends if USER in (s.get("recipient"), s.get("to"))]
        assert all("to" not in s and s["recipient"] == USER for s in sent), sent
        return sent

    async def replies(self, count: int = 1) -> list[dict[str, Any]]:
        async def arrived() -> list[dict[str, Any]] | None:
            new = self.to_me()[self.seen :]
            return new[:count] if len(new) >= count else None

        got: list[dict[str, Any]] = await self.wait_for(
            arrived, timeout=45, what=f"{count} replies"
        )
        self.seen += count
        return got

    async def says(self, text: str, replies: int = 1) -> list[dict[str, Any]]:
        await self._write({"type": "text", "text": {"body": text}})
        return await self.replies(replies)

    def _last(self, kind: str) -> dict[str, Any]:
        return [s for s in self.to_me() if s.get("interactive", {}).get("type") == kind][-1]

    async def picks(self, title: str) -> list[dict[str, Any]]:
        rows = [
            r for s in self._last("list")["interactive"]["action"]["sections"] for r in s["rows"]
        ]
        [row] = [r for r in rows if r["title"] == title]
        await self._write({"type": "interactive", "interactive": {
            "type": "list_reply", "list_reply": {"id": row["id"], "title": title}}})  # fmt: skip
        return await self.replies()

    async def taps(self, title: str, replies: int = 1) -> list[dict[str, Any]]:
        buttons = [b["reply"] for b in self._last("button")["interactive"]["action"]["buttons"]]
        [button] = [b for b in buttons if b["title"] == title]
        await self._write({"type": "interactive", "interactive": {
            "type": "button_reply", "button_reply": button}})  # fmt: skip
        return await self.replies(replies)

    async def taps_template(self, template: dict[str, Any], wamid: str, index: int) -> None:
        [button] = [c for c in template["template"]["components"]
                    if c["type"] == "button" and c["index"] == str(index)]  # fmt: skip
        await self._write({"type": "button", "context": {"from": "15550783881", "id": wamid},
                           "button": {"text": "Confirm", "payload": button["parameters"][0]["payload"]}})  # fmt: skip

    async def get(self, path: str, **params: Any) -> Any:
        got = await self.api.get(path, params=params, headers=self.headers)
        assert got.status_code == 200, got.text
        return got.json()


@pytest.fixture
async def shopper(
    stack: Stack,
    client: httpx.AsyncClient,
    graph: GraphStandIn,
    make_business: Callable[..., Awaitable[dict[str, str]]],
    cli: Callable[..., Awaitable[str]],
    wait_for: Callable[..., Awaitable[Any]],
) -> UsernameShopper:
    business = await make_business()
    number = f"pn-usernames-{uuid.uuid4().hex[:10]}"
    await cli("business", "connect-whatsapp", business["business_id"], "--phone-number-id", number,
              "--waba-id", f"waba-{number}", "--access-token", "e2e-token",
              "--graph-url", graph.url, "--api-version", "v21.0")  # fmt: skip
    headers = {"X-API-Key": business["api_key"]}
    for product in CATALOG:
        added = await client.post("/api/v1/products", json={"currency": "PKR", **product},
                                  headers=headers)  # fmt: skip
        assert added.status_code == 201, added.text
    return UsernameShopper(stack, client, graph, wait_for, business, number)


def titles(send: dict[str, Any]) -> list[str]:
    action = send["interactive"]["action"]
    if "sections" in action:
        return [r["title"] for s in action["sections"] for r in s["rows"]]
    return [b["reply"]["title"] for b in action["buttons"]]


async def test_a_username_user_orders_in_the_chat_answers_the_cod_and_hears_back(
    shopper: UsernameShopper,
) -> None:
    [products] = await shopper.says("mujhe chai chahiye")
    assert titles(products)[0] == "Tapal Danedar Tea 950g"
    [quantity] = await shopper.picks("Tapal Danedar Tea 950g")
    assert titles(quantity)[:3] == ["1", "2", "3"]
    [more] = await shopper.picks("2")
    assert "2 × Tapal Danedar Tea 950g: PKR 2,500" in more["interactive"]["body"]["text"]
    [summary] = await shopper.taps("Checkout")
    assert titles(summary) == ["Confirm karein", "Cancel karein"]
    placed_and_cod = await shopper.taps("Confirm karein", replies=2)
    [placed] = [s for s in placed_and_cod if s["type"] == "text"]
    [cod] = [s for s in placed_and_cod if s["type"] == "template"]
    assert placed["text"]["body"].startswith("Shukriya! Aap ka order WA-000001 (PKR 2,500)")
    assert cod["template"]["name"].startswith("sauda_cod_confirmation")

    async def listed() -> dict[str, Any] | None:
        orders = (await shopper.get("/api/v1/orders", source="whatsapp"))["orders"]
        return orders[0] if orders else None

    order = await shopper.wait_for(listed, timeout=45, what="the chat order in the merchant's list")
    detail = await shopper.get(f"/api/v1/orders/{order['order_id']}")
    assert (detail["order_number"], detail["status"], detail["source"]) == ("WA-000001", "pending",
                                                                            "whatsapp")  # fmt: skip
    assert detail["customer"]["phone"] is None
    assert detail["customer"]["whatsapp_user_id"] == USER
    assert detail["customer"]["name"] == "Ayesha"

    # The COD template's own Confirm button, tapped by the username user.
    async def cod_logged() -> dict[str, Any] | None:
        log = (await shopper.get(f"/api/v1/orders/{order['order_id']}/messages"))["messages"]
        return next((m for m in log if m["purpose"] == "cod_confirmation" and m["wamid"]), None)

    cod_message = await shopper.wait_for(cod_logged, timeout=45, what="the COD message logged")
    assert cod_message["customer_phone"] == USER  # the chat it went to
    await shopper.taps_template(cod, cod_message["wamid"], index=0)

    async def confirmed() -> dict[str, Any] | None:
        got = await shopper.get(f"/api/v1/orders/{order['order_id']}")
        return got if got["status"] == "confirmed" else None

    done = await shopper.wait_for(confirmed, timeout=45, what="the order confirmed by the tap")
    assert done["history"][-1]["actor"] == "customer"

    async def thanked() -> list[dict[str, Any]] | None:
        sent = [s for s in shopper.to_me() if s.get("type") == "template"
                and s["template"]["name"].startswith("sauda_order_confirmed")]  # fmt: skip
        return sent or None

    await shopper.wait_for(thanked, timeout=45, what="the order-confirmed template to the user id")

    # Meta's receipts name the recipient by user id only; they move the message log.
    for status in ("delivered", "read"):
        await shopper.meta_posts("messages", {
            "contacts": [{"profile": {"name": "Ayesha", "username": "@ayesha"}, "user_id": USER}],
            "statuses": [{"id": cod_message["wamid"], "status": status,
                          "timestamp": str(int(time.time())), "recipient_user_id": USER}],
        })  # fmt: skip

    async def read() -> dict[str, Any] | None:
        message = await cod_logged()
        return message if message and message["status"] == "read" else None

    read_cod = await shopper.wait_for(read, timeout=45, what="the COD message read")
    assert [h["status"] for h in read_cod["history"]][-2:] == ["delivered", "read"]

    chat = await shopper.get(f"/api/v1/conversations/{USER}", limit=100)
    directions = {m["direction"] for m in chat["messages"]}
    assert chat["customer_phone"] == USER and directions == {"inbound", "outbound"}
    assert "mujhe chai chahiye" in [m["text"] for m in chat["messages"]]


async def test_a_username_users_marketing_stop_in_whatsapp_holds_back_the_cod_reminder(
    shopper: UsernameShopper, stack: Stack
) -> None:
    """Stopping marketing messages in WhatsApp (Meta's `user_preferences`, by user id) is the
    shopper's opt-out: the COD reminder of their chat order is skipped, with a notice."""
    await shopper.meta_posts("user_preferences", {
        "contacts": [{"profile": {"name": "Ayesha", "username": "@ayesha"}, "user_id": USER}],
        "user_preferences": [{"user_id": USER, "detail": "User requested to stop marketing messages",
                              "category": "marketing_messages", "value": "stop",
                              "timestamp": int(time.time())}],
    })  # fmt: skip
    await shopper.says("order")
    await shopper.picks("Olpers Milk 1L")
    await shopper.picks("1")
    await shopper.taps("Checkout")
    await shopper.taps("Confirm", replies=2)  # the bot's "placed" text and the COD template

    async def skipped() -> list[dict[str, Any]] | None:
        notices = (await shopper.get("/api/v1/notices", kind="opted_out"))["notices"]
        return notices or None

    [notice] = await shopper.wait_for(skipped, timeout=stack.reminder_after + 45,
                                      what="the reminder skipped for the opted-out user")  # fmt: skip
    assert notice["order_number"] == "WA-000001"
    assert not [s for s in shopper.to_me() if s.get("type") == "template"
                and s["template"]["name"].startswith("sauda_cod_reminder")]  # fmt: skip


# --- through the sandbox, which models username-only shoppers as Meta does -------------------


async def test_a_username_only_shopper_of_the_sandbox_orders_and_confirms_in_the_chat(
    make_business: Callable[..., Awaitable[dict[str, str]]],
    client: httpx.AsyncClient,
    sandbox: httpx.AsyncClient,
    wait_for: Callable[..., Awaitable[Any]],
) -> None:
    business = await make_business(whatsapp=True)
    headers, number = {"X-API-Key": business["api_key"]}, business["whatsapp_phone_number_id"]
    for product in CATALOG:
        added = await client.post("/api/v1/products", json={"currency": "PKR", **product},
                                  headers=headers)  # fmt: skip
        assert added.status_code == 201, added.text
    made = await sandbox.post(f"/sandbox/{number}/shoppers",
                              json={"username": f"ayesha{uuid.uuid4().hex[:6]}", "name": "Ayesha"})  # fmt: skip
    assert made.status_code == 201, made.text
    shopper = made.json()
    assert shopper["phone"] is None
    user_id, chat_url = shopper["user_id"], f"/sandbox/{number}/chats/{shopper['user_id']}"
    seen = 0

    async def bot_says(count: int = 1) -> list[dict[str, Any]]:
        nonlocal seen

        async def arrived() -> list[dict[str, Any]] | None:
            got = await sandbox.get(chat_url)
            assert got.status_code == 200, got.text
            new = [m for m in got.json()["messages"] if m["direction"] == "to_shopper"][seen:]
            return new[:count] if len(new) >= count else None

        replies: list[dict[str, Any]] = await wait_for(arrived, timeout=45, what="the bot's reply")
        seen += count
        return replies

    async def shopper_sends(said: dict[str, str], replies: int = 1) -> list[dict[str, Any]]:
        sent = await sandbox.post(chat_url, json=said)
        assert sent.status_code == 201, sent.text
        return await bot_says(replies)

    [products] = await shopper_sends({"text": "I want to order milk"})
    [row] = [
        r for s in products["list"]["sections"] for r in s["rows"] if r["title"] == "Olpers Milk 1L"
    ]
    [quantities] = await shopper_sends({"list_row_id": row["id"]})
    [three] = [r for s in quantities["list"]["sections"] for r in s["rows"] if r["title"] == "3"]
    [more] = await shopper_sends({"list_row_id": three["id"]})
    [checkout] = [b for b in more["buttons"] if b["title"] == "Checkout"]
    [summary] = await shopper_sends({"button_id": checkout["id"]})
    [confirm] = [b for b in summary["buttons"] if b["title"] == "Confirm"]
    answers = await shopper_sends({"button_id": confirm["id"]}, replies=2)
    [cod] = [m for m in answers if m["template"]]
    assert cod["template"]["name"] == "sauda_cod_confirmation" and "PKR 990" in cod["text"]

    async def listed() -> dict[str, Any] | None:
        got = await client.get("/api/v1/orders", params={"source": "whatsapp"}, headers=headers)
        orders = got.json()["orders"]
        return orders[0] if orders else None

    order = await wait_for(listed, timeout=45, what="the chat order in the merchant's list")
    [yes] = [b for b in cod["buttons"] if b["title"] == "Confirm"]
    tapped = await sandbox.post(chat_url, json={"button_id": yes["id"]})
    assert tapped.status_code == 201, tapped.text

    async def confirmed() -> dict[str, Any] | None:
        got = (await client.get(f"/api/v1/orders/{order['order_id']}", headers=headers)).json()
        return got if got["status"] == "confirmed" else None

    detail = await wait_for(confirmed, timeout=45, what="the order confirmed by the COD tap")
    assert (detail["customer"]["phone"], detail["customer"]["whatsapp_user_id"]) == (None, user_id)
    assert detail["history"][-1]["actor"] == "customer"
    [thanks] = [m for m in await bot_says() if m["template"]]
    assert thanks["template"]["name"] == "sauda_order_confirmed"

    async def cod_read() -> dict[str, Any] | None:
        await sandbox.get(chat_url)  # the shopper looks: the sandbox reports `read`
        got = await client.get(f"/api/v1/orders/{order['order_id']}/messages", headers=headers)
        message = next(m for m in got.json()["messages"] if m["purpose"] == "cod_confirmation")
        return message if message["status"] == "read" else None

    read = await wait_for(cod_read, timeout=45, what="the sandbox's receipts naming the user id")
    assert read["customer_phone"] == user_id

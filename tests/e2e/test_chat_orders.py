"""Ordering inside the WhatsApp chat, end to end: a shopper writes to the sandbox number, the
gateway, conversation, notifier and ledger run as real processes over real Kafka and Postgres,
and every assertion is what the shopper's phone shows or what the merchant's API returns."""

import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from sauda_sandbox.testing import chromium_page

Chat = list[dict[str, Any]]
SHOPPER = "923001112233"
CATALOG = [
    {"name": "Tapal Danedar Tea 950g", "price": 1250, "aliases": ["chai", "tea", "چائے", "चाय"]},
    {"name": "Olpers Milk 1L", "price": 330, "aliases": ["doodh", "milk"]},
    {"name": "Guard Basmati Rice 5kg", "price": 2400, "aliases": ["chawal", "rice"]},
    {"name": "Shan Biryani Masala", "price": 150, "in_stock": False},
]


@dataclass
class Shopper:
    """A phone in the sandbox chatting with one business's number."""

    business: dict[str, str]
    api: httpx.AsyncClient
    sandbox: httpx.AsyncClient
    wait_for: Callable[..., Awaitable[Any]]
    phone: str = SHOPPER
    seen: int = field(default=0)

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.business["api_key"]}

    @property
    def chat_url(self) -> str:
        return f"/sandbox/{self.business['whatsapp_phone_number_id']}/chats/{self.phone}"

    async def chat(self) -> Chat:
        got = await self.sandbox.get(self.chat_url)
        assert got.status_code == 200, got.text
        return got.json()["messages"]  # type: ignore[no-any-return]

    async def _send(self, said: dict[str, str]) -> None:
        sent = await self.sandbox.post(self.chat_url, json=said | {"name": "Ayesha"})
        assert sent.status_code == 201, sent.text

    async def replies(self, count: int = 1) -> Chat:
        """The bot's next `count` messages after everything seen so far."""

        async def arrived() -> Chat | None:
            new = [m for m in await self.chat() if m["direction"] == "to_shopper"][self.seen :]
            return new[:count] if len(new) >= count else None

        got: Chat = await self.wait_for(arrived, timeout=45, what=f"{count} replies")
        self.seen += count
        return got

    async def says(self, text: str, replies: int = 1) -> Chat:
        await self._send({"text": text})
        return await self.replies(replies)

    async def picks(self, title: str, replies: int = 1) -> Chat:
        """Tap the row titled `title` of the bot's latest list."""
        lists = [m for m in await self.chat() if m["direction"] == "to_shopper" and m["list"]]
        rows = [row for s in lists[-1]["list"]["sections"] for row in s["rows"]]
        [row] = [row for row in rows if row["title"] == title]
        await self._send({"list_row_id": row["id"]})
        return await self.replies(replies)

    async def adds(self, product: str, quantity: str) -> Chat:
        """Pick `product` from the bot's latest list, then `quantity` from the list it asks with."""
        await self.picks(product)
        return await self.picks(quantity)

    async def taps(self, title: str, replies: int = 1) -> Chat:
        """Tap the button titled `title` of the bot's latest message with buttons."""
        chat = [m for m in await self.chat() if m["direction"] == "to_shopper" and m["buttons"]]
        [button] = [b for b in chat[-1]["buttons"] if b["title"] == title]
        await self._send({"button_id": button["id"]})
        return await self.replies(replies)

    async def get(self, path: str, **params: Any) -> Any:
        got = await self.api.get(path, params=params, headers=self.headers)
        assert got.status_code == 200, got.text
        return got.json()

    async def chat_orders(self) -> list[dict[str, Any]]:
        return (await self.get("/api/v1/orders", source="whatsapp"))["orders"]  # type: ignore[no-any-return]

    async def listed(self, number: str = "WA-000001") -> dict[str, Any]:
        """The chat order `number` in the merchant's order list, once it is there: the list
        follows orders.events.v1, a moment behind the bot's "placed" reply."""

        async def found() -> dict[str, Any] | None:
            return next((o for o in await self.chat_orders() if o["order_number"] == number), None)

        return await self.wait_for(found, timeout=45, what=f"{number} in the merchant's orders")  # type: ignore[no-any-return]


def placed_and_cod(messages: Chat) -> tuple[dict[str, Any], dict[str, Any]]:
    """The bot's "order placed" text and the COD template, whichever reached the phone first."""
    [placed] = [m for m in messages if not m["template"]]
    [cod] = [m for m in messages if m["template"]]
    return placed, cod


def rows(message: dict[str, Any]) -> list[str]:
    assert message["list"], message
    return [row["title"] for s in message["list"]["sections"] for row in s["rows"]]


def buttons(message: dict[str, Any]) -> list[str]:
    return [b["title"] for b in message["buttons"]]


@pytest.fixture
def open_store(
    make_business: Callable[..., Awaitable[dict[str, str]]],
    client: httpx.AsyncClient,
    sandbox: httpx.AsyncClient,
    wait_for: Any,
) -> Callable[..., Awaitable[Shopper]]:
    async def make(faqs: tuple[dict[str, Any], ...] = ()) -> Shopper:
        business = await make_business(whatsapp=True)
        headers = {"X-API-Key": business["api_key"]}
        for product in CATALOG:
            added = await client.post("/api/v1/products", json={"currency": "PKR", **product},
                                      headers=headers)  # fmt: skip
            assert added.status_code == 201, added.text
        for faq in faqs:
            added = await client.post("/api/v1/faqs", json=faq, headers=headers)
            assert added.status_code == 201, added.text
        return Shopper(business, client, sandbox, wait_for)

    return make


@pytest.fixture
async def shopper(open_store: Callable[..., Awaitable[Shopper]]) -> Shopper:
    return await open_store()


async def test_a_whole_order_in_roman_urdu_lands_as_a_whatsapp_order(shopper: Shopper) -> None:
    [products] = await shopper.says("mujhe chai chahiye")
    assert products["text"].startswith("Aap kaun si cheez lena chahenge?")
    assert rows(products) == ["Tapal Danedar Tea 950g", "Olpers Milk 1L", "Guard Basmati Rice 5kg"]

    [quantity] = await shopper.picks("Tapal Danedar Tea 950g")
    assert rows(quantity) == [str(n) for n in range(1, 11)]
    [more] = await shopper.picks("3")
    assert "3 × Tapal Danedar Tea 950g: PKR 3,750" in more["text"]
    assert buttons(more) == ["Aur shamil karein", "Checkout"]
    [summary] = await shopper.taps("Checkout")
    assert "Total: PKR 3,750" in summary["text"]
    assert buttons(summary) == ["Confirm karein", "Cancel karein"]

    placed, cod = placed_and_cod(await shopper.taps("Confirm karein", replies=2))
    assert placed["text"].startswith("Shukriya! Aap ka order WA-000001 (PKR 3,750)")
    assert cod["template"]["name"] == "sauda_cod_confirmation_roman"
    assert "WA-000001" in cod["text"]

    order = await shopper.listed()
    assert [o["order_number"] for o in await shopper.chat_orders()] == ["WA-000001"]
    assert (order["order_number"], order["source"], order["status"]) == ("WA-000001", "whatsapp",
                                                                          "pending")  # fmt: skip
    detail = await shopper.get(f"/api/v1/orders/{order['order_id']}")
    assert [(i["name"], i["qty"], i["price"]) for i in detail["items"]] == [
        ("Tapal Danedar Tea 950g", 3, 1250)
    ]
    assert detail["total"] == 3750 and detail["customer"]["phone"] == SHOPPER
    assert detail["customer"]["name"] == "Ayesha"

    await shopper.taps("Confirm")  # the COD template's own button, as for any order

    async def confirmed() -> bool:
        return (await shopper.get(f"/api/v1/orders/{order['order_id']}"))["status"] == "confirmed"

    await shopper.wait_for(confirmed, timeout=45, what="the chat order confirmed by COD tap")


async def test_the_same_product_twice_merges_quantities(shopper: Shopper) -> None:
    await shopper.says("I want to order")
    await shopper.adds("Olpers Milk 1L", "2")
    await shopper.taps("Add More")
    [more] = await shopper.adds("Olpers Milk 1L", "3")
    assert "5 × Olpers Milk 1L: PKR 1,650" in more["text"]
    [summary] = await shopper.taps("Checkout")
    assert summary["text"].count("Olpers Milk 1L") == 1 and "Total: PKR 1,650" in summary["text"]


async def test_cancel_at_the_summary_saves_no_order(shopper: Shopper) -> None:
    await shopper.says("order")
    await shopper.picks("Guard Basmati Rice 5kg")
    await shopper.says("2")  # typed, not tapped
    await shopper.taps("Checkout")
    [cleared] = await shopper.taps("Cancel")
    assert "no order was placed" in cleared["text"]
    [cart] = await shopper.says("cart")
    assert cart["text"].startswith("Your cart is empty.")
    assert await shopper.chat_orders() == []


async def test_off_script_at_every_step_re_prompts_without_losing_the_cart(
    shopper: Shopper,
) -> None:
    [products] = await shopper.says("order")
    [again] = await shopper.says("asdfgh")
    assert again["text"].startswith("Sorry, I did not understand that.")
    assert rows(again) == rows(products)
    await shopper.picks("Olpers Milk 1L")
    [again] = await shopper.says("hmm not sure")
    assert again["text"].startswith("Sorry") and rows(again) == [str(n) for n in range(1, 11)]
    await shopper.picks("4")
    [again] = await shopper.says("blue")
    assert buttons(again) == ["Add More", "Checkout"] and "4 × Olpers Milk 1L" in again["text"]
    await shopper.taps("Checkout")
    [again] = await shopper.says("zzz")
    assert buttons(again) == ["Confirm", "Cancel"] and "Total: PKR 1,320" in again["text"]
    placed, _ = placed_and_cod(await shopper.taps("Confirm", replies=2))
    assert "WA-000001" in placed["text"]


async def test_commands_work_mid_order(shopper: Shopper) -> None:
    await shopper.says("order")
    await shopper.adds("Tapal Danedar Tea 950g", "1")
    await shopper.taps("Add More")
    await shopper.picks("Olpers Milk 1L")
    [cart] = await shopper.says("cart")
    assert cart["text"].startswith("Your cart:\n• 1 × Tapal Danedar Tea 950g")
    assert rows(cart) == [str(n) for n in range(1, 11)]  # and the quantity is asked again
    [helped, resumed] = await shopper.says("help", replies=2)
    assert "menu" in helped["text"] and rows(resumed) == [str(n) for n in range(1, 11)]
    [menu] = await shopper.says("menu")
    assert "Olpers Milk 1L" in rows(menu)
    [cleared] = await shopper.says("cancel")
    assert "no order was placed" in cleared["text"]
    [empty] = await shopper.says("cart")
    assert empty["text"].startswith("Your cart is empty.")


async def test_a_question_mid_order_is_answered_from_the_faqs_and_the_flow_resumes(
    open_store: Callable[..., Awaitable[Shopper]],
) -> None:
    shopper = await open_store(faqs=(
        {"question": "How long does delivery take?", "answer": "Delivery takes 2 to 3 days.",
         "keywords": ["delivery", "kitne din"]},
        {"question": "Do you deliver to Lahore?", "answer": "Yes, we deliver all over Lahore.",
         "keywords": ["lahore", "deliver to"]},
    ))  # fmt: skip
    await shopper.says("order")
    await shopper.picks("Tapal Danedar Tea 950g")
    [answer, resumed] = await shopper.says("delivery kitne din mein?", replies=2)
    assert answer["text"] == "Delivery takes 2 to 3 days."
    assert rows(resumed) == [str(n) for n in range(1, 11)]
    await shopper.picks("2")
    [answer, resumed] = await shopper.says("do you deliver to Lahore?", replies=2)
    assert answer["text"] == "Yes, we deliver all over Lahore."
    assert buttons(resumed) == ["Add More", "Checkout"]
    await shopper.taps("Checkout")
    placed, _ = placed_and_cod(await shopper.taps("Confirm", replies=2))
    assert "WA-000001 (PKR 2,500)" in placed["text"]


@pytest.mark.parametrize(
    ("first", "quantity", "prompt", "confirm", "placed"),
    [
        ("مجھے چائے چاہیے", "تین", "آپ کون سی چیز", "تصدیق کریں", "شکریہ! آپ کا آرڈر WA-000001"),
        ("मुझे चाय चाहिए", "तीन", "Aap kaun si cheez", "Confirm karein", "Shukriya! Aap ka order"),
        ("I want to buy tea", "three", "Which product", "Confirm", "Thank you! Your order"),
    ],
)
async def test_a_chat_in_each_script(
    open_store: Callable[..., Awaitable[Shopper]],
    first: str, quantity: str, prompt: str, confirm: str, placed: str,
) -> None:  # fmt: skip
    shopper = await open_store()
    [products] = await shopper.says(first)
    assert products["text"].startswith(prompt)
    assert rows(products)[0] == "Tapal Danedar Tea 950g"
    await shopper.picks("Tapal Danedar Tea 950g")
    [more] = await shopper.says(quantity)
    assert "3 × Tapal Danedar Tea 950g" in more["text"]
    checkout = buttons(more)[1]
    await shopper.taps(checkout)
    done, _ = placed_and_cod(await shopper.taps(confirm, replies=2))
    assert done["text"].startswith(placed)
    order = await shopper.listed()
    assert order["total"] == 3750


async def order_in_chat(shopper: Shopper, product: str) -> dict[str, Any]:
    await shopper.says("order")
    await shopper.adds(product, "1")
    await shopper.taps("Checkout")
    placed, _ = placed_and_cod(await shopper.taps("Confirm", replies=2))
    number = placed["text"].split("order ")[1].split(" ")[0]
    order = await shopper.listed(number)
    return order


async def test_stop_ends_reminders_until_start(shopper: Shopper) -> None:
    [stopped] = await shopper.says("STOP")
    assert stopped["text"].startswith("Done: you will get no more reminders or offers")
    order = await order_in_chat(shopper, "Olpers Milk 1L")

    async def held_back() -> list[dict[str, Any]] | None:
        notices = (await shopper.get(f"/api/v1/orders/{order['order_id']}"))["notices"]
        return [n for n in notices if n["kind"] == "opted_out"] or None

    await shopper.wait_for(held_back, timeout=45, what="the reminder held back")
    templates = [m["template"]["name"] for m in await shopper.chat() if m["template"]]
    assert "sauda_cod_reminder" not in templates

    [started] = await shopper.says("START")
    assert started["text"].startswith("Welcome back!")
    later = await order_in_chat(shopper, "Guard Basmati Rice 5kg")
    [reminder] = await shopper.replies()  # REMINDER_AFTER_SECONDS is 8 in these tests
    assert reminder["template"]["name"] == "sauda_cod_reminder"
    assert later["order_number"] in reminder["text"]


async def test_a_plan_without_whatsapp_orders_takes_no_order_in_chat(
    shopper: Shopper, cli: Callable[..., Awaitable[str]]
) -> None:
    await cli("business", "set-plan", shopper.business["business_id"], "pro")
    await shopper._send({"text": "I want to order"})
    [stopped] = await shopper.says("STOP")  # one chat is handled in order: the first came first
    assert stopped["text"].startswith("Done: you will get no more reminders")
    assert [m["text"] for m in await shopper.chat() if m["direction"] == "to_shopper"] == [
        stopped["text"]
    ]


async def test_a_cart_survives_the_conversation_service_being_killed(
    shopper: Shopper, stack: Any
) -> None:
    await shopper.says("order")
    await shopper.adds("Tapal Danedar Tea 950g", "2")
    stack.conversation.kill(signal.SIGKILL)
    await shopper._send({"button_id": "cart:add_more"})  # written while the service is down
    stack.conversation.start()
    await stack.conversation.ready()
    [products] = await shopper.replies()
    assert "Olpers Milk 1L" in rows(products)
    await shopper.adds("Olpers Milk 1L", "1")
    [summary] = await shopper.taps("Checkout")
    assert (
        "2 × Tapal Danedar Tea 950g" in summary["text"] and "1 × Olpers Milk 1L" in summary["text"]
    )
    placed, _ = placed_and_cod(await shopper.taps("Confirm", replies=2))
    assert "(PKR 2,830)" in placed["text"]
    order = await shopper.listed()
    assert len(await shopper.chat_orders()) == 1
    assert order["total"] == 2830
    bot = [m for m in await shopper.chat() if m["direction"] == "to_shopper" and not m["template"]]
    assert len(bot) == 8  # one answer per message: nothing lost, nothing doubled by the restart


async def test_a_shopper_orders_on_the_sandbox_page_by_clicking(
    shopper: Shopper, stack: Any
) -> None:
    number = shopper.business["whatsapp_phone_number_id"]
    bot = '[data-testid="message"][data-direction="to_shopper"]'
    async with chromium_page() as page:
        await page.goto(f"{stack.sandbox_url}/sandbox/?number={number}&phone={SHOPPER}")
        await page.get_by_test_id("composer").fill("I want to order")
        await page.get_by_test_id("send").click()
        await expect(page.locator(bot)).to_have_count(1, timeout=45_000)
        await page.locator(bot).last.get_by_test_id("list-open").click()
        await page.get_by_test_id("list-row").filter(has_text="Olpers Milk 1L").click()
        await expect(page.locator(bot)).to_have_count(2, timeout=45_000)
        await page.locator(bot).last.get_by_test_id("list-open").click()
        await page.get_by_test_id("list-row").filter(has_text="2").first.click()
        await expect(page.locator(bot)).to_have_count(3, timeout=45_000)
        await (
            page.locator(bot)
            .last.get_by_test_id("reply-button")
            .filter(has_text="Checkout")
            .click()
        )
        await expect(page.locator(bot)).to_have_count(4, timeout=45_000)
        await (
            page.locator(bot).last.get_by_test_id("reply-button").filter(has_text="Confirm").click()
        )
        placed = page.locator(bot).filter(has_text="Your order WA-000001 (PKR 660) is placed")
        await expect(placed).to_have_count(1, timeout=45_000)
        cod = page.locator(bot).filter(has_text="Confirm").filter(has_text="WA-000001")
        await expect(cod.last).to_be_visible(timeout=45_000)
    order = await shopper.listed()
    assert order["total"] == 660 and order["source"] == "whatsapp"

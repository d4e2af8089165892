"""The sandbox as pywa (a widely used Cloud API client) sees it: its calls succeed, and every
webhook the sandbox sends parses, through pywa's own webhook route, into the right objects."""

import asyncio
import re
import struct
import zlib
from typing import Any

import pytest
from pywa.errors import WhatsAppError
from pywa_async.types import Button, Section, SectionList, SectionRow
from pywa_async.types.templates import (
    BodyText,
    QuickReplyButton,
    TemplateCategory,
    TemplateLanguage,
    TemplateRejectionReason,
    TemplateStatus,
)

from sauda_sandbox.testing import Env

from .pywa_stack import PywaStack, pywa_on

SHOPPER = "919812345678"


def png() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x99\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def until(check: Any, what: str, timeout: float = 5.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        result = check()
        if result:
            return result
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def approved_template(
    stack: PywaStack,
    name: str,
    body: str,
    buttons: list[str],
    examples: tuple[str, ...] | list[str] = (),
) -> None:
    auth = {"Authorization": f"Bearer {stack.number['access_token']}"}
    waba = stack.number["waba_id"]
    made = await stack.env.http.post(
        f"/v25.0/{waba}/message_templates",
        headers=auth,
        json={
            "name": name,
            "language": "en_US",
            "category": "UTILITY",
            "components": [
                {"type": "BODY", "text": body}
                | ({"example": {"body_text": [list(examples)]}} if examples else {}),
                {
                    "type": "BUTTONS",
                    "buttons": [{"type": "QUICK_REPLY", "text": b} for b in buttons],
                },
            ],
        },
    )
    assert made.status_code == 200, made.text
    review = await stack.env.http.post(
        f"/sandbox/{waba}/templates/status",
        json={"name": name, "language": "en_US", "status": "APPROVED"},
    )
    assert review.status_code == 200, review.text


async def all_parsed(stack: PywaStack) -> None:
    """Every webhook pywa received became exactly one object (none failed to construct: pywa
    logs such a failure and calls only its raw-update handler)."""
    parsed = stack.parsed
    assert parsed.raw, "pywa received no webhook"
    await until(lambda: parsed.built() == len(parsed.raw), f"one object per webhook: {parsed}")


@pytest.fixture
async def stack(env: Env) -> Any:
    async with pywa_on(env) as built:
        yield built


async def test_pywa_sends_text_buttons_lists_templates_and_media(stack: PywaStack) -> None:
    wa, env, pnid = stack.wa, stack.env, stack.number["phone_number_id"]
    assert (
        await env.shopper(stack.number, SHOPPER, {"text": "hi", "name": "Asha"})
    ).status_code == 201

    text = await wa.send_message(to=SHOPPER, text="Hello from pywa")
    assert text.id.startswith("wamid.") and text.to == SHOPPER
    buttons = await wa.send_message(
        to=SHOPPER,
        text="Confirm your order?",
        buttons=[Button(title="Yes", callback_data="yes"), Button(title="No", callback_data="no")],
    )
    rows = SectionList(
        button_title="Sizes",
        sections=[Section(title="Shirts", rows=[SectionRow(title="M", callback_data="size-m")])],
    )
    listing = await wa.send_message(to=SHOPPER, text="Pick a size", buttons=rows)

    await approved_template(
        stack, "order_update", "Hi {{1}}, confirm order {{2}}?", ["Confirm", "Cancel"], ["A", "#1"]
    )
    template = await wa.send_template(
        to=SHOPPER,
        name="order_update",
        language=TemplateLanguage.ENGLISH_US,
        params=[
            BodyText.params("Asha", "#1042"),
            QuickReplyButton.params(callback_data="CONFIRM_1042", index=0),
            QuickReplyButton.params(callback_data="CANCEL_1042", index=1),
        ],
    )
    assert template.id.startswith("wamid.")

    uploaded = await wa.upload_media(media=png(), mime_type="image/png", filename="shirt.png")
    image = await wa.send_image(to=SHOPPER, image=uploaded.id, caption="Your shirt")
    document = await wa.send_document(
        to=SHOPPER, document=PDF, filename="invoice.pdf", mime_type="application/pdf"
    )
    info = await wa.get_media_url(uploaded.id)
    assert (info.mime_type, info.file_size) == ("image/png", len(png()))
    assert await wa.get_media_bytes(info.url) == png()

    templates = await wa.get_templates(statuses=[TemplateStatus.APPROVED], name="order")
    assert [t.name for t in templates] == ["order_update"] and templates.total_count == 1
    assert templates.message_template_count == 1

    chat = (
        await env.http.get(f"/sandbox/{pnid}/chats/{SHOPPER}", params={"mark_read": "false"})
    ).json()
    shown = {m["id"]: m for m in chat["messages"]}
    assert shown[text.id]["text"] == "Hello from pywa"
    assert [b["id"] for b in shown[buttons.id]["buttons"]] == ["yes", "no"]
    assert shown[listing.id]["list"]["sections"][0]["rows"][0]["id"] == "size-m"
    assert shown[template.id]["text"] == "Hi Asha, confirm order #1042?"
    assert [b["id"] for b in shown[template.id]["buttons"]] == ["CONFIRM_1042", "CANCEL_1042"]
    await until(lambda: len(stack.parsed.statuses_of(document.id)) >= 1, "the document's status")
    chat = (
        await env.http.get(f"/sandbox/{pnid}/chats/{SHOPPER}", params={"mark_read": "false"})
    ).json()
    shown = {m["id"]: m for m in chat["messages"]}
    assert shown[image.id]["media"]["mime_type"] == "image/png"
    assert shown[image.id]["text"] == "Your shirt"
    assert shown[document.id]["media"]["filename"] == "invoice.pdf"

    await all_parsed(stack)
    assert (await wa.delete_media(uploaded.id)).success is True
    with pytest.raises(WhatsAppError) as gone:
        await wa.get_media_url(uploaded.id)
    assert gone.value.code == 100


async def test_pywa_parses_inbound_taps_and_statuses_with_user_ids(stack: PywaStack) -> None:
    wa, env, pnid = stack.wa, stack.env, stack.number["phone_number_id"]
    await env.shopper(stack.number, SHOPPER, {"text": "menu please", "name": "Asha"})
    me = (await env.http.get(f"/sandbox/{pnid}/shoppers/{SHOPPER}")).json()

    [said] = await until(lambda: stack.parsed.messages, "the shopper's text")
    assert said.text == "menu please"
    assert (said.from_user.wa_id, said.from_user.bsuid) == (SHOPPER, me["user_id"])
    assert said.from_user.name == "Asha"

    await approved_template(stack, "cod_confirm", "Confirm order {{1}}?", ["Yes", "No"], ["#1"])
    sent = await wa.send_template(
        to=SHOPPER,
        name="cod_confirm",
        language=TemplateLanguage.ENGLISH_US,
        params=[BodyText.params("#7"), QuickReplyButton.params(callback_data="YES_7", index=0)],
    )
    await until(lambda: len(stack.parsed.statuses_of(sent.id)) == 2, "sent and delivered")
    await env.shopper(stack.number, SHOPPER, {"button_id": "YES_7"})
    [tap] = await until(lambda: stack.parsed.buttons, "the template quick reply")
    assert tap.data == "YES_7" and tap.title == "Yes"
    assert tap.reply_to_message.id == sent.id
    assert tap.from_user.bsuid == me["user_id"]

    menu = await wa.send_message(
        to=SHOPPER, text="Size?", buttons=SectionList(button_title="Sizes", sections=[
            Section(title="Sizes", rows=[SectionRow(title="Large", callback_data="L")])])
    )  # fmt: skip
    await env.shopper(stack.number, SHOPPER, {"list_row_id": "L"})
    [picked] = await until(lambda: stack.parsed.selections, "the list row")
    assert picked.data == "L" and picked.reply_to_message.id == menu.id

    await env.http.get(f"/sandbox/{pnid}/chats/{SHOPPER}")  # the shopper reads everything
    statuses = await until(
        lambda: len(stack.parsed.statuses_of(sent.id)) == 3 and stack.parsed.statuses_of(sent.id),
        "read",
    )
    assert [str(s.status) for s in statuses] == ["sent", "delivered", "read"]
    for status in statuses:
        assert status.from_user.bsuid == me["user_id"] and status.from_user.wa_id == SHOPPER
        assert status.pricing is not None and str(status.pricing.category) == "utility"
    assert statuses[0].conversation is not None and statuses[0].conversation.expiration
    await all_parsed(stack)


async def test_pywa_talks_to_a_username_only_shopper(stack: PywaStack) -> None:
    wa, env, pnid = stack.wa, stack.env, stack.number["phone_number_id"]
    made = await env.http.post(
        f"/sandbox/{pnid}/shoppers", json={"username": "asha.k", "name": "Asha", "country": "IN"}
    )
    assert made.status_code == 201, made.text
    user_id = made.json()["user_id"]
    assert re.fullmatch(r"IN\.\d{20}", user_id) and made.json()["phone"] is None

    assert (await env.shopper(stack.number, user_id, {"text": "hello"})).status_code == 201
    [said] = await until(lambda: stack.parsed.messages, "the username user's text")
    assert said.from_user.bsuid == user_id and said.from_user.wa_id is None
    assert said.from_user.username == "@asha.k"

    reply = await wa.send_message(to=user_id, text="Hi Asha!")
    assert reply.to == user_id
    statuses = await until(
        lambda: len(stack.parsed.statuses_of(reply.id)) == 2 and stack.parsed.statuses_of(reply.id),
        "statuses",
    )
    assert [str(s.status) for s in statuses] == ["sent", "delivered"]
    assert all(s.from_user.bsuid == user_id and s.from_user.wa_id is None for s in statuses)
    chat = (await env.http.get(f"/sandbox/{pnid}/chats/{user_id}")).json()
    assert chat["shopper"]["username"] == "@asha.k" and chat["messages"][-1]["text"] == "Hi Asha!"
    await all_parsed(stack)


async def test_pywa_parses_failures_and_template_updates(stack: PywaStack) -> None:
    wa, env, pnid, waba = (
        stack.wa,
        stack.env,
        stack.number["phone_number_id"],
        stack.number["waba_id"],
    )
    await env.shopper(stack.number, SHOPPER, {"text": "hi"})
    await env.http.post(f"/sandbox/{pnid}/faults", json={"code": 131026, "async": True})
    doomed = await wa.send_message(to=SHOPPER, text="never arrives")
    broken = await wa.send_image(to=SHOPPER, image=f"{env.url}/sandbox/media/404")
    [failed] = await until(lambda: stack.parsed.statuses_of(doomed.id), "the failed status")
    assert str(failed.status) == "failed" and failed.error is not None
    assert failed.error.code == 131026
    [no_file] = await until(lambda: stack.parsed.statuses_of(broken.id), "the failed media")
    assert no_file.error is not None and no_file.error.code == 131053

    await approved_template(stack, "promo_one", "Sale today", ["Stop"])
    await env.http.post(
        f"/sandbox/{waba}/templates/status",
        json={
            "name": "promo_one",
            "language": "en_US",
            "status": "REJECTED",
            "reason": "PROMOTIONAL",
        },
    )
    await env.http.post(
        f"/sandbox/{waba}/templates/category",
        json={"name": "promo_one", "language": "en_US", "category": "MARKETING"},
    )
    updates = await until(
        lambda: len(stack.parsed.template_statuses) == 2 and stack.parsed.template_statuses,
        "reviews",
    )
    approved, rejected = updates
    assert (
        approved.new_status == TemplateStatus.APPROVED
        and approved.category == TemplateCategory.UTILITY
    )
    assert rejected.new_status == TemplateStatus.REJECTED
    assert rejected.reason == TemplateRejectionReason.PROMOTIONAL
    assert approved.template_name == "promo_one" and approved.timestamp.year >= 2024
    [recategorised] = await until(lambda: stack.parsed.template_categories, "the category update")
    assert recategorised.new_category == TemplateCategory.MARKETING
    assert recategorised.previous_category == TemplateCategory.UTILITY
    await all_parsed(stack)

"""Media uploads, bot triggers and the postback list end to end: real gateway, notifier,
conversation and sandbox processes over real Kafka and Postgres. The merchant uploads an image
through Sauda's REST and through Wabotick's form and sends each by the media id it got back:
the shopper's phone shows those very images; a file WhatsApp cannot take is refused with its
code; triggering the bot's menu puts the product list on the shopper's phone, and the
shopper's tap on it is counted in the postback list, both ways in."""

import uuid
from typing import Any

import httpx

from .conftest import SHOPPER, Shop, to_shopper
from .test_messaging_api import shown, window_opened

STRANGER = "923007654321"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(200))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(255, 0, -1))


async def media_id_of(shop: Shop, answer: httpx.Response, upload_id: str) -> str:
    """The upload's media id: at once (200), or once the notifier has it (a 202 on a busy
    machine, read back from the upload's Location)."""
    assert answer.status_code in (200, 202), answer.text

    async def settled() -> dict[str, Any] | None:
        got = await shop.get(f"/api/v1/whatsapp/media/{upload_id}")
        return got if got["status"] != "pending" else None

    found = await shop.wait_for(settled, timeout=45, what=f"upload {upload_id} settled")
    assert found["status"] == "uploaded", found
    return str(found["media_id"])


async def sandbox_file(shop: Shop, media_id: str) -> bytes:
    got = await shop.sandbox.get(f"/sandbox/media/{media_id}")
    assert got.status_code == 200, got.text
    return got.content


async def test_images_uploaded_both_ways_reach_the_shopper_by_their_media_ids(shop: Shop) -> None:
    await window_opened(shop)
    rest = await shop.api.post("/api/v1/whatsapp/media", headers=shop.headers | {
        "Idempotency-Key": f"logo-{uuid.uuid4().hex}"},
        files={"file": ("logo.png", PNG, "image/png")})  # fmt: skip
    rest_id = await media_id_of(shop, rest, rest.json()["upload_id"])
    wabotick = await shop.api.post("/api/v1/whatsapp/upload/media", data={
        "apiToken": shop.business["api_key"], "phone_number_id": shop.number},
        files={"file": ("lawn.jpg", JPEG, "image/jpeg")})  # fmt: skip
    assert wabotick.json()["status"] == "success", wabotick.text
    wabotick_id = await media_id_of(shop, wabotick, wabotick.json()["upload_id"])
    assert rest_id != wabotick_id

    sent = await shop.api.post("/api/v1/whatsapp/messages", headers=shop.headers, json={
        "to": SHOPPER, "type": "image", "media": {"id": rest_id, "caption": "Our new logo"}})  # fmt: skip
    assert sent.status_code == 202, sent.text
    by_form = await shop.api.post("/api/v1/whatsapp/send/file", data={
        "apiToken": shop.business["api_key"], "phone_number_id": shop.number,
        "phone_number": SHOPPER, "media_type": "image", "media_id": wabotick_id,
        "media_caption_text": "New lawn"})  # fmt: skip
    assert by_form.status_code in (200, 202) and by_form.json()["status"] == "1", by_form.text

    def image(media_id: str) -> Any:
        return lambda m: m["type"] == "image" and (m["media"] or {}).get("id") == media_id

    # send/file with the file itself: uploaded, then sent by its id. Still uploading after
    # WHATSAPP_SEND_WAIT_MS (a busy machine) is 409 media_upload_pending: the same request with
    # the same Idempotency-Key then sends it.
    key = f"banner-{uuid.uuid4().hex}"

    async def sent_with_file() -> httpx.Response | None:
        answer = await shop.api.post("/api/v1/whatsapp/send/file", data={
            "apiToken": shop.business["api_key"], "phone_number_id": shop.number,
            "phone_number": SHOPPER, "media_type": "image", "media_caption_text": "Eid banner"},
            files={"media_file": ("banner.png", PNG[::-1] + PNG, "image/png")},
            headers={"Idempotency-Key": key})  # fmt: skip
        if answer.status_code == 409 and answer.json()["code"] == "media_upload_pending":
            return None
        return answer

    with_file = await shop.wait_for(sent_with_file, timeout=45, every=1, what="send/file's upload")
    assert with_file.status_code in (200, 202) and with_file.json()["status"] == "1", with_file.text

    [logo] = await shown(shop, image(rest_id), "the REST upload's image at the shopper")
    [lawn] = await shown(shop, image(wabotick_id), "the Wabotick upload's image at the shopper")
    assert (logo["text"], logo["media"]["mime_type"]) == ("Our new logo", "image/png")
    assert (lawn["text"], lawn["media"]["mime_type"]) == ("New lawn", "image/jpeg")
    assert await sandbox_file(shop, rest_id) == PNG
    assert await sandbox_file(shop, wabotick_id) == JPEG
    [banner] = await shown(shop, lambda m: m["type"] == "image" and m["text"] == "Eid banner",
                           "send/file's uploaded image at the shopper")  # fmt: skip
    assert banner["media"]["id"] not in (rest_id, wabotick_id)
    assert await sandbox_file(shop, banner["media"]["id"]) == PNG[::-1] + PNG


async def test_a_file_whatsapp_cannot_take_is_refused_with_its_code(shop: Shop) -> None:
    gif = await shop.api.post("/api/v1/whatsapp/media", headers=shop.headers,
                              files={"file": ("a.gif", b"GIF89a", "image/gif")})  # fmt: skip
    big = b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024)
    too_big = await shop.api.post("/api/v1/whatsapp/upload/media", data={
        "apiToken": shop.business["api_key"], "phone_number_id": shop.number},
        files={"file": ("big.jpg", big, "image/jpeg")})  # fmt: skip
    assert (gif.status_code, gif.json()["code"], gif.json()["field"]) == (
        415, "unsupported_media_type", "file")  # fmt: skip
    assert (too_big.status_code, too_big.json()["status"], too_big.json()["code"],
            too_big.json()["field"]) == (413, "0", "media_too_large", "file")  # fmt: skip


async def test_a_triggered_menu_reaches_the_shopper_and_their_tap_is_counted(shop: Shop) -> None:
    for product in ({"name": "Lawn suit 3-piece", "price": 4500},
                    {"name": "Chiffon dupatta", "price": 1200}):  # fmt: skip
        added = await shop.api.post("/api/v1/products", headers=shop.headers,
                                    json={"currency": "PKR", **product})  # fmt: skip
        assert added.status_code == 201, added.text
    # "Thanks" at the start of a chat gets the bot's welcome (buttons), not a list.
    await shop.write("Thanks")

    async def seen() -> bool:
        chat = await shop.get(f"/api/v1/conversations/{SHOPPER}")
        return any(m["direction"] == "inbound" for m in chat["messages"])

    await shop.wait_for(seen, timeout=45, what="the shopper's message in the merchant's view")
    flows = await shop.get("/api/v1/whatsapp/bot-flows")
    assert {f["flow_id"] for f in flows["data"]} == {"order", "menu"}
    triggered = await shop.api.post("/api/v1/whatsapp/trigger-bot", data={
        "apiToken": shop.business["api_key"], "phone_number_id": shop.number,
        "bot_flow_unique_id": "menu", "phone_number": SHOPPER})  # fmt: skip
    assert triggered.json() == {"status": "1", "message": "Bot has been trigger successfully."}

    async def menu() -> dict[str, Any] | None:
        return next((m for m in to_shopper(await shop.chat()) if m["list"]), None)

    products = await shop.wait_for(menu, timeout=45, what="the bot's product list")
    rows = [row for s in products["list"]["sections"] for row in s["rows"]]
    assert {row["title"] for row in rows} == {"Lawn suit 3-piece", "Chiffon dupatta"}
    outside = await shop.api.post(f"/api/v1/whatsapp/subscribers/{STRANGER}/bot-flows/order",
                                  headers=shop.headers)  # fmt: skip
    unknown = await shop.api.post(f"/api/v1/whatsapp/subscribers/{SHOPPER}/bot-flows/survey",
                                  headers=shop.headers)  # fmt: skip
    assert (outside.status_code, outside.json()["code"]) == (409, "outside_customer_window")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_bot_flow")

    [lawn] = [row for row in rows if row["title"] == "Lawn suit 3-piece"]
    picked = await shop.sandbox.post(f"/sandbox/{shop.number}/chats/{SHOPPER}",
                                     json={"list_row_id": lawn["id"]})  # fmt: skip
    assert picked.status_code == 201, picked.text

    async def counted() -> dict[str, Any] | None:
        listed = {
            p["postback_id"]: p for p in (await shop.get("/api/v1/whatsapp/postbacks"))["data"]
        }
        return listed if listed["product"]["taps"] == 1 else None

    listed = await shop.wait_for(counted, timeout=45, what="the tap in the postback list")
    assert listed["product"]["title"] == "Lawn suit 3-piece"
    assert listed["product"]["last_tapped_at"] is not None
    document = await shop.api.post("/api/v1/whatsapp/get/post-back-list", data={
        "apiToken": shop.business["api_key"], "phone_number_id": shop.number})  # fmt: skip
    rows_shown = {r["postback_id"]: r for r in document.json()["message"]}
    assert (rows_shown["product"]["taps"], rows_shown["product"]["use_status"]) == (1, "1")

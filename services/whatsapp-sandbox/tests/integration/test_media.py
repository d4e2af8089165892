"""Media over real HTTP: Graph's upload, read, download and delete with Meta's limits and
errors, and media messages by id or link, failed with 131053 when the file does not fit."""

from typing import Any

import httpx

from sauda_sandbox.testing import Env, serving

from .test_sandbox_api import graph_error

SHOPPER = "919812345678"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 600


def auth(number: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {number['access_token']}"}


async def upload(
    env: Env, number: dict[str, Any], data: bytes, mime: str, name: str = "f"
) -> httpx.Response:
    return await env.http.post(
        f"/v25.0/{number['phone_number_id']}/media",
        headers=auth(number),
        data={"messaging_product": "whatsapp", "type": mime},
        files={"file": (name, data, mime)},
    )


async def open_window(env: Env, number: dict[str, Any]) -> None:
    assert (await env.shopper(number, SHOPPER, {"text": "hi"})).status_code == 201


async def test_upload_read_download_delete(env: Env) -> None:
    number = await env.number()
    made = await upload(env, number, JPEG, "image/jpeg", "shirt.jpg")
    assert made.status_code == 200, made.text
    media_id = made.json()["id"]
    assert set(made.json()) == {"id"} and media_id.isdigit()

    info = (await env.http.get(f"/v25.0/{media_id}", headers=auth(number))).json()
    assert info["messaging_product"] == "whatsapp" and info["id"] == media_id
    assert (info["mime_type"], info["file_size"]) == ("image/jpeg", len(JPEG))
    assert len(info["sha256"]) == 64
    assert "/whatsapp_business/attachments/?mid=" in info["url"]

    downloaded = await env.http.get(info["url"], headers=auth(number))
    assert downloaded.status_code == 200 and downloaded.content == JPEG
    assert downloaded.headers["content-type"] == "image/jpeg"
    assert (await env.http.get(info["url"])).status_code == 401  # the URL needs the token
    tampered = info["url"].replace("hash=", "hash=x")
    assert (await env.http.get(tampered, headers=auth(number))).status_code == 404

    stranger = await env.number()  # another WABA: its token sees no such object
    graph_error(await env.http.get(f"/v25.0/{media_id}", headers=auth(stranger)), 400, 100)
    graph_error(await env.http.get(f"/v25.0/{media_id}"), 401, 190)
    graph_error(
        await env.http.get(
            f"/v25.0/{media_id}", params={"phone_number_id": "1"}, headers=auth(number)
        ),
        400,
        100,
    )
    deleted = await env.http.delete(f"/v25.0/{media_id}", headers=auth(number))
    assert deleted.status_code == 200 and deleted.json() == {"success": True}
    graph_error(await env.http.get(f"/v25.0/{media_id}", headers=auth(number)), 400, 100)
    assert (await env.http.get(info["url"], headers=auth(number))).status_code == 404


async def test_upload_refusals_are_metas(env: Env) -> None:
    number = await env.number()
    wrong = graph_error(
        await upload(env, number, b"MZ\x90\x00", "application/x-msdownload"), 400, 100
    )
    assert (
        "Param file must be a file with one of the following types"
        in wrong["error_data"]["details"]
    )
    assert "application/x-msdownload" in wrong["error_data"]["details"]
    too_big = await upload(env, number, b"\x89PNG" + b"\x00" * (5 * 1024 * 1024), "image/png")
    graph_error(too_big, 400, 131053)
    graph_error(await upload(env, number, b"", "image/png"), 400, 100)
    no_product = await env.http.post(
        f"/v25.0/{number['phone_number_id']}/media",
        headers=auth(number),
        files={"file": ("a.png", b"\x89PNG", "image/png")},
        data={"type": "image/png"},
    )
    graph_error(no_product, 400, 131008)
    not_a_form = await env.http.post(
        f"/v25.0/{number['phone_number_id']}/media", headers=auth(number), json={"file": "x"}
    )
    graph_error(not_a_form, 400, 100)
    graph_error(await env.http.post(f"/v25.0/{number['phone_number_id']}/media"), 401, 190)


async def test_media_messages_by_id_are_sent_and_shown(env: Env) -> None:
    number = await env.number()
    image_id = (await upload(env, number, JPEG, "image/jpeg")).json()["id"]
    pdf_id = (await upload(env, number, b"%PDF-1.4\n%%EOF", "application/pdf", "inv.pdf")).json()[
        "id"
    ]
    image = {"to": SHOPPER, "type": "image", "image": {"id": image_id, "caption": "Your shirt"}}
    graph_error(await env.send(number, image), 400, 131047)  # media is free-form: the window

    await open_window(env, number)
    sent = await env.send(number, image)
    assert sent.status_code == 200, sent.text
    mid = sent.json()["messages"][0]["id"]
    doc = {"to": SHOPPER, "type": "document", "document": {"id": pdf_id, "filename": "bill.pdf"}}
    doc_mid = (await env.send(number, doc)).json()["messages"][0]["id"]
    await env.receiver.wait_for(
        lambda: len(env.receiver.statuses(mid)) == 2 and len(env.receiver.statuses(doc_mid)) == 2,
        what="both delivered",
    )
    view = (await env.http.get(f"/sandbox/{number['phone_number_id']}/chats/{SHOPPER}")).json()
    shown = {m["id"]: m for m in view["messages"]}
    assert shown[mid]["type"] == "image" and shown[mid]["text"] == "Your shirt"
    assert shown[mid]["media"]["mime_type"] == "image/jpeg"
    page_copy = await env.http.get(shown[mid]["media"]["url"])
    assert page_copy.status_code == 200 and page_copy.content == JPEG
    assert shown[doc_mid]["media"]["filename"] == "bill.pdf"

    # A PDF is no image, and a deleted id is no file: Meta accepts, then fails with 131053.
    as_image = {"to": SHOPPER, "type": "image", "image": {"id": pdf_id}}
    wrong_mid = (await env.send(number, as_image)).json()["messages"][0]["id"]
    await env.http.delete(f"/v25.0/{image_id}", headers=auth(number))
    gone_mid = (await env.send(number, image)).json()["messages"][0]["id"]
    for failed_mid in (wrong_mid, gone_mid):
        [failed] = await env.receiver.wait_for(
            lambda m=failed_mid: env.receiver.statuses(m), what="failed"
        )
        assert failed["status"] == "failed" and failed["errors"][0]["code"] == 131053
        assert failed["errors"][0]["title"] == "Media upload error"


async def test_media_links_are_fetched_with_the_limits(env: Env) -> None:
    files = {
        "/ok.png": (b"\x89PNG" + b"\x00" * 100, "image/png"),
        "/page.html": (b"<html></html>", "text/html"),
        "/big.webp": (b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * (101 * 1024), "image/webp"),
        "/moving.webp": (b"RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x02" + b"\x00" * (300 * 1024),
                         "image/webp"),
    }  # fmt: skip

    async def shop_cdn(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body, mime = files.get(scope["path"], (b"", "text/plain"))
        status = 200 if scope["path"] in files else 404
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", mime.encode())]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})

    number = await env.number()
    await open_window(env, number)
    async with serving(shop_cdn) as cdn:
        sends = {
            "ok": {"type": "image", "image": {"link": f"{cdn}/ok.png"}},
            "html": {"type": "image", "image": {"link": f"{cdn}/page.html"}},
            "missing": {"type": "document", "document": {"link": f"{cdn}/nope.pdf"}},
            "static sticker over 100 KB": {"type": "sticker", "sticker": {"link": f"{cdn}/big.webp"}},
            "animated sticker under 500 KB": {"type": "sticker", "sticker": {"link": f"{cdn}/moving.webp"}},
        }  # fmt: skip
        ids = {}
        for name, body in sends.items():
            answer = await env.send(number, {"to": SHOPPER, **body})
            assert answer.status_code == 200, (name, answer.text)
            ids[name] = answer.json()["messages"][0]["id"]
        outcome = await env.receiver.wait_for(
            lambda: (
                all(env.receiver.statuses(m) for m in ids.values())
                and {name: env.receiver.statuses(m)[0]["status"] for name, m in ids.items()}
            ),
            what="a first status for each",
        )
    assert outcome == {
        "ok": "sent",
        "html": "failed",
        "missing": "failed",
        "static sticker over 100 KB": "failed",
        "animated sticker under 500 KB": "sent",
    }
    [missing] = env.receiver.statuses(ids["missing"])
    assert "404" in missing["errors"][0]["error_data"]["details"]

"""Media uploads through the gateway's app on a real Postgres, both ways in: the file kept with
one UploadMedia for the notifier, the route waiting for its MediaUploaded (folded by the view)
and answering Meta's media id, a retry uploading nothing, Meta's limits refused with their
codes, send/file's media_file uploaded then sent by its id, another business's upload 404."""

import asyncio
import hashlib
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx

from sauda_contracts import Topic
from sauda_contracts.media import (
    MediaUploaded,
    MediaUploadedBody,
    UploadError,
    UploadMedia,
    UploadStatus,
)
from sauda_contracts.whatsapp import SendWhatsAppMessage, parse_outbound_command
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_runtime.secrets import SecretBox
from sauda_runtime.testing import outbox_rows

from .messaging_flows import SHOPPER, connect, fold, shopper_wrote, waiting_api

Api = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
BASE = "/api/v1/whatsapp"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def queued(pool: asyncpg.Pool) -> list[Any]:
    rows = await outbox_rows(pool, Topic.WHATSAPP_OUTBOUND.value)
    return [parse_outbound_command(r["value"]) for r in rows]


async def upload_commands(pool: asyncpg.Pool, timeout: float = 30.0) -> list[UploadMedia]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in await queued(pool) if isinstance(c, UploadMedia)]
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError("no upload was queued")


def uploaded(
    business: Business, upload_id: UUID, media_id: str | None, error: UploadError | None = None
) -> MediaUploaded:
    """The notifier's MediaUploaded: Meta's media id, or its error."""
    status = UploadStatus.UPLOADED if media_id else UploadStatus.FAILED
    now = datetime.now(UTC)
    return MediaUploaded(
        event_id=uuid4(), occurred_at=now, business_id=business.business_id, correlation_id="t",
        body=MediaUploadedBody(upload_id=upload_id, status=status, media_id=media_id,
                               error=error, uploaded_at=now),
    )  # fmt: skip


async def test_an_upload_waits_for_metas_media_id_and_a_retry_uploads_nothing(
    pool: asyncpg.Pool, dsn: str, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    await connect(pool, shop, box)
    headers = {"X-API-Key": key, "Idempotency-Key": "logo-1"}
    async with waiting_api(pool, dsn, whatsapp_send_wait_ms=60_000) as (http, waiter):
        uploading = asyncio.create_task(http.post(
            f"{BASE}/media", files={"file": ("logo.png", PNG, "image/png")}, headers=headers))  # fmt: skip
        [command] = await upload_commands(pool)
        await fold(pool, [uploaded(shop, command.body.upload_id, "1400998877")],
                   sends=waiter.channel)  # fmt: skip
        answer = await uploading
        again = await http.post(f"{BASE}/media", files={"file": ("logo.png", PNG, "image/png")},
                                headers=headers)  # fmt: skip
        other_file = await http.post(f"{BASE}/media", headers=headers,
                                     files={"file": ("b.png", PNG + b"!", "image/png")})  # fmt: skip
        shown = await http.get(f"{BASE}/media/{command.body.upload_id}", headers={"X-API-Key": key})
        by_media_id = await http.get(f"{BASE}/media/1400998877", headers={"X-API-Key": key})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["media_id"] == "1400998877" and body["status"] == "uploaded"
    assert body["mime_type"] == "image/png" and body["size"] == len(PNG)
    assert body["sha256"] == hashlib.sha256(PNG).hexdigest() and body["kinds"] == ["image"]
    assert body["upload_id"] == str(command.body.upload_id)
    assert command.body.sha256 == body["sha256"] and command.body.mime_type == "image/png"
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["media_id"] == "1400998877"
    assert other_file.status_code == 409 and other_file.json()["code"] == "idempotency_key_reused"
    assert shown.json() == body and by_media_id.json() == body
    assert len(await queued(pool)) == 1  # one UploadMedia, whatever was retried
    kept = await pool.fetchval("SELECT data FROM media_uploads WHERE upload_id = $1",
                               command.body.upload_id)  # fmt: skip
    assert bytes(kept) == PNG


async def test_metas_limits_are_refused_with_their_codes_before_anything_is_kept(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    _other, other_key = await create_business(BusinessStore(pool), name="Other", plan="business")
    await connect(pool, shop, box)
    headers = {"X-API-Key": key}
    big = b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024)  # one byte over 5 MB: an image's limit
    async with api() as http:
        gif = await http.post(f"{BASE}/media", files={"file": ("a.gif", b"GIF89a", "image/gif")},
                              headers=headers)  # fmt: skip
        too_big = await http.post(f"{BASE}/media", files={"file": ("big.jpg", big, "image/jpeg")},
                                  headers=headers)  # fmt: skip
        no_file = await http.post(f"{BASE}/media", files={"other": ("a.png", PNG, "image/png")},
                                  headers=headers)  # fmt: skip
        not_multipart = await http.post(f"{BASE}/media", json={"file": "x"}, headers=headers)
        unconnected = await http.post(f"{BASE}/media", files={"file": ("a.png", PNG, "image/png")},
                                      headers={"X-API-Key": other_key})  # fmt: skip
        octet = await http.post(f"{BASE}/media", headers=headers, files={
            "file": ("menu.pdf", b"%PDF-1.4", "application/octet-stream")})  # fmt: skip
        theirs = await http.get(f"{BASE}/media/{octet.json()['upload_id']}",
                                headers={"X-API-Key": other_key})  # fmt: skip
        wabotick_big = await http.post(f"{BASE}/upload/media", data={
            "apiToken": key, "phone_number_id": "x"}, files={"file": ("big.jpg", big, "image/jpeg")})  # fmt: skip

    expected = [(gif, 415, "unsupported_media_type", "file"),
                (too_big, 413, "media_too_large", "file"), (no_file, 400, "missing_field", "file"),
                (not_multipart, 415, "unsupported_media_type", "file"),
                (unconnected, 404, "whatsapp_not_connected", None),
                (theirs, 404, "upload_not_found", None)]  # fmt: skip
    for answer, status, code, field in expected:
        assert answer.status_code == status, answer.text
        assert (answer.json()["code"], answer.json().get("field")) == (code, field)
    assert too_big.json()["details"]["max_bytes"] == 5 * 1024 * 1024
    assert octet.status_code == 202 and octet.json()["mime_type"] == "application/pdf"
    assert octet.json()["status"] == "pending" and octet.json()["kinds"] == ["document"]
    # The Wabotick route names the number first: a wrong one is its status 0, nothing kept.
    assert wabotick_big.status_code == 404 and wabotick_big.json()["status"] == "0"
    assert await pool.fetchval("SELECT count(*) FROM media_uploads") == 1
    assert len(await queued(pool)) == 1


async def test_the_documents_upload_and_send_file_with_a_media_file(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    number = await connect(pool, shop, box)
    await shopper_wrote(pool, shop, number)
    form = {"apiToken": key, "phone_number_id": number}
    async with api() as http:
        up = await http.post(f"{BASE}/upload/media", data=form,
                             files={"file": ("lawn.jpg", b"\xff\xd8\xff\xe0", "image/jpeg")})  # fmt: skip
        [command] = await upload_commands(pool)
        await fold(pool, [uploaded(shop, command.body.upload_id, "55501")])
        again = await http.post(f"{BASE}/upload/media", data=form, headers={"Idempotency-Key": "x"},
                                files={"file": ("lawn.jpg", b"\xff\xd8\xff\xe0", "image/jpeg")})  # fmt: skip
        [_, second] = [c for c in await queued(pool) if isinstance(c, UploadMedia)]
        await fold(pool, [uploaded(shop, second.body.upload_id, None,
                                   UploadError(code=131053, title="Media upload error"))])  # fmt: skip
        failed = await http.post(f"{BASE}/upload/media", data=form, headers={"Idempotency-Key": "x"},
                                 files={"file": ("lawn.jpg", b"\xff\xd8\xff\xe0", "image/jpeg")})  # fmt: skip
        send_form = form | {"phone_number": SHOPPER, "media_type": "document",
                            "media_caption_text": "Your invoice"}  # fmt: skip
        file = {"media_file": ("invoice.pdf", b"%PDF-1.4 invoice", "application/pdf")}
        pending = await http.post(f"{BASE}/send/file", data=send_form, files=file,
                                  headers={"Idempotency-Key": "inv-1"})  # fmt: skip
        third = [c for c in await queued(pool) if isinstance(c, UploadMedia)][-1]
        await fold(pool, [uploaded(shop, third.body.upload_id, "77702")])
        sent = await http.post(f"{BASE}/send/file", data=send_form, files=file,
                               headers={"Idempotency-Key": "inv-1"})  # fmt: skip
        wrong_kind = await http.post(f"{BASE}/send/file", files=file,
                                     data=send_form | {"media_type": "image"})  # fmt: skip
        on_text = await http.post(f"{BASE}/send", data=form | {"phone_number": SHOPPER,
                                  "message": "hi"}, files=file)  # fmt: skip

    assert up.status_code == 202, up.text
    assert up.json() == {"status": "success", "media_id": None, "upload_id": up.json()["upload_id"],
                         "message": "Media accepted; it is being uploaded."}  # fmt: skip
    assert again.status_code == 202 and again.json()["upload_id"] == str(second.body.upload_id)
    assert failed.status_code == 409 and failed.json()["status"] == "0"
    assert "131053" in failed.json()["message"] and failed.json()["field"] == "file"
    assert pending.status_code == 409 and pending.json()["code"] == "media_upload_pending"
    assert sent.status_code == 202, sent.text
    assert sent.json()["status"] == "1"
    assert wrong_kind.status_code == 415 and wrong_kind.json()["field"] == "media_file"
    assert on_text.status_code == 415 and on_text.json()["field"] == "media_file"
    [send] = [c for c in await queued(pool) if isinstance(c, SendWhatsAppMessage)]
    media = send.body.media
    assert media is not None and (media.type.value, media.id, media.link) == ("document", "77702",
                                                                               None)  # fmt: skip
    assert (media.caption, media.filename) == ("Your invoice", "invoice.pdf")
    assert len([c for c in await queued(pool) if isinstance(c, UploadMedia)]) == 3

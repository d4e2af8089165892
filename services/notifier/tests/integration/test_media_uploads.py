"""UploadMedia through the notifier's outbound handler on a real Postgres, Meta a small Graph
media endpoint on loopback: the gateway's file read from its schema, uploaded to
`POST /{phone_number_id}/media` once (a redelivered command calls Meta no more), and one
MediaUploaded with Meta's media id or its error; a file that is not the one named is not sent."""

import hashlib
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from aiohttp import web

from sauda_contracts.media import UploadMedia, UploadMediaBody
from sauda_contracts.whatsapp import parse_notifier_event
from sauda_notifier.adapters.graph import GraphClient
from sauda_notifier.adapters.media import GraphMediaUploader
from sauda_notifier.handlers.outbound import handle_outbound_batch

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32


class MetaMedia:
    """Graph's media upload: a multipart form with messaging_product, type and file."""

    def __init__(self) -> None:
        self.uploads: list[dict[str, Any]] = []
        self.refuse = False
        self.url = ""

    async def upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        file = form["file"]
        assert isinstance(file, web.FileField)
        self.uploads.append({"path": request.path, "product": form.get("messaging_product"),
                             "type": form.get("type"), "data": file.file.read(),
                             "filename": file.filename,
                             "auth": request.headers.get("Authorization")})  # fmt: skip
        if self.refuse:
            return web.json_response({"error": {"message": "Media upload error", "code": 131053,
                                                "type": "OAuthException"}}, status=400)  # fmt: skip
        return web.json_response({"id": f"90{len(self.uploads):04d}"})


@pytest.fixture
async def meta() -> AsyncIterator[MetaMedia]:
    fake = MetaMedia()
    app = web.Application()
    app.router.add_post("/{version}/{number}/media", fake.upload)
    runner = web.AppRunner(app)
    await runner.setup()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    await web.TCPSite(runner, "127.0.0.1", port).start()
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        await runner.cleanup()


async def kept(world: Any, data: bytes, mime: str = "image/png") -> UploadMedia:
    """The gateway's upload row (its 0022 table, as much of it as the notifier reads) and the
    UploadMedia it queued."""
    g, upload_id = world.gateway_schema, uuid4()
    await world.pool.execute(
        f'CREATE TABLE IF NOT EXISTS "{g}".media_uploads (upload_id uuid PRIMARY KEY, '
        " business_id uuid NOT NULL, mime_type text NOT NULL, filename text, data bytea NOT NULL)"
    )
    await world.pool.execute(
        f'INSERT INTO "{g}".media_uploads VALUES ($1, $2, $3, $4, $5)',
        upload_id, world.business_id, mime, "logo.png", data,
    )  # fmt: skip
    body = UploadMediaBody(upload_id=upload_id, mime_type=mime, size=len(PNG),
                           sha256=hashlib.sha256(PNG).hexdigest(), filename="logo.png")  # fmt: skip
    return UploadMedia(event_id=uuid4(), occurred_at=datetime.now(UTC),
                       business_id=world.business_id, correlation_id="upload-1", body=body)  # fmt: skip


async def run(world: Any, meta: MetaMedia, *commands: Any) -> list[Any]:
    client = GraphClient(timeout=5.0)
    try:
        n = world.rewire(media=GraphMediaUploader(world.pool, schema=world.gateway_schema,
                                                  graph=client))  # fmt: skip
        await handle_outbound_batch(list(commands), **n.deps(handle_outbound_batch))
    finally:
        await client.aclose()
    events = [parse_notifier_event(r["value"]) for r in await world.outbox()]
    return [e for e in events if e.type == "MediaUploaded"]


async def connect_to(world: Any, meta: MetaMedia) -> None:
    await world.connect()
    await world.pool.execute(f'UPDATE "{world.gateway_schema}".whatsapp_accounts SET graph_url = $1',
                             meta.url)  # fmt: skip


async def test_a_file_is_uploaded_to_meta_once_and_its_media_id_told(
    world: Any, meta: MetaMedia
) -> None:
    await connect_to(world, meta)
    command = await kept(world, PNG)
    await run(world, meta, command)
    uploaded = await run(world, meta, command)  # redelivered
    assert len(meta.uploads) == 1
    [sent] = meta.uploads
    assert sent["path"] == f"/v21.0/pn{world.business_id.hex[:10]}/media"
    assert (sent["product"], sent["type"], sent["data"], sent["filename"]) == (
        "whatsapp", "image/png", PNG, "logo.png")  # fmt: skip
    assert sent["auth"] == "Bearer test-token"
    [event] = uploaded
    assert (event.body.upload_id, event.body.status.value, event.body.media_id) == (
        command.body.upload_id, "uploaded", "900001")  # fmt: skip
    assert event.causation_id == str(command.event_id)


async def test_metas_refusal_and_a_file_not_the_one_named_end_failed(
    world: Any, meta: MetaMedia
) -> None:
    await connect_to(world, meta)
    meta.refuse = True
    refused = await kept(world, PNG)
    changed = await kept(world, PNG + b"tampered")
    events = {e.body.upload_id: e.body for e in await run(world, meta, refused, changed)}
    assert len(meta.uploads) == 1  # only the file that matches its sha256 went to Meta
    failed = events[refused.body.upload_id]
    assert failed.status.value == "failed" and failed.error is not None
    assert (failed.error.code, failed.error.title) == (131053, "Media upload error")
    mismatch = events[changed.body.upload_id]
    assert mismatch.status.value == "failed" and mismatch.error is not None
    assert "sha256" in mismatch.error.title and mismatch.media_id is None

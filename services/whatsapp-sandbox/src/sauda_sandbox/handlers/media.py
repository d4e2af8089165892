"""Media: Graph's upload, read and delete of a number's files, the authenticated download, and
the files behind media sends (an uploaded id, or a link fetched as Meta's servers do)."""

from dataclasses import dataclass
from typing import Any

from sauda_runtime.logging import get_logger
from sauda_sandbox.adapters.memory import MemoryStore
from sauda_sandbox.domain.graph import GraphError
from sauda_sandbox.domain.media import (
    MediaFile,
    MediaObjectShape,
    check_download,
    check_upload,
    download_query,
    fingerprint,
    mime_of,
    unfit,
    upload_limit,
)
from sauda_sandbox.domain.numbers import NotFound, Number, missing_object, token_wabas
from sauda_sandbox.handlers.ports import Clock, Fetcher, FetchFailed, Ids

log = get_logger(__name__)
DOWNLOAD_PATH = "whatsapp_business/attachments/"


@dataclass(frozen=True)
class Upload:
    """`POST /{phone_number_id}/media`'s multipart fields."""

    messaging_product: str | None
    type: str | None
    content_type: str | None
    filename: str | None
    data: bytes | None


@dataclass(frozen=True, kw_only=True)
class MediaLibrary:
    """Each WABA's files, with Graph's token rules and Meta's type and size limits."""

    store: MemoryStore
    ids: Ids
    clock: Clock
    fetcher: Fetcher
    secret: str  # signs download URLs

    def upload(self, number: Number, upload: Upload) -> dict[str, str]:
        if upload.messaging_product is None:
            raise GraphError(131008, "The parameter messaging_product is required.")
        if upload.messaging_product != "whatsapp":
            raise GraphError(100, "Param messaging_product must be whatsapp.")
        if upload.data is None:
            raise GraphError(131008, "The parameter file is required.")
        if upload.type is None:
            raise GraphError(131008, "The parameter type is required.")
        mime = check_upload(upload.content_type, len(upload.data))
        media = self._keep(number, mime, upload.data, upload.filename)
        log.info("media_uploaded", phone_number_id=number.phone_number_id, media_id=media.id,
                 mime_type=mime, file_size=media.file_size)  # fmt: skip
        return {"id": media.id}

    def _keep(self, number: Number, mime: str, data: bytes, filename: str | None) -> MediaFile:
        media = MediaFile(
            id=self.ids.digits(16),
            waba_id=number.waba_id,
            phone_number_id=number.phone_number_id,
            mime_type=mime,
            sha256=fingerprint(data),
            data=data,
            filename=filename,
        )
        self.store.media[media.id] = media
        return media

    def _visible(
        self, media_id: str, token: str | None, phone_number_id: str | None, method: str
    ) -> MediaFile:
        """A file this token's WABA holds (and, if named, that this number uploaded)."""
        wabas = token_wabas(self.store.numbers.values(), token)
        media = self.store.media.get(media_id)
        if media is None or media.waba_id not in wabas:
            raise missing_object(media_id, method)
        if phone_number_id is not None and phone_number_id != media.phone_number_id:
            raise missing_object(media_id, method)
        return media

    def info(
        self, media_id: str, token: str | None, *, base_url: str, phone_number_id: str | None
    ) -> dict[str, Any]:
        """`GET /{media_id}`: a download URL valid for five minutes, and what the file is."""
        media = self._visible(media_id, token, phone_number_id, "get")
        query = download_query(self.secret, media.id, int(self.clock()))
        return media.info(f"{base_url.rstrip('/')}/{DOWNLOAD_PATH}?{query}")

    def delete(
        self, media_id: str, token: str | None, phone_number_id: str | None
    ) -> dict[str, bool]:
        media = self._visible(media_id, token, phone_number_id, "delete")
        del self.store.media[media.id]
        log.info("media_deleted", media_id=media.id)
        return {"success": True}

    def download(self, mid: str, ext: str, given_hash: str, token: str | None) -> MediaFile:
        """The file behind a URL `info` gave, for a token of the file's WABA."""
        wabas = token_wabas(self.store.numbers.values(), token)
        media = self.store.media.get(mid)
        valid = ext.isdigit() and check_download(self.secret, mid, int(ext), given_hash,
                                                 int(self.clock()))  # fmt: skip
        if media is None or media.waba_id not in wabas or not valid:
            raise NotFound("this media URL is unknown or has expired; ask GET /{media_id} again")
        return media

    def file(self, media_id: str) -> MediaFile:
        """A file for the sandbox's own chat page (no token: the sandbox is local)."""
        media = self.store.media.get(media_id)
        if media is None:
            raise NotFound(f"no sandbox media {media_id}")
        return media

    async def for_send(self, number: Number, kind: str, obj: MediaObjectShape) -> MediaFile:
        """The file a media send names, fit for its message type, or FetchFailed with why
        (Meta fails such a send with 131053)."""
        if obj.id is not None:
            media = self.store.media.get(obj.id)
            if media is None or media.waba_id != number.waba_id:
                raise FetchFailed(f"media {obj.id} does not exist or was deleted")
        else:
            assert obj.link is not None
            fetched = await self.fetcher.fetch(obj.link, max_bytes=upload_limit("application/pdf"))
            mime = mime_of(fetched.content_type)
            media = self._keep(number, mime, fetched.data, obj.filename)
        problem = unfit(kind, media.mime_type, media.file_size, media.data[:32])
        if problem is not None:
            raise FetchFailed(problem)
        return media

"""A multipart/form-data body read at the edge: its text fields and its one file. The JSON
middleware relabels every body; the content type the client sent (with its boundary) is in
`request.state.sent_content_type`."""

from collections.abc import AsyncGenerator
from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from sauda_gateway.domain import InvalidField, UnsupportedType

MAX_FIELDS = 50


class NotMultipart(UnsupportedType, code="unsupported_media_type", field="file"):
    """A file must come as multipart/form-data."""


@dataclass(frozen=True)
class FilePart:
    content_type: str | None
    filename: str | None
    data: bytes


@dataclass(frozen=True)
class MultipartBody:
    fields: dict[str, str]
    files: dict[str, FilePart]


def sent_content_type(request: Request) -> str:
    sent = getattr(request.state, "sent_content_type", None)
    return sent if sent is not None else request.headers.get("content-type", "")


def is_multipart(request: Request) -> bool:
    return sent_content_type(request).split(";")[0].strip().lower() == "multipart/form-data"


async def read_multipart(request: Request) -> MultipartBody:
    """The body's fields and files; a body that is not multipart/form-data is 415."""
    if not is_multipart(request):
        raise NotMultipart("send the file as multipart/form-data (a `file` part)")
    raw = await request.body()

    async def stream() -> AsyncGenerator[bytes, None]:
        yield raw

    parser = MultiPartParser(Headers({"content-type": sent_content_type(request)}), stream(),
                             max_files=3, max_fields=MAX_FIELDS)  # fmt: skip
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise InvalidField(f"the multipart body cannot be read: {exc.message}") from None
    fields: dict[str, str] = {}
    files: dict[str, FilePart] = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            files[name] = FilePart(value.content_type, value.filename, await value.read())
            await value.close()
        else:
            fields[name] = value
    return MultipartBody(fields, files)

"""ASGI middleware of the public API: the correlation id, and the request body size limit."""

import re
import uuid

from fastapi import Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.contextvars import bind_contextvars, clear_contextvars

from sauda_contracts.media import MAX_UPLOAD_BYTES
from sauda_gateway.api.errors import MAX_BODY_BYTES, on_http_error

# Routes that take a file: Meta's largest (a 100 MB document) and the multipart around it.
MEDIA_PATHS = frozenset({"/api/v1/whatsapp/media", "/api/v1/whatsapp/upload/media",
                         "/api/v1/whatsapp/send/file"})  # fmt: skip
MEDIA_BODY_BYTES = MAX_UPLOAD_BYTES + 1024 * 1024


def body_limit(scope: Scope) -> int:
    """The largest body this request may have."""
    return MEDIA_BODY_BYTES if scope.get("path") in MEDIA_PATHS else MAX_BODY_BYTES


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


class _HttpMiddleware:
    """An ASGI middleware that acts on HTTP requests only; lifespan and the rest pass through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class CorrelationMiddleware(_HttpMiddleware):
    """Takes `X-Request-ID` (or makes one), binds it to every log line, and echoes it back.

    It also adds any headers a route's dependencies left in `request.state.response_headers`
    (the rate-limit headers), whatever response the route built.
    """

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        correlation_id = raw if _REQUEST_ID.match(raw) else uuid.uuid4().hex
        clear_contextvars()
        bind_contextvars(service="ingest-gateway", correlation_id=correlation_id)
        state = scope.setdefault("state", {})  # shared with request.state further in

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.append((b"x-request-id", correlation_id.encode()))
                present = {k.lower() for k, _ in headers}
                for name, value in state.get("response_headers", {}).items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
            await send(message)

        await self.app(scope, receive, send_with_id)


class BodyTooLarge(StarletteHTTPException):
    """Raised from `receive` once a streamed body passes the limit; answered as a 413."""

    def __init__(self, limit: int = MAX_BODY_BYTES) -> None:
        super().__init__(413, f"the request body is larger than {limit // 1024} KiB")
        self.limit = limit


class BodySizeLimitMiddleware(_HttpMiddleware):
    """Refuses a request body over MAX_BODY_BYTES (a file route's: MEDIA_BODY_BYTES) with 413
    `payload_too_large`, unread.

    A Content-Length over the limit is refused before the app runs; a chunked body is counted
    as it streams in and refused as soon as it passes the limit.
    """

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = body_limit(scope)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        # The HTTP server has parsed it already; the length test keeps int() cheap on absurd ones.
        if declared.isdigit() and (len(declared) > 12 or int(declared) > limit):
            await self.refuse(scope, receive, send, BodyTooLarge(limit))
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge as exc:  # read outside the routes' error handlers
            if started:
                raise
            await self.refuse(scope, receive, send, exc)

    @staticmethod
    async def refuse(scope: Scope, receive: Receive, send: Send, exc: BodyTooLarge) -> None:
        response = await on_http_error(Request(scope, receive), exc)
        await response(scope, receive, send)

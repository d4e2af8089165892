"""Cross-origin answers for the orders widget only: a preflight for the widget's routes, and the
allow-origin header on answers to a widget session from its own page. Every other route stays
same-origin (no CORS headers: browsers refuse other pages' reads)."""

from starlette.types import Message, Receive, Scope, Send

from sauda_gateway.api.middleware import _HttpMiddleware
from sauda_gateway.widget.domain import cross_origin_methods

ALLOWED_HEADERS = "authorization, content-type, x-request-id"
EXPOSED_HEADERS = "x-request-id, retry-after"


class WidgetCorsMiddleware(_HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        wanted = headers.get("access-control-request-method", "").upper()
        if origin and scope["method"] == "OPTIONS" and wanted:
            methods = cross_origin_methods(scope["path"])
            if wanted in methods:
                await _preflight(send, origin, methods)
                return
        state = scope.setdefault("state", {})

        async def send_with_cors(message: Message) -> None:
            allowed = state.get("cors_origin")
            if message["type"] == "http.response.start" and allowed:
                message.setdefault("headers", []).extend(
                    [(b"access-control-allow-origin", allowed.encode()), (b"vary", b"Origin"),
                     (b"access-control-expose-headers", EXPOSED_HEADERS.encode())]
                )  # fmt: skip
            await send(message)

        await self.app(scope, receive, send_with_cors)


async def _preflight(send: Send, origin: str, methods: list[str]) -> None:
    """Answered for any origin: whether the call itself is allowed is the session's to say
    (its origin); without that, the answer carries no allow-origin and the browser drops it."""
    headers = [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-methods", ", ".join(methods).encode()),
        (b"access-control-allow-headers", ALLOWED_HEADERS.encode()),
        (b"access-control-max-age", b"600"),
        (b"vary", b"Origin"),
    ]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})

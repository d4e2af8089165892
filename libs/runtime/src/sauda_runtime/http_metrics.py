"""HTTP request count and latency by route template, a server span per request when tracing is
on, and the `/metrics` route an HTTP service mounts beside `/healthz`."""

import time
from typing import Any

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sauda_runtime.metrics import HTTP_REQUESTS, HTTP_SECONDS
from sauda_runtime.tracing import finish_server_span, server_span

UNMATCHED = "unmatched"  # any path no route knows: one label, however many paths are probed
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

metrics_router = APIRouter()


@metrics_router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    """Prometheus exposition of every metric of this process (no tenant data: labels are
    bounded and carry no ids), unauthenticated like `/healthz`."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def route_template(routes: Any, scope: Scope) -> str:
    """The template (`/v1/orders/{order_id}`) of the route that served a request: the one the
    router put in the scope, else the top-level route its path matches whatever its method;
    `unmatched` when none does."""
    chosen = getattr(scope.get("route"), "path", None)
    if chosen:
        return str(chosen)
    partial = None
    for route in routes:
        path = getattr(route, "path", None)
        if not path:
            continue  # an included router: its routes are found through the scope
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return str(path)
        if match == Match.PARTIAL and partial is None:
            partial = str(path)
    return partial or UNMATCHED


class HttpMetricsMiddleware:
    """Outermost middleware: every request counted, timed and (tracing on) a span, including
    those refused by the middleware inside it (size limits, CORS). The span is current while the
    request is served, so the outbox rows it writes carry its context; the correlation id is
    the `X-Request-ID` the response echoes."""

    def __init__(self, app: ASGIApp, *, service: str, routes: Any) -> None:
        self.app = app
        self.service = service
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        correlation: str | None = None

        async def sending(message: Message) -> None:
            nonlocal status, correlation
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for key, value in message.get("headers", ()):
                    if key.lower() == b"x-request-id":
                        correlation = value.decode("latin-1")
            await send(message)

        with server_span(scope) as span:
            try:
                await self.app(scope, receive, sending)
            finally:
                route = route_template(self.routes, scope)
                finish_server_span(span, route, status, correlation)
                self._count(scope, route, status, started)

    def _count(self, scope: Scope, route: str, status: int, started: float) -> None:
        method = m if (m := str(scope.get("method", ""))) in METHODS else "other"
        HTTP_REQUESTS.labels(self.service, method, route, str(status)).inc()
        HTTP_SECONDS.labels(self.service, method, route).observe(time.perf_counter() - started)

"""Running a consumer service: its health/metrics HTTP port, its background tasks, clean stop."""

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any

import uvicorn
from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp, Receive, Scope, Send

from sauda_runtime.logging import get_logger

log = get_logger(__name__)

ReadyCheck = Callable[[], Awaitable[object]]


def health_app(service: str, checks: dict[str, ReadyCheck]) -> FastAPI:
    """`/healthz` (process alive), `/readyz` (every dependency answers), `/metrics` (Prometheus)."""
    app = FastAPI(title=f"sauda {service} health", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        failures = {}
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), timeout=2.0)
            except Exception as exc:
                failures[name] = repr(exc)
        code = 503 if failures else 200
        return JSONResponse({"ready": not failures, "service": service, "failures": failures}, code)

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app


def consumer_health(
    service: str, pool: Any, producer: Any, port: int, host: str = "127.0.0.1"
) -> uvicorn.Server:
    """The health server of a consumer service: ready when its Postgres and Kafka answer.
    It listens on `host` (the settings' HEALTH_HOST): loopback unless a deployment opens it."""

    async def postgres() -> object:
        return await pool.fetchval("SELECT 1")

    async def kafka() -> object:
        return await producer.client.fetch_all_metadata()

    return http_server(health_app(service, {"postgres": postgres, "kafka": kafka}), host, port)


class JsonBodyMiddleware:
    """An API that speaks only JSON: a body sent without a JSON content type (curl -d) is read
    as JSON. The content type the client sent stays in `request.state.sent_content_type`, for
    the few routes that read forms themselves."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PATCH", "PUT"):
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
            original = dict(scope["headers"]).get(b"content-type", b"")
            if not original.startswith(b"application/json"):
                # In place: the state dict is shared with the middleware around this one.
                scope.setdefault("state", {})["sent_content_type"] = original.decode("latin-1")
                # The scope itself, not a copy: the router's choice of route must stay visible
                # to the middleware outside (the HTTP metrics read its template).
                scope["headers"] = [*headers, (b"content-type", b"application/json")]
        await self.app(scope, receive, send)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the service's run loop owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def http_server(app: Any, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, lifespan="on"
    )
    return _Server(config)


async def run_until_stopped(tasks: list[Coroutine[Any, Any, object]]) -> None:
    """Run the tasks until SIGTERM/SIGINT or until one of them fails; then cancel the rest."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    running = [asyncio.create_task(t) for t in tasks]
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([*running, stopper], return_when=asyncio.FIRST_COMPLETED)
    for task in running:
        task.cancel()
    stopper.cancel()
    for task in done:
        if task is not stopper and not task.cancelled() and task.exception():
            log.error("task_failed", error=repr(task.exception()))
    await asyncio.gather(*running, return_exceptions=True)

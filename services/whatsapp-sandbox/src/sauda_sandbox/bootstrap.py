"""The one place the sandbox's objects are built: emitter, state file, the Sandbox and its app."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from sauda_runtime.logging import configure_logging, get_logger
from sauda_runtime.service import JsonBodyMiddleware, health_app, http_server, run_until_stopped
from sauda_sandbox.adapters.state_file import StateFile
from sauda_sandbox.adapters.webhooks import WebhookEmitter
from sauda_sandbox.app import graph, install_error_handlers, page, sandbox
from sauda_sandbox.handlers import Clock, Sandbox
from sauda_sandbox.settings import SandboxSettings

SERVICE = "whatsapp-sandbox"


def create_app(settings: SandboxSettings | None = None, *, clock: Clock = time.time) -> FastAPI:
    settings = settings or SandboxSettings()
    emitter = WebhookEmitter(
        settings.sandbox_app_secret,
        max_attempts=settings.sandbox_webhook_attempts,
        first_backoff=settings.sandbox_webhook_backoff_s,
        batch=settings.sandbox_webhook_batch,
    )
    box = Sandbox(
        settings, emitter=emitter, state_file=StateFile(settings.sandbox_state_file), clock=clock
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            box.close()
            await emitter.close()

    app = FastAPI(
        title="Sauda WhatsApp sandbox",
        description="A local fake of Meta's WhatsApp Cloud API, with a shopper chat page.",
        lifespan=lifespan,
    )
    app.state.sandbox = box
    app.state.emitter = emitter
    install_error_handlers(app)
    app.include_router(health_app(SERVICE, {}).router)
    app.include_router(page)
    app.include_router(sandbox)
    app.include_router(graph)
    app.add_middleware(JsonBodyMiddleware)  # `curl -d '{...}'` works without a content type
    return app


async def serve_gracefully(server: uvicorn.Server) -> None:
    """Serve until cancelled, then let uvicorn finish its requests and run the app's shutdown."""
    serving = asyncio.ensure_future(server.serve())
    try:
        await asyncio.shield(serving)
    except asyncio.CancelledError:
        server.should_exit = True
        await serving
        raise


async def main(settings: SandboxSettings | None = None) -> None:
    settings = settings or SandboxSettings()
    configure_logging(SERVICE, settings.log_level)
    log = get_logger(__name__)
    server = http_server(create_app(settings), settings.sandbox_host, settings.sandbox_port)
    log.info(
        "sandbox_started",
        url=f"http://{settings.sandbox_host}:{settings.sandbox_port}/sandbox/",
        webhook_url=settings.sandbox_webhook_url,
        state_file=str(settings.sandbox_state_file) if settings.sandbox_state_file else None,
    )
    await run_until_stopped([serve_gracefully(server)])
    log.info("sandbox_stopped")

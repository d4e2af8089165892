"""The one place the sandbox's objects are built: adapters, the use cases over them, the app."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from sauda_runtime.logging import configure_logging, get_logger
from sauda_runtime.service import JsonBodyMiddleware, health_app, http_server, run_until_stopped
from sauda_sandbox.adapters.fetcher import HttpFetcher
from sauda_sandbox.adapters.ids import RandomIds
from sauda_sandbox.adapters.memory import MemoryStore
from sauda_sandbox.adapters.state_file import StateFile
from sauda_sandbox.adapters.timers import LoopTimers
from sauda_sandbox.adapters.webhooks import WebhookEmitter
from sauda_sandbox.app import graph, install_error_handlers, page, sandbox
from sauda_sandbox.handlers.media import MediaLibrary
from sauda_sandbox.handlers.numbers import Numbers
from sauda_sandbox.handlers.ports import Clock
from sauda_sandbox.handlers.sending import Sending
from sauda_sandbox.handlers.shopper import ShopperSide
from sauda_sandbox.handlers.templates import Templates
from sauda_sandbox.handlers.webhooks import Webhooks
from sauda_sandbox.settings import SandboxSettings

SERVICE = "whatsapp-sandbox"


class JsonUnlessMultipart:
    """Bodies read as JSON whatever their content type (`curl -d '{...}'`), except multipart
    forms, which the media upload reads as Graph does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.json = JsonBodyMiddleware(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope["headers"]).get(b"content-type", b"")
            if given.startswith(b"multipart/form-data"):
                return await self.app(scope, receive, send)
        await self.json(scope, receive, send)


def create_app(settings: SandboxSettings | None = None, *, clock: Clock = time.time) -> FastAPI:
    settings = settings or SandboxSettings()
    emitter = WebhookEmitter(
        settings.sandbox_app_secret,
        max_attempts=settings.sandbox_webhook_attempts,
        first_backoff=settings.sandbox_webhook_backoff_s,
        batch=settings.sandbox_webhook_batch,
    )
    store = MemoryStore(StateFile(settings.sandbox_state_file))
    ids = RandomIds()
    timers = LoopTimers()
    webhooks = Webhooks(sink=emitter, clock=clock, default_url=settings.sandbox_webhook_url)
    fetcher = HttpFetcher()
    media = MediaLibrary(
        store=store, ids=ids, clock=clock, fetcher=fetcher, secret=settings.sandbox_app_secret
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            timers.close()
            await emitter.close()
            await fetcher.close()

    app = FastAPI(
        title="Sauda WhatsApp sandbox",
        description="A local fake of Meta's WhatsApp Cloud API, with a shopper chat page.",
        lifespan=lifespan,
    )
    app.state.numbers = Numbers(store=store, ids=ids)
    app.state.sending = Sending(
        store=store,
        webhooks=webhooks,
        timers=timers,
        clock=clock,
        ids=ids,
        settings=settings,
        media=media,
    )
    app.state.media = media
    app.state.templates = Templates(store=store, webhooks=webhooks, ids=ids)
    app.state.shopper = ShopperSide(store=store, webhooks=webhooks, clock=clock, ids=ids)
    app.state.emitter = emitter
    install_error_handlers(app)
    app.include_router(health_app(SERVICE, {}).router)
    app.include_router(page)
    app.include_router(sandbox)
    app.include_router(graph)
    app.add_middleware(JsonUnlessMultipart)  # `curl -d '{...}'` works without a content type
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

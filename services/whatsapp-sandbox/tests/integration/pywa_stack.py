"""pywa (a widely used WhatsApp Cloud API library) pointed at a running sandbox, as an outside
party would use it: its async client sends through Graph paths rewritten to the sandbox, and
its own FastAPI webhook route (signature check included) receives what the sandbox sends."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from pywa_async import WhatsApp
from pywa_async.handlers import (
    CallbackButtonHandler,
    CallbackSelectionHandler,
    MessageHandler,
    MessageStatusHandler,
    RawUpdateHandler,
    TemplateCategoryUpdateHandler,
    TemplateStatusUpdateHandler,
)

from sauda_sandbox.testing import APP_SECRET, Env, serving

GRAPH_HOST = "graph.facebook.com"


class ToSandbox(httpx.AsyncBaseTransport):
    """pywa always calls https://graph.facebook.com/v{version}; this transport (httpx's own
    extension point, passed in through pywa's documented `session=`) sends those calls to the
    sandbox instead. Other URLs (the media download URL the sandbox hands out) go as they are."""

    def __init__(self, base_url: str) -> None:
        self._base = httpx.URL(base_url)
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == GRAPH_HOST:
            request.url = request.url.copy_with(
                scheme=self._base.scheme, host=self._base.host, port=self._base.port
            )
            request.headers["host"] = f"{self._base.host}:{self._base.port}"
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class Parsed:
    """Everything pywa's handlers built from the webhooks it received."""

    raw: list[Any] = field(default_factory=list)
    messages: list[Any] = field(default_factory=list)
    buttons: list[Any] = field(default_factory=list)
    selections: list[Any] = field(default_factory=list)
    statuses: list[Any] = field(default_factory=list)
    template_statuses: list[Any] = field(default_factory=list)
    template_categories: list[Any] = field(default_factory=list)

    def built(self) -> int:
        return sum(
            len(x)
            for x in (
                self.messages,
                self.buttons,
                self.selections,
                self.statuses,
                self.template_statuses,
                self.template_categories,
            )
        )

    def statuses_of(self, message_id: str) -> list[Any]:
        return [s for s in self.statuses if s.id == message_id]


@dataclass
class PywaStack:
    env: Env
    wa: WhatsApp
    number: dict[str, Any]
    parsed: Parsed


@asynccontextmanager
async def pywa_on(env: Env) -> AsyncIterator[PywaStack]:
    """A sandbox number whose webhooks go to a pywa app, and pywa's client for that number."""
    app = FastAPI()
    async with serving(app) as pywa_url:
        created = await env.http.post(
            "/sandbox/numbers",
            json={"verified_name": "Pywa Shop", "webhook_url": f"{pywa_url}/webhook"},
        )
        assert created.status_code == 201, created.text
        number = created.json()
        session = httpx.AsyncClient(transport=ToSandbox(env.url), timeout=10)
        wa = WhatsApp(
            phone_id=number["phone_number_id"],
            waba_id=number["waba_id"],
            token=number["access_token"],
            session=session,
            server=app,
            webhook_endpoint="/webhook",
            verify_token="sandbox-verify",
            app_secret=APP_SECRET,
            api_version="25.0",
        )
        parsed = Parsed()

        def keep(into: list[Any]) -> Any:
            async def callback(_: WhatsApp, update: Any) -> None:
                into.append(update)

            return callback

        wa.add_handlers(
            MessageHandler(keep(parsed.messages)),
            CallbackButtonHandler(keep(parsed.buttons)),
            CallbackSelectionHandler(keep(parsed.selections)),
            MessageStatusHandler(keep(parsed.statuses)),
            TemplateStatusUpdateHandler(keep(parsed.template_statuses)),
            TemplateCategoryUpdateHandler(keep(parsed.template_categories)),
            RawUpdateHandler(keep(parsed.raw)),
        )
        try:
            yield PywaStack(env=env, wa=wa, number=number, parsed=parsed)
        finally:
            await session.aclose()

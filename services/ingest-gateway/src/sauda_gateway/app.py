"""The public API, assembled: every context's routers, the error mapping and the middleware.
Nothing is defined here; `bootstrap.create_app` gives it a lifespan that wires the collaborators."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI

from sauda_gateway.accounts.key_routes import api_keys
from sauda_gateway.accounts.routes import auth
from sauda_gateway.accounts.user_routes import users
from sauda_gateway.analytics.routes import analytics
from sauda_gateway.api.asyncapi import topics_doc
from sauda_gateway.api.cors import WidgetCorsMiddleware
from sauda_gateway.api.errors import install_error_handlers
from sauda_gateway.api.health import health
from sauda_gateway.api.middleware import BodySizeLimitMiddleware, CorrelationMiddleware
from sauda_gateway.api.web import web
from sauda_gateway.bot.routes import bot
from sauda_gateway.broadcasts.routes import broadcasts
from sauda_gateway.cart_recovery.routes import cart_recovery
from sauda_gateway.catalog.routes import catalog
from sauda_gateway.chat_ordering.routes import chat_ordering
from sauda_gateway.cod_policy.routes import cod_policy
from sauda_gateway.deliveries.routes import deliveries
from sauda_gateway.handover.routes import handover
from sauda_gateway.integrations.bob.routes import bob
from sauda_gateway.integrations.meta.routes import meta_webhooks
from sauda_gateway.media.routes import media
from sauda_gateway.merchant.routes import plan, webhooks, whatsapp
from sauda_gateway.messaging.routes import messaging
from sauda_gateway.orders.routes import orders, zapier
from sauda_gateway.sequences.routes import sequences
from sauda_gateway.subscribers.routes import subscribers
from sauda_gateway.templates.admin_routes import template_admin
from sauda_gateway.templates.routes import templates
from sauda_gateway.view.routes import messages
from sauda_gateway.view.routes import orders as order_reads
from sauda_gateway.wa_catalog.routes import wa_catalogs
from sauda_gateway.wabotick.bot import wabotick_bot
from sauda_gateway.wabotick.broadcasts import wabotick_broadcasts
from sauda_gateway.wabotick.catalog import wabotick_catalog
from sauda_gateway.wabotick.crm_routes import crm
from sauda_gateway.wabotick.media import wabotick_media
from sauda_gateway.wabotick.routes import wabotick
from sauda_gateway.wabotick.sequences import wabotick_sequences
from sauda_gateway.wabotick.templates import wabotick_templates
from sauda_gateway.widget.routes import widget
from sauda_runtime.http_metrics import HttpMetricsMiddleware, metrics_router
from sauda_runtime.service import JsonBodyMiddleware


def build_app(
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
) -> FastAPI:
    """Every route, error handler and middleware; the lifespan (or a test) sets
    `app.state.wiring`."""
    app = FastAPI(
        title="Sauda API",
        version="1.0",
        description="Sauda: WhatsApp COD order confirmation for online stores.",
        lifespan=lifespan,
    )
    for router in (auth, api_keys, users, orders, order_reads, zapier, bob, messages, whatsapp,
                   messaging, wabotick, wabotick_broadcasts, broadcasts, crm, subscribers,
                   templates, webhooks, plan, catalog, widget, analytics, meta_webhooks, health,
                   topics_doc, sequences, wabotick_sequences, media, wabotick_media, bot,
                   wabotick_bot, template_admin, wabotick_templates, wabotick_catalog,
                   wa_catalogs, cod_policy, cart_recovery, deliveries, handover, chat_ordering,
                   metrics_router, web):  # fmt: skip
        app.include_router(router)
    install_error_handlers(app)
    app.add_middleware(JsonBodyMiddleware)
    app.add_middleware(BodySizeLimitMiddleware)
    app.add_middleware(CorrelationMiddleware)
    app.add_middleware(WidgetCorsMiddleware)
    app.add_middleware(HttpMetricsMiddleware, service="ingest-gateway", routes=app.router.routes)
    return app

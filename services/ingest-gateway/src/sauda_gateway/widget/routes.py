"""The orders widget's routes: publishable keys (owner), a widget session opened by the store's
server with its API key, and one opened by a page with a publishable key from a listed origin.
The panel itself is GET /widget.js (api/web.py), one script tag carrying either of them."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sauda_contracts.widget import (
    WidgetExchange,
    WidgetKeyCreate,
    WidgetKeyList,
    WidgetKeyOut,
    WidgetSessionCreate,
    WidgetSessionOut,
)
from sauda_gateway import clock
from sauda_gateway.api.deps import ApiKeysOwnerDep, SettingsDep, WidgetDep, answer_cors
from sauda_gateway.api.responses import json_response, refusals
from sauda_gateway.domain import parse_id
from sauda_gateway.widget import handlers
from sauda_gateway.widget.domain import WidgetKeyNotFound
from sauda_gateway.widget.handlers import Opened
from sauda_gateway.widget.store import WidgetKey

widget = APIRouter(prefix="/api/v1/widget", tags=["Orders widget"])


def _key_json(key: WidgetKey) -> dict[str, object]:
    return WidgetKeyOut.model_validate(key, from_attributes=True).model_dump(mode="json")


def _opened_json(opened: Opened) -> dict[str, object]:
    return WidgetSessionOut(token=opened.token, origin=opened.origin,
                            expires_at=opened.expires_at).model_dump(mode="json")  # fmt: skip


@widget.get("/keys", response_model=WidgetKeyList, responses=refusals())
async def list_keys(business: ApiKeysOwnerDep, store: WidgetDep) -> Response:
    """The business's publishable widget keys, revoked ones included."""
    keys = await store.keys(business.business_id)
    return json_response({"widget_keys": [_key_json(k) for k in keys]})


@widget.post("/keys", status_code=201, response_model=WidgetKeyOut, responses=refusals())
async def create_key(
    body: WidgetKeyCreate, business: ApiKeysOwnerDep, store: WidgetDep, settings: SettingsDep
) -> Response:
    """A publishable key for `<script src=".../widget.js" data-key="pk_...">`: it opens only the
    orders panel, and only on pages of the origins listed."""
    key = await handlers.create_key(business.business_id, body.name, body.origins, store=store,
                                    now=clock.now(), allow_http=settings.widget_allow_http_origins)  # fmt: skip
    return json_response(_key_json(key), status_code=201)


@widget.delete("/keys/{key_id}", status_code=204, responses=refusals(404))
async def revoke_key(key_id: str, business: ApiKeysOwnerDep, store: WidgetDep) -> Response:
    """Revoke a publishable key: pages using it stop working, and the sessions it opened end."""
    await handlers.revoke_key(business.business_id, parse_id(key_id, WidgetKeyNotFound),
                              store=store, now=clock.now())  # fmt: skip
    return Response(status_code=204)


@widget.post("/sessions", status_code=201, response_model=WidgetSessionOut, responses=refusals())
async def open_session(
    body: WidgetSessionCreate, business: ApiKeysOwnerDep, store: WidgetDep, settings: SettingsDep
) -> Response:
    """For the store's server (with its API key): a short-lived token for the page it serves,
    e.g. `<script src=".../widget.js" data-session="wgt_...">`. Calls with it must come from
    `origin`. Never put the API key itself in a page."""
    opened = await handlers.open_for_store(
        business, body.origin, body.ttl_seconds, store=store, now=clock.now(),
        allow_http=settings.widget_allow_http_origins,
    )  # fmt: skip
    return json_response(_opened_json(opened), status_code=201)


@widget.post("/exchange", status_code=201, response_model=WidgetSessionOut, responses=refusals())
async def exchange(body: WidgetExchange, request: Request, store: WidgetDep) -> Response:
    """For the widget in a page: a publishable key, from one of its origins (the browser's
    `Origin` header), opens a one-hour session."""
    opened = await handlers.exchange(body.publishable_key, request.headers.get("origin"),
                                     store=store, now=clock.now())  # fmt: skip
    answer_cors(request)(opened.origin)
    return json_response(_opened_json(opened), status_code=201)

"""FastAPI dependencies shared by the sandbox routes: the use cases bootstrap built, the token."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from sauda_sandbox.adapters.webhooks import WebhookEmitter
from sauda_sandbox.domain.graph import check_version
from sauda_sandbox.handlers.media import MediaLibrary
from sauda_sandbox.handlers.numbers import Numbers
from sauda_sandbox.handlers.sending import Sending
from sauda_sandbox.handlers.shopper import ShopperSide
from sauda_sandbox.handlers.templates import Templates


def _built(name: str) -> Callable[[Request], Any]:
    """A dependency on a use case bootstrap built and left in the app's state under `name`."""

    def get(request: Request) -> Any:
        return getattr(request.app.state, name)

    return get


def _bearer(request: Request) -> str | None:
    """The access token: `Authorization: Bearer …`, or Graph's `access_token` query parameter."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.query_params.get("access_token") or None


def _version(version: str, request: Request) -> str:
    check_version(version, request.url.path)
    return version


NumbersDep = Annotated[Numbers, Depends(_built("numbers"))]
SendingDep = Annotated[Sending, Depends(_built("sending"))]
TemplatesDep = Annotated[Templates, Depends(_built("templates"))]
ShopperDep = Annotated[ShopperSide, Depends(_built("shopper"))]
MediaDep = Annotated[MediaLibrary, Depends(_built("media"))]
EmitterDep = Annotated[WebhookEmitter, Depends(_built("emitter"))]
TokenDep = Annotated[str | None, Depends(_bearer)]
VersionDep = Annotated[str, Depends(_version)]


def _waba(waba_id: str, numbers: NumbersDep, token: TokenDep) -> str:
    return numbers.authorize_waba(waba_id, token)


# The WABA a Graph call addresses, once its token is checked.
WabaDep = Annotated[str, Depends(_waba)]

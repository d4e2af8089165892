"""Every refusal is {code, message, field}: domain errors mapped to their HTTP status, and the
framework's own refusals (bad JSON, validation, 404/405/413) in the same shape."""

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from asyncpg.exceptions import CharacterNotInRepertoireError, UntranslatableCharacterError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sauda_contracts.api import NO_NUL, ApiError
from sauda_gateway import domain as shared
from sauda_gateway.accounts import domain as accounts
from sauda_gateway.api.responses import json_response
from sauda_gateway.domain import DomainError
from sauda_gateway.merchant import domain as merchant
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

MAX_BODY_BYTES = 256 * 1024  # a store order is a few KiB; 256 KiB is generous

# Each kind of refusal's HTTP status (a class not listed takes its nearest listed base's).
STATUS: dict[type[DomainError], int] = {
    shared.Invalid: 400,
    shared.UnsupportedType: 415,
    shared.TooLarge: 413,
    shared.Unauthenticated: 401,
    shared.Forbidden: 403,
    shared.NotFound: 404,
    shared.Conflict: 409,
    shared.Gone: 410,
    merchant.RateLimited: 429,
    accounts.TooManyLoginAttempts: 429,
    shared.Upstream: 502,
}


def status_of(exc: DomainError) -> int:
    return next((STATUS[k] for k in type(exc).__mro__ if k in STATUS), 400)


def headers_of(exc: DomainError) -> dict[str, str] | None:
    """A refused request's headers: a rate-limited one says when to come back."""
    if isinstance(exc, merchant.RateLimited):
        return exc.decision.headers()
    return exc.headers() if isinstance(exc, accounts.TooManyLoginAttempts) else None


_LOC_ROOTS = ("body", "query", "path", "header")
_FIELD_CODES = {"event_type": "unsupported_event_type", "status": "invalid_status"}
_HTTP_CODES = {
    400: "invalid_json",  # FastAPI's own 400: a body it could not parse
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = ApiError(code=code, message=message, field=field, details=details).model_dump(
        exclude_none=True
    )
    try:
        return json_response(body, status_code=status, headers=headers)
    except TypeError:  # orjson refuses a lone surrogate echoed from the request ("\ud800": 1)
        printable = json.dumps(body, ensure_ascii=False).encode("utf-8", "replace")
        return Response(printable, status, headers, media_type="application/json")


async def on_domain_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return error_response(status_of(exc), exc.code, exc.message, exc.field, exc.details,
                          headers_of(exc))  # fmt: skip


def _field_of(loc: Sequence[int | str]) -> str:
    """Dotted path of a pydantic error location, without its root (body, query, ...)."""
    return ".".join(str(p) for p in (loc[1:] if loc and loc[0] in _LOC_ROOTS else loc))


def _message_of(error: Mapping[str, Any]) -> str:
    if error["type"] == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == NO_NUL:
        return "must not contain NUL characters"
    return str(error["msg"])


async def on_validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"type": "invalid", "loc": (), "msg": "invalid request"}
    field = _field_of(first.get("loc", ())) or None
    if first["type"] == "json_invalid":
        return error_response(400, "invalid_json", "the request body is not valid JSON")
    if first["type"] == "missing":
        code = "missing_field"
    else:
        code = _FIELD_CODES.get(str(first["loc"][-1]) if field else "", "invalid_field")
    if field:
        message = f"{field}: {_message_of(first)}"
    elif first["type"] == "missing":
        message = "the request body is missing; send a JSON object"
    else:
        message = f"the request body: {_message_of(first)}"
    details = {
        "errors": [
            {"field": _field_of(e.get("loc", ())), "message": _message_of(e), "type": e["type"]}
            for e in errors[:20]
        ]
    }
    return error_response(400, code, message, field, details)


def _unreadable_body(cause: BaseException | None) -> str:
    """Why FastAPI could not parse the body (it answers every such failure with a bare 400)."""
    if isinstance(cause, UnicodeDecodeError):
        return "the request body is not UTF-8 text"
    if isinstance(cause, RecursionError):
        return "the request body is nested too deeply"
    if isinstance(cause, ValueError):  # Python refuses integers of more than 4300 digits
        return "the request body holds a number with too many digits"
    return "the request body is not valid JSON"


def _allowed_methods(request: Request) -> str:
    """Every method the OpenAPI lists at this path (Starlette's 405 names one route's only)."""
    path = request.scope["path"]
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        pattern = "[^/]+".join(re.escape(part) for part in re.split(r"{[^}]+}", template))
        if re.fullmatch(pattern, path):
            methods.update(method.upper() for method in operations)
    return ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    message = _unreadable_body(exc.__cause__) if status == 400 else str(exc.detail)
    details = {"max_bytes": getattr(exc, "limit", MAX_BODY_BYTES)} if status == 413 else None
    headers = dict(exc.headers or {})
    if status == 405:
        headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
    return error_response(status, _HTTP_CODES.get(status, "http_error"), message,
                          details=details, headers=headers)  # fmt: skip


async def on_unstorable_text(request: Request, exc: Exception) -> Response:
    """Postgres text cannot hold NUL: a parameter carrying one is the client's mistake."""
    params = {**request.path_params, **request.query_params}
    field = next((name for name, value in params.items() if "\x00" in str(value)), None)
    log.warning("unstorable_text", error=repr(exc), field=field)
    return error_response(
        400, "invalid_field", f"{field or 'a value'}: must not contain NUL characters", field
    )


async def on_unexpected(_request: Request, exc: Exception) -> Response:
    log.exception("unhandled_error", error=repr(exc))
    return error_response(
        500, "internal_error", "something went wrong on our side; it has been logged"
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    for unstorable in (CharacterNotInRepertoireError, UntranslatableCharacterError):
        app.add_exception_handler(unstorable, on_unstorable_text)
    app.add_exception_handler(Exception, on_unexpected)

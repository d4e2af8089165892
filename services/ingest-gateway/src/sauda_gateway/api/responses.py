"""Response bodies and the OpenAPI refusals every route documents."""

from collections.abc import Sequence
from typing import Any

import orjson
from fastapi.responses import Response
from pydantic import BaseModel

from sauda_contracts.api import ApiError, OrderOut


def json_response(
    payload: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(payload),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )


def contract_response(model: type[BaseModel], value: Any, status_code: int = 200) -> Response:
    """`value` (a dict, rows...) checked against its contract and answered as it."""
    return json_response(model.model_validate(value).model_dump(mode="json"), status_code)


def order_json(row: dict[str, Any], *, with_history: bool) -> dict[str, Any]:
    """An order of the view as the API shows it (lists leave the history out)."""
    data = dict(row)
    if not with_history:
        data.pop("history", None)
    return OrderOut.model_validate(data).model_dump(mode="json", exclude_none=not with_history)


def offset_of(limit: int, offset: int, page: int | None) -> int:
    """A 1-based `page` of `limit` items wins over `offset` (Bugalou style)."""
    return offset if page is None else (page - 1) * limit


def page_json(name: str, items: Sequence[Any], *, total: int, limit: int, offset: int,
              page: int | None = None) -> dict[str, Any]:  # fmt: skip
    """A page of a list: the items under `name`, the total, and where the page starts."""
    payload: dict[str, Any] = {name: list(items), "total": total, "limit": limit, "offset": offset}
    if page is not None:
        payload["page"] = page
    return payload


# Every Store API route can answer these; documented so clients (and schemathesis) know them.
# "4XX" says any other client error (404 of an unknown path, 405) is an ApiError too, and keeps
# FastAPI from documenting a 422 that the gateway never sends (bad input is a 400).
COMMON: dict[int | str, dict[str, Any]] = {
    code: {"model": ApiError} for code in (400, 401, 403, 413, 429, "4XX")
}


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """COMMON plus the refusals only some routes give (404 unknown order, 409, 503 broker)."""
    return {**COMMON, **{status: {"model": ApiError} for status in statuses}}

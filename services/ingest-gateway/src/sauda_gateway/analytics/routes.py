"""The merchant's analytics routes: the figures as JSON, and one row per day as CSV."""

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sauda_contracts.analytics import AnalyticsOut
from sauda_gateway import clock
from sauda_gateway.analytics.domain import DEFINITIONS, csv_rows
from sauda_gateway.analytics.handlers import business_analytics
from sauda_gateway.api.deps import AnalyticsDep, StoreBusinessDep
from sauda_gateway.api.responses import COMMON, json_response

analytics = APIRouter(prefix="/api/v1", tags=["Analytics"])

From = Annotated[str | None, Query(alias="from", max_length=32, description="First day, "
                 "YYYY-MM-DD (default: 29 days before `to`).")]  # fmt: skip
To = Annotated[str | None, Query(max_length=32, description="Last day, YYYY-MM-DD (default: "
               "today in the business's time zone); at most 366 days after `from`.")]  # fmt: skip


@analytics.get("/analytics", response_model=AnalyticsOut, responses=COMMON,
               description=DEFINITIONS)  # fmt: skip
async def get_analytics(
    business: StoreBusinessDep, store: AnalyticsDep, from_: From = None, to: To = None
) -> Response:
    """The signed-in business's orders per day by source and the range's rates."""
    report = await business_analytics(business, from_, to, store=store, now=clock.now())
    return json_response(report.model_dump(mode="json"))


CSV_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "One row per day of the range."}
}


@analytics.get("/analytics.csv", response_class=Response, responses={**COMMON, **CSV_ANSWER},
               description="The days of GET /api/v1/analytics as CSV (same parameters): date, "
               "orders by each source, orders, confirmed, cancelled, delivered, returned.\n\n"
               + DEFINITIONS)  # fmt: skip
async def get_analytics_csv(
    business: StoreBusinessDep, store: AnalyticsDep, from_: From = None, to: To = None
) -> Response:
    """The analytics days as a spreadsheet download."""
    report = await business_analytics(business, from_, to, store=store, now=clock.now())
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(csv_rows(report))
    name = f"sauda-analytics-{report.from_date}-to-{report.to_date}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip

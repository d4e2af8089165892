"""Analytics use cases: the figures of the range a merchant asks for. Collaborators are keyword-only."""

from datetime import datetime

from sauda_contracts.analytics import AnalyticsOut
from sauda_gateway.analytics.domain import date_range, summarize
from sauda_gateway.analytics.store import AnalyticsStore
from sauda_gateway.domain import Business


async def business_analytics(
    business: Business,
    raw_from: str | None,
    raw_to: str | None,
    *,
    store: AnalyticsStore,
    now: datetime,
) -> AnalyticsOut:
    """The business's figures from `raw_from` to `raw_to` (days where the shop is)."""
    span = date_range(raw_from, raw_to, country=business.default_country, now=now)
    facts = await store.facts(business.business_id, span.start, span.end)
    return summarize(
        facts, span, carts=await store.carts(business.business_id, span.start, span.end)
    )

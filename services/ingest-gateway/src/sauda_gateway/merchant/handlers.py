"""Merchant use cases: create a business, admit a request (plan and hourly allowance), the hour's
usage, and the webhook endpoint commands (tests and redeliveries leave through the outbox)."""

import secrets
from datetime import datetime
from typing import Any
from uuid import UUID

from sauda_contracts import Topic
from sauda_contracts.webhooks import (
    MAX_ENDPOINTS_PER_BUSINESS,
    RedeliverBody,
    RedeliverWebhook,
    SendTestBody,
    SendTestWebhook,
)
from sauda_gateway import clock
from sauda_gateway.domain import Business, UnsafeAddress, parse_id
from sauda_gateway.merchant.domain import (
    DeliveryNotFound,
    HourUsage,
    InvalidApiKey,
    PlanRequired,
    RateDecision,
    RateLimited,
    WebhookNotFound,
    hour_usage,
    plan_allowing,
    rate_decision,
    window_start,
)
from sauda_gateway.merchant.endpoints import WebhookEndpoints
from sauda_gateway.merchant.store import AccessStore, BusinessStore
from sauda_gateway.outbox import Outbox
from sauda_runtime.netguard import UnsafeUrl, check_url


def new_api_key() -> str:
    return "sk_sauda_" + secrets.token_urlsafe(32)


async def create_business(
    store: BusinessStore,
    *,
    name: str,
    plan: str,
    rate_limit_per_hour: int | None = None,
    default_country: str = "PK",
) -> tuple[Business, str]:
    raw_key = new_api_key()
    business = await store.create(
        clock.new_id(), name, plan, raw_key, rate_limit_per_hour, default_country
    )
    return business, raw_key


async def admit_request(
    business: Business, *, access: AccessStore, api: str, now_epoch: float, count: bool = True
) -> RateDecision | None:
    """Count the request against the business's hour; refuse it when its plan or hour says no.

    With `count` off (RATE_LIMIT_ENABLED=false) only the plan is checked; no decision returns.
    """
    window = window_start(now_epoch)
    admission = await access.admit(business.business_id, api, window, count=count)
    if admission is None:
        raise InvalidApiKey("this API key is not valid", field="X-API-Key")
    if api not in admission.apis:
        needed = plan_allowing(api, await access.plans())
        raise PlanRequired(
            f"the {admission.plan} plan does not include the Store API"
            + (f"; the {needed} plan does" if needed else ""),
            details={"current_plan": admission.plan, "required_plan": needed},
        )
    if admission.used is None:
        return None
    decision = rate_decision(
        used=admission.used, limit=admission.limit, window=window, now_epoch=now_epoch
    )
    if not decision.allowed:
        raise RateLimited(decision)
    return decision


async def usage(business: Business, *, access: AccessStore, now_epoch: float) -> HourUsage:
    """The business's plan, allowance and this hour's use (looking counts nothing)."""
    window = window_start(now_epoch)
    allowance = await access.usage(business.business_id, window)
    if allowance is None:
        raise InvalidApiKey("this API key is not valid", field="X-API-Key")
    return hour_usage(plan=allowance.plan, apis=allowance.apis, limit=allowance.limit,
                      counted=allowance.used or 0, window=window)  # fmt: skip


# --- webhook endpoints ---


async def safe_url(url: str, *, allow_private: bool, field: str = "url") -> str:
    """The URL, once Sauda may call it (https, public address; both relaxed in development)."""
    try:
        await check_url(url, require_https=not allow_private, allow_private=allow_private)
    except UnsafeUrl as exc:
        raise UnsafeAddress(f"{field}: {exc}", field=field) from None
    return url


async def create_endpoint(
    business: Business, url: str, events: list[str], active: bool, *,
    endpoints: WebhookEndpoints, allow_private: bool,
) -> tuple[dict[str, Any], str]:  # fmt: skip
    """A new endpoint and its signing secret (shown once)."""
    await safe_url(url, allow_private=allow_private)
    return await endpoints.create(business.business_id, url, list(dict.fromkeys(events)), active,
                                  limit=MAX_ENDPOINTS_PER_BUSINESS)  # fmt: skip


async def update_endpoint(
    business: Business, raw_id: str, changes: dict[str, Any], *,
    endpoints: WebhookEndpoints, allow_private: bool,
) -> dict[str, Any]:  # fmt: skip
    if "url" in changes:
        await safe_url(changes["url"], allow_private=allow_private)
    if "events" in changes:
        changes["events"] = list(dict.fromkeys(changes["events"]))
    row = await endpoints.update(business.business_id, endpoint_id(raw_id), changes)
    if row is None:
        raise WebhookNotFound()
    return row


def endpoint_id(raw: str) -> UUID:
    return parse_id(raw, WebhookNotFound)


async def owned_endpoint(
    business: Business, endpoint_id: UUID, *, endpoints: WebhookEndpoints
) -> UUID:
    if await endpoints.get(business.business_id, endpoint_id) is None:
        raise WebhookNotFound()
    return endpoint_id


async def rotate_secret(
    business: Business, endpoint_id: UUID, *, endpoints: WebhookEndpoints, now: datetime
) -> tuple[str, datetime]:
    await owned_endpoint(business, endpoint_id, endpoints=endpoints)
    rotated = await endpoints.rotate_secret(business.business_id, endpoint_id, now)
    if rotated is None:
        raise WebhookNotFound()
    return rotated


async def send_test(
    business: Business, endpoint_id: UUID, *, correlation_id: str,
    endpoints: WebhookEndpoints, outbox: Outbox,
) -> UUID:  # fmt: skip
    """Queue a `webhook_test` event for the endpoint; returns the command's id."""
    await owned_endpoint(business, endpoint_id, endpoints=endpoints)
    command = SendTestWebhook(**clock.fresh_envelope(business, correlation_id),
                              body=SendTestBody(endpoint_id=endpoint_id))  # fmt: skip
    await outbox.publish([(Topic.WEBHOOKS_COMMANDS, str(endpoint_id).encode(), command.to_bytes())])
    return command.event_id


async def redeliver(
    business: Business, endpoint_id: UUID, delivery_id: UUID | None, *, correlation_id: str,
    endpoints: WebhookEndpoints, outbox: Outbox,
) -> UUID:  # fmt: skip
    """Queue a past delivery's event again (same event id); returns the command's id."""
    await owned_endpoint(business, endpoint_id, endpoints=endpoints)
    if delivery_id is None or not await endpoints.has_delivery(
        business.business_id, endpoint_id, delivery_id
    ):
        raise DeliveryNotFound()
    command = RedeliverWebhook(
        **clock.fresh_envelope(business, correlation_id),
        body=RedeliverBody(endpoint_id=endpoint_id, delivery_id=delivery_id),
    )
    await outbox.publish([(Topic.WEBHOOKS_COMMANDS, str(endpoint_id).encode(), command.to_bytes())])
    return command.event_id

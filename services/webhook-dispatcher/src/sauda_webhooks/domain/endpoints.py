"""Merchant endpoints: which are usable, their signing secrets, and their health."""

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from sauda_contracts.webhooks import WebhookEvent

STORE_CANCEL = (
    "store_cancel"  # the `kind` of a store's cancel callback (and its deliveries' `event`)
)
MERCHANT = "merchant"
DEACTIVATE_AFTER = 10


@dataclass(frozen=True)
class EndpointHealth:
    consecutive_failures: int = 0
    deactivated_at: datetime | None = None  # our own deactivation


@dataclass(frozen=True)
class Endpoint:
    endpoint_id: UUID
    business_id: UUID
    kind: str
    url: str
    events: tuple[str, ...]
    active: bool
    secrets: tuple[str, ...]  # signing secrets, newest first (two during a rotation)
    activated_at: datetime
    gateway_deactivated_at: datetime | None
    health: EndpointHealth = EndpointHealth()


def signing_secrets(
    secret: str, previous: str | None, previous_until: datetime | None, now: datetime
) -> tuple[str, ...]:
    if previous and previous_until is not None and previous_until > now:
        return (secret, previous)
    return (secret,)


def locally_deactivated(health: EndpointHealth, activated_at: datetime) -> bool:
    """Our deactivation holds until the gateway reactivates the endpoint after it."""
    return health.deactivated_at is not None and health.deactivated_at >= activated_at


def is_usable(endpoint: Endpoint) -> bool:
    """Active in the gateway and not deactivated there or by us."""
    gateway_off = endpoint.gateway_deactivated_at is not None and (
        endpoint.gateway_deactivated_at >= endpoint.activated_at
    )
    return (
        endpoint.active
        and not gateway_off
        and not locally_deactivated(endpoint.health, endpoint.activated_at)
    )


def subscribed(endpoint: Endpoint, event: WebhookEvent) -> bool:
    return endpoint.kind == MERCHANT and is_usable(endpoint) and event.value in endpoint.events


def count_delivery(
    health: EndpointHealth,
    *,
    activated_at: datetime,
    succeeded: bool,
    now: datetime,
    threshold: int = DEACTIVATE_AFTER,
) -> tuple[EndpointHealth, bool]:
    """Health after one delivery ended, and whether the endpoint is deactivated by it.

    A delivery counts once, when it ends; a success resets the run. A reactivation (the
    gateway's activated_at after our deactivation) starts a fresh run.
    """
    if health.deactivated_at is not None and not locally_deactivated(health, activated_at):
        health = EndpointHealth()
    if succeeded:
        return replace(health, consecutive_failures=0), False
    failures = health.consecutive_failures + 1
    if failures >= threshold and health.deactivated_at is None:
        return EndpointHealth(failures, now), True
    return replace(health, consecutive_failures=failures), False

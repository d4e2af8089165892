"""Broadcasts, decided: how many recipients a round takes at the number's rate, why one is
skipped, what a recipient's message status counts as, and when the job is done."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sauda_contracts.broadcasts import BroadcastCounts, BroadcastStatus
from sauda_contracts.sends import TemplateToSend
from sauda_contracts.whatsapp import GraphError
from sauda_notifier.domain.merchant import (
    MARKETING_OPTED_OUT,
    NOT_SENT,
    TemplateFacts,
    template_refusal,
)

# A message in one of these has not been through Meta yet: the broadcast is still running.
UNSETTLED = frozenset({"queued", "retrying"})
OUTCOMES = ("sent", "delivered", "read", "failed", "skipped")


@dataclass(frozen=True, slots=True)
class Running:
    """A running broadcast as the broadcaster needs it."""

    broadcast_id: UUID
    business_id: UUID
    template: TemplateToSend
    total: int
    correlation_id: str
    started_at: datetime
    revision: int
    counts: BroadcastCounts | None


def chunk_size(rate: float, round_seconds: float, *, most: int = 1000) -> int:
    """How many recipients one round records so that the number sends at `rate` messages a
    second: a round's worth, at least one, at most `most` (one transaction's worth)."""
    return max(1, min(most, int(rate * round_seconds)))


def round_wait(rate: float, recorded: int, elapsed: float) -> float:
    """How long to wait after a round that recorded `recorded` messages in `elapsed` seconds,
    so that the round's messages take `recorded / rate` seconds in all."""
    return max(0.0, recorded / rate - elapsed) if rate > 0 else 0.0


def broadcast_refusal(
    call: TemplateToSend, found: TemplateFacts | None, *, opted_out: bool
) -> GraphError | None:
    """Why this recipient is skipped, or None: a broadcast is marketing, so a customer who wrote
    STOP gets none whatever the template's category; a template Meta has not approved (or an id
    the account lacks) goes to nobody."""
    refused = template_refusal(call, found, opted_out=False)
    if refused is not None:
        return refused
    if opted_out:
        return GraphError(code=MARKETING_OPTED_OUT, details=NOT_SENT,
                          title="the customer opted out (STOP): no broadcasts are sent to "
                          "them")  # fmt: skip
    return None


def counts_of(total: int, statuses: Mapping[str, int]) -> BroadcastCounts:
    """Recipients by their message's status; those without a message yet are `pending`,
    those whose message has not been through Meta yet `queued`."""
    by = {name: statuses.get(name, 0) for name in OUTCOMES}
    queued = sum(n for s, n in statuses.items() if s not in OUTCOMES)
    return BroadcastCounts(pending=max(0, total - queued - sum(by.values())), queued=queued, **by)


def status_of(counts: BroadcastCounts) -> BroadcastStatus:
    """Completed once every recipient's message was sent, failed or skipped."""
    if counts.pending or counts.queued:
        return BroadcastStatus.RUNNING
    return BroadcastStatus.COMPLETED


def template_label(call: TemplateToSend) -> str:
    name = call.name or f"id {call.template_id}"
    return f"{name} ({call.language})" if call.language else name

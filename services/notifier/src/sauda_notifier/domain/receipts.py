"""Meta's receipts: which status a receipt moves a message to, and the message after it."""

import dataclasses
from datetime import datetime

from sauda_contracts.whatsapp import (
    DeliveryStatus,
    GraphError,
)
from sauda_notifier.domain.message_log import (
    Message,
    SendState,
    StatusMoved,
    evolve,
    failed_notice,
)
from sauda_notifier.domain.retries import AttemptResult

D = DeliveryStatus


_RANK = {D.QUEUED: 0, D.RETRYING: 0, D.SKIPPED: 0, D.SENT: 1, D.DELIVERED: 2, D.READ: 3}


def receipt_status(current: DeliveryStatus, reported: DeliveryStatus) -> DeliveryStatus | None:
    """The status a receipt moves a message to, or None to ignore it: read beats delivered
    beats sent (receipts arrive out of order); `failed` stands unless the message was already
    delivered or read, and nothing moves a failed message."""
    if reported == current or current is D.FAILED:
        return None
    if reported is D.FAILED:
        return None if current in (D.DELIVERED, D.READ) else D.FAILED
    return reported if _RANK[reported] > _RANK[current] else None


def apply_receipt(
    message: Message,
    reported: DeliveryStatus,
    *,
    wamid: str,
    at: datetime,
    error: GraphError | None,
) -> AttemptResult | None:
    """The message after Meta's receipt, or None if the receipt changes nothing. A receipt for a
    row still `sending` completes it: the send evidently reached Meta."""
    status = receipt_status(message.status, reported)
    if status is None:
        if message.state is SendState.SENDING:
            # The send was accepted (a receipt says so) even if this status is stale.
            return AttemptResult(
                dataclasses.replace(
                    message, state=SendState.DONE, wamid=wamid, revision=message.revision + 1
                )
            )
        return None
    done = evolve(
        message,
        StatusMoved(
            status,
            at,
            SendState.DONE,
            error=error if status is D.FAILED else message.error,
            wamid=message.wamid or wamid,
        ),
    )
    if status is D.FAILED and error is not None:
        return AttemptResult(done, notices=(failed_notice(done, error),))
    return AttemptResult(done)

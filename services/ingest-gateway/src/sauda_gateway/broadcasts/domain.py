"""Pure decisions of a broadcast request: its recipients (from a list or a label, one of
them), read into international digits and deduplicated, a bad one refused by its index; the
request's fingerprint (a retry hashes the same); the refusals."""

import hashlib
import json
from collections.abc import Callable, Sequence

from sauda_contracts.broadcast_api import BroadcastRequest
from sauda_contracts.broadcasts import MAX_RECIPIENTS
from sauda_gateway.domain import InvalidField, MissingField, NotFound


class BroadcastNotFound(NotFound, code="broadcast_not_found", message="no such broadcast"): ...


def one_way_to_choose(request: BroadcastRequest) -> None:
    """Recipients are a list or a label's subscribers, not both, not neither."""
    if request.recipients is None and request.label_id is None:
        raise MissingField("recipients: give the phones to broadcast to, or a label_id",
                           field="recipients")  # fmt: skip
    if request.recipients is not None and request.label_id is not None:
        raise InvalidField("label_id: give recipients or a label_id, not both", field="label_id")


def distinct_phones(
    raw: Sequence[str], normalize: Callable[[str, str], str], *, field: str = "recipients"
) -> list[str]:
    """The phones in international digits, each once, in the order first given; `normalize`
    (raw, field name) raises for a number that cannot be one, naming its index."""
    seen: dict[str, None] = {}
    for i, phone in enumerate(raw):
        seen.setdefault(normalize(phone, f"{field}[{i}]"), None)
    if not seen:
        raise InvalidField(f"{field}: no recipients", field=field)
    if len(seen) > MAX_RECIPIENTS:
        raise InvalidField(f"{field}: at most {MAX_RECIPIENTS} recipients", field=field)
    return list(seen)


def fingerprint(request: BroadcastRequest, phones: Sequence[str]) -> str:
    """The request as it will run (phones as read): a retry with the same body hashes the same."""
    data = {"template": request.template.model_dump(mode="json"), "label_id": request.label_id,
            "recipients": list(phones)}  # fmt: skip
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def recipient_filter(status: str | None) -> str | None:
    """A recipients page's `status`: one of a message's statuses, or `pending` (no message
    recorded yet)."""
    allowed = ("pending", "queued", "retrying", "sent", "delivered", "read", "failed", "skipped")
    if status is not None and status not in allowed:
        raise InvalidField(f"status: one of {', '.join(allowed)}", field="status")
    return status

"""Recipients chosen by label: the subscribers' labels are the subscribers package's; a broadcast
asks it through this port. A label the business does not have is refused (400 `unknown_label`);
a label on nobody gives no recipients (the broadcast is refused as empty, like an empty list)."""

from collections.abc import Awaitable, Callable
from uuid import UUID

from sauda_gateway.domain import InvalidField
from sauda_gateway.subscribers.handlers import recipients_for_label as chats_with_label
from sauda_gateway.subscribers.store import SubscriberStore


class UnknownLabel(InvalidField, code="unknown_label", message="no such label",
                   field="label_id"): ...  # fmt: skip


# (business id, label id) -> the chats of its subscribers with that label; UnknownLabel if the
# business has no such label.
RecipientsForLabel = Callable[[UUID, str], Awaitable[list[str]]]


def labels_of(store: SubscriberStore) -> RecipientsForLabel:
    """The port, answered from the subscribers' store."""

    async def recipients(business_id: UUID, label_id: str) -> list[str]:
        try:
            number = int(str(label_id).strip())
        except ValueError:
            raise UnknownLabel(f"label_id: {label_id!r} is not a label id") from None
        if not await store.own_labels(business_id, [number]):
            raise UnknownLabel(f"label_id: the business has no label {label_id!r}")
        return await chats_with_label(store, business_id, number)

    return recipients

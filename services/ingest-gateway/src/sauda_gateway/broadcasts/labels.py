"""Recipients chosen by label: the subscribers' labels are another package's (subscribers /
labels); a broadcast asks it through this port. Until that package provides it, no label is
known and a broadcast to a label is refused (400 `unknown_label`)."""

from typing import Protocol
from uuid import UUID

from sauda_gateway.domain import InvalidField


class UnknownLabel(InvalidField, code="unknown_label", message="no such label",
                   field="label_id"): ...  # fmt: skip


class RecipientsForLabel(Protocol):
    async def __call__(self, business_id: UUID, label_id: str) -> list[str]:
        """The phones of the business's subscribers with this label (UnknownLabel if it has
        no such label)."""
        ...


async def recipients_for_label(business_id: UUID, label_id: str) -> list[str]:
    """No labels yet: every label is unknown."""
    raise UnknownLabel(f"label_id: the business has no label {label_id!r}")

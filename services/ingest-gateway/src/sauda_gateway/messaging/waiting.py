"""Waiting for the notifier's record of a merchant's send: the view's NOTIFY when it folds the
record (see `view.folds.send_notes`), with polling of the message log as a safety net."""

from typing import Any
from uuid import UUID

import orjson

from sauda_gateway.messaging.domain import UNSETTLED
from sauda_gateway.orders.outcomes import Outcome, OutcomeWaiter


class SendWaiter(OutcomeWaiter):
    """An `OutcomeWaiter` whose outcome is a message's first settled record: its status (any
    but queued), wamid and error, by message id."""

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: object) -> None:
        note: dict[str, Any] = orjson.loads(str(payload))
        if note.get("status") in UNSETTLED:
            return
        expectation = self._pending.get(str(note.get("message_id")))
        if expectation is not None and not expectation.future.done():
            expectation.future.set_result(note)

    async def fetch(self, command_id: UUID) -> Outcome | None:
        row = await self._pool.fetchrow(
            "SELECT message_id, status, wamid, error FROM wa_messages "
            "WHERE message_id = $1 AND status <> ALL($2::text[])",
            command_id,
            list(UNSETTLED),
        )
        return dict(row) if row else None

"""Sandbox numbers: creating them, the Graph token checks, and the faults queued on each."""

from collections import deque
from dataclasses import dataclass
from typing import Any

from sauda_runtime.logging import get_logger
from sauda_sandbox.adapters.memory import MemoryStore
from sauda_sandbox.api_models import Fault, NewNumber
from sauda_sandbox.domain import numbers as rules
from sauda_sandbox.domain.messages import wa_id
from sauda_sandbox.domain.numbers import Conflict, NotFound, Number
from sauda_sandbox.handlers.ports import Ids

log = get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class Numbers:
    """Sandbox numbers and their WABAs, the token checks of Graph calls, queued faults."""

    store: MemoryStore
    ids: Ids

    def create_number(self, request: NewNumber) -> Number:
        store, ids = self.store, self.ids
        if request.waba_id is not None and request.waba_id not in store.wabas():
            raise NotFound(f"no sandbox WABA {request.waba_id}")
        display = wa_id(request.display_phone_number or "") or "1555" + ids.digits(7)
        if any(n.metadata_number == display for n in store.numbers.values()):
            raise Conflict(f"display phone number {display} is already a sandbox number")
        number = Number(
            phone_number_id=ids.digits(15),
            waba_id=request.waba_id or ids.digits(15),
            access_token=ids.access_token(),
            display_phone_number=display,
            verified_name=request.verified_name or "Sauda Sandbox",
            webhook_url=request.webhook_url,
        )
        store.numbers[number.phone_number_id] = number
        store.templates.setdefault(number.waba_id, [])
        store.save()
        log.info("number_created", phone_number_id=number.phone_number_id, waba_id=number.waba_id)
        return number

    def all(self) -> list[Number]:
        return list(self.store.numbers.values())

    def number(self, phone_number_id: str) -> Number:
        return self.store.number(phone_number_id)

    def authorize(self, phone_number_id: str, token: str | None) -> Number:
        """The number a Graph call addresses, if the bearer token is that number's."""
        number = self.store.numbers.get(phone_number_id)
        return rules.authorize_number(phone_number_id, number, token)

    def authorize_waba(self, waba_id: str, token: str | None) -> str:
        return rules.authorize_waba(waba_id, self.store.numbers.values(), token)

    def add_fault(self, phone_number_id: str, fault: Fault) -> list[dict[str, Any]]:
        self.number(phone_number_id)
        queue = self.store.faults.setdefault(phone_number_id, deque())
        queue.extend([fault] * fault.count)
        return self.faults(phone_number_id)

    def clear_faults(self, phone_number_id: str) -> None:
        self.number(phone_number_id)
        self.store.faults.pop(phone_number_id, None)

    def faults(self, phone_number_id: str) -> list[dict[str, Any]]:
        return [
            f.model_dump(by_alias=True, exclude={"count"})
            for f in self.store.faults.get(phone_number_id, ())
        ]

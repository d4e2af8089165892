"""Everything the fake knows, in memory: numbers and templates (kept in the state file), chats,
pending faults and throughput buckets (lost on restart, as a test wants)."""

from collections import deque
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from sauda_runtime.logging import get_logger
from sauda_sandbox.adapters.state_file import StateFile
from sauda_sandbox.api_models import Fault
from sauda_sandbox.domain.chats import Chat
from sauda_sandbox.domain.limits import Bucket
from sauda_sandbox.domain.numbers import NotFound, Number

log = get_logger(__name__)


class MemoryStore:
    """The sandbox's state; numbers and templates are loaded from, and saved to, the state file."""

    def __init__(self, state_file: StateFile) -> None:
        self._state_file = state_file
        self.numbers: dict[str, Number] = {}
        self.templates: dict[str, list[dict[str, Any]]] = {}  # waba id -> definitions
        self.chats: dict[tuple[str, str], Chat] = {}  # (phone number id, shopper) -> chat
        self.faults: dict[str, deque[Fault]] = {}
        self.number_buckets: dict[str, Bucket] = {}
        self.pair_buckets: dict[tuple[str, str], Bucket] = {}
        self._load()

    def _load(self) -> None:
        data = self._state_file.load()
        for raw in data.get("numbers", []):
            number = Number(**raw)
            self.numbers[number.phone_number_id] = number
        self.templates = {k: list(v) for k, v in data.get("templates", {}).items()}
        if self.numbers:
            log.info("state_loaded", numbers=len(self.numbers))

    def save(self) -> None:
        self._state_file.save(
            {
                "numbers": [asdict(n) for n in self.numbers.values()],
                "templates": self.templates,
            }
        )

    def number(self, phone_number_id: str) -> Number:
        number = self.numbers.get(phone_number_id)
        if number is None:
            raise NotFound(f"no sandbox number {phone_number_id}")
        return number

    def wabas(self) -> set[str]:
        return {n.waba_id for n in self.numbers.values()}

    def numbers_of(self, waba_id: str) -> list[Number]:
        return [n for n in self.numbers.values() if n.waba_id == waba_id]

    def chat(self, phone_number_id: str, shopper: str) -> Chat:
        """The chat of a number with a shopper, started on first use."""
        key = (phone_number_id, shopper)
        chat = self.chats.get(key)
        if chat is None:
            chat = self.chats[key] = Chat(shopper=shopper)
        return chat

    def chats_of(self, phone_number_id: str) -> Iterator[Chat]:
        return (chat for (pnid, _), chat in self.chats.items() if pnid == phone_number_id)

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
from sauda_sandbox.domain.identities import Shopper, derived_user_id
from sauda_sandbox.domain.limits import Bucket
from sauda_sandbox.domain.media import MediaFile
from sauda_sandbox.domain.numbers import NotFound, Number

log = get_logger(__name__)


class MemoryStore:
    """The sandbox's state; numbers and templates are loaded from, and saved to, the state file."""

    def __init__(self, state_file: StateFile) -> None:
        self._state_file = state_file
        self.numbers: dict[str, Number] = {}
        self.templates: dict[str, list[dict[str, Any]]] = {}  # waba id -> definitions
        self.shoppers: dict[str, dict[str, Shopper]] = {}  # waba id -> user id -> shopper
        self.chats: dict[tuple[str, str], Chat] = {}  # (phone number id, user id) -> chat
        self.faults: dict[str, deque[Fault]] = {}
        self.media: dict[str, MediaFile] = {}  # media id -> file (memory only)
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

    def shoppers_of(self, waba_id: str) -> dict[str, Shopper]:
        return self.shoppers.setdefault(waba_id, {})

    def phone_shopper(self, waba_id: str, phone: str) -> Shopper:
        """The shopper with this phone, known to the WABA from its first use (a derived BSUID)."""
        known = self.shoppers_of(waba_id)
        found = next((s for s in known.values() if s.phone == phone), None)
        if found is None:
            found = Shopper(user_id=derived_user_id(waba_id, phone), phone=phone)
            known[found.user_id] = found
        return found

    def user_shopper(self, waba_id: str, user_id: str) -> Shopper | None:
        """The shopper with this business-scoped (or parent) user id, if the WABA knows one."""
        known = self.shoppers_of(waba_id)
        return known.get(user_id) or next(
            (s for s in known.values() if s.parent_user_id == user_id), None
        )

    def chat(self, phone_number_id: str, shopper: Shopper) -> Chat:
        """The chat of a number with a shopper, started on first use."""
        key = (phone_number_id, shopper.user_id)
        chat = self.chats.get(key)
        if chat is None:
            chat = self.chats[key] = Chat(shopper=shopper)
        return chat

    def chats_of(self, phone_number_id: str) -> Iterator[Chat]:
        return (chat for (pnid, _), chat in self.chats.items() if pnid == phone_number_id)

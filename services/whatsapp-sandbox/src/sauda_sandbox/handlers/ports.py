"""What the use cases need from the outside, by role: a clock, ids, timers, a webhook sink, a
fetcher of media links."""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

Clock = Callable[[], float]


class Ids(Protocol):
    def digits(self, n: int) -> str: ...
    def access_token(self) -> str: ...
    def nonce(self) -> str: ...


class Timers(Protocol):
    def later(self, delay: float, callback: Callable[[], None]) -> None: ...
    def start(self, work: Coroutine[Any, Any, None]) -> None: ...


class WebhookSink(Protocol):
    """Queues a signed webhook for delivery, in order per key (a number, a WABA)."""

    def emit(self, key: str, url: str, payload: dict[str, Any]) -> object: ...


@dataclass(frozen=True)
class Fetched:
    content_type: str | None
    data: bytes


class FetchFailed(Exception):
    """A media link that could not be downloaded (the reason is the message)."""


class Fetcher(Protocol):
    """Downloads a media `link` the way Meta's servers do before delivering it."""

    async def fetch(self, url: str, *, max_bytes: int) -> Fetched: ...

"""What the use cases need from the outside, by role: a clock, ids, timers, a webhook sink."""

from collections.abc import Callable
from typing import Any, Protocol

Clock = Callable[[], float]


class Ids(Protocol):
    def digits(self, n: int) -> str: ...
    def access_token(self) -> str: ...
    def nonce(self) -> str: ...


class Timers(Protocol):
    def later(self, delay: float, callback: Callable[[], None]) -> None: ...


class WebhookSink(Protocol):
    """Queues a signed webhook for delivery, in order per key (a number, a WABA)."""

    def emit(self, key: str, url: str, payload: dict[str, Any]) -> object: ...

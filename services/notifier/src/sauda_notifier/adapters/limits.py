"""Send rate limits per business number and per (number, shopper) pair (aiolimiter buckets).

Kept on our side so Meta's 130429 / 131056 are rare rather than routine.
"""

import asyncio
from collections import OrderedDict

from aiolimiter import AsyncLimiter


class SendLimiter:
    """`mps` sends per second per phone number id; per (number, shopper) pair `per_minute` sends
    a minute with bursts of up to `burst`."""

    def __init__(
        self, *, mps: float, pair_per_minute: float, pair_burst: int, max_pairs: int = 50_000
    ) -> None:
        self._mps = mps
        self._pair_capacity = max(1, pair_burst)
        # A leaky bucket of capacity `burst` that drains at `per_minute`: the bucket's period is
        # the time it takes to drain a full burst.
        self._pair_period = self._pair_capacity * 60.0 / pair_per_minute
        self._numbers: dict[str, AsyncLimiter] = {}
        self._pairs: OrderedDict[tuple[str, str], AsyncLimiter] = OrderedDict()
        self._max_pairs = max_pairs

    def _number(self, phone_number_id: str) -> AsyncLimiter:
        limiter = self._numbers.get(phone_number_id)
        if limiter is None:
            limiter = self._numbers[phone_number_id] = AsyncLimiter(self._mps, 1.0)
        return limiter

    def _pair(self, phone_number_id: str, customer_phone: str) -> AsyncLimiter:
        key = (phone_number_id, customer_phone)
        limiter = self._pairs.get(key)
        if limiter is None:
            limiter = self._pairs[key] = AsyncLimiter(self._pair_capacity, self._pair_period)
            # Forget the least recently used pairs; an evicted pair starts with an empty bucket,
            # which is no worse than Meta's own limit would allow.
            while len(self._pairs) > self._max_pairs:
                self._pairs.popitem(last=False)
        else:
            self._pairs.move_to_end(key)
        return limiter

    async def acquire(self, phone_number_id: str, customer_phone: str, *, timeout: float) -> bool:
        """Wait for a slot; False if none came within `timeout` (the caller retries later
        instead of holding its partition)."""
        try:
            async with asyncio.timeout(timeout):
                await self._pair(phone_number_id, customer_phone).acquire()
                await self._number(phone_number_id).acquire()
        except TimeoutError:
            return False
        return True

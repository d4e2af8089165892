"""The retrying caller the notifier and the webhook dispatcher share.

A call to the outside world (Meta's Graph API, a merchant's endpoint) that fails is tried again
later: the service writes a retry record (through the outbox) to one of its retry topics, whose
delays grow; each retry topic has its own consumer group, and each record waits until it is due
beside the batch's others. Once due, the work it names is claimed (committed, so one sender has
it) and called; a record whose work moved on meanwhile does nothing. A sweep finds work whose
sender died or whose retry record was lost. After the last attempt the service writes its dead
letter with the attempt's record. The service supplies the claim, the call and the sweep; this
module owns the waiting, the subscriptions and the loop.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from sauda_runtime.consumer import when_due
from sauda_runtime.kit import ConsumerKit, DeadLetter, Transaction
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

Clock = Callable[[], datetime]
Due = TypeVar("Due")
Work = TypeVar("Work")


def utcnow() -> datetime:
    return datetime.now(UTC)


def retry_group(prefix: str, topic: str) -> str:
    """The consumer group of one retry topic: `notifier.retry.5s` → `{prefix}-retry-5s`."""
    return f"{prefix}-{str(topic).split('.', 1)[-1].replace('.', '-')}"


async def wait_until_due(due_at: datetime, *, clock: Clock, max_wait: float | None = None) -> None:
    """Sleep until `due_at` (at most `max_wait` seconds: a record is never held longer than its
    consumer may go without polling)."""
    wait = (due_at - clock()).total_seconds()
    if wait > 0:
        await asyncio.sleep(wait if max_wait is None else min(wait, max_wait))


async def _pass_through(items: Sequence[Due], tx: Transaction) -> Sequence[Due]:
    # Retry records are not claimed: the work they name is (by its attempt number), after the wait.
    return items


@dataclass(frozen=True)
class RetryingCaller(Generic[Due, Work]):
    """Retry records in, calls out: wait until due, claim the work, call it."""

    topics: Sequence[str]
    parse: Callable[[bytes], Due]
    due_at: Callable[[Due], datetime]
    claim: Callable[[Due], Awaitable[Work | None]]  # None: done, or another sender has it
    call: Callable[[Work], Awaitable[object]]  # one attempt and its record
    clock: Clock = utcnow
    concurrency: int = 32
    max_wait: float | None = None

    async def retry(self, due: Due) -> object | None:
        """One retry record: wait until it is due, claim what it names, call it."""
        await wait_until_due(self.due_at(due), clock=self.clock, max_wait=self.max_wait)
        work = await self.claim(due)
        return None if work is None else await self.call(work)

    async def retry_all(self, items: Sequence[Due] | None) -> None:
        """A batch's records, side by side (earliest first), so one's wait adds to no other's."""
        await when_due(items or (), self.due_at, self.retry, concurrency=self.concurrency)

    def subscribe(
        self,
        kit: ConsumerKit,
        *,
        group_prefix: str,
        consumer: str,
        dead_letter: DeadLetter | None = None,
    ) -> list[str]:
        """Each retry topic in its own consumer group (a long wait on one never holds up
        another); returns the group ids."""
        groups = []
        for topic in self.topics:
            group = retry_group(group_prefix, topic)
            kit.subscribe(
                (topic,),
                group_id=group,
                consumer=consumer,
                parse=self.parse,
                handle=_pass_through,
                after=self.retry_all,
                dead_letter=dead_letter,
                claim=False,
                max_records=self.concurrency,
            )
            groups.append(group)
        return groups


async def sweep_forever(
    sweep: Callable[[], Awaitable[object]],
    *,
    every: float,
    name: str,
    housekeeping: Callable[[], Awaitable[object]] | None = None,
    housekeeping_rounds: int = 3600,
) -> None:
    """`sweep` at start and then every `every` seconds for as long as the service runs, and
    `housekeeping` every `housekeeping_rounds` rounds; a failed round (Postgres away for a
    moment) is logged and tried again next round."""
    rounds = 0
    while True:
        try:
            await sweep()
            rounds += 1
            if housekeeping is not None and rounds % housekeeping_rounds == 0:
                await housekeeping()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning(f"{name}_round_failed", error=repr(exc))
        await asyncio.sleep(every)

"""The retrying caller: group names, waiting until due, claim then call, the sweep loop."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from sauda_runtime.consumer_service import collaborators_for, inject
from sauda_runtime.retrying import RetryingCaller, retry_group, sweep_forever, wait_until_due


@pytest.mark.parametrize(
    ("topic", "group"),
    [("notifier.retry.5s", "n-retry-5s"), ("webhooks.retry.16s", "n-retry-16s")],
)
def test_each_retry_topic_has_its_own_group(topic: str, group: str) -> None:
    assert retry_group("n", topic) == group


def test_waiting_is_capped_and_nothing_waits_for_the_past() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    started = asyncio.run(
        _timed(wait_until_due(now + timedelta(hours=1), clock=lambda: now, max_wait=0.05))
    )
    assert started < 1.0
    assert asyncio.run(_timed(wait_until_due(now - timedelta(hours=1), clock=lambda: now))) < 0.05


async def _timed(work: object) -> float:
    loop = asyncio.get_running_loop()
    start = loop.time()
    await work  # type: ignore[misc]
    return loop.time() - start


def test_a_due_record_is_claimed_then_called_and_moved_on_work_is_not() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    called: list[str] = []

    async def claim(due: str) -> str | None:
        return None if due == "gone" else due.upper()

    async def call(work: str) -> str:
        called.append(work)
        return work

    caller: RetryingCaller[str, str] = RetryingCaller(
        topics=("x.retry.1s",), parse=str, due_at=lambda _: now, claim=claim, call=call,
        clock=lambda: now,
    )  # fmt: skip
    asyncio.run(caller.retry_all(["b", "gone", "a"]))
    assert sorted(called) == ["A", "B"]


def test_the_sweep_survives_a_failed_round_and_keeps_house() -> None:
    rounds: list[int] = []
    kept: list[int] = []
    enough = asyncio.Event()

    async def sweep() -> None:
        rounds.append(1)
        if len(rounds) >= 6:
            enough.set()
        if len(rounds) == 1:
            raise RuntimeError("postgres away")

    async def housekeeping() -> None:
        kept.append(1)

    async def run() -> None:
        task = asyncio.create_task(sweep_forever(sweep, every=0.001, name="t",
                                                 housekeeping=housekeeping, housekeeping_rounds=2))  # fmt: skip
        await asyncio.wait_for(enough.wait(), timeout=5)
        task.cancel()

    asyncio.run(run())
    assert kept  # every second successful round


def test_collaborators_are_bound_by_the_names_a_use_case_asks_for() -> None:
    async def use_case(x: int, *, store: str, clock: str, limit: int = 1) -> str:
        return f"{x}{store}{clock}{limit}"

    available = {"store": "S", "clock": "C", "sender": "unused"}
    assert collaborators_for(use_case, available) == {"store": "S", "clock": "C"}
    assert asyncio.run(inject(use_case, available)(1, limit=2)) == "1SC2"

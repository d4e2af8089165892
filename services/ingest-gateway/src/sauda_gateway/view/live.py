"""The live stream's feed: one LISTEN connection per gateway process, fanned out to that
process's subscribers, each business's events to its own subscribers only (orders, notices,
store import jobs and WhatsApp templates).

The projector NOTIFYs small notes in the transaction that folds a change (so every replica
hears every change, once committed); the feed reads the row a note names once, however many
subscribers the business has here, and offers the formatted event to each. A subscriber's queue
is bounded: one that falls behind is dropped (its stream ends, the browser reconnects and
reloads) rather than holding ever more events in memory.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import asyncpg
import orjson
from fastapi.sse import format_sse_event

from sauda_contracts.message_log import LiveOrder, NoticeOut
from sauda_contracts.message_templates import TemplateOut
from sauda_gateway.catalog.jobs import ImportJobs
from sauda_gateway.templates.store import TemplateStore
from sauda_gateway.view.queries import MessageLog, OrderView
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

PING = b": ping\n\n"
HELLO = b"retry: 3000\n: connected\n\n"  # the browser's EventSource waits 3 s to reconnect


class Subscriber:
    """One open stream: the events waiting for it, or dropped once it fell too far behind."""

    def __init__(self, size: int) -> None:
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=size)
        self.dropped = False

    def offer(self, event: bytes) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.dropped = True
            while not self.queue.empty():  # let go of what it could not take
                self.queue.get_nowait()
            self.queue.put_nowait(b"")  # and wake it, so its stream ends now


class LiveFeed:
    def __init__(
        self,
        dsn: str,
        channel: str,
        *,
        view: OrderView,
        messages: MessageLog,
        imports: ImportJobs,
        templates: TemplateStore,
        queue_size: int = 100,
        check_every: float = 30.0,
    ) -> None:
        self._dsn, self.channel = dsn, channel
        self._view, self._messages, self._imports = view, messages, imports
        self._templates = templates
        self._size, self._check_every = queue_size, check_every
        self._subscribers: dict[UUID, set[Subscriber]] = {}
        self._notes: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=10_000)
        self._tasks: list[asyncio.Task[None]] = []
        self._listening = asyncio.Event()

    async def start(self) -> None:
        """Listen (reconnecting whenever the connection is lost) and deliver, in the background;
        returns once listening, or after a few seconds without (it keeps trying)."""
        self._tasks = [asyncio.create_task(self._listen()), asyncio.create_task(self._deliver())]
        try:
            await asyncio.wait_for(self._listening.wait(), 5)
        except TimeoutError:
            log.warning("live_feed_not_listening_yet", channel=self.channel)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @contextmanager
    def subscribe(self, business_id: UUID) -> Iterator[Subscriber]:
        subscriber = Subscriber(self._size)
        self._subscribers.setdefault(business_id, set()).add(subscriber)
        try:
            yield subscriber
        finally:
            mine = self._subscribers.get(business_id, set())
            mine.discard(subscriber)
            if not mine:
                self._subscribers.pop(business_id, None)

    async def events(self, business_id: UUID, *, ping_seconds: float) -> AsyncIterator[bytes]:
        """The business's stream: events as they come, a ping comment when there are none."""
        with self.subscribe(business_id) as subscriber:
            yield HELLO
            while not subscriber.dropped:
                try:
                    event = await asyncio.wait_for(subscriber.queue.get(), ping_seconds)
                except TimeoutError:
                    yield PING
                    continue
                if event:
                    yield event
            log.info("live_subscriber_dropped", business_id=str(business_id))

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: object) -> None:
        note = orjson.loads(str(payload))
        if UUID(note["business_id"]) not in self._subscribers:
            return  # nobody here watches this business
        try:
            self._notes.put_nowait(note)
        except asyncio.QueueFull:
            log.warning("live_note_dropped", kind=note.get("kind"))

    async def _deliver(self) -> None:
        """One note at a time, so each business's events keep the order they happened in."""
        while True:
            note = await self._notes.get()
            try:
                business_id = UUID(note["business_id"])
                event = await self._event_of(business_id, note)
            except Exception as exc:  # a bad note or the database away must not end the feed
                log.warning("live_event_failed", error=repr(exc))
                continue
            watching = self._subscribers.get(business_id, set())
            if event is None:
                continue
            for subscriber in list(watching):
                subscriber.offer(event)
                if subscriber.dropped:
                    watching.discard(subscriber)

    def watching(self, business_id: UUID) -> int:
        """How many of this process's streams follow the business."""
        return len(self._subscribers.get(business_id, ()))

    async def _event_of(self, business_id: UUID, note: dict[str, Any]) -> bytes | None:
        if note["kind"] == "order":
            row = await self._view.get(business_id, UUID(note["order_id"]))
            if row is None:
                return None
            data = LiveOrder(order_id=row["order_id"], order_number=row["order_number"],
                             status=row["status"], version=row["version"],
                             placed=bool(note["placed"]))  # fmt: skip
            return format_sse_event(data_str=data.model_dump_json(), event="order")
        if note["kind"] == "import":
            job = await self._imports.get(business_id, UUID(note["import_id"]), sweep=False)
            return None if job is None else format_sse_event(data_str=job.model_dump_json(),
                                                             event="import")  # fmt: skip
        if note["kind"] == "template":
            found = await self._templates.get(business_id, note["waba_id"], note["name"],
                                              note["language"])  # fmt: skip
            if found is None:
                return None
            template = TemplateOut.model_validate(found).model_dump_json()
            return format_sse_event(data_str=template, event="template")
        notice = await self._messages.notice(business_id, UUID(note["notice_id"]))
        if notice is None:
            return None
        body = NoticeOut.model_validate(notice).model_dump_json()
        return format_sse_event(data_str=body, event="notice")

    async def _listen(self) -> None:
        while True:
            try:
                await self._listen_once()
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                log.warning("live_listener_lost", error=repr(exc))
            await asyncio.sleep(1.0)

    async def _listen_once(self) -> None:
        """LISTEN on one connection until it is lost."""
        conn = await asyncpg.connect(self._dsn)
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _c: lost.set())
        try:
            await conn.add_listener(self.channel, self._notified)
            self._listening.set()
            while not lost.is_set():
                try:
                    await asyncio.wait_for(lost.wait(), self._check_every)
                except TimeoutError:  # a silently dead connection shows only when used
                    await conn.execute("SELECT 1", timeout=5)
        finally:
            self._listening.clear()
            if not conn.is_closed():
                await conn.close()

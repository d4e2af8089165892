"""Import jobs' rows: start one (at most one running per business), its progress and heartbeat,
its end, and running ones whose heartbeat went stale turned `interrupted`. Every change NOTIFYs
the live stream in the same statement, so each open dashboard hears it once it is committed."""

from typing import Any
from uuid import UUID

import asyncpg

from sauda_contracts.catalog import ImportJob, ImportProblem, ImportReport, ImportStatus
from sauda_gateway.catalog.domain import INTERRUPTED, ImportRunning
from sauda_runtime.db import Conn

JOB_FIELDS = (
    "import_id, status, url, source, pages_total, pages_done, created, updated, unchanged, "
    "skipped, error, started_at, finished_at"
)
# Appended to an UPDATE or INSERT … RETURNING business_id, import_id: the live stream's note.
_NOTIFY = (
    "SELECT pg_notify($1, json_build_object('business_id', business_id, 'kind', 'import', "
    "'import_id', import_id)::text) FROM changed"
)
_RUNNING = ImportStatus.RUNNING.value


def job_of(row: asyncpg.Record | dict[str, Any]) -> ImportJob:
    return ImportJob.model_validate(dict(row))


class ImportJobs:
    def __init__(self, pool: asyncpg.Pool, *, channel: str, stale_seconds: float = 60.0) -> None:
        self._pool = pool
        self.channel = channel
        self.stale_seconds = stale_seconds

    async def start(self, import_id: UUID, business_id: UUID, url: str,
                    currency: str | None) -> ImportJob:  # fmt: skip
        """A new running job; ImportRunning when the business has one running (a stale one is
        interrupted first, so a dead gateway's import never blocks the next)."""
        for _ in range(3):  # the running one may end between the insert and the look-up
            async with self._pool.acquire() as conn, conn.transaction():
                await self._interrupt_stale(conn, business_id)
                row = await conn.fetchrow(
                    "INSERT INTO catalog_imports (import_id, business_id, url, currency, status) "
                    "VALUES ($1, $2, $3, $4, 'running') "
                    "ON CONFLICT (business_id) WHERE status = 'running' DO NOTHING "
                    f"RETURNING {JOB_FIELDS}",
                    import_id, business_id, url, currency,
                )  # fmt: skip
                if row is not None:
                    await self._notify(conn, business_id, import_id)
                    return job_of(row)
                running = await conn.fetchval(
                    "SELECT import_id FROM catalog_imports "
                    "WHERE business_id = $1 AND status = 'running'",
                    business_id,
                )
            if running is not None:
                raise ImportRunning(
                    f"import {running} is still running: wait for it to end",
                    details={"import_id": str(running)},
                )
        raise ImportRunning("another import keeps starting: try again")

    async def get(
        self, business_id: UUID, import_id: UUID, *, sweep: bool = True
    ) -> ImportJob | None:
        """The job as it stands (running with a stale heartbeat: interrupted, and so stored).
        `sweep=False` reads it as stored: a change just announced is fresh by definition."""
        jobs = await self._read(business_id, "AND import_id = $2", import_id, sweep=sweep)
        return jobs[0] if jobs else None

    async def latest(self, business_id: UUID, *, limit: int) -> list[ImportJob]:
        return await self._read(
            business_id, "ORDER BY started_at DESC, import_id DESC LIMIT $2", limit
        )

    async def _read(
        self, business_id: UUID, tail: str, arg: Any, *, sweep: bool = True
    ) -> list[ImportJob]:
        async with self._pool.acquire() as conn:
            if sweep:
                await self._interrupt_stale(conn, business_id)
            rows = await conn.fetch(
                f"SELECT {JOB_FIELDS} FROM catalog_imports WHERE business_id = $1 {tail}",
                business_id, arg,
            )  # fmt: skip
        return [job_of(r) for r in rows]

    async def progress(self, import_id: UUID, done: int, total: int | None) -> None:
        """Pages read so far (and the heartbeat); nothing once the job has ended."""
        await self._change(import_id, "pages_done = $3, pages_total = $4", done, total,
                           only_running=True)  # fmt: skip

    async def beat(self, import_id: UUID) -> None:
        """Still alive, nothing new: the heartbeat alone, told to nobody."""
        await self._pool.execute(
            "UPDATE catalog_imports SET heartbeat_at = now() "
            "WHERE import_id = $1 AND status = 'running'",
            import_id,
        )

    async def finish(self, import_id: UUID, report: ImportReport) -> None:
        await self._change(
            import_id,
            "status = 'done', source = $3, created = $4, updated = $5, unchanged = $6, "
            "skipped = $7, pages_done = $8, pages_total = $8, finished_at = now()",
            report.source.value, report.created, report.updated, report.unchanged,
            [s.model_dump() for s in report.skipped], report.pages,
        )  # fmt: skip

    async def fail(self, import_id: UUID, problem: ImportProblem, *,
                   status: ImportStatus = ImportStatus.FAILED) -> None:  # fmt: skip
        await self._change(import_id, "status = $3, error = $4, finished_at = now()",
                           status.value, problem.model_dump())  # fmt: skip

    async def interrupt_stale(self) -> int:
        """Every business's running jobs whose heartbeat stopped, interrupted (at startup)."""
        async with self._pool.acquire() as conn:
            return await self._interrupt_stale(conn, None)

    async def _interrupt_stale(self, conn: Conn, business_id: UUID | None) -> int:
        done = await conn.fetch(
            "WITH changed AS (UPDATE catalog_imports SET status = 'interrupted', error = $2, "
            " finished_at = now() WHERE status = 'running' "
            " AND heartbeat_at < now() - make_interval(secs => $3) "
            " AND ($4::uuid IS NULL OR business_id = $4) RETURNING business_id, import_id) "
            + _NOTIFY,
            self.channel, INTERRUPTED.model_dump(), self.stale_seconds, business_id,
        )  # fmt: skip
        return len(done)

    async def _change(self, import_id: UUID, sets: str, *values: Any,
                      only_running: bool = False) -> None:  # fmt: skip
        """One UPDATE of the job (`sets` takes `values` from $3 on), heartbeat included, told
        to the live stream."""
        running = f" AND status = '{_RUNNING}'" if only_running else ""
        await self._pool.execute(
            f"WITH changed AS (UPDATE catalog_imports SET {sets}, heartbeat_at = now() "
            f"WHERE import_id = $2{running} RETURNING business_id, import_id) " + _NOTIFY,
            self.channel, import_id, *values,
        )  # fmt: skip

    async def _notify(self, conn: Conn, business_id: UUID, import_id: UUID) -> None:
        await conn.execute(
            "WITH changed AS (SELECT $2::uuid AS business_id, $3::uuid AS import_id) " + _NOTIFY,
            self.channel,
            business_id,
            import_id,
        )

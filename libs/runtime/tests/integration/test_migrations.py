"""Versioned migrations: each file applies once, however often and however concurrently `migrate` runs.

Proves that a second `migrate` applies nothing, that a later file is applied on its own, that
two processes migrating one fresh schema at the same moment both start and build each table
once, and that a failing file is rolled back, not recorded, and does not block the next try.
"""

import asyncio
from pathlib import Path

import asyncpg
import pytest

from sauda_ledger.bootstrap import MIGRATIONS
from sauda_runtime.db import Migrations, create_pool, migrate, read_migrations

LEDGER_FILES = [name for name, _ in read_migrations(MIGRATIONS)]
LEDGER_TABLES = [
    "events",
    "orders",
    "outbox",
    "poison_messages",
    "processed_events",
    "rejections",
    "schema_migrations",
]


async def start_process(dsn: str, schema: str, folder: Migrations) -> list[str]:
    """What a service does at start-up: open its pool, migrate, (here) stop."""
    pool = await create_pool(dsn, schema)
    try:
        return await migrate(pool, schema, folder)
    finally:
        await pool.close()


async def tables_in(dsn: str, schema: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 "
            "ORDER BY table_name",
            schema,
        )
        return [r["table_name"] for r in rows]
    finally:
        await conn.close()


async def recorded(dsn: str, schema: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(f'SELECT name FROM "{schema}".schema_migrations ORDER BY name')
        return [r["name"] for r in rows]
    finally:
        await conn.close()


async def test_migrating_again_applies_nothing(dsn: str, schema: str) -> None:
    first = await start_process(dsn, schema, MIGRATIONS)
    second = await start_process(dsn, schema, MIGRATIONS)

    assert first == LEDGER_FILES != []
    assert second == []
    assert await recorded(dsn, schema) == LEDGER_FILES
    assert await tables_in(dsn, schema) == LEDGER_TABLES


async def test_a_new_file_is_applied_on_its_own(dsn: str, schema: str, tmp_path: Path) -> None:
    (tmp_path / "0001_first.sql").write_text("CREATE TABLE first (id int PRIMARY KEY);")
    await start_process(dsn, schema, tmp_path)
    (tmp_path / "0002_second.sql").write_text("CREATE TABLE second (id int PRIMARY KEY);")

    applied = await start_process(dsn, schema, tmp_path)

    assert applied == ["0002_second.sql"]
    assert await tables_in(dsn, schema) == ["first", "schema_migrations", "second"]


async def test_two_processes_migrating_a_fresh_schema_at_once_both_start(
    dsn: str, schema: str
) -> None:
    results = await asyncio.gather(
        start_process(dsn, schema, MIGRATIONS), start_process(dsn, schema, MIGRATIONS)
    )

    # The advisory lock lets one apply everything; the other then finds nothing left to do.
    assert sorted(results) == [[], LEDGER_FILES]
    assert await recorded(dsn, schema) == LEDGER_FILES
    assert await tables_in(dsn, schema) == LEDGER_TABLES


async def test_a_failing_file_is_rolled_back_and_can_be_fixed(
    dsn: str, schema: str, tmp_path: Path
) -> None:
    (tmp_path / "0001_first.sql").write_text("CREATE TABLE first (id int PRIMARY KEY);")
    broken = tmp_path / "0002_broken.sql"
    broken.write_text("CREATE TABLE half (id int); SELECT no_such_function();")

    failed_process = await create_pool(dsn, schema)
    try:
        with pytest.raises(asyncpg.UndefinedFunctionError):
            await migrate(failed_process, schema, tmp_path)

        assert await recorded(dsn, schema) == ["0001_first.sql"]
        assert await tables_in(dsn, schema) == ["first", "schema_migrations"]
        broken.write_text("CREATE TABLE half (id int);")
        # The failed process is still up; had it kept the migration lock, this would hang.
        applied = await asyncio.wait_for(start_process(dsn, schema, tmp_path), timeout=10)
    finally:
        await failed_process.close()
    assert applied == ["0002_broken.sql"]

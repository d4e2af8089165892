"""asyncpg pools pinned to a service's own schema, and versioned SQL migrations at start-up."""

import hashlib
from collections.abc import Sequence
from pathlib import Path

import asyncpg
import orjson
from asyncpg.pool import PoolConnectionProxy

# What a pool hands out and what asyncpg.connect returns: code takes either.
Conn = asyncpg.Connection | PoolConnectionProxy


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typename in ("json", "jsonb"):
        await conn.set_type_codec(
            typename,
            encoder=lambda v: orjson.dumps(v).decode(),
            decoder=orjson.loads,
            schema="pg_catalog",
        )


async def create_pool(dsn: str, schema: str, *, size: int = 10) -> asyncpg.Pool:
    """A pool whose unqualified table names resolve in `schema` (created if missing)."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    except asyncpg.UniqueViolationError:
        pass  # another process created it at the same moment
    finally:
        await conn.close()
    pool = await asyncpg.create_pool(
        dsn,
        min_size=1,
        max_size=size,
        init=_init_connection,
        server_settings={"search_path": schema, "application_name": f"sauda-{schema}"},
    )
    assert pool is not None
    return pool


def _lock_key(schema: str) -> int:
    return int.from_bytes(
        hashlib.sha256(f"migrate:{schema}".encode()).digest()[:8], "big", signed=True
    )


# One folder, or several applied in turn (the runtime kit's, then the service's own).
Migrations = Path | Sequence[Path]


def read_migrations(folders: Migrations) -> list[tuple[str, str]]:
    """(name, SQL) of each `*.sql` file, folder by folder, in name order within each."""
    each = [folders] if isinstance(folders, Path) else folders
    return [(path.name, path.read_text()) for f in each for path in sorted(f.glob("*.sql"))]


async def migrate(pool: asyncpg.Pool, schema: str, folder: Migrations) -> list[str]:
    """Apply the folders' `*.sql` files in order, each once, under an advisory lock; returns
    those applied."""
    applied: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", _lock_key(schema))
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
            for name, sql in read_migrations(folder):
                if name in done:
                    continue
                async with conn.transaction():
                    await conn.execute(sql)
                    await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", name)
                applied.append(name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _lock_key(schema))
    return applied

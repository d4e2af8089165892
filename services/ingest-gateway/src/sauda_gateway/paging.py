"""One page of rows and the count of all of them: the read every list route makes."""

from collections.abc import Sequence
from typing import Any

import asyncpg


async def fetch_page(
    pool: asyncpg.Pool, *, rows: str, count: str, args: Sequence[Any], limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """`rows` takes `args` then the limit and offset as its last two parameters; `count` takes
    `args` alone. Both run on one connection."""
    async with pool.acquire() as conn:
        found = await conn.fetch(rows, *args, limit, offset)
        total = await conn.fetchval(count, *args)
    return list(found), int(total)

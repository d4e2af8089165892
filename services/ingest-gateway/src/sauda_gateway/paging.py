"""A table the read side lists and looks up: one page of rows with the count of all of them."""

from dataclasses import dataclass
from typing import Any

import asyncpg


@dataclass(frozen=True)
class Table:
    """The rows a list route pages through: which table, the columns shown, in what order."""

    name: str
    columns: str
    order: str

    async def page(
        self, pool: asyncpg.Pool, where: str, *args: Any, limit: int, offset: int
    ) -> tuple[list[asyncpg.Record], int]:
        """`where` takes `args` as $1, $2, …; both reads run on one connection."""
        n = len(args)
        async with pool.acquire() as conn:
            found = await conn.fetch(
                f"SELECT {self.columns} FROM {self.name} WHERE {where} "
                f"ORDER BY {self.order} LIMIT ${n + 1} OFFSET ${n + 2}",
                *args, limit, offset,
            )  # fmt: skip
            total = await conn.fetchval(f"SELECT count(*) FROM {self.name} WHERE {where}", *args)
        return list(found), int(total)

    async def one(
        self, pool: asyncpg.Pool, where: str, *args: Any, columns: str | None = None
    ) -> asyncpg.Record | None:
        """The row `where` picks (by its key, within its business); `columns` when not the usual."""
        return await pool.fetchrow(
            f"SELECT {columns or self.columns} FROM {self.name} WHERE {where}", *args
        )

"""Gateway integration fixtures: a freshly migrated Postgres schema per test, dropped afterwards."""

from collections.abc import AsyncIterator

import asyncpg
import pytest

from sauda_gateway.bootstrap import MIGRATIONS
from sauda_runtime.testing import migrated_schema, required_env


@pytest.fixture
def dsn() -> str:
    return required_env("DATABASE_URL")


@pytest.fixture
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a schema of its own, migrated with the gateway's migrations."""
    async with migrated_schema(dsn, MIGRATIONS) as db:
        yield db

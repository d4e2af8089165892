"""Ledger integration fixtures: a freshly migrated Postgres schema per test, dropped afterwards."""

import os
from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
import pytest

from sauda_ledger.bootstrap import MIGRATIONS
from sauda_runtime.db import create_pool, migrate

HOW_TO_START = (
    "the ledger integration tests need a running Postgres: run them with `make test` (it starts "
    "Kafka and Postgres), or export DATABASE_URL (e.g. after `make infra`)"
)


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: {HOW_TO_START}", pytrace=False)
    return value


@pytest.fixture
async def pool() -> AsyncIterator[asyncpg.Pool]:
    """A pool on a schema of its own, migrated with the ledger's migrations."""
    schema = f"t_{uuid4().hex[:12]}"
    db = await create_pool(_env("DATABASE_URL"), schema)
    try:
        await migrate(db, schema, MIGRATIONS)
        yield db
    finally:
        await db.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await db.close()

"""Fixtures every service's integration tests share: the real Postgres, a schema of the service's
own per test (migrated with the `migrations` fixture its conftest names) and a scratch gateway
schema (built from its `gateway_ddl` fixture) for services that read the gateway's tables."""

from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
import pytest

from sauda_runtime.db import Migrations
from sauda_runtime.secrets import SecretBox
from sauda_runtime.testing import migrated_schema, required_env


@pytest.fixture
def dsn() -> str:
    return required_env("DATABASE_URL")


@pytest.fixture
def box() -> SecretBox:
    return SecretBox(required_env("SAUDA_SECRET_KEY"))


@pytest.fixture
async def pool(dsn: str, migrations: Migrations) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a schema of its own, migrated with the service's migrations."""
    async with migrated_schema(dsn, migrations) as db:
        yield db


@pytest.fixture
async def gateway_schema(pool: asyncpg.Pool, gateway_ddl: str) -> AsyncIterator[str]:
    """A schema holding the gateway tables the service reads, dropped after the test."""
    schema = f"tg_{uuid4().hex[:12]}"
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        await conn.execute(f'SET LOCAL search_path TO "{schema}"')
        await conn.execute(gateway_ddl)
    try:
        yield schema
    finally:
        await pool.execute(f'DROP SCHEMA "{schema}" CASCADE')

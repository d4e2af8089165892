"""Fixtures for the conversation's integration tests: a migrated schema of its own per test."""

from collections.abc import AsyncIterator

import asyncpg
import pytest

from sauda_conversation.bootstrap import MIGRATIONS
from sauda_runtime.testing import migrated_schema, required_env


@pytest.fixture
async def pool() -> AsyncIterator[asyncpg.Pool]:
    async with migrated_schema(required_env("DATABASE_URL"), MIGRATIONS) as db:
        yield db

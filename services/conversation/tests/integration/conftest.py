"""Fixtures for the conversation's integration tests: a migrated schema of its own per test."""

import pytest

from sauda_conversation.bootstrap import MIGRATIONS
from sauda_runtime.db import Migrations


@pytest.fixture
def migrations() -> Migrations:
    """The conversation's migrations, for the per-test schema the shared `pool` fixture builds."""
    return MIGRATIONS

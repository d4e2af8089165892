"""Ledger integration fixtures: a freshly migrated Postgres schema per test, dropped afterwards."""

import pytest

from sauda_ledger.bootstrap import MIGRATIONS
from sauda_runtime.db import Migrations


@pytest.fixture
def migrations() -> Migrations:
    """The ledger's migrations, for the per-test schema the shared `pool` fixture builds."""
    return MIGRATIONS

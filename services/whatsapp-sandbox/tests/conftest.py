"""Fixtures for the sandbox tests: `start_sandbox(**settings)` and a default `env`."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import pytest

from sauda_sandbox.testing import Env, sandbox_running

StartSandbox = Callable[..., Awaitable[Env]]


@pytest.fixture
async def start_sandbox() -> AsyncIterator[StartSandbox]:
    """Start a sandbox (settings overridable) with its own receiver; stopped after the test."""
    async with AsyncExitStack() as stack:

        async def start(**overrides: Any) -> Env:
            return await stack.enter_async_context(sandbox_running(**overrides))

        yield start


@pytest.fixture
async def env(start_sandbox: StartSandbox) -> Env:
    return await start_sandbox()

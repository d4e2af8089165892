"""End-to-end harness: the real ledger and gateway as processes, on the real Kafka and Postgres."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
import orjson
import pytest

from sauda_contracts import TOPICS, Topic
from sauda_runtime.kafka import ensure_topics
from sauda_runtime.testing import read_topic, required_env

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def eventually(
    check: Callable[[], Awaitable[T | None]],
    *,
    timeout: float = 30.0,
    every: float = 0.1,
    what: str = "condition",
) -> T:
    """Poll `check` until it returns something truthy, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


class Service:
    """One Sauda process, started the way `make run` starts it, logging to a file."""

    def __init__(
        self, name: str, module: str, env: dict[str, str], ready_url: str, logs: Path
    ) -> None:
        self.name, self.module, self.env, self.ready_url = name, module, env, ready_url
        self.log_path = logs / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", self.module], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    async def ready(self, timeout: float = 60.0) -> None:
        async with httpx.AsyncClient() as http:

            async def up() -> bool:
                assert self.proc is not None
                if self.proc.poll() is not None:
                    raise AssertionError(f"{self.name} exited: {self.log_path.read_text()[-3000:]}")
                try:
                    return (await http.get(self.ready_url, timeout=2)).status_code == 200
                except httpx.HTTPError:
                    return False

            await eventually(up, timeout=timeout, every=0.2, what=f"{self.name} to be ready")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)
        self.proc.wait(timeout=30)

    def log_lines(self) -> list[dict[str, Any]]:
        lines = []
        for raw in self.log_path.read_bytes().splitlines():
            if raw.startswith(b"{"):
                try:
                    lines.append(orjson.loads(raw))
                except orjson.JSONDecodeError:
                    pass
        return lines


class Stack:
    def __init__(self, tmp: Path) -> None:
        self.logs = tmp
        self.database_url = required_env("DATABASE_URL")
        self.bootstrap = required_env("KAFKA_BOOTSTRAP_SERVERS")
        gateway_port, ledger_port = free_port(), free_port()
        base = {**os.environ, "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
        self.gateway_url = f"http://127.0.0.1:{gateway_port}"
        self.ledger = Service(
            "order-ledger",
            "sauda_ledger",
            {**base, "LEDGER_HEALTH_PORT": str(ledger_port)},
            f"http://127.0.0.1:{ledger_port}/readyz",
            tmp,
        )
        self.gateway = self.gateway_service("ingest-gateway", gateway_port)

    def gateway_service(self, name: str, port: int) -> Service:
        """A gateway process on `port` (not started); several share one database and broker."""
        env = {
            **os.environ,
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "GATEWAY_PORT": str(port),
        }
        return Service(name, "sauda_gateway", env, f"http://127.0.0.1:{port}/readyz", self.logs)


@pytest.fixture(scope="session")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    s = Stack(tmp_path_factory.mktemp("services"))
    await ensure_topics(s.bootstrap, TOPICS)
    s.ledger.start()
    s.gateway.start()
    try:
        await s.ledger.ready()
        await s.gateway.ready()
        yield s
    finally:
        for svc in (s.gateway, s.ledger):
            if svc.proc and svc.proc.poll() is None:
                svc.kill(signal.SIGTERM)


@pytest.fixture(scope="session")
async def db(stack: Stack) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(stack.database_url, min_size=1, max_size=4)
    assert pool is not None
    yield pool
    await pool.close()


@pytest.fixture
async def client(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as http:
        yield http


async def sauda_cli(*args: str) -> str:
    """Run the operator's `sauda` command; its stdout, or the test fails with its stderr."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sauda_gateway.cli", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def _create_business(
    stack: Stack,
    name: str,
    plan: str = "business",
    rate_limit: int | None = 1_000_000,
    country: str = "PK",
) -> dict[str, str]:
    """Tests get a large hourly allowance unless they are about the allowance itself."""
    limit = ["--rate-limit", str(rate_limit)] if rate_limit is not None else []
    out = await sauda_cli(
        "business", "create", "--name", name, "--plan", plan, "--country", country, *limit
    )
    return orjson.loads(out)  # type: ignore[no-any-return]


@pytest.fixture
async def business(stack: Stack) -> dict[str, str]:
    """A fresh business per test: tests never see each other's orders."""
    return await _create_business(stack, f"test-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def make_business(stack: Stack) -> Callable[..., Awaitable[dict[str, str]]]:
    """make_business(plan="business", rate_limit=1_000_000) -> {"business_id", "api_key"}."""
    return lambda **kw: _create_business(stack, f"test-{uuid.uuid4().hex[:8]}", **kw)


@pytest.fixture
def cli() -> Callable[..., Awaitable[str]]:
    return sauda_cli


def seed_body(key: str | None = None, **order: Any) -> dict[str, Any]:
    """The Botaura seed's ingest body, with a fresh idempotency key."""
    return {
        "event_type": "order_created",
        "idempotency_key": key or f"order-{uuid.uuid4().hex}",
        "customer": {"phone": "923001234567", "name": "Ali Khan", "consent": True},
        "order": {
            "items": [{"name": "Widget Pro", "qty": 2, "price": 1500}],
            "total": 3000,
            "external_order_id": "WC-456",
            **order,
        },
    }


@pytest.fixture
def seed() -> Callable[..., dict[str, Any]]:
    return seed_body


@pytest.fixture
def topic_reader(stack: Stack) -> Callable[[str], Awaitable[list[Any]]]:
    return lambda topic=Topic.ORDERS_EVENTS: read_topic(stack.bootstrap, topic)


@pytest.fixture
def wait_for() -> Callable[..., Awaitable[Any]]:
    return eventually

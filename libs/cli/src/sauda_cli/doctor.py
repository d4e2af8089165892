"""`sauda doctor`: is this installation able to work, and if not, what to do.

Each check is a row: what was looked at, what was found, and for a failure the next step. It
looks at the database, the broker, every topic and its partition count, each service's
migrations, the secrets, and each service's readiness endpoint. Exit status 1 when any fails.
"""

import asyncio
import importlib.util
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

import asyncpg
import httpx
import typer
from aiokafka.admin import AIOKafkaAdminClient
from rich.console import Console
from rich.table import Table

from sauda_cli.running import echo_json, run
from sauda_cli.services import SERVICES, Service
from sauda_contracts import TOPICS
from sauda_gateway.settings import GatewaySettings
from sauda_runtime.db import read_migrations
from sauda_runtime.kit import KIT_MIGRATIONS
from sauda_runtime.secrets import SecretBox

TIMEOUT = 3.0


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    found: str
    fix: str = ""


def topic_checks(partitions: Mapping[str, int]) -> list[Check]:
    """Every Sauda topic exists with the partition count it was designed with."""
    checks = []
    for spec in TOPICS:
        have = partitions.get(spec.name)
        if have is None:
            checks.append(Check(f"topic {spec.name}", False, "missing",
                                "create the topics: uv run sauda topics create"))  # fmt: skip
        elif have != spec.partitions:
            checks.append(Check(
                f"topic {spec.name}", False, f"{have} partitions, {spec.partitions} expected",
                "keys map to partitions by count: recreate the topic with the expected count "
                "(or run every service with this one), then replay the views",
            ))  # fmt: skip
        else:
            checks.append(Check(f"topic {spec.name}", True, f"{have} partitions"))
    return checks


def secret_checks(env: Mapping[str, str]) -> list[Check]:
    key = env.get("SAUDA_SECRET_KEY", "")
    try:
        SecretBox(key)
        sealed = Check("secret SAUDA_SECRET_KEY", True, "a valid Fernet key")
    except Exception:
        sealed = Check("secret SAUDA_SECRET_KEY", False, "missing" if not key else "not a Fernet key",
                       "set it (uv run sauda secret-key makes one; make run keeps its own in .state)")  # fmt: skip
    app_secret = env.get("WHATSAPP_APP_SECRET", "")
    meta = Check("secret WHATSAPP_APP_SECRET", bool(app_secret), "set" if app_secret else "missing",
                 "" if app_secret else "set it to your Meta app's secret: webhooks are refused without it")  # fmt: skip
    return [sealed, meta]


def migrations_of(service: Service) -> list[str]:
    spec = importlib.util.find_spec(service.module)
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = Path(next(iter(spec.submodule_search_locations))) / "migrations"
    return [name for name, _ in read_migrations((KIT_MIGRATIONS, folder))]


async def database_checks(dsn: str, env: Mapping[str, str]) -> list[Check]:
    try:
        conn = await asyncpg.connect(dsn, timeout=TIMEOUT)
    except Exception as exc:
        return [Check("postgres", False, f"cannot connect: {exc}",
                      "start it (make infra) or set DATABASE_URL")]  # fmt: skip
    try:
        version = await conn.fetchval("SHOW server_version")
        checks = [Check("postgres", True, f"PostgreSQL {version}")]
        for service in SERVICES:
            schema = service.schema_now(env)
            if schema is None:
                continue
            wanted = migrations_of(service)
            table = await conn.fetchval("SELECT to_regclass($1)", f'"{schema}".schema_migrations')
            done = set()
            if table is not None:
                done = {
                    r["name"]
                    for r in await conn.fetch(f'SELECT name FROM "{schema}".schema_migrations')
                }
            pending = [name for name in wanted if name not in done]
            checks.append(Check(
                f"migrations {service.name}", not pending,
                f"{len(wanted) - len(pending)} of {len(wanted)} applied in schema {schema}"
                + (f"; pending {', '.join(pending)}" if pending else ""),
                f"start {service.name} once: it applies its migrations at start" if pending else "",
            ))  # fmt: skip
        return checks
    finally:
        await conn.close()


async def kafka_checks(bootstrap: str) -> list[Check]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="sauda-doctor",
                                request_timeout_ms=int(TIMEOUT * 1000))  # fmt: skip
    try:
        await asyncio.wait_for(admin.start(), TIMEOUT * 2)
    except Exception as exc:
        return [Check("kafka", False, f"cannot reach {bootstrap}: {exc!r}",
                      "start it (make infra) or set KAFKA_BOOTSTRAP_SERVERS")]  # fmt: skip
    try:
        cluster = await admin.describe_cluster()
        names = [spec.name for spec in TOPICS]
        present = set(await admin.list_topics())
        described = await admin.describe_topics([n for n in names if n in present])
        partitions = {
            str(t["topic"]): len(t["partitions"]) for t in described if not t.get("error_code")
        }
        brokers = len(cluster.get("brokers", []))
        return [
            Check("kafka", True, f"{brokers} broker(s) at {bootstrap}"),
            *topic_checks(partitions),
        ]
    finally:
        await admin.close()


async def service_checks(env: Mapping[str, str]) -> list[Check]:
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:

        async def one(service: Service) -> Check:
            url = f"http://127.0.0.1:{service.port_now(env)}{service.ready}"
            try:
                answer = await http.get(url)
            except httpx.HTTPError:
                return Check(f"service {service.name}", False, f"no answer at {url}",
                             f"start it (make run), or see .state/logs/{service.name}.log")  # fmt: skip
            if answer.status_code == 200:
                return Check(f"service {service.name}", True, f"ready at {url}")
            return Check(f"service {service.name}", False,
                         f"{url} answered {answer.status_code}: {answer.text[:200]}",
                         f"see .state/logs/{service.name}.log (it names what it cannot reach)")  # fmt: skip

        return list(await asyncio.gather(*(one(s) for s in SERVICES)))


def doctor_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object, for scripts.")] = False,
) -> None:
    """Check the database, broker, topics, migrations, secrets and services; say what to do."""
    settings, env = GatewaySettings(), dict(os.environ)

    async def go() -> list[Check]:
        parts = await asyncio.gather(
            database_checks(settings.database_url, env),
            kafka_checks(settings.kafka_bootstrap_servers),
            service_checks(env),
        )
        return [*parts[0], *parts[1], *secret_checks(env), *parts[2]]

    checks = run(go)
    healthy = all(c.ok for c in checks)
    if as_json:
        echo_json({"healthy": healthy, "checks": [asdict(c) for c in checks]})
    else:
        table = Table("", "check", "found", "what to do", title="sauda doctor")
        for c in checks:
            table.add_row("ok" if c.ok else "FAIL", c.name, c.found, c.fix)
        Console().print(table)
    raise typer.Exit(0 if healthy else 1)

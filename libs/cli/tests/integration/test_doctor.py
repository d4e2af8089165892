"""`sauda doctor` on a real broker and database: what it finds, and the next step it names for
each failure (the healthy whole stack is checked in tests/e2e/test_operations.py)."""

import asyncio
import json
import os
import socket
import subprocess
import sys
from uuid import uuid4

from sauda_cli.doctor import topic_checks
from sauda_contracts import TOPICS
from sauda_runtime.kafka import ensure_topics
from sauda_runtime.testing import required_env


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def doctor(env: dict[str, str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    done = subprocess.run([sys.executable, "-m", "sauda_cli", "doctor", "--json"], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    return done.returncode, json.loads(done.stdout)


def test_a_stopped_installation_is_diagnosed_with_what_to_do(tmp_path) -> None:
    bootstrap = required_env("KAFKA_BOOTSTRAP_SERVERS")
    asyncio.run(ensure_topics(bootstrap, TOPICS))
    fresh = f"t_doc_{uuid4().hex[:10]}"  # a gateway schema nothing has migrated
    ports = {var: str(closed_port()) for var in ("SANDBOX_PORT", "LEDGER_HEALTH_PORT",
             "GATEWAY_PORT", "NOTIFIER_HEALTH_PORT", "CONVERSATION_HEALTH_PORT",
             "WEBHOOKS_HEALTH_PORT")}  # fmt: skip
    env = (
        os.environ
        | ports
        | {
            "GATEWAY_DB_SCHEMA": fresh,
            "WHATSAPP_APP_SECRET": "",
            "SAUDA_SECRET_KEY": "not-a-key",
            "SAUDA_STATE_DIR": str(tmp_path),  # no make run secrets to fall back on
        }
    )
    rc, answer = doctor(env)
    assert rc == 1 and answer["healthy"] is False
    checks = {c["name"]: c for c in answer["checks"]}
    assert checks["postgres"]["ok"] and checks["kafka"]["ok"]
    assert all(checks[f"topic {spec.name}"]["ok"] for spec in TOPICS)
    gateway = checks["migrations ingest-gateway"]
    assert not gateway["ok"] and gateway["found"].startswith("0 of ")
    assert "0000_kit.sql" in gateway["found"] and "0001_gateway.sql" in gateway["found"]
    assert gateway["fix"] == "start ingest-gateway once: it applies its migrations at start"
    assert checks["secret SAUDA_SECRET_KEY"] == {
        "name": "secret SAUDA_SECRET_KEY", "ok": False, "found": "not a Fernet key",
        "fix": "set it (uv run sauda secret-key makes one; make run keeps its own in .state)",
    }  # fmt: skip
    assert not checks["secret WHATSAPP_APP_SECRET"]["ok"]
    notifier = checks["service notifier"]
    assert not notifier["ok"]
    assert (
        notifier["found"] == f"no answer at http://127.0.0.1:{ports['NOTIFIER_HEALTH_PORT']}/readyz"
    )
    assert notifier["fix"] == "start it (make run), or see .state/logs/notifier.log"


def test_an_unreachable_database_and_broker_are_named_with_the_next_step(tmp_path) -> None:
    env = os.environ | {
        "DATABASE_URL": f"postgresql://sauda@127.0.0.1:{closed_port()}/sauda",
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{closed_port()}",
        "SAUDA_STATE_DIR": str(tmp_path),
    }
    rc, answer = doctor(env)
    checks = {c["name"]: c for c in answer["checks"]}
    assert rc == 1
    assert checks["postgres"]["ok"] is False
    assert checks["postgres"]["fix"] == "start it (make infra) or set DATABASE_URL"
    assert checks["kafka"]["ok"] is False
    assert checks["kafka"]["fix"] == "start it (make infra) or set KAFKA_BOOTSTRAP_SERVERS"


def test_a_topic_missing_or_with_other_partitions_is_named() -> None:
    partitions = {spec.name: spec.partitions for spec in TOPICS}
    partitions["orders.events.v1"] = 3
    del partitions["carts.v1"]
    failed = {c.name: c for c in topic_checks(partitions) if not c.ok}
    assert set(failed) == {"topic orders.events.v1", "topic carts.v1"}
    assert failed["topic orders.events.v1"].found == "3 partitions, 12 expected"
    assert failed["topic carts.v1"].fix == "create the topics: uv run sauda topics create"

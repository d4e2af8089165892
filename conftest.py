"""Test-session infrastructure: with a Docker engine and no servers named, start them with testcontainers.

Otherwise the tests use KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (which `make test` sets after
starting its own broker and database); tests that need them fail with a how-to when missing.
"""

import os
import shutil
import subprocess

import pytest


def _docker_engine() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and os.environ.get("DATABASE_URL"):
        return
    if os.environ.get("SAUDA_TESTCONTAINERS") != "1" or not _docker_engine():
        return
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    started = []
    if not os.environ.get("DATABASE_URL"):
        pg = PostgresContainer(
            "postgres:15", username="sauda", password="sauda", dbname="sauda", driver=None
        )
        pg.start()
        started.append(pg)
        os.environ["DATABASE_URL"] = pg.get_connection_url()
    if not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        kafka = KafkaContainer("apache/kafka:3.9.1").with_kraft()
        kafka.start()
        started.append(kafka)
        os.environ["KAFKA_BOOTSTRAP_SERVERS"] = kafka.get_bootstrap_server()
    config.stash[_CONTAINERS] = started


_CONTAINERS = pytest.StashKey[list]()


def pytest_unconfigure(config: pytest.Config) -> None:
    for container in reversed(config.stash.get(_CONTAINERS, [])):
        container.stop()

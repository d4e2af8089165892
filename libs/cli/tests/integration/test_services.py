"""`sauda services run` as `make run` uses it: a real supervisord restarting a real service that
was killed, and saying so in its log."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sauda_cli.services import SERVICES, chosen, supervisor_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check, seconds: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    raise AssertionError("gave up waiting")


def sandbox_pid(port: int) -> int | None:
    """The pid listening on `port` once the sandbox answers its health check."""
    try:
        if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code != 200:
            return None
    except httpx.HTTPError:
        return None
    out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True)
    pids = [
        int(p.split("=")[1]) for p in out.stdout.replace(",", " ").split() if p.startswith("pid=")
    ]
    return pids[0] if pids else None


@pytest.fixture
def supervised(tmp_path: Path):  # type: ignore[no-untyped-def]
    port = free_port()
    env = os.environ | {"SANDBOX_PORT": str(port), "SANDBOX_STATE_FILE": str(tmp_path / "s.json")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sauda_cli",
            "services",
            "run",
            "--state",
            str(tmp_path),
            "--only",
            "whatsapp-sandbox",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield port, tmp_path / "logs", process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_a_killed_service_is_started_again_and_the_exit_is_logged(supervised) -> None:
    port, logs, supervisord = supervised
    first = wait_until(lambda: sandbox_pid(port))

    os.kill(first, signal.SIGKILL)

    second = wait_until(lambda: (pid := sandbox_pid(port)) and pid != first and pid)
    assert second != first
    log = (logs / "supervisord.log").read_text()
    assert "exited: whatsapp-sandbox (terminated by SIGKILL; not expected)" in log
    assert log.count("spawned: 'whatsapp-sandbox'") == 2
    assert (logs / "whatsapp-sandbox.log").read_text().count("sandbox_started") == 2

    supervisord.send_signal(signal.SIGTERM)  # Ctrl-C of make run: every service stops with it
    supervisord.wait(timeout=30)
    wait_until(lambda: sandbox_pid(port) is None)


def test_the_config_runs_every_service_with_restart_and_back_off(tmp_path: Path) -> None:
    config = supervisor_config(
        chosen(None),
        state=tmp_path,
        logs=tmp_path / "logs",
        python="/venv/bin/python",
        cwd=tmp_path,
    )
    for service in SERVICES:
        assert f"[program:{service.name}]\ncommand=/venv/bin/python -m {service.module}\n" in config
    assert config.count("autorestart=true") == len(SERVICES)
    assert config.count("killasgroup=true") == len(SERVICES)


def test_an_unknown_service_is_a_usage_error(tmp_path: Path) -> None:
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "sauda_cli",
            "services",
            "run",
            "--state",
            str(tmp_path),
            "--only",
            "ledger",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2
    assert "unknown service ledger" in refused.stderr

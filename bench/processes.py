"""Sauda's processes for a benchmark: any of sandbox, ledger, gateway, notifier, conversation,
webhook dispatcher (and a bare FastAPI app) on free ports against the dev Kafka and Postgres,
logs in .state/bench."""

import asyncio
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.ingest import stop_all, wait_ready
from sauda_runtime.testing import free_ports

ROOT = Path(__file__).resolve().parent.parent
# name: (module, the variable that sets its port, the path that answers once it is ready)
SERVICES = {
    "sandbox": ("sauda_sandbox", "SANDBOX_PORT", "/healthz"),
    "ledger": ("sauda_ledger", "LEDGER_HEALTH_PORT", "/readyz"),
    "gateway": ("sauda_gateway", "GATEWAY_PORT", "/readyz"),
    "notifier": ("sauda_notifier", "NOTIFIER_HEALTH_PORT", "/readyz"),
    "conversation": ("sauda_conversation", "CONVERSATION_HEALTH_PORT", "/readyz"),
    "dispatcher": ("sauda_webhooks", "WEBHOOKS_HEALTH_PORT", "/readyz"),
}
NAMES = (*SERVICES, "bare")
WHATSAPP = ("sandbox", "ledger", "gateway", "notifier", "conversation", "bare")


class Processes:
    def __init__(
        self, extra_env: dict[str, str] | None = None, bare_app: str = "bench.bare:app"
    ) -> None:
        self.bare_app = bare_app
        env = {**os.environ, "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1"}
        env.setdefault("DATABASE_URL", "postgresql://sauda@127.0.0.1:55432/sauda")
        env.setdefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
        self.ports = dict(zip(NAMES, free_ports(len(NAMES)), strict=True))
        self.sandbox_url = f"http://127.0.0.1:{self.ports['sandbox']}"
        self.gateway_url = f"http://127.0.0.1:{self.ports['gateway']}"
        self.bare_url = f"http://127.0.0.1:{self.ports['bare']}"
        app_secret = secrets.token_hex(16)
        env |= {
            "WHATSAPP_APP_SECRET": app_secret, "SANDBOX_APP_SECRET": app_secret,
            "SANDBOX_URL": self.sandbox_url,
            "SANDBOX_WEBHOOK_URL": f"{self.gateway_url}/webhooks/whatsapp",
            **(extra_env or {}),
        }  # fmt: skip
        if not env.get("SAUDA_SECRET_KEY"):
            from sauda_runtime.secrets import new_key

            env["SAUDA_SECRET_KEY"] = new_key()
        self.env = env
        self.logs = ROOT / ".state" / "bench"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.procs: list[subprocess.Popen[bytes]] = []
        self.pids: dict[str, int] = {}  # name: pid, for the benches that sample CPU

    def _spawn(self, name: str, argv: list[str], extra: dict[str, str]) -> subprocess.Popen[bytes]:
        p = subprocess.Popen([sys.executable, "-m", *argv], env={**self.env, **extra}, cwd=ROOT,
                             stdout=(self.logs / f"{name}.log").open("w"),
                             stderr=subprocess.STDOUT)  # fmt: skip
        self.procs.append(p)
        self.pids[name] = p.pid
        return p

    def cli(self, *argv: str) -> dict[str, Any]:
        done = subprocess.run([sys.executable, "-m", "sauda_cli", *argv], env=self.env,
                              capture_output=True, text=True)  # fmt: skip
        if done.returncode:
            raise SystemExit(f"sauda {' '.join(argv)} failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout) if done.stdout.startswith("{") else {}

    async def start(self, *names: str) -> None:
        """Create the topics, start `names` (default: the WhatsApp path and the bare app), and
        wait until each answers."""
        await asyncio.to_thread(self.cli, "topics", "create")
        waiting = []
        for name in names or WHATSAPP:
            port = str(self.ports[name])
            if name == "bare":
                argv = ["uvicorn", self.bare_app, "--port", port, "--loop", "uvloop", "--http",
                        "httptools", "--no-access-log", "--log-level", "warning"]  # fmt: skip
                waiting.append((self._spawn(name, argv, {}), f"{self.bare_url}/docs"))
                continue
            module, variable, path = SERVICES[name]
            proc = self._spawn(name, [module], {variable: port})
            waiting.append((proc, f"http://127.0.0.1:{port}{path}"))
        for proc, url in waiting:
            await wait_ready(url, proc)

    def stop(self) -> None:
        stop_all(self.procs)

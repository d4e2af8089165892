"""`sauda services`: Sauda's processes on one machine under supervisord, as `make run` starts them.

supervisord (a well-kept process supervisor) restarts a service that exits; one that dies again
within `START_SECONDS` of a start is retried after 1, 2, 3, … seconds (supervisord's back-off)
up to `START_RETRIES` times before it is left stopped (FATAL), so a crash loop neither spins
nor hides. Every exit, restart and give-up is a line in `supervisord.log`, which `make run`
shows in its terminal; each service's own output goes to `<logs>/<name>.log`.
"""

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Run Sauda's services under supervisord (what `make run` uses).",
                  no_args_is_help=True)  # fmt: skip

START_SECONDS = 5
START_RETRIES = 20
STOP_WAIT_SECONDS = 15


@dataclass(frozen=True, slots=True)
class Service:
    name: str  # as in logs, health URLs and the README
    module: str  # `python -m <module>`
    port: tuple[str, int]  # the variable naming its HTTP (or health) port, and the default
    ready: str  # the path that answers 200 when it can work
    schema: tuple[str, str] | None  # the variable naming its Postgres schema, and the default

    def port_now(self, env: Mapping[str, str]) -> int:
        return int(env.get(self.port[0]) or self.port[1])

    def schema_now(self, env: Mapping[str, str]) -> str | None:
        return (env.get(self.schema[0]) or self.schema[1]) if self.schema else None


SERVICES = (
    Service("whatsapp-sandbox", "sauda_sandbox", ("SANDBOX_PORT", 8090), "/healthz", None),
    Service("order-ledger", "sauda_ledger", ("LEDGER_HEALTH_PORT", 8101), "/readyz",
            ("LEDGER_DB_SCHEMA", "ledger")),
    Service("ingest-gateway", "sauda_gateway", ("GATEWAY_PORT", 8000), "/readyz",
            ("GATEWAY_DB_SCHEMA", "gateway")),
    Service("notifier", "sauda_notifier", ("NOTIFIER_HEALTH_PORT", 8103), "/readyz",
            ("NOTIFIER_DB_SCHEMA", "notifier")),
    Service("conversation", "sauda_conversation", ("CONVERSATION_HEALTH_PORT", 8102), "/readyz",
            ("CONVERSATION_DB_SCHEMA", "conversation")),
    Service("webhook-dispatcher", "sauda_webhooks", ("WEBHOOKS_HEALTH_PORT", 8104), "/readyz",
            ("WEBHOOKS_DB_SCHEMA", "webhooks")),
)  # fmt: skip
NAMES = tuple(s.name for s in SERVICES)


def supervisor_config(
    services: tuple[Service, ...], *, state: Path, logs: Path, python: str, cwd: Path
) -> str:
    """supervisord.conf running `services` with `python`, its socket and log under `state`."""
    lines = [
        "[supervisord]",
        f"logfile={logs / 'supervisord.log'}",
        "logfile_maxbytes=10MB",
        "loglevel=info",
        f"pidfile={state / 'supervisord.pid'}",
        f"directory={cwd}",
        "nodaemon=true",
        "",
        "[unix_http_server]",
        f"file={state / 'supervisor.sock'}",
        "chmod=0700",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{state / 'supervisor.sock'}",
    ]
    for service in services:
        lines += [
            "",
            f"[program:{service.name}]",
            f"command={python} -m {service.module}",
            f"directory={cwd}",
            "autostart=true",
            "autorestart=true",
            f"startsecs={START_SECONDS}",
            f"startretries={START_RETRIES}",
            "stopsignal=TERM",
            f"stopwaitsecs={STOP_WAIT_SECONDS}",
            "stopasgroup=true",
            "killasgroup=true",
            "redirect_stderr=true",
            f"stdout_logfile={logs / f'{service.name}.log'}",
            "stdout_logfile_maxbytes=20MB",
            "stdout_logfile_backups=2",
        ]
    return "\n".join(lines) + "\n"


def chosen(only: list[str] | None) -> tuple[Service, ...]:
    if not only:
        return SERVICES
    unknown = sorted(set(only) - set(NAMES))
    if unknown:
        raise typer.BadParameter(
            f"unknown service {', '.join(unknown)}; one of {', '.join(NAMES)}", param_hint="--only"
        )
    return tuple(s for s in SERVICES if s.name in only)


StateOption = Annotated[
    Path, typer.Option("--state", help="Folder for the config, socket and pid (make run: .state).")
]


def _config_path(state: Path) -> Path:
    return state / "supervisord.conf"


@app.command("run")
def run_services(
    state: StateOption = Path(".state"),
    logs: Annotated[Path | None, typer.Option(help="Log folder (default: STATE/logs).")] = None,
    only: Annotated[list[str] | None, typer.Option(help="Run just these services.")] = None,
) -> None:
    """Write STATE/supervisord.conf and become supervisord (foreground); SIGTERM stops all."""
    state = state.resolve()
    logs = (logs or state / "logs").resolve()
    logs.mkdir(parents=True, exist_ok=True)
    config = _config_path(state)
    services = chosen(only)
    text = supervisor_config(
        services, state=state, logs=logs, python=sys.executable, cwd=Path.cwd()
    )
    config.write_text(text)
    supervisord = shutil.which("supervisord") or str(Path(sys.executable).with_name("supervisord"))
    os.execv(supervisord, [supervisord, "-c", str(config)])


@app.command("ctl", context_settings={"allow_extra_args": True})
def ctl(ctx: typer.Context, state: StateOption = Path(".state")) -> None:
    """supervisorctl on the running services: `status` (the default), `restart NAME`, …"""
    supervisorctl = shutil.which("supervisorctl") or str(
        Path(sys.executable).with_name("supervisorctl")
    )
    config = _config_path(state.resolve())
    if not config.exists():
        raise typer.BadParameter(f"no {config}: is `make run` running?", param_hint="--state")
    os.execv(supervisorctl, [supervisorctl, "-c", str(config), *(ctx.args or ["status"])])

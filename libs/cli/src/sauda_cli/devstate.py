"""`make run`'s development secrets for a `sauda` run from another shell.

`make run` keeps the secrets it makes in `.state/` (git-ignored). A `sauda` command started
where the environment names none of them reads them from there, and says so on stderr, so the
README's second-shell commands work without copying keys around. Set the variables (or
SAUDA_STATE_DIR) to use others; production sets them and never has a `.state/`.
"""

import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path

import typer

DEV_SECRETS = {  # environment variable -> file under .state that make run writes
    "SAUDA_SECRET_KEY": "secret.key",
    "WHATSAPP_APP_SECRET": "app-secret",
    "WHATSAPP_VERIFY_TOKEN": "verify-token",
}
REPO = Path(__file__).resolve().parents[4]  # libs/cli/src/sauda_cli/ -> the checkout


def state_dir(env: Mapping[str, str], cwd: Path, repo: Path = REPO) -> Path | None:
    """SAUDA_STATE_DIR, else the nearest `.state` above `cwd`, else the checkout's."""
    if env.get("SAUDA_STATE_DIR"):
        return Path(env["SAUDA_STATE_DIR"])
    for folder in (cwd, *cwd.parents, repo):
        if (folder / ".state").is_dir():
            return folder / ".state"
    return None


def missing_secrets(env: Mapping[str, str], state: Path) -> dict[str, Path]:
    """The secrets the environment lacks that `state` holds: variable -> file."""
    found = {}
    for variable, name in DEV_SECRETS.items():
        path = state / name
        if not env.get(variable) and path.is_file() and path.stat().st_size:
            found[variable] = path
    return found


def load_dev_secrets(env: MutableMapping[str, str] = os.environ) -> None:
    state = state_dir(env, Path.cwd())
    if state is None:
        return
    found = missing_secrets(env, state)
    for variable, path in found.items():
        env[variable] = path.read_text().strip()
    if found:
        typer.echo(f"not set here, so read from make run's development secrets in {state}: "
                   f"{', '.join(found)}", err=True)  # fmt: skip

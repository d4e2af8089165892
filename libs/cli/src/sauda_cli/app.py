"""The `sauda` command: its groups (one module each) and the few one-shot commands."""

import json
from pathlib import Path
from typing import Annotated

import typer

from sauda_cli import businesses, catalog, dlq, plans, replay, services, topics, users
from sauda_cli.devstate import load_dev_secrets
from sauda_cli.doctor import doctor_command
from sauda_cli.lag import lag_command
from sauda_contracts.asyncapi import asyncapi_document
from sauda_contracts.evolution import release_new
from sauda_contracts.schemas import write_schemas
from sauda_runtime.secrets import new_key

app = typer.Typer(help="Sauda operator tool.", no_args_is_help=True, add_completion=False)


@app.callback()
def _environment() -> None:
    """Sauda operator tool."""
    load_dev_secrets()


app.add_typer(businesses.app, name="business")
app.add_typer(topics.app, name="topics")
app.add_typer(replay.app, name="replay")
app.add_typer(plans.app, name="plans")
app.add_typer(catalog.app, name="catalog")
app.add_typer(users.app, name="user")
app.add_typer(services.app, name="services")
app.add_typer(dlq.app, name="dlq")
app.command("lag")(lag_command)
app.command("doctor")(doctor_command)


@app.command("secret-key")
def secret_key() -> None:
    """Print a new key for SAUDA_SECRET_KEY (Fernet)."""
    typer.echo(new_key())


@app.command("schemas")
def schemas(
    folder: Annotated[
        Path | None, typer.Argument(help="Folder to write *.schema.json into.")
    ] = None,
    release: Annotated[
        bool,
        typer.Option(help="Freeze the schema of each new record type into the released v1 set."),
    ] = False,
) -> None:
    """Write the JSON Schema of every record type on every topic and every API body."""
    if release:
        for path in release_new("v1"):
            typer.echo(f"released {path}")
    if folder is not None:
        for path in write_schemas(folder):
            typer.echo(str(path))
    elif not release:
        raise typer.BadParameter("name a FOLDER, or pass --release", param_hint="FOLDER")


@app.command("asyncapi")
def asyncapi(
    file: Annotated[Path, typer.Argument(help="File to write the AsyncAPI 3.0 JSON into.")],
) -> None:
    """Write the AsyncAPI 3.0 document of every topic (the gateway serves it at /asyncapi.json)."""
    from sauda_gateway.settings import GatewaySettings

    document = asyncapi_document(servers=GatewaySettings().kafka_bootstrap_servers)
    file.write_text(json.dumps(document, indent=2) + "\n")
    typer.echo(f"{file}: {len(document['channels'])} topics, "
               f"{len(document['components']['messages'])} message types")  # fmt: skip


def main() -> None:
    app()

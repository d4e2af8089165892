"""`sauda`: the operator's tool — businesses and keys, topics, schemas, replaying the query view."""

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import uvloop
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sauda_contracts import TOPICS
from sauda_contracts.schemas import write_schemas
from sauda_gateway.adapters.businesses import BusinessStore
from sauda_gateway.adapters.replay import replay_orders_view
from sauda_gateway.bootstrap import open_pool
from sauda_gateway.handlers import create_business, new_api_key
from sauda_gateway.settings import GatewaySettings
from sauda_runtime.kafka import ensure_topics, wait_for_kafka

app = typer.Typer(help="Sauda operator tool.", no_args_is_help=True, add_completion=False)
business_app = typer.Typer(help="Businesses and API keys.", no_args_is_help=True)
topics_app = typer.Typer(help="Kafka topics.", no_args_is_help=True)
replay_app = typer.Typer(help="Rebuild a projection from its topic.", no_args_is_help=True)
app.add_typer(business_app, name="business")
app.add_typer(topics_app, name="topics")
app.add_typer(replay_app, name="replay")

T = TypeVar("T")
PLANS = ("free", "pro", "business")


def _run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    return uvloop.run(coro_fn())  # type: ignore[arg-type]


@business_app.command("create")
def business_create(
    name: Annotated[str, typer.Option(help="Business name.")],
    plan: Annotated[str, typer.Option(help="Plan: free, pro or business.")] = "business",
    if_missing: Annotated[
        bool,
        typer.Option(
            help="Reuse a business with this name if one exists (a new API key is issued for it)."
        ),
    ] = False,
) -> None:
    """Create a business and print {"business_id", "api_key"} once; only the key's hash is kept."""
    if plan not in PLANS:
        raise typer.BadParameter(f"plan must be one of {', '.join(PLANS)}", param_hint="--plan")

    async def go() -> dict[str, Any]:
        settings = GatewaySettings()
        pool = await open_pool(settings)
        try:
            store = BusinessStore(pool)
            existing = await store.first_named(name) if if_missing else None
            if existing:
                key = new_api_key()
                await store.add_key(existing.business_id, key)
                return {"business_id": str(existing.business_id), "api_key": key}
            business, key = await create_business(store, name=name, plan=plan)
            return {"business_id": str(business.business_id), "api_key": key}
        finally:
            await pool.close()

    typer.echo(json.dumps(_run(go)))


@topics_app.command("create")
def topics_create() -> None:
    """Create every Sauda topic that is missing, with its partition count and retention."""

    async def go() -> list[str]:
        settings = GatewaySettings()
        await wait_for_kafka(settings.kafka_bootstrap_servers)
        return await ensure_topics(settings.kafka_bootstrap_servers, TOPICS)

    created = _run(go)
    for spec in TOPICS:
        mark = "created" if spec.name in created else "exists"
        typer.echo(f"{mark:8} {spec.name} partitions={spec.partitions} key={spec.key}")


@replay_app.command("orders-view")
def replay_orders() -> None:
    """Rebuild the merchant order view from orders.events.v1 offset 0, then swap it in."""

    async def go() -> int:
        settings = GatewaySettings()
        pool = await open_pool(settings)
        try:
            with Progress(
                TextColumn("replaying orders.events.v1"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=False,
            ) as bar:
                task = bar.add_task("replay", total=None)
                return await replay_orders_view(
                    pool,
                    settings.kafka_bootstrap_servers,
                    lambda done, total: bar.update(task, completed=done, total=total),
                )
        finally:
            await pool.close()

    n = _run(go)
    typer.echo(f"orders view rebuilt from {n} events and swapped in")


@app.command("schemas")
def schemas(
    folder: Annotated[Path, typer.Argument(help="Folder to write *.schema.json into.")],
) -> None:
    """Write the JSON Schema of every contract to a folder."""
    for path in write_schemas(folder):
        typer.echo(str(path))


def main() -> None:
    app()


if __name__ == "__main__":
    main()

"""`sauda topics create`: every Sauda topic with its partitions and retention, from the contracts'
topic table."""

import typer

from sauda_cli.running import run
from sauda_contracts import TOPICS
from sauda_gateway.settings import GatewaySettings
from sauda_runtime.kafka import ensure_topics, wait_for_kafka

app = typer.Typer(help="Kafka topics.", no_args_is_help=True)


@app.command("create")
def create() -> None:
    """Create every Sauda topic that is missing, with its partition count and retention."""
    servers = GatewaySettings().kafka_bootstrap_servers

    async def go() -> list[str]:
        await wait_for_kafka(servers)
        return await ensure_topics(servers, TOPICS)

    created = run(go)
    for spec in TOPICS:
        mark = "created" if spec.name in created else "exists"
        typer.echo(f"{mark:8} {spec.name} partitions={spec.partitions} key={spec.key}")

"""`sauda replay …`: rebuild a projection from its topic, offset 0, and put it in place."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from sauda_cli.running import progress, with_gateway
from sauda_gateway.view.rebuild import PROJECTIONS, replay_projection
from sauda_gateway.view.replay import replay_orders_view

if TYPE_CHECKING:
    from sauda_gateway.api.deps import Wiring

app = typer.Typer(help="Rebuild a projection from its topic.", no_args_is_help=True)


@app.command("orders-view")
def orders_view() -> None:
    """Rebuild the merchant order view and the analytics' order facts from orders.events.v1
    offset 0, then swap them in."""

    async def use(wiring: Wiring) -> int:
        with progress("replaying orders.events.v1") as bar:
            task = bar.add_task("replay", total=None)
            return await replay_orders_view(
                wiring.pool,
                wiring.settings.kafka_bootstrap_servers,
                lambda done, total: bar.update(task, completed=done, total=total),
            )

    n = with_gateway(use)
    typer.echo(f"orders view and order facts rebuilt from {n} events and swapped in")


def _rebuild(name: str) -> None:
    topics = ", ".join(PROJECTIONS[name].topics)

    async def use(wiring: Wiring) -> int:
        with progress(f"replaying {topics}") as bar:
            task = bar.add_task("replay", total=None)
            return await replay_projection(
                wiring.pool, wiring.settings.kafka_bootstrap_servers, name,
                lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip

    n = with_gateway(use)
    typer.echo(f"{name} rebuilt from {n} records of {topics} and put in place")


@app.command("message-log")
def message_log() -> None:
    """Rebuild the message log (every chat's messages and their statuses) from
    notifier.events.v1 and whatsapp.inbound.v1 (inbound messages older than that topic's week
    are kept as they are)."""
    _rebuild("message-log")


@app.command("webhook-deliveries")
def webhook_deliveries() -> None:
    """Rebuild the webhook delivery log from webhooks.events.v1."""
    _rebuild("webhook-deliveries")


@app.command("templates")
def templates() -> None:
    """Rebuild the WhatsApp templates each business sees from notifier.events.v1."""
    _rebuild("templates")

"""`sauda plans …`: plans are data (the APIs they include and their hourly allowance); custom
ones sit beside free, pro and business."""

from typing import Annotated

import typer

from sauda_cli.running import echo_json, with_gateway

app = typer.Typer(help="Plans: APIs and request allowances.", no_args_is_help=True)


@app.command("list")
def list_plans() -> None:
    """Every plan: the APIs it includes and its requests per hour."""
    for plan in with_gateway(lambda wiring: wiring.businesses.plans()):
        echo_json(plan)


@app.command("set")
def set_plan(
    name: Annotated[str, typer.Argument(help="Plan name (new or existing).")],
    requests_per_hour: Annotated[int, typer.Option(min=0, help="Allowance per business.")],
    rank: Annotated[int, typer.Option(help="Order among plans: an upgrade has a higher rank.")],
    api: Annotated[
        list[str] | None,
        typer.Option(help="An API the plan includes (repeat); the Store API is `store_api`."),
    ] = None,
) -> None:
    """Create or change a plan."""
    apis = api or []
    with_gateway(lambda wiring: wiring.businesses.upsert_plan(name, apis, requests_per_hour, rank))
    echo_json({"name": name, "apis": apis, "requests_per_hour": requests_per_hour, "rank": rank})

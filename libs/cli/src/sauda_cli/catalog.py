"""`sauda catalog import`: fill a business's products from its store, as
`POST /api/v1/products/import` does, with a progress bar."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console

from sauda_cli.running import echo_json, existing_business, progress, with_gateway
from sauda_contracts.catalog import ImportRequest
from sauda_gateway.catalog.handlers import import_catalog
from sauda_gateway.domain import DomainError
from sauda_runtime.logging import configure_logging

if TYPE_CHECKING:
    from sauda_gateway.api.deps import Wiring

app = typer.Typer(help="A business's products.", no_args_is_help=True)


@app.command("import")
def import_store(
    url: Annotated[str, typer.Argument(help="The store's address, e.g. https://store.example.")],
    business: Annotated[str, typer.Option(help="The business whose catalog it fills.")],
    currency: Annotated[
        str | None,
        typer.Option(help="ISO 4217 code for prices the store does not label (its own wins)."),
    ] = None,
) -> None:
    """Import a store's products (Shopify, WooCommerce, or sitemap + JSON-LD); print the report
    as JSON. A refusal (unsafe address, unreachable store, no catalog) is printed to stderr as
    the API's {code, message, field} and exits 1."""
    try:  # the API's own body, so the CLI takes exactly what the API takes
        request = ImportRequest(url=url, currency=currency.upper() if currency else None)
    except ValidationError as exc:
        [error, *_] = exc.errors()
        hint = "--currency" if error["loc"][0] == "currency" else "URL"
        raise typer.BadParameter(error["msg"], param_hint=hint) from None
    # stdout carries only the JSON report: the progress bar and any warnings go to stderr.
    configure_logging("sauda-cli", "WARNING", stream=sys.stderr)
    shown = Console(stderr=True)

    async def use(wiring: Wiring) -> dict[str, Any]:
        found = await existing_business(wiring, business, hint="--business")
        with progress(f"importing {url}", unit="requests", console=shown) as bar:
            task = bar.add_task("import", total=None)
            report = await import_catalog(
                request.url,
                business_id=found.business_id,
                currency=request.currency,
                crawler=wiring.crawler,
                catalog=wiring.catalog,
                on_progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        return report.model_dump(mode="json")

    try:
        report = with_gateway(use)
    except DomainError as problem:
        refusal = {"code": problem.code, "message": problem.message, "field": problem.field}
        typer.echo(json.dumps(refusal | ({"details": problem.details} if problem.details else {})),
                   err=True)  # fmt: skip
        raise typer.Exit(1) from None
    shown.print(
        f"{report['source']}: {report['created']} created, {report['updated']} updated, "
        f"{report['unchanged']} unchanged, {len(report['skipped'])} skipped",
        highlight=False,
    )
    for item in report["skipped"]:
        shown.print(f"  skipped {item['url']}: {item['reason']}", highlight=False, markup=False)
    echo_json(report)

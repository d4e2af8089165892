"""`sauda`: the operator's tool — businesses and keys, store catalog imports, topics, schemas,
replaying the query view."""

import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar
from uuid import UUID

import phonenumbers
import typer
import uvloop
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sauda_contracts import TOPICS, Language
from sauda_contracts.catalog import ImportRequest
from sauda_contracts.schemas import write_schemas
from sauda_gateway.bootstrap import open_pool, store_crawler
from sauda_gateway.catalog.handlers import import_catalog
from sauda_gateway.catalog.store import CatalogStore
from sauda_gateway.domain import DomainError
from sauda_gateway.merchant.accounts import WhatsAppAccounts
from sauda_gateway.merchant.handlers import create_business, new_api_key
from sauda_gateway.merchant.sandbox import connect_sandbox_number
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.phones import normalize_phone
from sauda_gateway.settings import GatewaySettings
from sauda_gateway.view.replay import replay_orders_view
from sauda_runtime.kafka import ensure_topics, wait_for_kafka
from sauda_runtime.logging import configure_logging
from sauda_runtime.secrets import SecretBox, new_key

app = typer.Typer(help="Sauda operator tool.", no_args_is_help=True, add_completion=False)
business_app = typer.Typer(help="Businesses and API keys.", no_args_is_help=True)
topics_app = typer.Typer(help="Kafka topics.", no_args_is_help=True)
replay_app = typer.Typer(help="Rebuild a projection from its topic.", no_args_is_help=True)
plans_app = typer.Typer(help="Plans: APIs and request allowances.", no_args_is_help=True)
catalog_app = typer.Typer(help="A business's products.", no_args_is_help=True)
app.add_typer(business_app, name="business")
app.add_typer(topics_app, name="topics")
app.add_typer(replay_app, name="replay")
app.add_typer(plans_app, name="plans")
app.add_typer(catalog_app, name="catalog")

T = TypeVar("T")


def _run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    return uvloop.run(coro_fn())  # type: ignore[arg-type]


def _with_businesses(use: Callable[[BusinessStore], Awaitable[T]]) -> T:
    """Run `use` with the business store on the configured database (migrated first)."""

    async def go() -> T:
        pool = await open_pool(GatewaySettings())
        try:
            return await use(BusinessStore(pool))
        finally:
            await pool.close()

    return _run(go)


async def _check_plan(store: BusinessStore, plan: str) -> None:
    names = await store.plan_names()
    if plan not in names:
        raise typer.BadParameter(f"plan must be one of {', '.join(names)}", param_hint="--plan")


def _business_id(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise typer.BadParameter("not a business id (a UUID)", param_hint="BUSINESS_ID") from None


RateLimit = Annotated[
    int | None,
    typer.Option(min=0, help="Requests per hour for this business, instead of its plan's."),
]


@business_app.command("create")
def business_create(
    name: Annotated[str, typer.Option(help="Business name.")],
    plan: Annotated[
        str, typer.Option(help="Plan: free, pro, business or a custom one.")
    ] = "business",
    rate_limit: RateLimit = None,
    country: Annotated[
        str,
        typer.Option(help="ISO country whose local phone numbers (03001234567) customers use."),
    ] = "PK",
    if_missing: Annotated[
        bool,
        typer.Option(
            help="Reuse a business with this name if one exists (a new API key is issued for it)."
        ),
    ] = False,
    whatsapp: Annotated[
        str | None,
        typer.Option(
            help="`sandbox`: create a number in the WhatsApp sandbox (SANDBOX_URL), with Sauda's "
            "templates approved, and connect it."
        ),
    ] = None,
    admin_phone: Annotated[
        str | None, typer.Option(help="WhatsApp number told of every new order.")
    ] = None,
    language: Annotated[
        Language, typer.Option(help="Default language of the business's WhatsApp messages.")
    ] = Language.EN,
) -> None:
    """Create a business and print {"business_id", "api_key"} once; only the key's hash is kept.
    With `--whatsapp sandbox` the output also has `whatsapp_phone_number_id`."""
    if whatsapp not in (None, "sandbox"):
        raise typer.BadParameter("the only value is `sandbox`", param_hint="--whatsapp")
    country = country.upper()
    if country not in phonenumbers.SUPPORTED_REGIONS:
        raise typer.BadParameter(
            "not an ISO country code phones are known for", param_hint="--country"
        )

    async def use(store: BusinessStore) -> dict[str, Any]:
        await _check_plan(store, plan)
        existing = await store.first_named(name) if if_missing else None
        if existing:
            key = new_api_key()
            await store.add_key(existing.business_id, key)
            return {"business_id": str(existing.business_id), "api_key": key}
            business_id = existing.business_id
            out = {"business_id": str(business_id), "api_key": key}
        else:
            business, key = await create_business(
                store, name=name, plan=plan, rate_limit_per_hour=rate_limit, default_country=country
            )
            business_id = business.business_id
            out = {"business_id": str(business_id), "api_key": key}
        if whatsapp == "sandbox":
            settings = GatewaySettings()
            account = await connect_sandbox_number(
                WhatsAppAccounts(store.pool),
                business_id,
                sandbox_url=settings.sandbox_url,
                box=_secret_box(settings),
                verified_name=name,
                admin_phone=_phone(admin_phone, country),
                language=language,
            )
            out |= account.public()
        return out

    typer.echo(json.dumps(_with_businesses(use)))


def _secret_box(settings: GatewaySettings) -> SecretBox:
    if not settings.sauda_secret_key:
        raise typer.BadParameter(
            "set SAUDA_SECRET_KEY (a key from `sauda secret-key`): access tokens are stored "
            "encrypted with it",
            param_hint="SAUDA_SECRET_KEY",
        )
    return SecretBox(settings.sauda_secret_key)


def _phone(raw: str | None, country: str) -> str | None:
    if raw is None:
        return None
    number = normalize_phone(raw, country)
    if number is None:
        raise typer.BadParameter("not a possible phone number", param_hint="--admin-phone")
    return number


@business_app.command("connect-whatsapp")
def business_connect_whatsapp(
    business_id: Annotated[str, typer.Argument(help="The business's id.")],
    phone_number_id: Annotated[str, typer.Option(help="Meta's phone number id.")],
    waba_id: Annotated[str, typer.Option(help="WhatsApp Business Account id.")],
    access_token: Annotated[
        str,
        typer.Option(
            envvar="WHATSAPP_ACCESS_TOKEN", help="System user token (or WHATSAPP_ACCESS_TOKEN)."
        ),
    ],
    graph_url: Annotated[
        str, typer.Option(help="Graph API base URL.")
    ] = "https://graph.facebook.com",
    api_version: Annotated[str, typer.Option(help="Graph API version.")] = "v21.0",
    display_phone_number: Annotated[
        str | None, typer.Option(help="The number shoppers see.")
    ] = None,
    admin_phone: Annotated[
        str | None, typer.Option(help="WhatsApp number told of every new order.")
    ] = None,
    language: Annotated[
        Language, typer.Option(help="Default language of the business's WhatsApp messages.")
    ] = Language.EN,
) -> None:
    """Connect a real WhatsApp Cloud API number. The token is stored encrypted; the notifier
    creates Sauda's templates on the WABA at its next template sync (they await Meta's review)."""
    settings = GatewaySettings()
    box = _secret_box(settings)

    async def use(store: BusinessStore) -> dict[str, Any]:
        business = await store.get(_business_id(business_id))
        if business is None:
            raise typer.BadParameter("no such business", param_hint="BUSINESS_ID")
        account = await WhatsAppAccounts(store.pool).connect(
            business.business_id,
            phone_number_id=phone_number_id,
            waba_id=waba_id,
            access_token=access_token,
            box=box,
            graph_url=graph_url,
            api_version=api_version,
            display_phone_number=display_phone_number,
            admin_phone=_phone(admin_phone, business.default_country),
            language=language.value,
            sandbox=False,
        )
        return {"business_id": business_id, **account.public()}

    typer.echo(json.dumps(_with_businesses(use)))


@app.command("secret-key")
def secret_key() -> None:
    """Print a new key for SAUDA_SECRET_KEY (Fernet)."""
    typer.echo(new_key())


@business_app.command("set-plan")
def business_set_plan(
    business_id: Annotated[str, typer.Argument(help="The business's id.")],
    plan: Annotated[str, typer.Argument(help="free, pro, business or a custom plan.")],
) -> None:
    """Move a business to another plan (takes effect on its next request)."""

    async def use(store: BusinessStore) -> bool:
        await _check_plan(store, plan)
        return await store.set_plan(_business_id(business_id), plan)

    if not _with_businesses(use):
        raise typer.BadParameter("no such business", param_hint="BUSINESS_ID")
    typer.echo(json.dumps({"business_id": business_id, "plan": plan}))


@business_app.command("set-rate-limit")
def business_set_rate_limit(
    business_id: Annotated[str, typer.Argument(help="The business's id.")],
    per_hour: Annotated[
        int | None,
        typer.Argument(
            min=0, help="Requests per hour; leave out to go back to the plan's allowance."
        ),
    ] = None,
) -> None:
    """Give one business its own hourly allowance, or (without a number) its plan's again."""
    if not _with_businesses(
        lambda store: store.set_rate_limit(_business_id(business_id), per_hour)
    ):
        raise typer.BadParameter("no such business", param_hint="BUSINESS_ID")
    typer.echo(json.dumps({"business_id": business_id, "rate_limit_per_hour": per_hour}))


@plans_app.command("list")
def plans_list() -> None:
    """Every plan: the APIs it includes and its requests per hour."""
    for plan in _with_businesses(lambda store: store.plans()):
        typer.echo(json.dumps(plan))


@plans_app.command("set")
def plans_set(
    name: Annotated[str, typer.Argument(help="Plan name (new or existing).")],
    requests_per_hour: Annotated[int, typer.Option(min=0, help="Allowance per business.")],
    rank: Annotated[int, typer.Option(help="Order among plans: an upgrade has a higher rank.")],
    api: Annotated[
        list[str] | None,
        typer.Option(help="An API the plan includes (repeat); the Store API is `store_api`."),
    ] = None,
) -> None:
    """Create or change a plan (plans are data: custom ones sit beside free, pro and business)."""
    _with_businesses(lambda store: store.upsert_plan(name, api or [], requests_per_hour, rank))
    typer.echo(
        json.dumps(
            {"name": name, "apis": api or [], "requests_per_hour": requests_per_hour, "rank": rank}
        )
    )


@catalog_app.command("import")
def catalog_import(
    url: Annotated[str, typer.Argument(help="The store's address, e.g. https://store.example.")],
    business: Annotated[str, typer.Option(help="The business whose catalog it fills.")],
    currency: Annotated[
        str | None,
        typer.Option(help="ISO 4217 code for prices the store does not label (its own wins)."),
    ] = None,
) -> None:
    """Import a store's products (Shopify, WooCommerce, or sitemap + JSON-LD), as
    `POST /api/v1/products/import` does; print the report as JSON. A refusal (unsafe address,
    unreachable store, no catalog) is printed to stderr and exits 1."""
    try:  # the API's own body, so the CLI takes exactly what the API takes
        request = ImportRequest(url=url, currency=currency.upper() if currency else None)
    except ValidationError as exc:
        [error, *_] = exc.errors()
        hint = "--currency" if error["loc"][0] == "currency" else "URL"
        raise typer.BadParameter(error["msg"], param_hint=hint) from None
    settings = GatewaySettings()
    # stdout carries only the JSON report: the progress bar and any warnings go to stderr.
    configure_logging("sauda-cli", "WARNING", stream=sys.stderr)
    shown = Console(stderr=True)

    async def use(store: BusinessStore) -> dict[str, Any]:
        found = await store.get(_business_id(business))
        if found is None:
            raise typer.BadParameter("no such business", param_hint="--business")
        with Progress(
            TextColumn("importing {task.fields[url]}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("requests"),
            TimeElapsedColumn(),
            console=shown,
        ) as bar:
            task = bar.add_task("import", total=None, url=url)
            report = await import_catalog(
                request.url,
                business_id=found.business_id,
                currency=request.currency,
                crawler=store_crawler(settings),
                catalog=CatalogStore(store.pool),
                on_progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        return report.model_dump(mode="json")

    try:
        report = _with_businesses(use)
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
    typer.echo(json.dumps(report))


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

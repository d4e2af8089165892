"""`sauda business …`: create a business (and its first API key), connect a WhatsApp number,
move it to a plan or give it its own allowance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from sauda_cli.running import (
    check_plan,
    echo_json,
    existing_business,
    phone,
    secret_box,
    with_gateway,
)
from sauda_contracts import Language
from sauda_gateway.merchant.handlers import create_business, new_api_key
from sauda_gateway.merchant.sandbox import connect_sandbox_number
from sauda_gateway.phones import is_phone_region

if TYPE_CHECKING:
    from sauda_gateway.api.deps import Wiring

app = typer.Typer(help="Businesses and API keys.", no_args_is_help=True)

BusinessId = Annotated[str, typer.Argument(help="The business's id.")]
AdminPhone = Annotated[str | None, typer.Option(help="WhatsApp number told of every new order.")]
MessageLanguage = Annotated[
    Language, typer.Option(help="Default language of the business's WhatsApp messages.")
]


@app.command("create")
def create(
    name: Annotated[str, typer.Option(help="Business name.")],
    plan: Annotated[
        str, typer.Option(help="Plan: free, pro, business or a custom one.")
    ] = "business",
    rate_limit: Annotated[
        int | None,
        typer.Option(min=0, help="Requests per hour for this business, instead of its plan's."),
    ] = None,
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
            "templates approved, and connect it (to a new business)."
        ),
    ] = None,
    admin_phone: AdminPhone = None,
    language: MessageLanguage = Language.EN,
) -> None:
    """Create a business and print {"business_id", "api_key"} once; only the key's hash is kept.
    With `--whatsapp sandbox` the output also has `whatsapp_phone_number_id`."""
    if whatsapp not in (None, "sandbox"):
        raise typer.BadParameter("the only value is `sandbox`", param_hint="--whatsapp")
    country = country.upper()
    if not is_phone_region(country):
        raise typer.BadParameter(
            "not an ISO country code phones are known for", param_hint="--country"
        )

    async def use(wiring: Wiring) -> dict[str, Any]:
        await check_plan(wiring, plan)
        existing = await wiring.businesses.first_named(name) if if_missing else None
        if existing:
            key = new_api_key()
            await wiring.businesses.add_key(existing.business_id, key)
            return {"business_id": str(existing.business_id), "api_key": key}
        business, key = await create_business(
            wiring.businesses,
            name=name,
            plan=plan,
            rate_limit_per_hour=rate_limit,
            default_country=country,
        )
        out: dict[str, Any] = {"business_id": str(business.business_id), "api_key": key}
        if whatsapp == "sandbox":
            account = await connect_sandbox_number(
                wiring.whatsapp,
                business.business_id,
                sandbox_url=wiring.settings.sandbox_url,
                box=secret_box(wiring.settings),
                verified_name=name,
                admin_phone=phone(admin_phone, country),
                language=language,
            )
            out |= account.public()
        return out

    created = with_gateway(use)
    echo_json(created)
    typer.echo(
        "create its owner's sign-in: sauda user create --business "
        f"{created['business_id']} --email you@shop.pk --role owner",
        err=True,
    )


@app.command("connect-whatsapp")
def connect_whatsapp(
    business_id: BusinessId,
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
    admin_phone: AdminPhone = None,
    language: MessageLanguage = Language.EN,
) -> None:
    """Connect a real WhatsApp Cloud API number. The token is stored encrypted; the notifier
    creates Sauda's templates on the WABA at its next template sync (they await Meta's review)."""

    async def use(wiring: Wiring) -> dict[str, Any]:
        box = secret_box(wiring.settings)
        business = await existing_business(wiring, business_id)
        account = await wiring.whatsapp.connect(
            business.business_id,
            phone_number_id=phone_number_id,
            waba_id=waba_id,
            access_token=access_token,
            box=box,
            graph_url=graph_url,
            api_version=api_version,
            display_phone_number=display_phone_number,
            admin_phone=phone(admin_phone, business.default_country),
            language=language.value,
            sandbox=False,
        )
        return {"business_id": business_id, **account.public()}

    echo_json(with_gateway(use))


@app.command("set-plan")
def set_plan(
    business_id: BusinessId,
    plan: Annotated[str, typer.Argument(help="free, pro, business or a custom plan.")],
) -> None:
    """Move a business to another plan (takes effect on its next request)."""

    async def use(wiring: Wiring) -> None:
        business = await existing_business(wiring, business_id)
        await check_plan(wiring, plan)
        await wiring.businesses.set_plan(business.business_id, plan)

    with_gateway(use)
    echo_json({"business_id": business_id, "plan": plan})


@app.command("set-rate-limit")
def set_rate_limit(
    business_id: BusinessId,
    per_hour: Annotated[
        int | None,
        typer.Argument(
            min=0, help="Requests per hour; leave out to go back to the plan's allowance."
        ),
    ] = None,
) -> None:
    """Give one business its own hourly allowance, or (without a number) its plan's again."""

    async def use(wiring: Wiring) -> None:
        business = await existing_business(wiring, business_id)
        await wiring.businesses.set_rate_limit(business.business_id, per_hour)

    with_gateway(use)
    echo_json({"business_id": business_id, "rate_limit_per_hour": per_hour})

"""How every command runs: one event loop, the gateway's stores as its bootstrap builds them,
operator mistakes as usage errors naming the option, JSON on stdout and progress on stderr."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import typer
import uvloop
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sauda_gateway.domain import Business
from sauda_gateway.phones import normalize_phone
from sauda_gateway.settings import GatewaySettings
from sauda_runtime.secrets import SecretBox

if TYPE_CHECKING:
    from sauda_gateway.api.deps import Wiring

T = TypeVar("T")


def run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    return uvloop.run(coro_fn())  # type: ignore[arg-type]


def with_gateway(use: Callable[[Wiring], Awaitable[T]]) -> T:
    """Run `use` with the gateway's stores on the configured database (migrated first)."""

    from sauda_gateway.bootstrap import offline_wiring  # the whole gateway: only when needed

    async def go() -> T:
        async with offline_wiring() as wiring:
            return await use(wiring)

    return run(go)


def echo_json(value: Any) -> None:
    typer.echo(json.dumps(value))


def business_id(raw: str, hint: str = "BUSINESS_ID") -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise typer.BadParameter("not a business id (a UUID)", param_hint=hint) from None


async def existing_business(wiring: Wiring, raw: str, hint: str = "BUSINESS_ID") -> Business:
    found = await wiring.businesses.get(business_id(raw, hint))
    if found is None:
        raise typer.BadParameter("no such business", param_hint=hint)
    return found


async def check_plan(wiring: Wiring, plan: str) -> None:
    names = await wiring.businesses.plan_names()
    if plan not in names:
        raise typer.BadParameter(f"plan must be one of {', '.join(names)}", param_hint="--plan")


def secret_box(settings: GatewaySettings) -> SecretBox:
    if not settings.sauda_secret_key:
        raise typer.BadParameter(
            "set SAUDA_SECRET_KEY (a key from `sauda secret-key`): access tokens are stored "
            "encrypted with it",
            param_hint="SAUDA_SECRET_KEY",
        )
    return SecretBox(settings.sauda_secret_key)


def phone(raw: str | None, country: str, hint: str = "--admin-phone") -> str | None:
    if raw is None:
        return None
    number = normalize_phone(raw, country)
    if number is None:
        raise typer.BadParameter("not a possible phone number", param_hint=hint)
    return number


def progress(label: str, *, unit: str = "", console: Console | None = None) -> Progress:
    """A bar for long work whose total may only be known later (`update(total=…)`)."""
    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn()]
    if unit:
        columns.append(TextColumn(unit))
    return Progress(*columns, TimeElapsedColumn(), console=console)

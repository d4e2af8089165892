"""`sauda user …`: the merchant users who sign in to the dashboard (an owner, their staff)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sauda_cli.running import echo_json, existing_business, with_gateway
from sauda_gateway import clock
from sauda_gateway.accounts.domain import Role, check_password, valid_email
from sauda_gateway.accounts.handlers import create_user
from sauda_gateway.domain import DomainError

if TYPE_CHECKING:
    from sauda_gateway.api.deps import Wiring

app = typer.Typer(help="Merchant users of the dashboard.", no_args_is_help=True)


@app.command("create")
def create(
    business: Annotated[str, typer.Option(help="The business's id.")],
    email: Annotated[str, typer.Option(help="The user's email (their sign-in name).")],
    role: Annotated[
        Role,
        typer.Option(help="owner: everything; staff: all but API keys, webhooks, users, WhatsApp."),
    ],
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from the first line of stdin (no prompt).")
    ] = False,
) -> None:
    """Create a user who signs in with email and password; prints {user_id, business_id, email,
    role}. The password is asked for twice (hidden), or read from stdin."""
    hints = {"email": "--email", "password": "--password-stdin" if password_stdin else "password"}

    def refused(exc: DomainError) -> typer.BadParameter:
        return typer.BadParameter(exc.message, param_hint=hints.get(exc.field or "", "--email"))

    try:
        valid_email(email)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        check_password(password)
    except DomainError as exc:
        raise refused(exc) from None

    async def use(wiring: Wiring) -> dict[str, Any]:
        found = await existing_business(wiring, business, "--business")
        try:
            user = await create_user(found.business_id, email, password, role,
                                     store=wiring.accounts, passwords=wiring.passwords,
                                     now=clock.now())  # fmt: skip
        except DomainError as exc:
            raise refused(exc) from None
        return {"user_id": str(user.user_id), "business_id": str(user.business_id),
                "email": user.email, "role": user.role.value}  # fmt: skip

    echo_json(with_gateway(use))

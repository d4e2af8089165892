"""`sauda user …`: the merchant users who sign in to the dashboard (an owner, their staff), and
invites for them (the link is printed: Sauda sends no email)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sauda_cli.running import echo_json, existing_business, with_gateway
from sauda_contracts.accounts import InviteCreated, UserList
from sauda_gateway import clock
from sauda_gateway.accounts import manage
from sauda_gateway.accounts.domain import Role, check_password, valid_email
from sauda_gateway.accounts.handlers import create_user
from sauda_gateway.domain import DomainError

if TYPE_CHECKING:
    from sauda_gateway.api.deps import Wiring

app = typer.Typer(help="Merchant users of the dashboard.", no_args_is_help=True)

BusinessOption = Annotated[str, typer.Option("--business", help="The business's id.")]
RoleOption = Annotated[
    Role,
    typer.Option(help="owner: everything; staff: all but API keys, webhooks, users, WhatsApp."),
]


def _refused(exc: DomainError, hints: dict[str, str]) -> typer.BadParameter:
    """A refusal as a usage error naming the option at fault (--email unless told)."""
    return typer.BadParameter(exc.message, param_hint=hints.get(exc.field or "", "--email"))


@app.command("create")
def create(
    business: BusinessOption,
    email: Annotated[str, typer.Option(help="The user's email (their sign-in name).")],
    role: RoleOption,
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from the first line of stdin (no prompt).")
    ] = False,
) -> None:
    """Create a user who signs in with email and password; prints {user_id, business_id, email,
    role}. The password is asked for twice (hidden), or read from stdin."""
    hints = {"email": "--email", "password": "--password-stdin" if password_stdin else "password"}

    try:
        valid_email(email)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        check_password(password)
    except DomainError as exc:
        raise _refused(exc, hints) from None

    async def use(wiring: Wiring) -> dict[str, Any]:
        found = await existing_business(wiring, business, "--business")
        try:
            user = await create_user(found.business_id, email, password, role,
                                     store=wiring.accounts, passwords=wiring.passwords,
                                     now=clock.now())  # fmt: skip
        except DomainError as exc:
            raise _refused(exc, hints) from None
        return {"user_id": str(user.user_id), "business_id": str(user.business_id),
                "email": user.email, "role": user.role.value}  # fmt: skip

    echo_json(with_gateway(use))


@app.command("invite")
def invite(
    business: BusinessOption,
    email: Annotated[str, typer.Option(help="Who is invited (their sign-in name once accepted).")],
    role: RoleOption,
) -> None:
    """Invite someone to the business; prints {invite_id, email, role, created_at, expires_at,
    invite_url}. Hand them invite_url (built on GATEWAY_PUBLIC_URL): it is good for one use
    within 7 days, and shown only now. Inviting the same email again withdraws the older link."""
    try:
        valid_email(email)
    except DomainError as exc:
        raise _refused(exc, {}) from None

    async def use(wiring: Wiring) -> dict[str, Any]:
        found = await existing_business(wiring, business, "--business")
        try:
            made = await manage.invite(found, email, role, accounts=wiring.accounts,
                                       invites=wiring.invites, now=clock.now(),
                                       public_url=wiring.settings.gateway_public_url)  # fmt: skip
        except DomainError as exc:
            raise _refused(exc, {}) from None
        return InviteCreated.model_validate(made).model_dump(mode="json")

    echo_json(with_gateway(use))


@app.command("list")
def list_users(business: BusinessOption) -> None:
    """The business's users and its open invites, as GET /api/v1/users shows them:
    {users: [{user_id, email, role, created_at}], invites: [{invite_id, email, role, created_at,
    expires_at}]}."""

    async def use(wiring: Wiring) -> dict[str, Any]:
        found = await existing_business(wiring, business, "--business")
        team = await manage.team(found, accounts=wiring.accounts, invites=wiring.invites,
                                 now=clock.now())  # fmt: skip
        return UserList.model_validate(team).model_dump(mode="json")

    echo_json(with_gateway(use))

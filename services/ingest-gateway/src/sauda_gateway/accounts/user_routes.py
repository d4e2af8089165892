"""The owner's team: the business's users (their roles, removing one) and invites to join it.
Staff are refused (owner_only); an API key has an owner's powers. Accepting an invite is a
sign-in route (accounts/routes.py)."""

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.accounts import InviteCreated, InviteIn, RoleChange, UserList, UserOut
from sauda_gateway import clock
from sauda_gateway.accounts import manage
from sauda_gateway.accounts.domain import Role
from sauda_gateway.api.deps import AccountsDep, InvitesDep, SettingsDep, UsersOwnerDep
from sauda_gateway.api.responses import contract_response, refusals

users = APIRouter(prefix="/api/v1/users", tags=["Users"])


@users.get("", response_model=UserList, responses=refusals())
async def list_users(business: UsersOwnerDep, accounts: AccountsDep,
                     invites: InvitesDep) -> Response:  # fmt: skip
    """The business's users, and the invites neither accepted nor expired."""
    return contract_response(UserList, await manage.team(business, accounts=accounts, invites=invites,
                                             now=clock.now()))  # fmt: skip


@users.post("/invites", status_code=201, response_model=InviteCreated, responses=refusals(409))
async def invite(
    body: InviteIn, business: UsersOwnerDep, accounts: AccountsDep, invites: InvitesDep,
    settings: SettingsDep,
) -> Response:  # fmt: skip
    """Invite someone: hand them `invite_url` (shown only here; good for one use, 7 days).
    Inviting the same email again withdraws the earlier link."""
    made = await manage.invite(business, body.email, Role(body.role), accounts=accounts,
                               invites=invites, now=clock.now(),
                               public_url=settings.gateway_public_url)  # fmt: skip
    return contract_response(InviteCreated, made, 201)


@users.delete("/invites/{invite_id}", status_code=204, responses=refusals(404))
async def withdraw_invite(invite_id: str, business: UsersOwnerDep,
                          invites: InvitesDep) -> Response:  # fmt: skip
    """Withdraw an invite not yet accepted: its link opens nothing any more."""
    await manage.withdraw_invite(business, invite_id, invites=invites)
    return Response(status_code=204)


@users.patch("/{user_id}", response_model=UserOut, responses=refusals(404, 409))
async def change_role(user_id: str, body: RoleChange, business: UsersOwnerDep,
                      accounts: AccountsDep) -> Response:  # fmt: skip
    """Make the user owner or staff (409 last_owner for the business's only owner)."""
    return contract_response(UserOut, await manage.change_role(business, user_id, Role(body.role),
                                                   accounts=accounts))  # fmt: skip


@users.delete("/{user_id}", status_code=204, responses=refusals(404, 409))
async def remove_user(user_id: str, business: UsersOwnerDep, accounts: AccountsDep) -> Response:
    """Delete the user; their sessions end (409 last_owner for the business's only owner)."""
    await manage.remove_user(business, user_id, accounts=accounts)
    return Response(status_code=204)

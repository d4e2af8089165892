"""What an owner manages: the business's API keys, its users and their invites. Routes let only
an owner (or an API key) reach these; collaborators are keyword-only."""

import secrets
from datetime import datetime
from typing import Any
from uuid import UUID

from sauda_gateway import clock
from sauda_gateway.accounts.domain import (
    MAX_API_KEYS,
    ApiKeyLimitReached,
    ApiKeyNotFound,
    EmailTaken,
    InviteNotFound,
    Role,
    UserNotFound,
    check_owners_left,
    invite_expiry,
    invite_url,
    token_hash,
    valid_email,
)
from sauda_gateway.accounts.invites import InviteStore, NewInvite
from sauda_gateway.accounts.keys import ApiKeyStore
from sauda_gateway.accounts.store import AccountStore
from sauda_gateway.domain import Business, parse_id
from sauda_gateway.merchant.domain import key_prefix
from sauda_gateway.merchant.handlers import new_api_key
from sauda_gateway.merchant.store import BusinessStore

# --- API keys ---


async def create_api_key(
    business: Business, name: str, *, keys: ApiKeyStore, now: datetime
) -> tuple[dict[str, Any], str]:
    """A new named key of the business and the key itself (shown once: only its hash is kept)."""
    raw, key_id = new_api_key(), clock.new_id()
    if not await keys.create(business.business_id, key_id, name, raw, now, limit=MAX_API_KEYS):
        raise ApiKeyLimitReached(
            f"a business has at most {MAX_API_KEYS} live API keys: revoke one first"
        )
    return {"key_id": key_id, "name": name, "prefix": key_prefix(raw), "created_at": now}, raw


async def revoke_api_key(
    business: Business, raw_id: str, *, keys: ApiKeyStore, businesses: BusinessStore,
    now: datetime,
) -> None:  # fmt: skip
    """Revoke one of the business's keys. It stops working on this process at once; other
    gateway replicas notice within their cache of verified keys (API_KEY_CACHE_SECONDS).
    Revoking a revoked key again changes nothing and is not refused."""
    key_hash = await keys.revoke(business.business_id, parse_id(raw_id, ApiKeyNotFound), now)
    if key_hash is None:
        raise ApiKeyNotFound()
    businesses.forget_key(key_hash)


# --- users and invites ---


async def invite(
    business: Business, email: str, role: Role, *, accounts: AccountStore, invites: InviteStore,
    now: datetime, public_url: str,
) -> dict[str, Any]:  # fmt: skip
    """An invite for one person to join the business as `role`, with the link to hand them
    (its one-time token is shown only here). An email that already has a user is EmailTaken."""
    address = valid_email(email)
    if await accounts.user_by_email(address) is not None:
        raise EmailTaken()
    token = secrets.token_urlsafe(32)
    new = NewInvite(invite_id=clock.new_id(), business_id=business.business_id, email=address,
                    role=Role(role), token_hash=token_hash(token), created_at=now,
                    expires_at=invite_expiry(now))  # fmt: skip
    await invites.create(new)
    return {"invite_id": new.invite_id, "email": address, "role": new.role.value,
            "created_at": now, "expires_at": new.expires_at,
            "invite_url": invite_url(public_url, token)}  # fmt: skip


async def withdraw_invite(business: Business, raw_id: str, *, invites: InviteStore) -> None:
    if not await invites.withdraw(business.business_id, parse_id(raw_id, _no_invite)):
        raise _no_invite()


def _no_invite() -> InviteNotFound:
    return InviteNotFound(field="invite_id")


async def team(
    business: Business, *, accounts: AccountStore, invites: InviteStore, now: datetime
) -> dict[str, Any]:
    """The business's users and the invites still open."""
    return {"users": await accounts.users_of(business.business_id),
            "invites": await invites.pending(business.business_id, now)}  # fmt: skip


async def _change_user(
    business: Business, raw_id: str, becomes: Role | None, *, accounts: AccountStore
) -> dict[str, Any]:
    def allowed(owners: int, role: Role) -> None:
        check_owners_left(owners=owners, role=role, becomes=becomes)

    user_id: UUID = parse_id(raw_id, UserNotFound)
    user = await accounts.change_user(business.business_id, user_id, becomes, allowed=allowed)
    if user is None:
        raise UserNotFound()
    return user


async def change_role(
    business: Business, raw_id: str, role: Role, *, accounts: AccountStore
) -> dict[str, Any]:
    """The user with their new role (it holds from their next request on); the business's only
    owner cannot be made staff (LastOwner)."""
    return await _change_user(business, raw_id, Role(role), accounts=accounts)


async def remove_user(business: Business, raw_id: str, *, accounts: AccountStore) -> None:
    """Delete the user: their sessions end with them. The only owner cannot be removed."""
    await _change_user(business, raw_id, None, accounts=accounts)

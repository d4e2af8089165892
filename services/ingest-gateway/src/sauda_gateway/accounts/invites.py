"""Invites to join a business, in Postgres (only each one-time token's SHA-256), and accepting
one: the user made, the invite used and a session opened in one transaction."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from sauda_gateway.accounts.domain import Role
from sauda_gateway.accounts.store import NewSession, insert_session, insert_user

_INVITE = "invite_id, email, role, created_at, expires_at"


@dataclass(frozen=True)
class NewInvite:
    invite_id: UUID
    business_id: UUID
    email: str
    role: Role
    token_hash: bytes
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Invite:
    """An invite as its link finds it, with the name of the business it is to."""

    business_id: UUID
    business_name: str
    email: str
    role: Role
    expires_at: datetime
    used_at: datetime | None


class InviteStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def create(self, invite: NewInvite) -> None:
        """Store the invite; an earlier unused one to the same email and business is withdrawn
        (its link stops working), so inviting again is how an owner resends a lost link."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "DELETE FROM merchant_invites WHERE business_id = $1 AND email = $2 "
                "AND used_at IS NULL",
                invite.business_id, invite.email,
            )  # fmt: skip
            await conn.execute(
                f"INSERT INTO merchant_invites ({_INVITE}, business_id, token_hash) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                invite.invite_id, invite.email, invite.role.value, invite.created_at,
                invite.expires_at, invite.business_id, invite.token_hash,
            )  # fmt: skip

    async def pending(self, business_id: UUID, now: datetime) -> list[dict[str, Any]]:
        """The business's invites neither accepted nor expired, oldest first."""
        rows = await self._pool.fetch(
            f"SELECT {_INVITE} FROM merchant_invites WHERE business_id = $1 "
            "AND used_at IS NULL AND expires_at > $2 ORDER BY created_at, invite_id",
            business_id, now,
        )  # fmt: skip
        return [dict(r) for r in rows]

    async def withdraw(self, business_id: UUID, invite_id: UUID) -> bool:
        """Delete an unused invite of the business (its link then names nothing)."""
        done = await self._pool.execute(
            "DELETE FROM merchant_invites WHERE business_id = $1 AND invite_id = $2 "
            "AND used_at IS NULL",
            business_id, invite_id,
        )  # fmt: skip
        return done.endswith(" 1")

    async def by_token(self, token_hash: bytes) -> Invite | None:
        row = await self._pool.fetchrow(
            "SELECT i.business_id, b.name AS business_name, i.email, i.role, i.expires_at, "
            "i.used_at FROM merchant_invites i JOIN businesses b USING (business_id) "
            "WHERE i.token_hash = $1",
            token_hash,
        )
        return Invite(**{**dict(row), "role": Role(row["role"])}) if row else None

    async def accept(self, token_hash: bytes, session: NewSession, now: datetime) -> bool:
        """Use the invite (while unused and unexpired at `now`), create its user `session.user`
        and open `session`, all or nothing. False when the invite was not there to use; a user
        of that email already being there raises EmailTaken and uses nothing."""
        async with self._pool.acquire() as conn, conn.transaction():
            used = await conn.fetchval(
                "UPDATE merchant_invites SET used_at = $2 WHERE token_hash = $1 "
                "AND used_at IS NULL AND expires_at > $2 RETURNING invite_id",
                token_hash, now,
            )  # fmt: skip
            if used is None:
                return False
            await insert_user(conn, session.user, now)
            await insert_session(conn, session)
        return True

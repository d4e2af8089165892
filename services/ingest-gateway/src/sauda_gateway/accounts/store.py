"""Merchant users (and the team an owner manages), their sessions and the login throttle's
counts, in Postgres."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from sauda_gateway.accounts.domain import ACCOUNT, ADDRESS, EmailTaken, Role
from sauda_gateway.domain import Business
from sauda_runtime.db import Conn


@dataclass(frozen=True)
class User:
    user_id: UUID
    business_id: UUID
    email: str
    role: Role
    password_hash: str


@dataclass(frozen=True)
class Session:
    """A session row with its user and business, whether still live or not."""

    user_id: UUID
    email: str
    role: Role
    csrf_token: str
    expires_at: datetime
    revoked_at: datetime | None
    business: Business


@dataclass(frozen=True)
class NewSession:
    token_hash: bytes
    user: User
    csrf_token: str
    created_at: datetime
    expires_at: datetime


_USER = "user_id, business_id, email, role, password_hash"
_MEMBER = "user_id, email, role, created_at"  # a user as the owner's list shows them
_USERS_OF = (
    f"SELECT {_MEMBER} FROM merchant_users WHERE business_id = $1 ORDER BY created_at, user_id"
)


def _user(row: asyncpg.Record | None) -> User | None:
    return User(**{**dict(row), "role": Role(row["role"])}) if row else None


async def insert_user(conn: Conn, user: User, now: datetime) -> None:
    """A new user, or EmailTaken (an email signs in to one business only)."""
    try:
        await conn.execute(
            f"INSERT INTO merchant_users ({_USER}, created_at, password_changed_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $6)",
            user.user_id, user.business_id, user.email, user.role.value, user.password_hash, now,
        )  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise EmailTaken() from None


async def insert_session(conn: Conn, s: NewSession) -> None:
    await conn.execute(
        "INSERT INTO merchant_sessions (token_hash, user_id, business_id, csrf_token, "
        "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        s.token_hash, s.user.user_id, s.user.business_id, s.csrf_token, s.created_at, s.expires_at,
    )  # fmt: skip


class AccountStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def create_user(self, user: User, now: datetime) -> None:
        async with self._pool.acquire() as conn:
            await insert_user(conn, user, now)

    async def user_by_email(self, email: str) -> User | None:
        return _user(
            await self._pool.fetchrow(f"SELECT {_USER} FROM merchant_users WHERE email = $1", email)
        )

    async def user(self, user_id: UUID) -> User | None:
        return _user(
            await self._pool.fetchrow(
                f"SELECT {_USER} FROM merchant_users WHERE user_id = $1", user_id
            )
        )

    async def set_hash(self, user_id: UUID, password_hash: str) -> None:
        """A stronger hash of the same password (parameters raised since it was made)."""
        await self._pool.execute(
            "UPDATE merchant_users SET password_hash = $2 WHERE user_id = $1",
            user_id,
            password_hash,
        )

    async def change_password(
        self, user_id: UUID, password_hash: str, now: datetime, then: NewSession
    ) -> None:
        """The new hash, every session of the user revoked and `then` opened, in one transaction."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "UPDATE merchant_users SET password_hash = $2, password_changed_at = $3 "
                "WHERE user_id = $1",
                user_id, password_hash, now,
            )  # fmt: skip
            await conn.execute(
                "UPDATE merchant_sessions SET revoked_at = $2 "
                "WHERE user_id = $1 AND revoked_at IS NULL",
                user_id, now,
            )  # fmt: skip
            await insert_session(conn, then)

    async def open_session(self, session: NewSession) -> None:
        async with self._pool.acquire() as conn:
            await insert_session(conn, session)

    async def session(self, token_hash: bytes) -> Session | None:
        row = await self._pool.fetchrow(
            "SELECT s.user_id, u.email, u.role, s.csrf_token, s.expires_at, s.revoked_at, "
            "b.business_id, b.name, b.plan, b.default_country FROM merchant_sessions s "
            "JOIN merchant_users u USING (user_id) JOIN businesses b ON b.business_id = u.business_id "
            "WHERE s.token_hash = $1",
            token_hash,
        )
        if row is None:
            return None
        business = Business(row["business_id"], row["name"], row["plan"], row["default_country"])
        return Session(row["user_id"], row["email"], Role(row["role"]), row["csrf_token"],
                       row["expires_at"], row["revoked_at"], business)  # fmt: skip

    async def revoke(self, token_hash: bytes, now: datetime) -> None:
        await self._pool.execute(
            "UPDATE merchant_sessions SET revoked_at = $2 "
            "WHERE token_hash = $1 AND revoked_at IS NULL",
            token_hash,
            now,
        )

    async def failures(self, email: str, address: str, window: datetime) -> tuple[int, int]:
        """Failed logins this window: (for this email, from this address)."""
        rows = await self._pool.fetch(
            "SELECT scope, failures FROM login_attempts WHERE window_start = $3 AND "
            "((scope = $4 AND key = $1) OR (scope = $5 AND key = $2))",
            email, address, window, ACCOUNT, ADDRESS,
        )  # fmt: skip
        counts = {r["scope"]: r["failures"] for r in rows}
        return counts.get(ACCOUNT, 0), counts.get(ADDRESS, 0)

    async def record_failure(self, email: str, address: str, window: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO login_attempts (scope, key, window_start, failures) "
            "VALUES ($3, $1, $5, 1), ($4, $2, $5, 1) ON CONFLICT (scope, key, window_start) "
            "DO UPDATE SET failures = login_attempts.failures + 1",
            email, address, ACCOUNT, ADDRESS, window,
        )  # fmt: skip

    async def forget_account_failures(self, email: str) -> None:
        """A successful login clears its email's count (never its address's)."""
        await self._pool.execute(
            "DELETE FROM login_attempts WHERE scope = $2 AND key = $1", email, ACCOUNT
        )

    async def forget_ended(self, before: datetime) -> None:
        """Login counts of windows that started before `before`, sessions that expired or were
        revoked before it, and invites that expired before it (a used one is kept until then,
        so its link keeps saying it was used)."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM login_attempts WHERE window_start < $1", before)
            await conn.execute(
                "DELETE FROM merchant_sessions WHERE expires_at < $1 OR revoked_at < $1", before
            )
            await conn.execute("DELETE FROM merchant_invites WHERE expires_at < $1", before)

    # --- the team an owner manages ---

    async def users_of(self, business_id: UUID) -> list[dict[str, Any]]:
        """The business's users, oldest first."""
        return [dict(r) for r in await self._pool.fetch(_USERS_OF, business_id)]

    async def change_user(
        self, business_id: UUID, user_id: UUID, becomes: Role | None, *,
        allowed: Callable[[int, Role], None],
    ) -> dict[str, Any] | None:  # fmt: skip
        """Give the business's user the role `becomes`, or delete them (None; their sessions go
        with them), once `allowed(owners, their role)` has not refused, with the business's users
        locked so that two owners cannot each demote the other. The user as they are after, or
        None when the business has no such user."""
        async with self._pool.acquire() as conn, conn.transaction():
            team = await conn.fetch(
                f"SELECT {_MEMBER} FROM merchant_users WHERE business_id = $1 FOR UPDATE",
                business_id,
            )
            user = next((dict(r) for r in team if r["user_id"] == user_id), None)
            if user is None:
                return None
            allowed(sum(r["role"] == Role.OWNER.value for r in team), Role(user["role"]))
            if becomes is None:
                await conn.execute("DELETE FROM merchant_users WHERE user_id = $1", user_id)
            else:
                await conn.execute(
                    "UPDATE merchant_users SET role = $2 WHERE user_id = $1", user_id, becomes.value
                )
                user["role"] = becomes.value
            return user

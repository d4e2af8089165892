"""Merchant WhatsApp accounts, read-only from the gateway's schema, with the token unsealed.

Cached for a few seconds only: a merchant may connect a number at any time, and the next order
after that should use it.
"""

import time
from typing import Protocol
from uuid import UUID

import asyncpg

from sauda_notifier.domain.facts import Account, parse_language
from sauda_runtime.logging import get_logger
from sauda_runtime.secrets import InvalidToken, SecretBox

log = get_logger(__name__)


class AccountDirectory(Protocol):
    async def of_business(self, business_id: UUID) -> Account | None: ...

    async def all(self) -> list[Account]: ...


class PgAccountDirectory:
    def __init__(
        self, pool: asyncpg.Pool, *, schema: str, box: SecretBox, cache_seconds: float = 5.0
    ) -> None:
        self._pool = pool
        self._box = box
        self._ttl = cache_seconds
        self._cache: dict[UUID, tuple[float, Account | None]] = {}
        self._sql = (
            "SELECT a.business_id, b.name AS business_name, a.phone_number_id, a.waba_id, "
            "a.access_token_enc, a.graph_url, a.api_version, a.admin_phone, a.language, a.sandbox "
            f'FROM "{schema}".whatsapp_accounts a JOIN "{schema}".businesses b USING (business_id)'
        )

    def _account(self, row: asyncpg.Record) -> Account | None:
        try:
            token = self._box.open(bytes(row["access_token_enc"]))
        except InvalidToken:
            # Sealed under a key this process does not have: as good as not connected.
            log.error("whatsapp_token_unreadable", business_id=str(row["business_id"]))
            return None
        return Account(
            business_id=row["business_id"],
            business_name=row["business_name"],
            phone_number_id=row["phone_number_id"],
            waba_id=row["waba_id"],
            graph_url=row["graph_url"].rstrip("/"),
            api_version=row["api_version"],
            access_token=token,
            admin_phone=row["admin_phone"],
            language=parse_language(row["language"]),
            sandbox=row["sandbox"],
        )

    async def of_business(self, business_id: UUID) -> Account | None:
        now = time.monotonic()
        cached = self._cache.get(business_id)
        if cached and cached[0] > now:
            return cached[1]
        row = await self._pool.fetchrow(f"{self._sql} WHERE a.business_id = $1", business_id)
        account = self._account(row) if row else None
        self._cache[business_id] = (now + self._ttl, account)
        return account

    async def all(self) -> list[Account]:
        accounts = [a for r in await self._pool.fetch(self._sql) if (a := self._account(r))]
        expires = time.monotonic() + self._ttl
        for account in accounts:
            self._cache[account.business_id] = (expires, account)
        return accounts

    def forget(self, business_id: UUID) -> None:
        self._cache.pop(business_id, None)

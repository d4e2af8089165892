"""Which of Sauda's templates each WABA has (kept in step with Meta), and template reviews."""

import asyncio
import time

from sauda_contracts.whatsapp import (
    TemplateStatusChanged,
)
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.graph import GraphApiError, TemplateRegistry
from sauda_notifier.adapters.store import PgNotifierStore
from sauda_notifier.domain.facts import Account
from sauda_notifier.domain.templates import sauda_templates
from sauda_runtime.logging import bound_contextvars, get_logger

log = get_logger(__name__)


class TemplateBook:
    """Which of Sauda's templates each WABA has, and in what review status; keeps the
    templates table in step with Meta and creates the templates Sauda needs but lacks."""

    def __init__(
        self, store: PgNotifierStore, registry: TemplateRegistry, *, min_resync: float
    ) -> None:
        self._store = store
        self._registry = registry
        self._min_resync = min_resync
        self._synced: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def status(self, account: Account, name: str, language: str) -> str | None:
        """Meta's review status of a template; an unknown one triggers a sync first."""
        status = await self._store.template_status(account.waba_id, name, language)
        if status is None and await self.sync(account, force=False):
            status = await self._store.template_status(account.waba_id, name, language)
        return status

    async def sync(self, account: Account, *, force: bool = True) -> bool:
        """List the WABA's templates, store them, create Sauda's missing ones. False if it did
        not run (synced moments ago) or Meta could not be asked."""
        lock = self._locks.setdefault(account.waba_id, asyncio.Lock())
        async with lock:
            last = self._synced.get(account.waba_id)
            if not force and last is not None and time.monotonic() - last < self._min_resync:
                return False
            self._synced[account.waba_id] = time.monotonic()
            with bound_contextvars(business_id=str(account.business_id), waba_id=account.waba_id):
                try:
                    listed = await self._registry.list_templates(account)
                except GraphApiError as exc:
                    log.warning("template_sync_failed", error=str(exc))
                    return False
                await self._store.replace_templates(account.waba_id, listed)
                have = {(str(t.get("name")), str(t.get("language"))) for t in listed}
                created = 0
                for _purpose, _language, definition in sauda_templates():
                    ref = (definition["name"], definition["language"])
                    if ref in have:
                        continue
                    have.add(ref)
                    try:
                        answer = await self._registry.create_template(account, definition)
                    except GraphApiError as exc:
                        log.warning("template_create_failed", template=ref[0], language=ref[1],
                                    error=str(exc))  # fmt: skip
                        continue
                    created += 1
                    await self._store.set_template_status(
                        account.waba_id,
                        *ref,
                        str(answer.get("status") or "PENDING"),
                        category=answer.get("category") or definition["category"],
                        template_id=str(answer["id"]) if answer.get("id") else None,
                    )
                log.info("templates_synced", listed=len(listed), created=created)
            return True


async def handle_template_status(
    event: TemplateStatusChanged,
    *,
    store: PgNotifierStore,
    accounts: AccountDirectory,
    templates: TemplateBook,
) -> None:
    body = event.body
    with bound_contextvars(business_id=str(event.business_id), waba_id=body.waba_id):
        if body.name and body.language:
            await store.set_template_status(body.waba_id, body.name, body.language, body.status)
        log.info("template_status_changed", template=body.name, status=body.status)
        account = await accounts.of_business(event.business_id)
        if account is not None and account.waba_id == body.waba_id:
            await templates.sync(account, force=False)


async def sync_all_templates(*, accounts: AccountDirectory, templates: TemplateBook) -> int:
    synced = 0
    for account in await accounts.all():
        synced += await templates.sync(account)
    return synced

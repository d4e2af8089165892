"""Which of Sauda's templates each WABA has (kept in step with Meta), and template reviews; each
business is told of every change to its templates (TemplateRecorded) as it is written."""

import asyncio
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from sauda_contracts.whatsapp import (
    TemplateStatusChanged,
)
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.graph import GraphApiError, TemplateRegistry
from sauda_notifier.adapters.rows import Cause
from sauda_notifier.adapters.store import PgNotifierStore
from sauda_notifier.domain.facts import Account
from sauda_notifier.domain.templates import sauda_templates
from sauda_notifier.handlers.common import NotifierConfig
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.retrying import Clock, utcnow

log = get_logger(__name__)

# How often the sync sweep looks for connected numbers whose templates it has not listed yet
# (a number connected a moment ago shows its templates within this), whatever the period.
NEW_ACCOUNT_CHECK = 5.0


class TemplateBook:
    """Which of Sauda's templates each WABA has, and in what review status; keeps the
    templates table in step with Meta and creates the templates Sauda needs but lacks.
    `wake` tells the outbox relay that snapshots were written."""

    def __init__(
        self,
        store: PgNotifierStore,
        registry: TemplateRegistry,
        *,
        min_resync: float,
        clock: Clock = utcnow,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._registry = registry
        self._min_resync = min_resync
        self._clock = clock
        self._wake = wake
        # Per business and WABA: two businesses on one WABA are each told of its templates.
        self._synced: dict[tuple[UUID, str], float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def status(self, account: Account, name: str, language: str) -> str | None:
        """Meta's review status of a template; an unknown one triggers a sync first."""
        status = await self._store.template_status(account.waba_id, name, language)
        if status is None and await self.sync(account, force=False):
            status = await self._store.template_status(account.waba_id, name, language)
        return status

    def synced_within(self, account: Account, seconds: float) -> bool:
        """Whether this process listed the account's templates less than `seconds` ago."""
        last = self._synced.get((account.business_id, account.waba_id))
        return last is not None and time.monotonic() - last < seconds

    async def sync(self, account: Account, *, force: bool = True) -> bool:
        """List the WABA's templates, store them, create Sauda's missing ones. False if it did
        not run (synced moments ago) or Meta could not be asked."""
        lock = self._locks.setdefault(account.waba_id, asyncio.Lock())
        async with lock:
            if not force and self.synced_within(account, self._min_resync):
                return False
            self._synced[(account.business_id, account.waba_id)] = time.monotonic()
            with bound_contextvars(business_id=str(account.business_id), waba_id=account.waba_id):
                try:
                    listed = await self._registry.list_templates(account)
                except GraphApiError as exc:
                    log.warning("template_sync_failed", error=str(exc))
                    return False
                cause = Cause(account.business_id, f"template-sync:{account.waba_id}", None)
                told = await self._store.replace_templates(
                    account.waba_id, listed, cause=cause, now=self._clock()
                )
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
                    told += await self._store.set_template_status(
                        (account.waba_id, *ref),
                        str(answer.get("status") or "PENDING"),
                        category=answer.get("category") or definition["category"],
                        template_id=str(answer["id"]) if answer.get("id") else None,
                        cause=cause,
                        now=self._clock(),
                    )
                self._told(told)
                log.info("templates_synced", listed=len(listed), created=created, told=told)
            return True

    async def create(
        self, account: Account, definition: dict[str, Any], cause: Cause
    ) -> dict[str, Any]:
        """Submit one template to Meta's review (GraphApiError if Meta refuses it); its state as
        Meta answered (PENDING) is recorded and the business told."""
        answer = await self._registry.create_template(account, definition)
        told = await self._store.set_template_status(
            (account.waba_id, definition["name"], definition["language"]),
            str(answer.get("status") or "PENDING"),
            category=answer.get("category") or definition.get("category"),
            template_id=str(answer["id"]) if answer.get("id") else None,
            cause=cause, now=self._clock(),
        )  # fmt: skip
        self._told(told)
        return answer

    async def review(self, event: TemplateStatusChanged) -> int:
        """Meta's review of one template; the business is told if its state changed."""
        body = event.body
        cause = Cause(event.business_id, event.correlation_id, str(event.event_id))
        told = await self._store.set_template_status(
            (body.waba_id, body.name, body.language), body.status, reason=body.reason,
            cause=cause, now=self._clock(),
        )  # fmt: skip
        self._told(told)
        return told

    def _told(self, snapshots: int) -> None:
        if snapshots:
            self._wake()


async def handle_template_status(
    event: TemplateStatusChanged,
    *,
    accounts: AccountDirectory,
    templates: TemplateBook,
) -> None:
    body = event.body
    with bound_contextvars(business_id=str(event.business_id), waba_id=body.waba_id,
                           correlation_id=event.correlation_id):  # fmt: skip
        told = 0
        if body.name and body.language:
            told = await templates.review(event)
        log.info("template_status_changed", template=body.name, language=body.language,
                 status=body.status, reason=body.reason, told=told)  # fmt: skip
        account = await accounts.of_business(event.business_id)
        if account is not None and account.waba_id == body.waba_id:
            await templates.sync(account, force=False)


async def sync_due_templates(
    *, accounts: AccountDirectory, templates: TemplateBook, config: NotifierConfig
) -> int:
    """One round of the sync sweep: each account not listed for a whole period, and each one
    this process has never listed (connected since it started), is synced."""
    synced = 0
    for account in await accounts.all():
        if not templates.synced_within(account, config.template_sync):
            synced += await templates.sync(account)
    return synced

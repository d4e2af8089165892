"""The merchant's template requests on whatsapp.outbound.v1: a template to create at Meta, or
the WABA's list to sync again. Each is carried out once and its outcome published
(TemplateRequestRecorded); what it changed reaches the gateway as TemplateRecorded snapshots.

Meta is called before the outcome's transaction claims the command: a notifier that dies in
between creates again on redelivery, which Meta refuses as a duplicate; the request then ends
done if a sync finds the template listed (it is Sauda's, submitted the first time)."""

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias
from uuid import NAMESPACE_URL, UUID, uuid5

from sauda_contracts import Topic
from sauda_contracts.message_templates import template_key
from sauda_contracts.template_admin import (
    CreateTemplate,
    SyncTemplates,
    TemplateRequestError,
    TemplateRequestKind,
    TemplateRequestRecorded,
    TemplateRequestRecordedBody,
    TemplateRequestStatus,
)
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.graph import GraphApiError
from sauda_notifier.adapters.rows import Cause
from sauda_notifier.adapters.store import PgNotifierStore
from sauda_notifier.domain.facts import Account
from sauda_notifier.handlers.templates import TemplateBook
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.outbox import add_to_outbox
from sauda_runtime.retrying import Clock

log = get_logger(__name__)

TemplateRequest: TypeAlias = CreateTemplate | SyncTemplates
CONSUMER = "outbound"  # the outbound batch's claims: a request is one of its commands


def outcome_id(request: TemplateRequest) -> UUID:
    """The outcome's event id, from the request: a repeat publishes the same event."""
    return uuid5(NAMESPACE_URL, f"sauda:template-request:{request.body.request_id}")


async def _carry_out(
    request: TemplateRequest, account: Account | None, templates: TemplateBook, cause: Cause
) -> dict[str, Any]:
    """What the request comes to: the outcome body's fields."""
    if account is None:
        return {"status": TemplateRequestStatus.FAILED,
                "error": TemplateRequestError(code="whatsapp_not_connected",
                                              message="no WhatsApp number is connected")}  # fmt: skip
    if isinstance(request, SyncTemplates):
        if await templates.sync(account, force=True):
            return {"status": TemplateRequestStatus.DONE}
        return {"status": TemplateRequestStatus.FAILED,
                "error": TemplateRequestError(code="sync_failed",
                                              message="Meta could not be asked for the list; "
                                              "try again")}  # fmt: skip
    definition = request.body.definition.model_dump(mode="json", exclude_none=True)
    try:
        answer = await templates.create(account, definition, cause)
    except GraphApiError as exc:
        error = exc.failure.error
        await templates.sync(account, force=True)
        if await templates.status(account, definition["name"], definition["language"]):
            return {"status": TemplateRequestStatus.DONE}  # submitted by an earlier attempt
        message = error.title + (f": {error.details}" if error.details else "")
        return {"status": TemplateRequestStatus.FAILED,
                "error": TemplateRequestError(code=str(error.code), message=message[:2000])}  # fmt: skip
    return {"status": TemplateRequestStatus.DONE,
            "template_id": str(answer["id"]) if answer.get("id") else None,
            "template_status": str(answer.get("status") or "PENDING")}  # fmt: skip


async def handle_template_requests(
    requests: Sequence[TemplateRequest],
    *,
    store: PgNotifierStore,
    accounts: AccountDirectory,
    templates: TemplateBook,
    wake: Callable[[], None],
    clock: Clock,
) -> None:
    """Each request not yet handled: carried out, then claimed with its outcome published."""
    async with store.unit_of_work() as uow:
        handled = await uow.already_processed(CONSUMER, [r.event_id for r in requests])
    published = 0
    for request in requests:
        if request.event_id in handled:
            continue
        handled.add(request.event_id)
        kind = (TemplateRequestKind.SYNC if isinstance(request, SyncTemplates)
                else TemplateRequestKind.CREATE)  # fmt: skip
        cause = Cause(request.business_id, request.correlation_id, str(request.event_id))
        with bound_contextvars(business_id=str(request.business_id),
                               correlation_id=request.correlation_id,
                               request_id=str(request.body.request_id)):  # fmt: skip
            account = await accounts.of_business(request.business_id)
            fields = await _carry_out(request, account, templates, cause)
            now = clock()
            outcome = TemplateRequestRecorded(
                **cause.envelope(outcome_id(request), now),
                body=TemplateRequestRecordedBody(request_id=request.body.request_id, kind=kind,
                                                 recorded_at=now, **fields),
            )  # fmt: skip
            async with store.unit_of_work() as uow:
                if not await uow.first_times(CONSUMER, [request.event_id]):
                    continue
                await add_to_outbox(uow.conn, [(Topic.NOTIFIER_EVENTS,
                                                template_key(request.business_id),
                                                outcome.to_bytes())])  # fmt: skip
            published += 1
            log.info("template_request_done", kind=kind.value, status=fields["status"],
                     error=fields.get("error"))  # fmt: skip
    if published:
        wake()

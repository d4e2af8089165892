"""UploadMedia on whatsapp.outbound.v1: the gateway's file put on Meta for the business's
number, once per command, and a MediaUploaded telling the gateway what came of it.

The call to Meta comes before the transaction that claims the command and queues the event
(no transaction is held over an upload). A command already claimed is skipped before any call,
so a redelivery uploads nothing; only a crash between Meta's answer and that commit uploads the
file again on redelivery (Meta then holds one unused copy, which it deletes after 30 days)."""

from collections.abc import Callable, Sequence

from sauda_contracts import Topic
from sauda_contracts.media import MediaUploaded, MediaUploadedBody, UploadMedia
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.media import MediaUploader
from sauda_notifier.adapters.store import PgNotifierStore
from sauda_notifier.domain.media import file_problem, outcome, uploaded_event_id
from sauda_notifier.domain.retries import SendFailure
from sauda_runtime.kit import claimed
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.outbox import add_to_outbox
from sauda_runtime.retrying import Clock

log = get_logger(__name__)

UPLOAD_CLAIMS = "notifier-uploads"


async def handle_uploads(
    commands: Sequence[UploadMedia],
    *,
    store: PgNotifierStore,
    accounts: AccountDirectory,
    media: MediaUploader | None,
    wake: Callable[[], None],
    clock: Clock,
) -> int:
    """Upload each command's file once; returns how many were settled now."""
    async with store.pool.acquire() as conn:
        done = await claimed(conn, UPLOAD_CLAIMS, [c.event_id for c in commands])
    settled = 0
    for command in commands:
        if command.event_id in done:
            continue  # redelivered: uploaded (or refused) and told already
        with bound_contextvars(upload_id=str(command.body.upload_id),
                               business_id=str(command.business_id),
                               correlation_id=command.correlation_id):  # fmt: skip
            body = await _upload(command, accounts=accounts, media=media, clock=clock)
            event = MediaUploaded(event_id=uploaded_event_id(command.body.upload_id),
                                  occurred_at=clock(), business_id=command.business_id,
                                  correlation_id=command.correlation_id,
                                  causation_id=str(command.event_id), body=body)  # fmt: skip
            async with store.unit_of_work() as uow:
                if not await uow.first_times(UPLOAD_CLAIMS, [command.event_id]):
                    continue
                await add_to_outbox(uow.conn, [(Topic.NOTIFIER_EVENTS,
                                                str(command.business_id).encode(),
                                                event.to_bytes())])  # fmt: skip
            settled += 1
            log.info("media_upload_settled", status=body.status.value, media_id=body.media_id,
                     error_code=body.error.code if body.error else None)  # fmt: skip
    if settled:
        wake()
    return settled


async def _upload(
    command: UploadMedia,
    *,
    accounts: AccountDirectory,
    media: MediaUploader | None,
    clock: Clock,
) -> MediaUploadedBody:
    body = command.body
    account = await accounts.of_business(command.business_id)
    if account is None or media is None:
        title = "WhatsApp is not connected for this business" if media else "uploads are off"
        return outcome(body.upload_id, media_id=None, code=0, title=title, now=clock())
    file = await media.fetch(command.business_id, body.upload_id)
    if (problem := file_problem(body.sha256, file.data if file else None)) is not None:
        return outcome(body.upload_id, media_id=None, code=0, title=problem, now=clock())
    assert file is not None
    result = await media.upload(account, file)
    if isinstance(result, SendFailure):
        return outcome(body.upload_id, media_id=None, code=result.error.code,
                       title=result.error.title, now=clock())  # fmt: skip
    return outcome(body.upload_id, media_id=result, code=0, title="", now=clock())

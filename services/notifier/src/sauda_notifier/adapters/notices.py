"""Notices for the merchant: each raised once (its id derives from its cause), published on
notifier.events.v1 in the caller's transaction."""

from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime

from sauda_contracts import Topic
from sauda_contracts.whatsapp import NoticeBody, NoticeRaised, chat_key
from sauda_notifier.adapters.rows import Cause
from sauda_notifier.domain.facts import Notice
from sauda_runtime.db import Conn
from sauda_runtime.outbox import add_to_outbox


async def raise_notices(conn: Conn, notices: Iterable[Notice], cause: Cause, now: datetime) -> int:
    """Publish each notice not raised before; how many were new."""
    raised = 0
    for notice in notices:
        new = await conn.fetchval(
            "INSERT INTO notices (notice_id, business_id, kind, order_id) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true",
            notice.notice_id,
            cause.business_id,
            notice.kind.value,
            notice.order_id,
        )
        if not new:
            continue
        raised += 1
        event = NoticeRaised(
            **cause.envelope(notice.notice_id, now),
            # The notice's fields are the body's; only its text is cut to the wire's limit.
            body=NoticeBody(**{**asdict(notice), "message": notice.message[:1000]}),
        )
        # A chat's notice stays in order with its messages; a business-wide one by business.
        key = (
            chat_key(cause.business_id, notice.chat_with)
            if notice.chat_with
            else str(cause.business_id).encode()
        )
        await add_to_outbox(conn, [(Topic.NOTIFIER_EVENTS, key, event.to_bytes())])
    return raised

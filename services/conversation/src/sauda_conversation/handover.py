"""The handover use case, in the kit's transaction: a shopper who asks for a person, or whose
second free text in a row the bot fails to understand, is told a person will reply; the chat
goes to a team member (`ChatHandedOver` on whatsapp.outbound.v1: the notifier raises the
merchant's `handover` notice, the gateway assigns the chat); and the bot keeps quiet on free
text until the merchant unassigns the chat (`ChatReleased`) or the quiet window ends."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol
from uuid import NAMESPACE_URL, UUID, uuid5

from sauda_contracts import Topic
from sauda_contracts.handover import (
    ChatHandedOver,
    ChatHandedOverBody,
    ChatReleased,
    HandoverReason,
)
from sauda_contracts.language import Language
from sauda_contracts.whatsapp import InboundMessageReceived, chat_key
from sauda_conversation.adapters.handover import HandoverTarget, load_hold, save_hold
from sauda_conversation.domain import replies as r
from sauda_conversation.domain.chat import caused_by, reply_sends
from sauda_conversation.domain.flow import Said
from sauda_conversation.domain.handover import (
    ChatHold,
    after_text,
    handed_over,
    is_held,
    keeps_talking_when_held,
    released,
    wants_a_person,
)
from sauda_runtime.db import Conn
from sauda_runtime.kit import Transaction
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

RELEASE_CLAIMS = "conversation-releases"  # by the gateway's ChatReleased event id

HANDED_OVER: dict[Language, str] = {
    Language.EN: "Thank you! A person from {shop} will reply here soon.",
    Language.UR: "شکریہ! {shop} کی طرف سے کوئی صاحب جلد یہیں جواب دیں گے۔",
    Language.UR_LATN: "Shukriya! {shop} ki taraf se koi sahib jald yahin jawab denge.",
}
_THE_SHOP = {Language.EN: "the shop", Language.UR: "دکان", Language.UR_LATN: "dukaan"}


def handed_over_text(language: Language, shop_name: str) -> str:
    """The shopper's notice, in their script."""
    return HANDED_OVER[language].format(shop=shop_name.strip() or _THE_SHOP[language])


def handover_id(business_id: UUID, wamid: str) -> UUID:
    """One shopper message hands a chat over at most once, however often it is delivered."""
    return uuid5(NAMESPACE_URL, f"sauda:handover:{business_id}:{wamid}")


class People(Protocol):
    """Whom a business's handed chats go to (the gateway's configuration, read-only)."""

    async def target(self, conn: Conn, business_id: UUID, chat: str) -> HandoverTarget: ...


async def before_turn(
    tx: Transaction, message: InboundMessageReceived, said: Said, *, people: People,
    language: Language, now: datetime,
) -> tuple[ChatHold, int | None]:  # fmt: skip
    """The chat's hold, and what became of the message if the handover took it: held (0: the
    bot keeps quiet) or a request for a person (the records queued). None: the bot answers."""
    body = message.body
    hold = await load_hold(tx.conn, message.business_id, body.chat_with)
    text = said.text
    if said.reply_id or not text:
        return hold, None  # a tap (Confirm, Cancel, a list row) works whoever holds the chat
    if is_held(hold, now):
        if keeps_talking_when_held(text):
            return hold, None
        log.info("chat_held_quiet", business_id=str(message.business_id),
                 correlation_id=message.correlation_id)  # fmt: skip
        return hold, 0
    if wants_a_person(text):
        queued = await hand_over(tx, message, hold, HandoverReason.ASKED, people=people,
                                 language=language, now=now)  # fmt: skip
        return hold, queued
    return hold, None


async def after_turn(
    tx: Transaction, message: InboundMessageReceived, hold: ChatHold, *, understood: bool,
    people: People, language: Language, now: datetime,
) -> int | None:  # fmt: skip
    """Count a free text the bot did not understand (an understood one starts the count over);
    the second in a row hands the chat over instead of the bot's answer (the records queued).
    None: the bot's own answer goes out."""
    verdict = after_text(hold, wamid=message.body.wamid, understood=understood)
    if verdict.reason is not None:
        return await hand_over(tx, message, verdict.hold, verdict.reason, people=people,
                               language=language, now=now)  # fmt: skip
    if verdict.hold != hold:
        await save_hold(tx.conn, message.business_id, message.body.chat_with, verdict.hold, now)
    return None


async def hand_over(
    tx: Transaction, message: InboundMessageReceived, hold: ChatHold, reason: HandoverReason,
    *, people: People, language: Language, now: datetime,
) -> int:  # fmt: skip
    """Tell the shopper, hand the chat to its team member, keep quiet: two records queued."""
    body, business_id = message.body, message.business_id
    target = await people.target(tx.conn, business_id, body.chat_with)
    quiet = timedelta(hours=target.quiet_hours)
    await save_hold(tx.conn, business_id, body.chat_with, handed_over(hold, at=now, quiet=quiet),
                    now)  # fmt: skip
    record = ChatHandedOver(
        **caused_by(message, uuid5(message.event_id, "handover"), now=now),
        body=ChatHandedOverBody(
            handover_id=handover_id(business_id, body.wamid),
            customer_phone=body.customer_phone,
            customer_user_id=body.customer_user_id,
            reason=reason,
            assigned_user_id=target.user_id,
            text=r.clip(body.text, 1000) if body.text else None,
            wamid=body.wamid,
            at=body.sent_at,
            quiet_until=now + quiet,
        ),
    )
    key = chat_key(business_id, body.chat_with)
    tx.publish(Topic.WHATSAPP_OUTBOUND, key, record.to_bytes())
    notice = r.text(handed_over_text(language, target.shop_name))
    for send in reply_sends(message, [notice], now=now):
        tx.publish(Topic.WHATSAPP_OUTBOUND, key, send.to_bytes())
    log.info("chat_handed_over", reason=reason.value, business_id=str(business_id),
             assigned_user_id=str(target.user_id) if target.user_id else None,
             correlation_id=message.correlation_id)  # fmt: skip
    return 2


async def handle_releases(
    releases: Sequence[ChatReleased], *, tx: Transaction, now: datetime
) -> int:
    """The merchant unassigned handed chats: the bot answers them again, once per release (a
    release older than the chat's latest handover changes nothing). Returns chats released."""
    done = 0
    for release in releases:
        if not await tx.claim(RELEASE_CLAIMS, [release.event_id]):
            continue
        chat = release.body.chat_with
        hold = await load_hold(tx.conn, release.business_id, chat)
        after = released(hold, at=release.body.at)
        if after != hold:
            await save_hold(tx.conn, release.business_id, chat, after, now)
            done += 1
        log.info("chat_released", business_id=str(release.business_id), changed=after != hold,
                 correlation_id=release.correlation_id)  # fmt: skip
    return done

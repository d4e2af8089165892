"""The merchant's notice of a chat the bot handed to a person: one per handover, saying why,
to whom and what the shopper wrote."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from sauda_contracts.handover import ChatHandedOver, ChatHandedOverBody, HandoverReason
from sauda_contracts.whatsapp import NoticeKind
from sauda_notifier.domain.facts import handover_notice

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def handed(reason: HandoverReason, *, user: bool = True, phone: bool = True) -> ChatHandedOver:
    who = {"customer_phone": "923001234567"} if phone else {"customer_user_id": "US.1349120865"}
    return ChatHandedOver(
        event_id=uuid4(), occurred_at=AT, business_id=uuid4(), correlation_id="c",
        body=ChatHandedOverBody(
            handover_id=uuid4(), **who, reason=reason,
            assigned_user_id=uuid4() if user else None, text="zzkq wubba", wamid="wamid.1",
            at=AT, quiet_until=AT + timedelta(hours=24),
        ),
    )  # fmt: skip


def test_a_handover_notice_says_why_to_whom_and_what_was_written() -> None:
    command = handed(HandoverReason.NOT_UNDERSTOOD)
    notice = handover_notice(command)
    assert notice.kind is NoticeKind.HANDOVER
    assert notice.customer_phone == "923001234567"
    assert notice.details["reason"] == "not_understood"
    assert notice.details["assigned_user_id"] == str(command.body.assigned_user_id)
    assert notice.details["text"] == "zzkq wubba"
    assert "did not understand" in notice.message and "assigned to your team" in notice.message


def test_the_same_handover_delivered_twice_is_one_notice() -> None:
    command = handed(HandoverReason.ASKED)
    again = command.model_copy(update={"event_id": uuid4()})
    assert handover_notice(command).notice_id == handover_notice(again).notice_id


def test_a_username_shopper_with_no_team_member_is_still_told_to_the_merchant() -> None:
    notice = handover_notice(handed(HandoverReason.ASKED, user=False, phone=False))
    assert notice.customer_user_id == "US.1349120865" and notice.customer_phone is None
    assert "assigned_user_id" not in notice.details and "no team member" in notice.message

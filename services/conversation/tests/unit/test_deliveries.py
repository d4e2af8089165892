"""The shopper's tap under a failed-delivery message: read from its payload, one command per
attempt whichever button, and a reply in the shopper's language."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from sauda_contracts.deliveries import DeliveryAnswer, answer_command_id, delivery_payload
from sauda_contracts.language import Language
from sauda_contracts.whatsapp import InboundKind, InboundMessageBody, InboundMessageReceived
from sauda_conversation.domain.deliveries import (
    DeliveryTap,
    answer_command,
    delivery_tap,
    reply_to_answer,
    starts_address_change,
)

BUSINESS = UUID("11111111-1111-4111-8111-111111111111")
ORDER = UUID("22222222-2222-4222-8222-222222222222")
NOW = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)


def tapped(payload: str, wamid: str = "wamid.1") -> InboundMessageReceived:
    return InboundMessageReceived(
        event_id=uuid4(), occurred_at=NOW, business_id=BUSINESS, correlation_id="c",
        body=InboundMessageBody(phone_number_id="1065", customer_phone="923001234567",
                                wamid=wamid, kind=InboundKind.BUTTON, meta_type="button",
                                text="Deliver again", reply_id=payload, sent_at=NOW),
    )  # fmt: skip


def test_every_button_of_one_attempt_names_the_same_command() -> None:
    ids = set()
    for answer in DeliveryAnswer:
        message = tapped(delivery_payload(answer, ORDER, 2, Language.EN), wamid=f"w.{answer}")
        tap = delivery_tap(message.body)
        assert tap == DeliveryTap(answer, ORDER, 2, Language.EN)
        command = answer_command(message, tap, now=NOW)
        assert (command.body.attempt, command.body.answer) == (2, answer)
        ids.add(command.event_id)
    assert ids == {answer_command_id(ORDER, 2)}


def test_a_cod_tap_is_no_delivery_answer() -> None:
    assert delivery_tap(tapped(f"cod:confirm:{ORDER}:ORD-000001").body) is None


@pytest.mark.parametrize(
    ("answer", "language", "words"),
    [
        (DeliveryAnswer.DELIVER_AGAIN, Language.EN, "deliver your order again"),
        (DeliveryAnswer.DELIVER_AGAIN, Language.UR_LATN, "dobara deliver"),
        (DeliveryAnswer.CANCEL, Language.UR, "اسٹور کو بتا دیا"),
    ],
)
def test_the_reply_is_in_the_shoppers_language(
    answer: DeliveryAnswer, language: Language, words: str
) -> None:
    tap = DeliveryTap(answer, ORDER, 1, language)
    assert words in reply_to_answer(tap, first=True)
    assert "already answered" not in reply_to_answer(tap, first=True)


def test_a_later_tap_hears_that_the_first_answer_stands() -> None:
    tap = DeliveryTap(DeliveryAnswer.CANCEL, ORDER, 1, Language.EN)
    assert "already answered" in reply_to_answer(tap, first=False)


def test_only_the_first_change_address_starts_the_address_flow() -> None:
    change = DeliveryTap(DeliveryAnswer.CHANGE_ADDRESS, ORDER, 1, Language.EN)
    assert starts_address_change(change, first=True)
    assert not starts_address_change(change, first=False)
    again = DeliveryTap(DeliveryAnswer.DELIVER_AGAIN, ORDER, 1, Language.EN)
    assert not starts_address_change(again, first=True)

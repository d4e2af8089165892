"""A failed delivery attempt to the shopper: one template per attempt, three quick replies that
name the order and the attempt, in the shopper's language; nothing without consent."""

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

from sauda_contracts import Actor, OrderStatus
from sauda_contracts.deliveries import (
    DeliveryAnswer,
    DeliveryAttemptFailedBody,
    FailureReason,
    OrderDeliveryAttemptFailed,
    parse_delivery_payload,
)
from sauda_contracts.language import Language
from sauda_contracts.templates import TEMPLATES
from sauda_contracts.whatsapp import MessagePurpose
from sauda_notifier.domain.deliveries import plan_delivery_failed
from sauda_notifier.domain.facts import Account, OrderFacts

BUSINESS = UUID("11111111-1111-4111-8111-111111111111")
ORDER = UUID("22222222-2222-4222-8222-222222222222")
NOW = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)
ACCOUNT = Account(business_id=BUSINESS, business_name="Chai Wala", phone_number_id="1065",
                  waba_id="1022", graph_url="http://127.0.0.1:8090", api_version="v21.0",
                  access_token="token", admin_phone=None, language=Language.EN)  # fmt: skip
ORDER_FACTS = OrderFacts(order_id=ORDER, business_id=BUSINESS, order_number="ORD-000042",
                         customer_phone="923001234567", customer_name="Ayesha", language=None,
                         consent=True, total=Decimal("3000"), currency="PKR",
                         status=OrderStatus.SHIPPED, version=4, correlation_id="c")  # fmt: skip


def failed(attempt: int = 1) -> OrderDeliveryAttemptFailed:
    return OrderDeliveryAttemptFailed(
        event_id=uuid4(), occurred_at=NOW, business_id=BUSINESS, correlation_id="c",
        body=DeliveryAttemptFailedBody(order_id=ORDER, version=4 + attempt,
                                       status=OrderStatus.SHIPPED, attempt=attempt,
                                       reason=FailureReason.REFUSED, actor=Actor.MERCHANT,
                                       attempted_at=NOW),
    )  # fmt: skip


def test_the_shopper_gets_three_quick_replies_naming_the_order_and_the_attempt() -> None:
    plan = plan_delivery_failed(failed(2), ORDER_FACTS, ACCOUNT)
    [message] = plan.messages
    assert message.purpose is MessagePurpose.DELIVERY_FAILED
    assert message.params == ("Ayesha", "ORD-000042", "Chai Wala")
    assert [parse_delivery_payload(p) for p in message.payloads] == [
        (answer, ORDER, 2, Language.EN) for answer in DeliveryAnswer
    ]
    assert plan.facts is not None and plan.facts.version == 6


def test_one_message_per_attempt_whatever_the_event_id() -> None:
    keys = {plan_delivery_failed(failed(n), ORDER_FACTS, ACCOUNT).messages[0].dedupe_key
            for n in (1, 1, 2)}  # fmt: skip
    assert len(keys) == 2


def test_it_speaks_the_shoppers_language_with_its_buttons() -> None:
    order = dataclasses.replace(ORDER_FACTS, language=Language.UR_LATN)
    [message] = plan_delivery_failed(failed(), order, ACCOUNT).messages
    assert message.meta_ref == ("sauda_delivery_failed_roman", "ur")
    labels = TEMPLATES[MessagePurpose.DELIVERY_FAILED].quick_replies[Language.UR_LATN]
    assert labels == ("Dobara bhejein", "Pata badlein", "Cancel")
    assert parse_delivery_payload(message.payloads[0]) == (
        DeliveryAnswer.DELIVER_AGAIN, ORDER, 1, Language.UR_LATN)  # fmt: skip


def test_no_consent_or_no_whatsapp_means_no_message() -> None:
    no_consent = dataclasses.replace(ORDER_FACTS, consent=False)
    assert plan_delivery_failed(failed(), no_consent, ACCOUNT).messages == ()
    assert plan_delivery_failed(failed(), ORDER_FACTS, None).messages == ()
    assert plan_delivery_failed(failed(), None, ACCOUNT).messages == ()


def test_a_payload_that_is_not_ours_is_no_answer() -> None:
    for payload in (None, "", "cod:confirm:x:y", f"ndr:deliver_again:{ORDER}:0:en",
                    f"ndr:maybe:{ORDER}:1:en", "ndr:cancel:not-a-uuid:1:en"):  # fmt: skip
        assert parse_delivery_payload(payload) is None

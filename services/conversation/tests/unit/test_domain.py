"""COD taps and the answers to refused ones, as tables."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from sauda_contracts import OrderStatus, Payment, PaymentStatus, RejectionBody, RejectionCode
from sauda_contracts.language import Language
from sauda_contracts.templates import CodAction, cod_payload, parse_cod_payload
from sauda_contracts.testing import order_placed, status_changed
from sauda_contracts.whatsapp import InboundKind, InboundMessageBody
from sauda_conversation.domain.cod import (
    CANCEL_REASON,
    COD_ANSWER_WINDOW,
    StatusMove,
    awaiting_orders,
    cod_tap,
    command_id_for,
    reply_to_refused_tap,
    status_moves,
)
from sauda_conversation.domain.replies import which_order

ORDER = uuid4()


def inbound(kind: InboundKind, reply_id: str | None, text: str | None = None) -> InboundMessageBody:
    return InboundMessageBody(
        phone_number_id="1001", customer_phone="923001234567", wamid="wamid.X",
        sent_at=datetime.now(UTC), kind=kind, meta_type=kind.value, text=text, reply_id=reply_id,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "reply_id", "expected"),
    [
        (
            InboundKind.BUTTON,
            cod_payload(CodAction.CONFIRM, ORDER, "ORD-000001"),
            OrderStatus.CONFIRMED,
        ),
        (
            InboundKind.BUTTON,
            cod_payload(CodAction.CANCEL, ORDER, "ORD-000001"),
            OrderStatus.CANCELLED,
        ),
        (
            InboundKind.BUTTON_REPLY,
            cod_payload(CodAction.CONFIRM, ORDER, "ORD-1"),
            OrderStatus.CONFIRMED,
        ),
        (InboundKind.BUTTON, "Confirm", None),  # a quick reply sent without payload: the label
        (InboundKind.BUTTON, f"cod:ship:{ORDER}:ORD-1", None),  # not an action a shopper has
        (InboundKind.BUTTON, "cod:confirm:not-a-uuid:ORD-1", None),
        (
            InboundKind.TEXT,
            cod_payload(CodAction.CONFIRM, ORDER, "ORD-1"),
            None,
        ),  # typed, not tapped
        (InboundKind.LIST_REPLY, cod_payload(CodAction.CONFIRM, ORDER, "ORD-1"), None),
    ],
)
def test_cod_taps(kind: InboundKind, reply_id: str, expected: OrderStatus | None) -> None:
    tap = cod_tap(inbound(kind, reply_id))
    assert (tap.status if tap else None) == expected
    if tap:
        assert tap.order_id == ORDER


def test_cancel_reason_is_the_issues_words() -> None:
    tap = cod_tap(inbound(InboundKind.BUTTON, cod_payload(CodAction.CANCEL, ORDER, "ORD-1")))
    assert tap is not None and tap.reason == CANCEL_REASON == "customer cancelled on WhatsApp"


def test_one_message_one_command_id() -> None:
    business = uuid4()
    assert command_id_for(business, "wamid.A") == command_id_for(business, "wamid.A")
    assert command_id_for(business, "wamid.A") != command_id_for(business, "wamid.B")
    assert command_id_for(business, "wamid.A") != command_id_for(uuid4(), "wamid.A")


def rejection(
    current: OrderStatus | None, code: RejectionCode = RejectionCode.INVALID_TRANSITION
) -> RejectionBody:
    return RejectionBody(order_id=ORDER, command_id=uuid4(), command_type="ChangeOrderStatus",
                         code=code, message="no", current_status=current)  # fmt: skip


@pytest.mark.parametrize(
    ("current", "action", "reply"),
    [
        (OrderStatus.CONFIRMED, CodAction.CONFIRM, "Your order ORD-7 is already confirmed. Thank you!"),
        (OrderStatus.CANCELLED, CodAction.CANCEL, "Your order ORD-7 is already cancelled."),
        (OrderStatus.CANCELLED, CodAction.CONFIRM, "Your order ORD-7 was cancelled, so nothing was changed."),
        (OrderStatus.SHIPPED, CodAction.CANCEL,
         "Your order ORD-7 has already shipped, so nothing was changed. If you still want to cancel it, please contact the store."),
        (OrderStatus.DELIVERED, CodAction.CONFIRM, "Your order ORD-7 has already been delivered, so nothing was changed."),
        (None, CodAction.CONFIRM, "Sorry, we could not find order ORD-7. Please contact the store."),
    ],
)  # fmt: skip
def test_refused_taps_get_their_order_status(
    current: OrderStatus | None, action: CodAction, reply: str
) -> None:
    code = RejectionCode.ORDER_NOT_FOUND if current is None else RejectionCode.INVALID_TRANSITION
    assert reply_to_refused_tap(rejection(current, code), "ORD-7", action) == reply


# --- orders awaiting a typed COD answer ---


def test_only_orders_that_asked_for_a_cod_answer_wait_for_one() -> None:
    now, business = datetime.now(UTC), uuid4()
    paid = Payment(status=PaymentStatus.PAID, method="card")
    events = [
        order_placed(business, number="ORD-1", at=now),
        order_placed(business, number="ORD-2", consent=False, at=now),  # no COD message was sent
        order_placed(business, number="ORD-3", phone=None, at=now),
        order_placed(
            business, number="ORD-4", payment=paid, at=now
        ),  # confirmed by the ledger at once
        order_placed(business, number="ORD-5", at=now - COD_ANSWER_WINDOW - timedelta(seconds=1)),
    ]
    [waiting] = awaiting_orders(events, now)
    assert (waiting.order_number, waiting.chat_with, waiting.total) == (
        "ORD-1", "923001234567", "PKR 3,000",
    )  # fmt: skip
    assert waiting.business_id == business and waiting.placed_at == now


def test_status_events_move_orders_and_other_events_do_not() -> None:
    placed = order_placed(uuid4())
    moved = status_changed(placed, OrderStatus.CANCELLED, version=3)
    assert status_moves([placed, moved]) == [
        StatusMove(placed.body.order_id, OrderStatus.CANCELLED, 3)
    ]


def test_a_typed_answer_that_could_mean_several_orders_offers_each_orders_buttons() -> None:
    orders = [(uuid4(), f"ORD-{n}", "PKR 3,000") for n in range(1, 5)]
    intro, *each = which_order(orders, Language.UR_LATN)
    assert intro.text.startswith("Aap ke 4 orders aap ke jawab ke muntazir hain.")
    assert [m.text for m in each] == ["Order ORD-1: PKR 3,000", "Order ORD-2: PKR 3,000",
                                      "Order ORD-3: PKR 3,000"]  # fmt: skip
    for message, (order_id, number, _) in zip(each, orders, strict=False):
        assert [b.title for b in message.buttons] == ["Confirm karein", "Cancel karein"]
        assert [parse_cod_payload(b.id) for b in message.buttons] == [
            (CodAction.CONFIRM, order_id, number), (CodAction.CANCEL, order_id, number),
        ]  # fmt: skip

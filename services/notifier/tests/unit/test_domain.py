"""The notifier's decisions, table by table: formatting, what to send for each order event,
retry classification and schedule, receipt precedence."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TypeVar
from uuid import UUID, uuid4

import pytest

from sauda_contracts import (
    STATUS_EVENT_TYPES,
    Actor,
    Customer,
    Fulfillment,
    LineItem,
    OrderFulfillmentUpdated,
    OrderPlaced,
    OrderSource,
    OrderStatus,
    Payment,
    PaymentStatus,
    Topic,
)
from sauda_contracts.language import Language
from sauda_contracts.orders import (
    FulfillmentUpdatedBody,
    OrderPlacedBody,
    OrderStatusChangedBody,
    format_money,
)
from sauda_contracts.templates import CodAction, cod_payload
from sauda_contracts.whatsapp import (
    DeliveryStatus,
    GraphError,
    ListMenu,
    ListRow,
    ListSection,
    MessagePurpose,
    NoticeKind,
    OutboundKind,
    ReplyButton,
    SendMessageBody,
)
from sauda_notifier.domain.facts import Account, OrderFacts, order_facts
from sauda_notifier.domain.graph_requests import chat_request, template_request
from sauda_notifier.domain.message_log import Message, SendState, new_template_message
from sauda_notifier.domain.planning import (
    OrderPlan,
    ReminderAction,
    plan_order_placed,
    plan_status_event,
)
from sauda_notifier.domain.receipts import apply_receipt, receipt_status
from sauda_notifier.domain.retries import (
    SendFailure,
    SendOutcome,
    Sent,
    Verdict,
    after_attempt,
    classify,
    next_retry,
)
from sauda_notifier.domain.templates import (
    ITEMS_MAX_CHARS,
    clean_param,
    items_summary,
    template_sendable,
    tracking_text,
)

NOW = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)
BUSINESS = UUID("11111111-1111-4111-8111-111111111111")
ORDER = UUID("22222222-2222-4222-8222-222222222222")
D = DeliveryStatus
E = TypeVar("E")
P = MessagePurpose
S = OrderStatus


def account(**overrides: object) -> Account:
    values: dict[str, object] = {
        "business_id": BUSINESS,
        "business_name": "Chai Wala",
        "phone_number_id": "106540352242922",
        "waba_id": "102290129340398",
        "graph_url": "http://127.0.0.1:8090",
        "api_version": "v21.0",
        "access_token": "token",
        "admin_phone": "+92 300 0000001",
        "language": Language.EN,
    }
    return Account(**(values | overrides))


def placed(
    *,
    consent: bool = True,
    phone: str | None = "923001234567",
    name: str | None = "Ayesha",
    language: Language | None = None,
    payment: Payment | None = None,
    items: tuple[LineItem, ...] = (
        LineItem(name="Widget Pro", qty=2, price=Decimal("1000")),
        LineItem(name="Cable", qty=1, price=Decimal("1000")),
    ),
) -> OrderPlaced:
    body = OrderPlacedBody(
        order_id=ORDER,
        order_number="ORD-000042",
        source=OrderSource.INGEST,
        customer=Customer(phone=phone, name=name, consent=consent, language=language),
        items=items,
        total=Decimal("3000"),
        currency="PKR",
        idempotency_key="k1",
        actor=Actor.STORE,
        payment=payment,
    )
    return order_event(OrderPlaced, body, correlation_id="req-1")


def order_event(cls: type[E], body: object, *, correlation_id: str) -> E:
    """An order event of the one business and order these tables speak of, at NOW."""
    return cls(
        event_id=uuid4(),
        occurred_at=NOW,
        business_id=BUSINESS,
        correlation_id=correlation_id,
        body=body,
    )


def status_event(status: OrderStatus, **body: object) -> object:
    """The order moved from pending to `status` by the merchant, as the event of that status."""
    changed = OrderStatusChangedBody(
        order_id=ORDER,
        version=2,
        status=status,
        previous_status=OrderStatus.PENDING,
        actor=Actor.MERCHANT,
        **body,
    )
    return order_event(STATUS_EVENT_TYPES[status], changed, correlation_id="req-2")


# --- formatting --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("3000", "PKR", "PKR 3,000"),
        ("3000.00", "PKR", "PKR 3,000"),
        ("1234567", "PKR", "PKR 1,234,567"),
        ("12.5", "EUR", "EUR 12.50"),
        ("0", "USD", "USD 0"),
        ("1999.99", "AED", "AED 1,999.99"),
    ],
)
def test_format_money(amount: str, currency: str, expected: str) -> None:
    assert format_money(Decimal(amount), currency) == expected


def _items(*pairs: tuple[int, str]) -> list[LineItem]:
    return [LineItem(name=name, qty=qty, price=Decimal(1)) for qty, name in pairs]


@pytest.mark.parametrize(
    ("items", "limit", "expected"),
    [
        (_items((2, "Widget Pro"), (1, "Cable")), 200, "2 x Widget Pro, 1 x Cable"),
        (_items((1, "Tea  \n leaves")), 200, "1 x Tea leaves"),
        ([], 200, "-"),
        (_items((1, "Aaaa"), (1, "Bbbb"), (1, "Cccc")), 20, "1 x Aaaa, +2 more"),
        (_items((1, "Aaaa"), (1, "Bbbb"), (1, "Cccc")), 27, "1 x Aaaa, 1 x Bbbb, +1 more"),
        (_items((1, "X" * 50)), 20, "1 x XXXXXXXXXXXXXXX…"),
    ],
)
def test_items_summary(items: list[LineItem], limit: int, expected: str) -> None:
    summary = items_summary(items, limit)
    assert summary == expected
    assert len(summary) <= limit


def test_items_summary_of_many_items_stays_within_the_limit() -> None:
    many = _items(*[(i + 1, f"Product number {i}") for i in range(60)])
    summary = items_summary(many)
    assert len(summary) <= ITEMS_MAX_CHARS
    assert summary.endswith("more")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Ayesha", "Ayesha"), ("  two\nlines\there  ", "two lines here"), ("", "-"), ("   ", "-")],
)
def test_clean_param(value: str, expected: str) -> None:
    assert clean_param(value) == expected


@pytest.mark.parametrize(
    ("fulfillment", "expected"),
    [
        (None, "—"),
        (Fulfillment(tracking_code="TCS123"), "TCS123"),
        (
            Fulfillment(tracking_code="TCS123", tracking_url="https://t.example/1"),
            "https://t.example/1",
        ),
        (Fulfillment(fulfillment_id="f1"), "—"),
    ],
)
def test_tracking_text(fulfillment: Fulfillment | None, expected: str) -> None:
    assert tracking_text(fulfillment) == expected


# --- OrderPlaced -------------------------------------------------------------------------


def test_order_placed_with_consent_sends_cod_with_confirm_and_cancel_and_tells_the_admin() -> None:
    plan = plan_order_placed(placed(), account())
    purposes = [m.purpose for m in plan.messages]
    assert purposes == [MessagePurpose.COD_CONFIRMATION, MessagePurpose.ADMIN_NEW_ORDER]
    cod = plan.messages[0]
    assert cod.params == (
        "Ayesha",
        "ORD-000042",
        "Chai Wala",
        "2 x Widget Pro, 1 x Cable",
        "PKR 3,000",
    )
    assert cod.payloads == (
        cod_payload(CodAction.CONFIRM, ORDER, "ORD-000042"),
        cod_payload(CodAction.CANCEL, ORDER, "ORD-000042"),
    )
    assert cod.dedupe_key == f"cod_confirmation:{ORDER}"
    admin = plan.messages[1]
    assert admin.to == "923000000001"
    assert admin.params == ("ORD-000042", "Ayesha", "PKR 3,000")
    assert admin.dedupe_key == f"admin:{ORDER}"
    assert plan.reminder is ReminderAction.SCHEDULE
    assert [x.kind for x in plan.notices] == [NoticeKind.NEW_ORDER]
    assert "ORD-000042" in plan.notices[0].message and "PKR 3,000" in plan.notices[0].message


@pytest.mark.parametrize(
    ("event", "acct", "messages", "notices", "reminder"),
    [
        (placed(consent=False), account(), ["admin_new_order"], ["new_order", "no_consent"], None),
        (placed(phone=None), account(), ["admin_new_order"], ["new_order", "no_consent"], None),
        (placed(), None, [], ["new_order", "whatsapp_not_connected"], None),
        (placed(consent=False), None, [], ["new_order", "no_consent"], None),
        (placed(), account(admin_phone=None), ["cod_confirmation"], ["new_order"], "schedule"),
        (placed(), account(admin_phone="12"), ["cod_confirmation"], ["new_order"], "schedule"),
        (
            placed(payment=Payment(status=PaymentStatus.PAID)),
            account(),
            ["admin_new_order"],
            ["new_order"],
            None,
        ),
        (
            placed(payment=Payment(status=PaymentStatus.PENDING, method="COD")),
            account(),
            ["cod_confirmation", "admin_new_order"],
            ["new_order"],
            "schedule",
        ),
    ],
)
def test_order_placed_table(
    event: OrderPlaced,
    acct: Account | None,
    messages: list[str],
    notices: list[str],
    reminder: str | None,
) -> None:
    plan = plan_order_placed(event, acct)
    assert [m.purpose.value for m in plan.messages] == messages
    assert [x.kind.value for x in plan.notices] == notices
    assert (plan.reminder.value if plan.reminder else None) == reminder


def test_notice_ids_are_derived_from_the_order() -> None:
    first = plan_order_placed(placed(consent=False), None)
    again = plan_order_placed(placed(consent=False), None)
    assert [x.notice_id for x in first.notices] == [x.notice_id for x in again.notices]


@pytest.mark.parametrize(
    ("customer", "business", "expected_name", "expected_code", "expected_greeting"),
    [
        (None, Language.EN, "sauda_cod_confirmation", "en", "there"),
        (Language.UR, Language.EN, "sauda_cod_confirmation", "ur", "صارف"),
        (Language.UR_LATN, Language.EN, "sauda_cod_confirmation_roman", "ur", "customer"),
        (None, Language.UR_LATN, "sauda_cod_confirmation_roman", "ur", "customer"),
        (Language.EN, Language.UR, "sauda_cod_confirmation", "en", "there"),
    ],
)
def test_language_is_the_customers_else_the_business_default(
    customer: Language | None,
    business: Language,
    expected_name: str,
    expected_code: str,
    expected_greeting: str,
) -> None:
    plan = plan_order_placed(placed(language=customer, name=None), account(language=business))
    cod = plan.messages[0]
    assert cod.meta_ref == (expected_name, expected_code)
    assert cod.params[0] == expected_greeting


def test_cod_template_request_carries_the_payloads_and_our_message_id() -> None:
    cod = plan_order_placed(placed(), account()).messages[0]
    message_id = uuid4()
    request = template_request(cod, message_id)
    assert request["to"] == "923001234567"
    assert request["type"] == "template"
    assert request["biz_opaque_callback_data"] == str(message_id)
    template = request["template"]
    assert template["name"] == "sauda_cod_confirmation"
    assert template["language"] == {"code": "en"}
    body, confirm, cancel = template["components"]
    assert [p["text"] for p in body["parameters"]] == list(cod.params)
    assert (confirm["sub_type"], confirm["index"]) == ("quick_reply", "0")
    assert confirm["parameters"] == [{"type": "payload", "payload": cod.payloads[0]}]
    assert (cancel["index"], cancel["parameters"][0]["payload"]) == ("1", cod.payloads[1])


# --- status events -----------------------------------------------------------------------


TRACKED = Fulfillment(tracking_url="https://track.example/TCS1")


@pytest.mark.parametrize(
    ("event", "purpose", "params"),
    [
        (status_event(S.CONFIRMED), P.ORDER_CONFIRMED, ("Ayesha", "ORD-000042", "Chai Wala")),
        (status_event(S.SHIPPED, fulfillment=TRACKED), P.ORDER_SHIPPED,
         ("Ayesha", "ORD-000042", "https://track.example/TCS1")),
        (status_event(S.SHIPPED), P.ORDER_SHIPPED, ("Ayesha", "ORD-000042", "—")),
        (status_event(S.DELIVERED), P.ORDER_DELIVERED, ("Ayesha", "ORD-000042")),
        (status_event(S.CANCELLED, reason="Out of stock"), P.ORDER_CANCELLED,
         ("Ayesha", "ORD-000042", "Out of stock")),
        (status_event(S.CANCELLED), P.ORDER_CANCELLED, ("Ayesha", "ORD-000042", "not given")),
        (status_event(S.RETURNED), P.ORDER_RETURNED, ("Ayesha", "ORD-000042")),
    ],
)  # fmt: skip
def test_status_events_send_their_utility_template(
    event: object, purpose: MessagePurpose, params: tuple[str, ...]
) -> None:
    order = order_facts(placed())
    plan = plan_status_event(event, order, account())
    [message] = plan.messages
    assert message.purpose is purpose
    assert message.params == params
    assert not message.payloads
    assert plan.reminder is ReminderAction.CANCEL
    assert plan.facts is not None and plan.facts.status is event.body.status  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("order", "acct"),
    [
        (order_facts(placed(consent=False)), account()),
        (order_facts(placed(phone=None)), account()),
        (order_facts(placed()), None),
    ],
)
def test_status_events_without_consent_or_account_send_nothing_but_cancel_the_reminder(
    order: OrderFacts, acct: Account | None
) -> None:
    plan = plan_status_event(status_event(S.CONFIRMED), order, acct)
    assert plan.messages == ()
    assert plan.reminder is ReminderAction.CANCEL


def test_status_event_for_an_order_the_notifier_never_saw_does_nothing() -> None:
    plan = plan_status_event(status_event(S.CONFIRMED), None, account())
    assert plan == OrderPlan()


def test_fulfillment_update_is_no_status_change() -> None:
    updated = FulfillmentUpdatedBody(
        order_id=ORDER,
        version=2,
        status=OrderStatus.PENDING,
        fulfillment=Fulfillment(tracking_code="X"),
        actor=Actor.STORE,
    )
    fulfilled = order_event(OrderFulfillmentUpdated, updated, correlation_id="c")
    plan = plan_status_event(fulfilled, order_facts(placed()), account())
    assert plan.messages == () and plan.reminder is None
    assert plan.facts is not None and plan.facts.version == 2


# --- message rows ------------------------------------------------------------------------


def test_an_unapproved_template_is_recorded_skipped_with_a_notice() -> None:
    msg = plan_status_event(status_event(S.SHIPPED), order_facts(placed()), account()).messages[0]
    message, notices = new_template_message(
        msg, account(), approved=False, template_status="PENDING", correlation_id="c", now=NOW
    )
    assert (message.state, message.status) == (SendState.DONE, D.SKIPPED)
    [notice] = notices
    assert notice.kind is NoticeKind.TEMPLATE_NOT_APPROVED
    assert notice.details["template"] == "sauda_order_shipped"
    assert notice.details["language"] == "en"
    assert notice.details["template_status"] == "PENDING"


def test_message_ids_follow_the_dedupe_key() -> None:
    cod = plan_order_placed(placed(), account()).messages[0]
    one, _ = new_template_message(
        cod, account(), approved=True, template_status="APPROVED", correlation_id="c", now=NOW
    )
    two, _ = new_template_message(
        cod,
        account(),
        approved=True,
        template_status="APPROVED",
        correlation_id="c",
        now=NOW + timedelta(hours=1),
    )
    assert one.message_id == two.message_id
    assert one.request["biz_opaque_callback_data"] == str(one.message_id)


@pytest.mark.parametrize(
    ("kind", "extra", "expected_type"),
    [
        (OutboundKind.TEXT, {}, "text"),
        (
            OutboundKind.BUTTONS,
            {"buttons": (ReplyButton(id="yes", title="Yes"), ReplyButton(id="no", title="No"))},
            "interactive",
        ),
        (
            OutboundKind.LIST,
            {
                "menu": ListMenu(
                    button="Choose",
                    sections=(ListSection(rows=(ListRow(id="r1", title="Tea"),)),),
                )
            },
            "interactive",
        ),
    ],
)
def test_chat_requests(kind: OutboundKind, extra: dict[str, object], expected_type: str) -> None:
    body = SendMessageBody(
        message_key="m1",
        customer_phone="923001234567",
        kind=kind,
        text="Hello",
        reply_to="wamid.X",
        **extra,
    )
    message_id = uuid4()
    request = chat_request(body, message_id)
    assert request["type"] == expected_type
    assert request["context"] == {"message_id": "wamid.X"}
    assert request["biz_opaque_callback_data"] == str(message_id)
    if kind is OutboundKind.BUTTONS:
        assert request["interactive"]["type"] == "button"
        assert request["interactive"]["action"]["buttons"][1] == {
            "type": "reply",
            "reply": {"id": "no", "title": "No"},
        }
    if kind is OutboundKind.LIST:
        assert request["interactive"]["action"]["sections"] == [
            {"rows": [{"id": "r1", "title": "Tea"}]}
        ]


# --- classification and retries ----------------------------------------------------------


def fail(code: int, http: int | None) -> SendFailure:
    return SendFailure(GraphError(code=code, title="x"), http)


@pytest.mark.parametrize(
    ("code", "http", "verdict"),
    [
        (0, None, Verdict.RETRY),  # timeout / connection error
        (500, 500, Verdict.RETRY),
        (502, 502, Verdict.RETRY),
        (130429, 429, Verdict.RETRY),
        (130429, 400, Verdict.RETRY),
        (131056, 400, Verdict.RETRY),
        (131000, 500, Verdict.RETRY),
        (131016, 503, Verdict.RETRY),
        (2, 503, Verdict.RETRY),
        (429, 429, Verdict.RETRY),
        (131026, 400, Verdict.PERMANENT),
        (132001, 404, Verdict.PERMANENT),
        (132000, 400, Verdict.PERMANENT),
        (132015, 400, Verdict.PERMANENT),
        (132016, 400, Verdict.PERMANENT),
        (131047, 400, Verdict.PERMANENT),
        (100, 400, Verdict.PERMANENT),
        (190, 401, Verdict.PERMANENT),
        (131050, 400, Verdict.PERMANENT),
        (368, 403, Verdict.PERMANENT),
        (131048, 400, Verdict.PERMANENT),  # any other 4xx
        (10, 403, Verdict.PERMANENT),
    ],
)
def test_classify(code: int, http: int | None, verdict: Verdict) -> None:
    assert classify(fail(code, http)) is verdict


@pytest.mark.parametrize(
    ("attempts_made", "scale", "topic", "attempt", "delay"),
    [
        (1, 1.0, Topic.NOTIFIER_RETRY_5S, 2, 5.0),
        (2, 1.0, Topic.NOTIFIER_RETRY_30S, 3, 30.0),
        (3, 1.0, Topic.NOTIFIER_RETRY_120S, 4, 120.0),
        (1, 0.02, Topic.NOTIFIER_RETRY_5S, 2, 0.1),
        (3, 0.5, Topic.NOTIFIER_RETRY_120S, 4, 60.0),
    ],
)
def test_retry_schedule(
    attempts_made: int, scale: float, topic: Topic, attempt: int, delay: float
) -> None:
    retry = next_retry(attempts_made, NOW, scale)
    assert retry is not None
    assert (retry.topic, retry.attempt) == (topic, attempt)
    assert retry.due_at == NOW + timedelta(seconds=delay)


@pytest.mark.parametrize("attempts_made", [0, 4, 5])
def test_no_retry_beyond_the_schedule(attempts_made: int) -> None:
    assert next_retry(attempts_made, NOW, 1.0) is None


def _claimed(attempts: int) -> Message:
    cod = plan_order_placed(placed(), account()).messages[0]
    message, _ = new_template_message(
        cod, account(), approved=True, template_status="APPROVED", correlation_id="c", now=NOW
    )
    import dataclasses

    return dataclasses.replace(message, state=SendState.SENDING, attempts=attempts, claimed_at=NOW)


@pytest.mark.parametrize(
    ("attempts", "outcome", "status", "state", "retry_topic", "dead", "notices"),
    [
        (1, Sent("wamid.A"), D.SENT, SendState.DONE, None, False, []),
        (1, fail(500, 500), D.RETRYING, SendState.QUEUED, Topic.NOTIFIER_RETRY_5S, False, []),
        (2, fail(0, None), D.RETRYING, SendState.QUEUED, Topic.NOTIFIER_RETRY_30S, False, []),
        (3, fail(131000, 500), D.RETRYING, SendState.QUEUED, Topic.NOTIFIER_RETRY_120S, False, []),
        (4, fail(500, 500), D.FAILED, SendState.DONE, None, True, ["message_failed"]),
        (1, fail(131026, 400), D.FAILED, SendState.DONE, None, False, ["message_failed"]),
        (1, fail(132001, 404), D.FAILED, SendState.DONE, None, False, ["template_not_approved"]),
    ],
)
def test_after_attempt(
    attempts: int,
    outcome: SendOutcome,
    status: DeliveryStatus,
    state: SendState,
    retry_topic: Topic | None,
    dead: bool,
    notices: list[str],
) -> None:
    message = _claimed(attempts)
    result = after_attempt(message, outcome, now=NOW, scale=1.0)
    assert (result.message.status, result.message.state) == (status, state)
    assert (result.retry.topic if result.retry else None) == retry_topic
    assert result.dead is dead
    assert [x.kind.value for x in result.notices] == notices
    assert result.message.revision == message.revision + 1
    assert result.message.history[-1].status is status
    if isinstance(outcome, Sent):
        assert result.message.wamid == "wamid.A" and result.message.error is None
    else:
        assert result.message.error == outcome.error


# --- receipts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "reported", "expected"),
    [
        (D.QUEUED, D.SENT, D.SENT),
        (D.RETRYING, D.SENT, D.SENT),
        (D.SENT, D.DELIVERED, D.DELIVERED),
        (D.SENT, D.READ, D.READ),
        (D.DELIVERED, D.READ, D.READ),
        (D.READ, D.DELIVERED, None),
        (D.READ, D.SENT, None),
        (D.DELIVERED, D.SENT, None),
        (D.SENT, D.SENT, None),
        (D.SENT, D.FAILED, D.FAILED),
        (D.QUEUED, D.FAILED, D.FAILED),
        (D.DELIVERED, D.FAILED, None),
        (D.READ, D.FAILED, None),
        (D.FAILED, D.DELIVERED, None),
        (D.FAILED, D.FAILED, None),
    ],
)
def test_receipt_precedence(
    current: DeliveryStatus, reported: DeliveryStatus, expected: DeliveryStatus | None
) -> None:
    assert receipt_status(current, reported) == expected


def test_a_receipt_completes_a_message_still_sending() -> None:
    message = _claimed(1)
    result = apply_receipt(message, D.DELIVERED, wamid="wamid.B", at=NOW, error=None)
    assert result is not None
    assert (result.message.state, result.message.status, result.message.wamid) == (
        SendState.DONE,
        D.DELIVERED,
        "wamid.B",
    )


@pytest.mark.parametrize(
    ("status", "sendable"),
    [("APPROVED", True), ("approved", True), (None, True), ("PENDING", False),
     ("REJECTED", False), ("PAUSED", False), ("DISABLED", False)],
)  # fmt: skip
def test_template_sendable(status: str | None, sendable: bool) -> None:
    assert template_sendable(status) is sendable


def test_too_old_events_are_quieted_but_keep_their_facts() -> None:
    from datetime import UTC, datetime, timedelta

    from sauda_notifier.domain.planning import OrderPlan, ReminderAction, quiet, too_old

    now = datetime(2026, 11, 25, tzinfo=UTC)
    assert not too_old(now - timedelta(hours=23), now, 86400)
    assert too_old(now - timedelta(hours=25), now, 86400)
    plan = OrderPlan(facts=None, messages=("m",), notices=("n",), reminder=ReminderAction.SCHEDULE)  # type: ignore[arg-type]
    assert quiet(plan) == OrderPlan(facts=None)
    cancelling = OrderPlan(reminder=ReminderAction.CANCEL)
    assert quiet(cancelling).reminder is ReminderAction.CANCEL

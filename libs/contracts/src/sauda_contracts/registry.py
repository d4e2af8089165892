"""Which records travel on which topic, and every HTTP body: the map schemas and docs come from."""

import inspect
from types import ModuleType

from pydantic import BaseModel

from sauda_contracts import (
    accounts,
    address_changes,
    addresses,
    analytics,
    api,
    bob,
    bot_flows,
    broadcast_api,
    broadcasts,
    cart_recovery,
    carts,
    catalog,
    cod_policy,
    dead_letters,
    deliveries,
    handover,
    media,
    message_log,
    message_templates,
    messaging,
    order_review,
    order_stream,
    orders,
    sends,
    sequence_api,
    sequences,
    template_admin,
    wabotick,
    webhooks,
    whatsapp,
)
from sauda_contracts.envelope import Contract, Envelope, type_name
from sauda_contracts.topics import Topic

_RETRIES = {
    Topic.NOTIFIER_RETRY_5S: whatsapp.SendAttemptDue,
    Topic.NOTIFIER_RETRY_30S: whatsapp.SendAttemptDue,
    Topic.NOTIFIER_RETRY_120S: whatsapp.SendAttemptDue,
    Topic.WEBHOOKS_RETRY_1S: webhooks.WebhookAttemptDue,
    Topic.WEBHOOKS_RETRY_4S: webhooks.WebhookAttemptDue,
    Topic.WEBHOOKS_RETRY_16S: webhooks.WebhookAttemptDue,
}

# Every record type each topic carries (its key is in `topics.TOPICS`).
TOPIC_RECORDS: dict[Topic, tuple[type[Envelope], ...]] = {
    Topic.ORDERS_COMMANDS: (
        order_stream.PlaceOrder,
        order_stream.ChangeOrderStatus,
        order_stream.UpsertOrder,
        order_review.HoldOrderForReview,
        deliveries.RecordDeliveryAttempt,
        deliveries.AnswerDeliveryAttempt,
        address_changes.ChangeDeliveryAddress,
    ),
    Topic.ORDERS_EVENTS: (
        order_stream.OrderPlaced,
        order_stream.OrderConfirmed,
        order_stream.OrderShipped,
        order_stream.OrderDelivered,
        order_stream.OrderCancelled,
        order_stream.OrderReturned,
        order_stream.OrderPaymentChanged,
        order_stream.OrderFulfillmentUpdated,
        order_review.OrderHeldForReview,
        deliveries.OrderDeliveryAttemptFailed,
        deliveries.OrderDeliveryAttemptAnswered,
        address_changes.OrderAddressChanged,
    ),
    Topic.ORDERS_REJECTIONS: (order_stream.OrderCommandRejected,),
    Topic.CARTS: (carts.CartAbandoned, carts.CartRecovered),
    Topic.WHATSAPP_INBOUND: (
        whatsapp.InboundMessageReceived,
        whatsapp.ResetChatFlow,
        bot_flows.TriggerBotFlow,
        handover.ChatReleased,
    ),
    Topic.WHATSAPP_STATUS: (whatsapp.MessageStatusReported, whatsapp.TemplateStatusChanged),
    Topic.WHATSAPP_OUTBOUND: (
        whatsapp.SendWhatsAppMessage,
        whatsapp.ContactOptOutChanged,
        broadcasts.StartBroadcast,
        dead_letters.RedriveMessage,
        sequences.AssignSequence,
        sequences.RemoveSequence,
        media.UploadMedia,
        template_admin.CreateTemplate,
        template_admin.SyncTemplates,
        cod_policy.CodPolicyChanged,
        cart_recovery.SetCartRecovery,
        handover.ChatHandedOver,
    ),
    Topic.NOTIFIER_EVENTS: (
        whatsapp.MessageRecorded,
        whatsapp.NoticeRaised,
        message_templates.TemplateRecorded,
        broadcasts.BroadcastRecorded,
        sequences.SequenceEnrolmentRecorded,
        media.MediaUploaded,
        template_admin.TemplateRequestRecorded,
    ),
    Topic.NOTIFIER_DLQ: (dead_letters.DeadLetter, dead_letters.DeadLetterRedriven),
    Topic.WEBHOOKS_COMMANDS: (webhooks.SendTestWebhook, webhooks.RedeliverWebhook),
    Topic.WEBHOOKS_EVENTS: (webhooks.DeliveryRecorded, webhooks.EndpointDeactivated),
    Topic.WEBHOOKS_DLQ: (dead_letters.DeadLetter, dead_letters.DeadLetterRedriven),
    **{topic: (record,) for topic, record in _RETRIES.items()},
}


def record_types() -> list[type[Envelope]]:
    """Every record type found on any topic, each once, in topic order."""
    seen: dict[str, type[Envelope]] = {}
    for records in TOPIC_RECORDS.values():
        for record in records:
            seen.setdefault(type_name(record), record)
    return list(seen.values())


def records_by_type() -> dict[str, type[Envelope]]:
    """The record class for each wire `type` name."""
    return {type_name(r): r for r in record_types()}


def _models_of(module: ModuleType) -> list[type[BaseModel]]:
    return [
        value
        for _, value in inspect.getmembers(module, inspect.isclass)
        if issubclass(value, BaseModel)
        and value.__module__ == module.__name__
        and not issubclass(value, Envelope)
        and value is not Contract
        and not value.__name__.startswith("_")
    ]


# Every request and response body of the HTTP API (Sauda's own, BusinessOnBot's, the WhatsApp
# account's) and every body the records above carry.
BODY_MODULES = (
    api,
    message_log,
    message_templates,
    accounts,
    analytics,
    catalog,
    bob,
    cart_recovery,
    carts,
    orders,
    order_stream,
    order_review,
    webhooks,
    whatsapp,
    sends,
    template_admin,
    messaging,
    wabotick,
    broadcasts,
    broadcast_api,
    cod_policy,
    sequences,
    sequence_api,
    media,
    bot_flows,
    deliveries,
    handover,
    addresses,
    address_changes,
)


def body_types() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for module in BODY_MODULES:
        for model in _models_of(module):
            if found.setdefault(model.__name__, model) is not model:
                raise TypeError(f"two contracts are named {model.__name__}: one name a concept")
    return list(found.values())

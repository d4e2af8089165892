"""The COD message of an order with a delivery address: the address template, the address as
its last parameter and a third button, Change address; without one, the message as before."""

from sauda_contracts.addresses import DeliveryAddress
from sauda_contracts.templates import TEMPLATES, CodAction, cod_payload
from sauda_contracts.whatsapp import MessagePurpose
from sauda_notifier.domain.planning import plan_order_placed

from .test_domain import ORDER, account, placed

HOME = DeliveryAddress(address1="House 5,  Street 2", city="Lahore", country="Pakistan")


def with_address(address: DeliveryAddress | None = HOME) -> object:
    event = placed()
    return event.model_copy(update={"body": event.body.model_copy(
        update={"delivery_address": address})})  # fmt: skip


def test_an_address_shows_in_the_cod_message_with_a_change_address_button() -> None:
    [cod, _admin] = plan_order_placed(with_address(), account()).messages  # type: ignore[arg-type]
    assert cod.purpose is MessagePurpose.COD_CONFIRMATION_ADDRESS
    assert cod.params[-1] == "House 5, Street 2, Lahore, Pakistan"
    assert cod.payloads == tuple(cod_payload(a, ORDER, "ORD-000042") for a in
                                 (CodAction.CONFIRM, CodAction.CANCEL, CodAction.CHANGE_ADDRESS))  # fmt: skip
    assert cod.dedupe_key == f"cod_confirmation:{ORDER}"  # the one COD message, either way
    assert cod.meta_ref == ("sauda_cod_confirmation_address", "en")
    text = TEMPLATES[cod.purpose].render(cod.language, cod.params)
    assert "Deliver to: House 5, Street 2, Lahore, Pakistan" in text


def test_without_an_address_the_message_has_two_buttons() -> None:
    [cod, _admin] = plan_order_placed(with_address(None), account()).messages  # type: ignore[arg-type]
    assert cod.purpose is MessagePurpose.COD_CONFIRMATION and len(cod.payloads) == 2


def test_every_language_of_the_address_template_has_three_buttons() -> None:
    template = TEMPLATES[MessagePurpose.COD_CONFIRMATION_ADDRESS]
    assert all(len(labels) == 3 for labels in template.quick_replies.values())
    assert all("{{6}}" in text for text in template.bodies.values())

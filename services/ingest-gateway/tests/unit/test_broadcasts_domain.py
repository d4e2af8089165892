"""A broadcast request, decided on its own: one way to choose recipients, phones read and
deduplicated in order with a bad one named by its index, the fingerprint a retry repeats, the
recipients filter, and the document's flow_data read into the same request."""

import pytest

from sauda_contracts.broadcast_api import BroadcastRequest
from sauda_contracts.wabotick import BroadcastTemplateForm
from sauda_gateway.broadcasts.domain import (
    distinct_phones,
    fingerprint,
    one_way_to_choose,
    recipient_filter,
)
from sauda_gateway.domain import InvalidField, MissingField
from sauda_gateway.phones import normalize_phone
from sauda_gateway.wabotick.translate import broadcast_request

TEMPLATE = {"name": "eid_sale", "language": "en_US", "body": ["20%"]}


def read(raw: str, field: str) -> str:
    phone = normalize_phone(raw, "PK")
    if phone is None:
        raise InvalidField(f"{field}: not a phone", field=field)
    return phone


def test_recipients_are_a_list_or_a_label_not_both_nor_neither() -> None:
    with pytest.raises(MissingField) as neither:
        one_way_to_choose(BroadcastRequest.model_validate({"template": TEMPLATE}))
    assert neither.value.field == "recipients"
    both = {"template": TEMPLATE, "recipients": ["923001110001"], "label_id": "vip"}
    with pytest.raises(InvalidField) as refused:
        one_way_to_choose(BroadcastRequest.model_validate(both))
    assert refused.value.field == "label_id"


def test_phones_are_read_and_deduplicated_in_the_order_first_given() -> None:
    raw = ["0300 1110002", "+92 300 1110001", "923001110002", "00923001110001"]
    assert distinct_phones(raw, read) == ["923001110002", "923001110001"]


def test_a_bad_phone_is_named_by_its_index() -> None:
    with pytest.raises(InvalidField) as refused:
        distinct_phones(["923001110001", "923001110002", "12"], read)
    assert refused.value.field == "recipients[2]"


def test_a_retry_hashes_the_same_and_another_body_does_not() -> None:
    request = BroadcastRequest.model_validate(
        {"template": TEMPLATE, "recipients": ["923001110001"]}
    )
    same = fingerprint(request, ["923001110001"])
    assert fingerprint(request, ["923001110001"]) == same
    assert fingerprint(request, ["923001110002"]) != same
    other = BroadcastRequest.model_validate({"template": TEMPLATE | {"body": ["30%"]},
                                             "recipients": ["923001110001"]})  # fmt: skip
    assert fingerprint(other, ["923001110001"]) != same


def test_the_recipients_filter_takes_a_status_or_pending() -> None:
    assert recipient_filter(None) is None
    assert recipient_filter("pending") == "pending"
    with pytest.raises(InvalidField) as refused:
        recipient_filter("lost")
    assert refused.value.field == "status"


def test_the_documents_flow_data_is_the_same_request() -> None:
    form = BroadcastTemplateForm.model_validate({
        "phone_number_id": "1065", "flow_data": '{"template_name": "eid_sale", "language": '
        '"en_US", "parameters": ["20%"], "phone_numbers": ["923001110001"]}'})  # fmt: skip
    request = broadcast_request(form)
    assert request.template.name == "eid_sale" and request.template.body == ("20%",)
    assert request.recipients == ("923001110001",) and request.label_id is None
    by_label = BroadcastTemplateForm.model_validate(
        {"phone_number_id": "1065", "flow_data": {"template_id": "77", "label_id": "vip"}}
    )
    assert broadcast_request(by_label).label_id == "vip"
    for flow, field in (("[1, 2]", "flow_data"), ('{"phone_numbers": ["1"]}',
                                                  "flow_data.template_id")):  # fmt: skip
        with pytest.raises((InvalidField, MissingField)) as refused:
            broadcast_request(BroadcastTemplateForm.model_validate(
                {"phone_number_id": "1065", "flow_data": flow}))  # fmt: skip
        assert refused.value.field == field

"""The published patterns mean the same to pydantic (Rust's regex) and to Python's `re` (what a
`jsonschema` consumer of the topics uses): whitespace is spelled out, never `\\s`."""

import re
from typing import Annotated

import pytest
from jsonschema import Draft202012Validator
from pydantic import StringConstraints, TypeAdapter, ValidationError

from sauda_contracts.orders import Customer
from sauda_contracts.patterns import EMAIL, SPACE

RUST_SPACE = TypeAdapter(Annotated[str, StringConstraints(pattern=r"^\s$")])


def rust_says_space(char: str) -> bool:
    try:
        RUST_SPACE.validate_python(char)
    except ValidationError:
        return False
    return True


def test_space_is_exactly_what_pydantics_engine_reads_as_whitespace() -> None:
    spelled = re.compile(rf"^[{SPACE}]$")
    differs = [
        hex(cp)
        for cp in range(0x110000)
        if not 0xD800 <= cp <= 0xDFFF and rust_says_space(chr(cp)) != bool(spelled.match(chr(cp)))
    ]
    assert differs == []


def test_an_email_with_a_control_character_gets_one_verdict_from_both_engines() -> None:
    """The e2e suite's fuzzing found a \\x1e email the gateway accepted and jsonschema refused."""
    schema = Customer.model_json_schema()
    for email in ("ali\x1e@shop.pk", "ali@shop.pk", "ali @shop.pk", "ali\u3000@shop.pk"):
        record = {"phone": "923001234567", "email": email}
        try:
            Customer.model_validate(record)
            pydantic_ok = True
        except ValidationError:
            pydantic_ok = False
        jsonschema_ok = Draft202012Validator(schema).is_valid(record)
        python_re_ok = bool(re.match(EMAIL, email))
        assert pydantic_ok == jsonschema_ok == python_re_ok, email


@pytest.mark.parametrize("token", ["EAAG tok", "EAAGtök", "EAAG\x19x", ""])
def test_an_access_token_is_visible_ascii_or_refused(token: str) -> None:
    from sauda_contracts.messaging import WhatsAppConnectRequest
    from sauda_contracts.wabotick import ConnectForm

    with pytest.raises(ValidationError):
        WhatsAppConnectRequest(phone_number_id="1555", waba_id="9", access_token=token)
    with pytest.raises(ValidationError):
        ConnectForm.model_validate({"whatsapp_business_account_id": "9", "access_token": token})


def test_a_meta_style_token_is_accepted() -> None:
    from sauda_contracts.messaging import WhatsAppConnectRequest

    token = "EAAGm0PX4ZCpsBA-_.~+/=" + "x" * 200
    assert WhatsAppConnectRequest(phone_number_id="1555", waba_id="9", access_token=token)

"""Meta's limits, template rules, buckets and the window, one table row per rule."""

import hashlib
import hmac
from typing import Any

import pytest

from sauda_sandbox.api_models import (
    MarkRead,
    SendMessage,
    TemplateSend,
    parse_send,
    parse_template_definition,
)
from sauda_sandbox.domain import graph, webhooks
from sauda_sandbox.domain.graph import GraphError, error_body
from sauda_sandbox.domain.limits import Bucket, take, window_open
from sauda_sandbox.domain.templates import check_template, placeholders, render
from sauda_sandbox.domain.webhooks import StatusFacts, status_item

TO = "15551234567"


def text(body: str = "hi", **extra: Any) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": TO,
        "type": "text",
        "text": {"body": body},
        **extra,
    }


def reply(i: int, title: str | None = None, id_: str | None = None) -> dict[str, Any]:
    return {
        "type": "reply",
        "reply": {
            "id": f"id{i}" if id_ is None else id_,
            "title": f"Title {i}" if title is None else title,
        },
    }


def buttons(*items: dict[str, Any], **interactive: Any) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": TO,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "Pick one"},
            "action": {"buttons": list(items)},
            **interactive,
        },
    }


def media(kind: str, **fields: Any) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": TO, "type": kind, kind: fields}


def by_user() -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient": "US.13491208655302741918",
        "type": "text",
        "text": {"body": "hi"},
    }


def row(i: int, **fields: Any) -> dict[str, Any]:
    return {"id": f"r{i}", "title": f"Row {i}", **fields}


def listing(
    *sections: dict[str, Any], button: str = "Options", **interactive: Any
) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": TO,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Pick one"},
            "action": {"button": button, "sections": list(sections)},
            **interactive,
        },
    }


def section(n: int, start: int = 0, **fields: Any) -> dict[str, Any]:
    return {"title": "Section", "rows": [row(start + i) for i in range(n)], **fields}


ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    ("text", text()),
    ("text at 4096", text("x" * 4096)),
    ("plus in to", {**text(), "to": "+1 555 123-4567"}),
    ("callback data at 512", text(biz_opaque_callback_data="c" * 512)),
    ("one button", buttons(reply(0))),
    ("three buttons", buttons(reply(0), reply(1), reply(2))),
    ("button title at 20", buttons(reply(0, title="t" * 20))),
    ("button id at 256", buttons(reply(0, id_="i" * 256))),
    ("body at 1024", buttons(reply(0), body={"text": "b" * 1024})),
    ("footer at 60", buttons(reply(0), footer={"text": "f" * 60})),
    ("header at 60", buttons(reply(0), header={"type": "text", "text": "h" * 60})),
    (
        "image header",
        buttons(reply(0), header={"type": "image", "image": {"link": "https://x/y.png"}}),
    ),
    ("list of 10 rows", listing(section(10))),
    ("10 rows over 2 sections", listing(section(5), section(5, start=5))),
    ("list button at 20", listing(section(1), button="b" * 20)),
    (
        "row title at 24, description at 72",
        listing({"rows": [row(0, title="t" * 24, description="d" * 72)]}),
    ),
    ("row id at 200", listing({"rows": [{"id": "i" * 200, "title": "Row"}]})),
    ("section title at 24", listing(section(1, title="s" * 24))),
    ("10 sections", listing(*[section(1, start=i) for i in range(10)])),
    ("image by id with caption", media("image", id="123", caption="c" * 1024)),
    ("image by link", media("image", link="https://shop.example/p.png")),
    ("document with filename", media("document", id="123", filename="invoice.pdf")),
    ("voice audio", media("audio", id="123", voice=True)),
    ("video", media("video", id="123", caption="unboxing")),
    ("sticker", media("sticker", id="123")),
    ("to a user id", by_user()),
    ("to a parent user id", {**by_user(), "recipient": "US.ENT.11815799212886844830"}),
    ("to and recipient: to wins", {**by_user(), "to": TO}),
    (
        "upper-case template components",
        {
            "messaging_product": "whatsapp",
            "to": TO,
            "type": "template",
            "template": {
                "name": "order_update",
                "language": {"code": "en_US"},
                "components": [
                    {"type": "BODY", "parameters": [{"type": "TEXT", "text": "Asha"}]},
                    {
                        "type": "BUTTON",
                        "sub_type": "QUICK_REPLY",
                        "index": 0,
                        "parameters": [{"type": "PAYLOAD", "payload": "OK"}],
                    },
                ],
            },
        },
    ),
]

REFUSED: list[tuple[str, Any, int]] = [
    ("not an object", ["x"], 100),
    ("wrong product", {**text(), "messaging_product": "sms"}, 100),
    ("no product", {k: v for k, v in text().items() if k != "messaging_product"}, 131008),
    ("no to", {k: v for k, v in text().items() if k != "to"}, 131008),
    ("unknown field", text(colour="red"), 100),
    ("unknown text field", {**text(), "text": {"body": "x", "bold": True}}, 100),
    ("text over 4096", text("x" * 4097), 100),
    ("empty text", text(""), 100),
    (
        "type without its object",
        {"messaging_product": "whatsapp", "to": TO, "type": "text"},
        131008,
    ),
    (
        "object of another type",
        {**text(), "template": {"name": "x", "language": {"code": "en"}}},
        100,
    ),
    ("to not a number", {**text(), "to": "alice"}, 100),
    ("callback data over 512", text(biz_opaque_callback_data="c" * 513), 100),
    (
        "location is not modelled",
        {"messaging_product": "whatsapp", "to": TO, "type": "location", "location": {}},
        131051,
    ),
    ("image without id or link", media("image"), 131008),
    ("image with id and link", media("image", id="1", link="https://x/y.png"), 100),
    ("image link not http", media("image", link="ftp://x/y.png"), 100),
    ("caption on audio", media("audio", id="1", caption="hi"), 100),
    ("caption on a sticker", media("sticker", id="1", caption="hi"), 100),
    ("filename on an image", media("image", id="1", filename="a.png"), 100),
    ("voice on a video", media("video", id="1", voice=True), 100),
    ("caption over 1024", media("image", id="1", caption="c" * 1025), 100),
    ("unknown media field", media("image", id="1", colour="red"), 100),
    ("neither to nor recipient", {"messaging_product": "whatsapp", "text": {"body": "x"}}, 131008),
    ("recipient not a user id", {**by_user(), "recipient": "alice"}, 100),
    ("unknown type", {"messaging_product": "whatsapp", "to": TO, "type": "hologram"}, 100),
    ("four buttons", buttons(reply(0), reply(1), reply(2), reply(3)), 100),
    ("no buttons", buttons(), 100),
    ("button title over 20", buttons(reply(0, title="t" * 21)), 100),
    ("empty button title", buttons(reply(0, title="")), 100),
    ("button id over 256", buttons(reply(0, id_="i" * 257)), 100),
    ("duplicate titles", buttons(reply(0, title="Same"), reply(1, title="Same")), 100),
    ("duplicate ids", buttons(reply(0, id_="x"), reply(1, id_="x")), 100),
    ("id with spaces around", buttons(reply(0, id_=" x ")), 100),
    ("body over 1024", buttons(reply(0), body={"text": "b" * 1025}), 100),
    ("footer over 60", buttons(reply(0), footer={"text": "f" * 61}), 100),
    ("header over 60", buttons(reply(0), header={"type": "text", "text": "h" * 61}), 100),
    (
        "no body",
        {**buttons(reply(0)), "interactive": {"type": "button", "action": {"buttons": [reply(0)]}}},
        131008,
    ),
    ("11 rows in one section", listing(section(11)), 100),
    (
        "11 rows over 2 sections",
        listing(section(6, title="A"), section(5, start=6, title="B")),
        100,
    ),
    ("11 sections", listing(*[section(1, start=i) for i in range(11)]), 100),
    ("no sections", listing(), 100),
    ("list button over 20", listing(section(1), button="b" * 21), 100),
    ("row title over 24", listing({"rows": [row(0, title="t" * 25)]}), 100),
    ("description over 72", listing({"rows": [row(0, description="d" * 73)]}), 100),
    ("row id over 200", listing({"rows": [{"id": "i" * 201, "title": "Row"}]}), 100),
    ("section title over 24", listing(section(1, title="s" * 25)), 100),
    ("duplicate row ids", listing({"title": "A", "rows": [row(0), row(0, title="Other")]}), 100),
    ("untitled section among several", listing({"rows": [row(0)]}, {"rows": [row(1)]}), 131008),
    ("media header on a list", listing(section(1), header={"type": "image", "image": {}}), 100),
    (
        "buttons on a list",
        {
            **listing(section(1)),
            "interactive": {
                **listing(section(1))["interactive"],
                "action": {"button": "x", "sections": [section(1)], "buttons": [reply(0)]},
            },
        },
        100,
    ),
    ("mark read without id", {"messaging_product": "whatsapp", "status": "read"}, 131008),
    (
        "mark something else",
        {"messaging_product": "whatsapp", "status": "sent", "message_id": "w"},
        100,
    ),
]


@pytest.mark.parametrize(("case", "body"), ACCEPTED, ids=[c for c, _ in ACCEPTED])
def test_accepted(case: str, body: dict[str, Any]) -> None:
    assert isinstance(parse_send(body), SendMessage)


@pytest.mark.parametrize(("case", "body", "code"), REFUSED, ids=[c for c, _, _ in REFUSED])
def test_refused(case: str, body: Any, code: int) -> None:
    with pytest.raises(GraphError) as refused:
        parse_send(body)
    assert refused.value.code == code, refused.value.details
    assert refused.value.http_status == 400


def test_mark_read_is_its_own_request() -> None:
    parsed = parse_send(
        {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.X"}
    )
    assert isinstance(parsed, MarkRead) and parsed.message_id == "wamid.X"


@pytest.mark.parametrize(
    ("code", "status", "title"),
    [
        (131047, 400, "Re-engagement message"),
        (130429, 429, "Rate limit hit"),
        (131056, 429, "(Business Account, Consumer Account) pair rate limit hit"),
        (131000, 500, "Something went wrong"),
        (190, 401, "Invalid OAuth access token - Cannot parse access token"),
        (368, 403, "Temporarily blocked for policies violations"),
        (132001, 400, "Template name does not exist in the translation"),
        (2, 503, "Service temporarily unavailable"),
    ],
)
def test_error_body(code: int, status: int, title: str) -> None:
    error = GraphError(code, "why")
    assert error.http_status == status
    assert error_body(error, "trace") == {
        "error": {
            "message": f"(#{code}) {title}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": "why"},
            "fbtrace_id": "trace",
        }
    }


def test_error_status_can_be_overridden_and_subcode_added() -> None:
    error = GraphError(131000, http_status=502, subcode=7)
    assert error.http_status == 502
    assert error_body(error, "t")["error"]["error_subcode"] == 7


# ---- templates

DEFINITION = {
    "name": "order_update",
    "language": "en_US",
    "status": "APPROVED",
    "category": "UTILITY",
    "components": [
        {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
        {"type": "BODY", "text": "Hi {{1}}, order {{2}} costs {{3}}. Thanks {{1}}!"},
        {"type": "FOOTER", "text": "Sauda"},
        {
            "type": "BUTTONS",
            "buttons": [
                {"type": "QUICK_REPLY", "text": "Confirm"},
                {"type": "URL", "text": "Track", "url": "https://x/{{1}}"},
                {"type": "QUICK_REPLY", "text": "Cancel"},
            ],
        },
    ],
}


def template_send(body: list[str], header: list[str] | None = None, **extra: Any) -> TemplateSend:
    components: list[dict[str, Any]] = [
        {"type": "body", "parameters": [{"type": "text", "text": t} for t in body]}
    ]
    if header is not None:
        components.append(
            {"type": "header", "parameters": [{"type": "text", "text": t} for t in header]}
        )
    components.extend(extra.get("buttons", []))
    return TemplateSend.model_validate(
        {"name": "order_update", "language": {"code": "en_US"}, "components": components}
    )


def test_template_renders_body_header_footer_and_quick_replies() -> None:
    quick = {
        "type": "button",
        "sub_type": "quick_reply",
        "index": "2",
        "parameters": [{"type": "payload", "payload": "CANCEL_7"}],
    }
    rendered = check_template(
        DEFINITION, template_send(["Asha", "#7", "₹120"], ["#7"], buttons=[quick])
    )
    assert rendered.header == "Order #7"
    assert rendered.body == "Hi Asha, order #7 costs ₹120. Thanks Asha!"
    assert rendered.footer == "Sauda"
    assert rendered.buttons == [("Confirm", "Confirm"), ("CANCEL_7", "Cancel")]


@pytest.mark.parametrize(
    ("status", "code"),
    [("PENDING", 132001), ("REJECTED", 132001), ("PAUSED", 132015), ("DISABLED", 132016)],
)
def test_only_approved_templates_send(status: str, code: int) -> None:
    with pytest.raises(GraphError) as refused:
        check_template({**DEFINITION, "status": status}, template_send(["a", "b", "c"], ["d"]))
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("body", "header", "code"),
    [
        (None, None, 132001),  # no such template
        (["a", "b"], ["d"], 132000),
        (["a", "b", "c", "d"], ["d"], 132000),
        (["a", "b", "c"], [], 132000),
        (["a", "b", "c"], ["d", "e"], 132000),
    ],
)
def test_template_refusals(body: list[str] | None, header: list[str] | None, code: int) -> None:
    with pytest.raises(GraphError) as refused:
        check_template(None if body is None else DEFINITION, template_send(body or [], header))
    assert refused.value.code == code


def test_quick_reply_index_must_exist() -> None:
    bad = {"type": "button", "sub_type": "quick_reply", "index": 1, "parameters": []}
    with pytest.raises(GraphError) as refused:
        check_template(DEFINITION, template_send(["a", "b", "c"], ["d"], buttons=[bad]))
    assert refused.value.code == 131009


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("no placeholders", []),
        ("{{1}} and {{2}}", ["1", "2"]),
        ("{{2}} {{1}} {{2}}", ["2", "1"]),
        ("{{ first_name }} ordered {{item}}", ["first_name", "item"]),
    ],
)
def test_placeholders(text: str, names: list[str]) -> None:
    assert placeholders(text) == names


def test_named_parameters_render_by_name() -> None:
    params = (
        TemplateSend.model_validate(
            {
                "name": "t",
                "language": {"code": "en"},
                "components": [
                    {
                        "type": "body",
                        "parameters": [
                            {"type": "text", "parameter_name": "item", "text": "rice"},
                            {"type": "text", "parameter_name": "first_name", "text": "Asha"},
                        ],
                    }
                ],
            }
        )
        .components[0]
        .parameters
    )
    assert render("{{first_name}} ordered {{item}}", params) == "Asha ordered rice"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({}, None),
        ({"category": "utility"}, None),
        ({"name": "Order Update"}, 100),
        ({"category": "PROMO"}, 100),
        ({"components": []}, 100),
        ({"components": [{"type": "FOOTER", "text": "x"}]}, 100),
        ({"components": [{"type": "BODY", "text": "x" * 1025}]}, 100),
        ({"components": [{"type": "BODY"}]}, 131008),
        (
            {
                "components": [
                    {"type": "BODY", "text": "x"},
                    {"type": "HEADER", "format": "TEXT", "text": "h" * 61},
                ]
            },
            100,
        ),
        ({"language": None}, 100),
        ({"surprise": 1}, 100),
    ],
)
def test_template_definitions(change: dict[str, Any], code: int | None) -> None:
    body = {
        "name": "order_update",
        "language": "en_US",
        "category": "UTILITY",
        "components": [{"type": "BODY", "text": "Hi {{1}}"}],
        **change,
    }
    if code is None:
        assert parse_template_definition(body).category == "UTILITY"
        return
    with pytest.raises(GraphError) as refused:
        parse_template_definition(body)
    assert refused.value.code == code


# ---- time


@pytest.mark.parametrize(
    ("bucket", "now", "rate", "burst", "allowed", "left"),
    [
        (None, 0.0, 1.0, 3.0, True, 2.0),  # a new bucket starts full
        (Bucket(0.0, 0.0), 0.5, 1.0, 3.0, False, 0.5),  # half a token is not one
        (Bucket(0.0, 0.0), 1.0, 1.0, 3.0, True, 0.0),
        (Bucket(0.5, 0.0), 100.0, 1.0, 3.0, True, 2.0),  # refill is capped at burst
        (Bucket(1.0, 5.0), 4.0, 1.0, 3.0, True, 0.0),  # a clock going back adds nothing
        (Bucket(0.0, 0.0), 6.0, 10 / 60, 20.0, True, 0.0),  # 10/min: a token per 6 s
    ],
)
def test_take(
    bucket: Bucket | None, now: float, rate: float, burst: float, allowed: bool, left: float
) -> None:
    ok, after = take(bucket, now=now, rate=rate, burst=burst)
    assert ok is allowed
    assert after.tokens == pytest.approx(left)
    assert after.updated == now


def test_a_bucket_allows_exactly_its_burst_at_once() -> None:
    bucket = None
    outcomes = []
    for _ in range(85):
        ok, bucket = take(bucket, now=10.0, rate=80, burst=80)
        outcomes.append(ok)
    assert outcomes.count(True) == 80 and outcomes[80:] == [False] * 5


@pytest.mark.parametrize(
    ("last", "now", "is_open"),
    [
        (None, 1000.0, False),
        (1000.0, 1000.0, True),
        (1000.0, 1000.0 + 86_399, True),
        (1000.0, 1000.0 + 86_400, False),
        (1000.0, 999.0, False),
    ],
)
def test_window(last: float | None, now: float, is_open: bool) -> None:
    assert window_open(last, now) is is_open


# ---- ids, signatures, statuses


def test_message_ids_look_like_meta_ids_and_differ_by_nonce() -> None:
    a, b = webhooks.message_id(TO, "ab" * 9), webhooks.message_id(TO, "cd" * 9)
    assert a.startswith("wamid.HBgL") and a != b
    assert webhooks.message_id(TO, "ab" * 9) == a


def test_signature_is_hmac_sha256_of_raw_body() -> None:
    body = b'{"object":"whatsapp_business_account"}'
    expected = hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert webhooks.signature("secret", body) == f"sha256={expected}"


@pytest.mark.parametrize(
    ("status", "category", "in_window", "priced", "expires"),
    [
        ("sent", "service", True, ("free_customer_service", False), True),
        ("delivered", "utility", True, ("free_customer_service", False), False),
        ("read", "utility", False, ("regular", True), False),
        ("sent", "marketing", True, ("regular", True), True),
    ],
)
def test_status_items(
    status: Any, category: str, in_window: bool, priced: tuple[str, bool], expires: bool
) -> None:
    item = status_item(
        StatusFacts(
            "wamid.X",
            {"recipient_id": TO, "recipient_user_id": "US.1"},
            status,
            1749416400,
            category,
            "c1",
            1749502800,
            in_window,
            "cb",
        )
    )
    assert item["timestamp"] == "1749416400" and item["recipient_id"] == TO
    assert item["recipient_user_id"] == "US.1"
    assert item["pricing"] == {
        "billable": priced[1],
        "pricing_model": "PMP",
        "type": priced[0],
        "category": category,
    }
    assert item["conversation"]["origin"] == {"type": category}
    assert ("expiration_timestamp" in item["conversation"]) is expires
    assert item["biz_opaque_callback_data"] == "cb"


def test_failed_status_carries_errors_not_pricing() -> None:
    item = status_item(
        StatusFacts(
            "wamid.X",
            {"recipient_user_id": "US.1"},
            "failed",
            1,
            "service",
            "c",
            2,
            True,
            error=graph.async_error(131026),
        )
    )
    assert "pricing" not in item and "conversation" not in item
    assert item["errors"][0]["code"] == 131026
    assert item["errors"][0]["title"] == "Message undeliverable"


def test_waiting_webhooks_are_coalesced_in_order_into_one_entry() -> None:
    from sauda_sandbox.adapters.webhooks import Delivery, _Item, coalesce

    def item(n: int) -> _Item:
        payload = {
            "object": "whatsapp_business_account",
            "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {"n": n}}]}],
        }
        return _Item("http://x", payload, Delivery(key="k", url="http://x", field="messages",
                                                  queued_at=0.0))  # fmt: skip

    merged = coalesce([item(1), item(2), item(3)])
    assert merged["object"] == "whatsapp_business_account"
    assert [e["id"] for e in merged["entry"]] == ["WABA"]
    assert [c["value"]["n"] for c in merged["entry"][0]["changes"]] == [1, 2, 3]

"""A merchant's sends on the wire: Meta's media and template limits refuse what WhatsApp would,
each kind carries only what it may, and the gateway names the notifier's message id."""

from uuid import UUID, uuid4

import pytest
from pydantic import ValidationError

from sauda_contracts.sends import (
    MediaKind,
    MediaToSend,
    TemplateToSend,
    link_extension,
    outbound_message_id,
    shape_problem,
)
from sauda_contracts.whatsapp import OutboundKind, ReplyButton, SendMessageBody

PHONE = "923001234567"


def test_the_notifiers_message_id_is_derived_from_business_and_key() -> None:
    business = UUID("00000000-0000-0000-0000-000000000001")
    assert outbound_message_id(business, "api:k1") == outbound_message_id(business, "api:k1")
    assert outbound_message_id(business, "api:k1") != outbound_message_id(business, "api:k2")
    assert outbound_message_id(business, "api:k1") != outbound_message_id(uuid4(), "api:k1")


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("image", {"link": "https://cdn.shop.pk/a.JPG", "caption": "New lawn"}),
        ("image", {"id": "1037543291543636"}),
        ("video", {"link": "https://cdn.shop.pk/v.mp4"}),
        ("audio", {"link": "https://cdn.shop.pk/voice.ogg"}),
        ("document", {"link": "https://cdn.shop.pk/invoice.pdf", "filename": "invoice.pdf"}),
        ("sticker", {"link": "https://cdn.shop.pk/s.webp"}),
        ("image", {"link": "https://cdn.shop.pk/render?id=7"}),  # no extension: Meta checks
    ],
)
def test_media_meta_accepts(kind: str, fields: dict[str, str]) -> None:
    assert MediaToSend(type=MediaKind(kind), **fields).type == kind


@pytest.mark.parametrize(
    ("kind", "fields", "why"),
    [
        ("image", {"link": "https://cdn.shop.pk/a.gif"}, "this link ends in .gif"),
        ("sticker", {"link": "https://cdn.shop.pk/s.png"}, "as webp"),
        ("audio", {"link": "https://cdn.shop.pk/a.mp3", "caption": "hi"}, "no caption"),
        ("sticker", {"id": "5", "caption": "hi"}, "no caption"),
        ("image", {"id": "5", "filename": "a.jpg"}, "only a document has a file name"),
        ("image", {}, "link or its id"),
        ("image", {"link": "https://x/a.jpg", "id": "5"}, "link or its id"),
        ("image", {"link": "ftp://cdn.shop.pk/a.jpg"}, "pattern"),
    ],
)
def test_media_meta_refuses(kind: str, fields: dict[str, str], why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        MediaToSend(type=MediaKind(kind), **fields)


def test_a_link_extension_is_read_from_its_path_only() -> None:
    assert link_extension("https://x.pk/files/Report.PDF?v=2#top") == "pdf"
    assert link_extension("https://x.pk/files/report") is None
    assert link_extension("https://x.pk/") is None


def test_a_template_is_named_by_name_and_language_or_by_id() -> None:
    assert TemplateToSend(name="eid_sale", language="en_US", body=("Ayesha",)).body == ("Ayesha",)
    assert TemplateToSend(template_id="437509121867805").language is None
    with pytest.raises(ValidationError, match="needs its language"):
        TemplateToSend(name="eid_sale")
    with pytest.raises(ValidationError, match="template_id"):
        TemplateToSend(language="en")


@pytest.mark.parametrize("value", ["two\nlines", "tab\there", "five     spaces"])
def test_template_parameters_take_no_newline_tab_or_runs_of_spaces(value: str) -> None:
    with pytest.raises(ValidationError, match="newline, tab or 5 spaces"):
        TemplateToSend(name="eid_sale", language="en", body=(value,))
    with pytest.raises(ValidationError, match="newline, tab or 5 spaces"):
        TemplateToSend(name="eid_sale", language="en", header={"text": value})


def test_a_template_header_is_a_text_or_a_headed_file() -> None:
    media = {"type": "image", "link": "https://cdn.shop.pk/a.png"}
    assert TemplateToSend(name="t", language="en", header={"media": media}).header is not None
    with pytest.raises(ValidationError, match="one of them"):
        TemplateToSend(name="t", language="en", header={"text": "x", "media": media})
    with pytest.raises(ValidationError, match="image, video or document"):
        TemplateToSend(name="t", language="en",
                       header={"media": {"type": "audio", "link": "https://x/a.ogg"}})  # fmt: skip
    with pytest.raises(ValidationError, match="each button index once"):
        TemplateToSend(name="t", language="en", buttons=[{"index": 0, "value": "a"},
                                                         {"index": 0, "value": "b"}])  # fmt: skip


def _problem(kind: str, **given: object) -> tuple[str, str] | None:
    fields: dict[str, object] = {"text": "", "header": None, "footer": None, "buttons": 0,
                                 "menu": False, "header_media": None, "template": None,
                                 "media": None} | given  # fmt: skip
    return shape_problem(kind, **fields)  # type: ignore[arg-type]


IMAGE = MediaToSend(type=MediaKind.IMAGE, link="https://cdn.shop.pk/a.png")
AUDIO = MediaToSend(type=MediaKind.AUDIO, id="77")


@pytest.mark.parametrize(
    ("kind", "given", "field"),
    [
        ("text", {"text": ""}, "text"),
        ("text", {"text": "hi", "footer": "f"}, "footer"),
        ("buttons", {"text": "hi"}, "buttons"),
        ("buttons", {"text": "x" * 1025, "buttons": 1}, "text"),
        ("buttons", {"text": "hi", "buttons": 1, "header": "h", "header_media": IMAGE}, "header"),
        ("buttons", {"text": "hi", "buttons": 1, "header_media": AUDIO}, "header_media"),
        ("list", {"text": "hi"}, "menu"),
        ("list", {"text": "hi", "menu": True, "header_media": IMAGE}, "header_media"),
        ("template", {}, "template"),
        ("template", {"text": "hi", "template": TemplateToSend(template_id="1")}, "text"),
        ("media", {}, "media"),
        ("media", {"media": IMAGE, "buttons": 2}, "buttons"),
    ],
)
def test_each_kind_carries_only_what_it_may(
    kind: str, given: dict[str, object], field: str
) -> None:
    problem = _problem(kind, **given)
    assert problem is not None and problem[0] == field


def test_well_formed_sends_have_no_problem() -> None:
    assert _problem("text", text="hi") is None
    assert _problem("buttons", text="hi", buttons=3, header_media=IMAGE, footer="f") is None
    assert _problem("list", text="hi", menu=True, header="Menu") is None
    assert _problem("template", template=TemplateToSend(template_id="1")) is None
    assert _problem("media", media=AUDIO) is None


def test_the_wire_body_refuses_a_shape_meta_would() -> None:
    body = SendMessageBody(message_key="k", customer_phone=PHONE, kind=OutboundKind.MEDIA,
                           media=IMAGE, merchant=True)  # fmt: skip
    assert body.text == "" and body.media == IMAGE
    with pytest.raises(ValidationError, match="a text message has no buttons"):
        SendMessageBody(message_key="k", customer_phone=PHONE, kind=OutboundKind.TEXT,
                        text="hi", buttons=(ReplyButton(id="a", title="A"),))  # fmt: skip
    with pytest.raises(ValidationError, match="needs its text"):
        SendMessageBody(message_key="k", customer_phone=PHONE, kind=OutboundKind.BUTTONS,
                        buttons=(ReplyButton(id="a", title="A"),))  # fmt: skip

"""Business-scoped identities, media limits and template listing rules, one row per rule."""

from typing import Any

import pytest

from sauda_sandbox.adapters.webhooks import WebhookEmitter
from sauda_sandbox.domain import identities, media
from sauda_sandbox.domain.graph import GraphError
from sauda_sandbox.domain.identities import Shopper
from sauda_sandbox.domain.templates import TemplateQuery, matches, page_of
from sauda_sandbox.settings import SandboxSettings

PHONE = Shopper(user_id="IN.12345678901234567890", phone="919812345678", name="Asha")
USERNAME_ONLY = Shopper(
    user_id="PK.11112222333344445555",
    username="@bilal",
    parent_user_id="PK.ENT.99",
    name="Bilal",
)


@pytest.mark.parametrize(
    ("phone", "country"),
    [("919812345678", "IN"), ("15551234567", "US"), ("923001234567", "PK"),
     ("8801712345678", "BD"), ("971501234567", "AE"), ("8612345678901", "CN")],
)  # fmt: skip
def test_a_phones_user_id_names_its_country_and_is_business_scoped(
    phone: str, country: str
) -> None:
    ours = identities.derived_user_id("waba-1", phone)
    assert identities.USER_ID.fullmatch(ours) and ours.startswith(country + ".")
    assert identities.derived_user_id("waba-1", phone) == ours
    assert identities.derived_user_id("waba-2", phone) != ours


@pytest.mark.parametrize(
    ("value", "is_id"),
    [("US.13491208655302741918", True), ("US.ENT.11815799212886844830", True),
     ("BR.1502576394655843", True), ("us.123", False), ("919812345678", False),
     ("US.", False), ("USA.123", False)],
)  # fmt: skip
def test_user_id_shapes(value: str, is_id: bool) -> None:
    assert identities.is_user_id(value) is is_id


def test_contacts_and_senders_show_a_phone_only_when_there_is_one() -> None:
    assert identities.contact(PHONE) == {
        "profile": {"name": "Asha"},
        "wa_id": "919812345678",
        "user_id": "IN.12345678901234567890",
    }
    assert identities.contact(USERNAME_ONLY) == {
        "profile": {"name": "Bilal", "username": "@bilal"},
        "user_id": "PK.11112222333344445555",
        "parent_user_id": "PK.ENT.99",
    }
    assert identities.sender(PHONE) == {
        "from": "919812345678",
        "from_user_id": "IN.12345678901234567890",
    }
    assert identities.sender(USERNAME_ONLY) == {
        "from_user_id": "PK.11112222333344445555",
        "from_parent_user_id": "PK.ENT.99",
    }


@pytest.mark.parametrize(
    ("shopper", "by", "expected"),
    [
        (PHONE, "phone", {"recipient_id": "919812345678",
                          "recipient_user_id": "IN.12345678901234567890"}),
        (PHONE, "user_id", {"recipient_user_id": "IN.12345678901234567890"}),
        (USERNAME_ONLY, "user_id", {"recipient_user_id": "PK.11112222333344445555",
                                    "parent_recipient_user_id": "PK.ENT.99"}),
    ],
)  # fmt: skip
def test_status_recipients(shopper: Shopper, by: Any, expected: dict[str, str]) -> None:
    assert identities.recipient(shopper, by) == expected


def test_a_sends_answer_names_what_it_was_sent_to() -> None:
    assert identities.sent_contact(PHONE, "+91 98123 45678", "phone") == {
        "input": "+91 98123 45678",
        "wa_id": "919812345678",
    }
    assert identities.sent_contact(PHONE, PHONE.user_id, "user_id") == {
        "input": PHONE.user_id,
        "user_id": PHONE.user_id,
    }


# ---- media


@pytest.mark.parametrize(
    ("mime", "size", "code"),
    [
        ("image/jpeg", 5 * media.MB, None),
        ("image/png", 5 * media.MB + 1, 131053),
        ("image/webp", 500 * media.KB, None),
        ("image/webp", 500 * media.KB + 1, 131053),
        ("audio/ogg; codecs=opus", 16 * media.MB, None),
        ("video/3gp", 16 * media.MB, None),
        ("video/mp4", 16 * media.MB + 1, 131053),
        ("application/pdf", 100 * media.MB, None),
        ("image/gif", 10, 100),
        ("application/zip", 10, 100),
        (None, 10, 100),
        ("image/png", 0, 100),
    ],
)
def test_uploads(mime: str | None, size: int, code: int | None) -> None:
    if code is None:
        assert media.check_upload(mime, size) in media.UPLOADABLE
        return
    with pytest.raises(GraphError) as refused:
        media.check_upload(mime, size)
    assert refused.value.code == code and refused.value.http_status == 400


ANIMATED = b"RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x02\x00\x00\x00"
STATIC = b"RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00\x00\x00\x00\x00"


@pytest.mark.parametrize(
    ("kind", "mime", "size", "head", "fits"),
    [
        ("image", "image/jpeg", 100, b"", True),
        ("image", "application/pdf", 100, b"", False),
        ("sticker", "image/webp", 100 * media.KB, STATIC, True),
        ("sticker", "image/webp", 100 * media.KB + 1, STATIC, False),
        ("sticker", "image/webp", 500 * media.KB, ANIMATED, True),
        ("sticker", "image/png", 10, b"", False),
        ("document", "text/plain", 10, b"", True),
        ("audio", "audio/mpeg", 16 * media.MB + 1, b"", False),
        ("video", "video/mp4", 1, b"", True),
    ],
)
def test_what_each_media_message_may_carry(
    kind: str, mime: str, size: int, head: bytes, fits: bool
) -> None:
    assert (media.unfit(kind, mime, size, head) is None) is fits


def test_download_urls_are_signed_and_expire() -> None:
    query = dict(part.split("=", 1) for part in media.download_query("s", "42", 1000).split("&"))
    expires = int(query["ext"])
    assert query["mid"] == "42" and expires == 1000 + media.URL_LIFETIME
    assert media.check_download("s", "42", expires, query["hash"], now=1001)
    assert not media.check_download("s", "42", expires, query["hash"], now=expires)
    assert not media.check_download("other", "42", expires, query["hash"], now=1001)
    assert not media.check_download("s", "43", expires, query["hash"], now=1001)


# ---- template listing


def template(name: str, status: str, body: str, category: str = "UTILITY") -> dict[str, Any]:
    components = [{"type": "BODY", "text": body}]
    return {"id": name, "name": name, "status": status, "category": category,
            "language": "en_US", "components": components}  # fmt: skip


TEMPLATES = [
    template("order_confirm", "APPROVED", "Confirm {{1}}?"),
    template("order_shipped", "PAUSED", "Shipped!"),
    template("promo_sale", "REJECTED", "Big SALE today", "MARKETING"),
]


@pytest.mark.parametrize(
    ("key", "wanted", "names"),
    [
        ("name", "order", ["order_confirm", "order_shipped"]),
        ("name", "Promo", ["promo_sale"]),
        ("status", "APPROVED,REJECTED", ["order_confirm", "promo_sale"]),
        ("status", " paused ", ["order_shipped"]),
        ("category", "marketing", ["promo_sale"]),
        ("language", "en_US,pt_BR", ["order_confirm", "order_shipped", "promo_sale"]),
        ("content", "sale", ["promo_sale"]),
        ("name_or_content", "ship", ["order_shipped"]),
    ],
)
def test_template_filters(key: str, wanted: str, names: list[str]) -> None:
    assert [t["name"] for t in TEMPLATES if matches(t, key, wanted)] == names


def test_summary_counts_the_matches_and_the_registry() -> None:
    query = TemplateQuery(
        filters={"status": "APPROVED,PAUSED"}, fields=None, limit=1,
        summary=["total_count", "message_template_count", "nonsense"],
    )  # fmt: skip
    page = page_of(TEMPLATES, query)
    assert [t["name"] for t in page.items] == ["order_confirm"] and page.has_next
    assert page.summary == {"total_count": 2, "message_template_count": 3}
    plain = page_of(TEMPLATES, TemplateQuery(filters={}, fields=None, limit=5))
    assert plain.summary is None


def test_one_change_per_webhook_post_is_the_default() -> None:
    assert SandboxSettings.model_fields["sandbox_webhook_batch"].default == 1
    assert WebhookEmitter("secret")._batch == 1

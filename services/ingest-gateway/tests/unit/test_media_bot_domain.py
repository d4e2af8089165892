"""A media upload and the bot's postbacks, decided on their own: Meta's types and sizes (from
the shared table in contracts) with their codes and the field named, a bare octet stream read by
its file name, a file fit for one message type and not another; a bot flow by its id; a tapped
id counted under its family."""

import hashlib

import pytest

from sauda_contracts.media import upload_limit, uploadable_kinds
from sauda_contracts.sends import MediaKind
from sauda_gateway.api.errors import MAX_BODY_BYTES
from sauda_gateway.api.middleware import MEDIA_BODY_BYTES, body_limit
from sauda_gateway.bot.domain import UnknownBotFlow, bot_flow, bot_postback, postback_family
from sauda_gateway.domain import MissingField
from sauda_gateway.media.domain import (
    MediaTooLarge,
    UnsupportedMediaType,
    checked_upload,
    file_type,
    unfit_for,
)

MB = 1024 * 1024


def test_each_message_types_limit_is_metas_and_a_file_over_it_is_413() -> None:
    assert upload_limit("image/jpeg") == 5 * MB
    assert upload_limit("video/mp4") == upload_limit("audio/ogg") == 16 * MB
    assert upload_limit("application/pdf") == 100 * MB
    assert upload_limit("image/webp") == 500 * 1024  # a sticker
    assert upload_limit("image/gif") is None
    with pytest.raises(MediaTooLarge) as big:
        checked_upload("image/png", "a.png", b"x" * (5 * MB + 1))
    assert (big.value.code, big.value.field) == ("media_too_large", "file")
    assert big.value.details == {"size": 5 * MB + 1, "max_bytes": 5 * MB, "mime_type": "image/png"}
    assert checked_upload("image/png", "a.png", b"x" * (5 * MB)).size == 5 * MB


def test_a_type_no_message_can_carry_is_415_naming_the_forms_field() -> None:
    with pytest.raises(UnsupportedMediaType) as gif:
        checked_upload("image/gif", "a.gif", b"GIF89a", field="media_file")
    assert (gif.value.code, gif.value.field) == ("unsupported_media_type", "media_file")
    assert "image/gif" in gif.value.message
    with pytest.raises(MissingField) as none:
        checked_upload(None, None, None)
    assert none.value.field == "file"
    with pytest.raises(MissingField):
        checked_upload("image/png", "a.png", b"")


def test_a_bare_octet_stream_is_read_by_its_file_name_and_a_content_type_is_made_bare() -> None:
    assert file_type("application/octet-stream", "Invoice.PDF") == "application/pdf"
    assert file_type("", "menu.docx").endswith("wordprocessingml.document")
    assert file_type("audio/ogg; codecs=opus", "v.ogg") == "audio/ogg"
    assert file_type("image/jpg", None) == "image/jpeg"
    with pytest.raises(UnsupportedMediaType):
        checked_upload("application/octet-stream", "blob", b"\x00")
    upload = checked_upload("application/octet-stream", " lawn.jpg ", b"\xff\xd8")
    assert (upload.mime_type, upload.filename) == ("image/jpeg", "lawn.jpg")
    assert upload.sha256 == hashlib.sha256(b"\xff\xd8").hexdigest()


def test_a_file_fits_the_message_types_that_carry_its_type() -> None:
    assert uploadable_kinds("image/png") == (MediaKind.IMAGE,)
    assert unfit_for(MediaKind.DOCUMENT, "application/pdf") is None
    assert unfit_for(MediaKind.IMAGE, "application/pdf") is not None
    assert unfit_for(MediaKind.STICKER, "image/png") is not None


def test_a_bot_flow_is_named_by_its_id_and_an_unknown_one_is_404_naming_the_field() -> None:
    assert bot_flow("order", field="flow_id").flow_id == "order"
    assert bot_flow(" MENU ", field="flow_id").flow_id == "menu"
    with pytest.raises(UnknownBotFlow) as unknown:
        bot_flow("welcome", field="bot_flow_unique_id")
    assert (unknown.value.code, unknown.value.field) == ("unknown_bot_flow", "bot_flow_unique_id")


def test_a_tapped_id_counts_for_its_family_and_a_merchants_id_for_itself() -> None:
    assert postback_family("product:7f1c9d5e-0000-4000-8000-000000000001") == "product"
    assert postback_family("qty:3") == "qty"
    assert postback_family("cod:cancel:7f1c9d5e-0000-4000-8000-000000000002:WA-1") == "cod:cancel"
    assert postback_family("cart:checkout") == "cart:checkout"
    assert postback_family("paid-by-card") == "paid-by-card"
    assert bot_postback("cod:confirm") is not None and bot_postback("cod:confirm").template
    assert bot_postback("paid-by-card") is None


def test_only_the_routes_that_take_a_file_take_a_body_the_size_of_metas_largest() -> None:
    for path in ("/api/v1/whatsapp/media", "/api/v1/whatsapp/upload/media",
                 "/api/v1/whatsapp/send/file"):  # fmt: skip
        assert body_limit({"path": path}) == MEDIA_BODY_BYTES > upload_limit("application/pdf")
    assert body_limit({"path": "/api/v1/events/ingest"}) == MAX_BODY_BYTES
    assert body_limit({"path": "/api/v1/whatsapp/send"}) == MAX_BODY_BYTES

"""The widget's pure rules: origins as browsers send them, the orders panel's routes, session life."""

from datetime import UTC, datetime, timedelta

import pytest

from sauda_gateway.widget.domain import (
    InvalidOrigin,
    InvalidTtl,
    OriginNotAllowed,
    OutsideWidgetScope,
    WidgetSessionEnded,
    cross_origin_methods,
    listed_origin,
    normalize_origin,
    normalize_origins,
    session_expiry,
    widget_may,
    widget_refusal,
)

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


# What a merchant types, and the origin a browser sends for that page.
SPELLINGS = {
    "https://Admin.Shop.PK": "https://admin.shop.pk",
    "https://admin.shop.pk/": "https://admin.shop.pk",
    "https://admin.shop.pk:443": "https://admin.shop.pk",
    "https://admin.shop.pk:8443": "https://admin.shop.pk:8443",
    "http://localhost:3000": "http://localhost:3000",
    "http://127.0.0.1:8080": "http://127.0.0.1:8080",
}


@pytest.mark.parametrize(("raw", "origin"), SPELLINGS.items())
def test_an_origin_is_spelled_as_the_browser_sends_it(raw: str, origin: str) -> None:
    assert normalize_origin(raw) == origin


@pytest.mark.parametrize(
    "raw",
    ["admin.shop.pk", "ftp://shop.pk", "https://shop.pk/admin", "https://shop.pk?x=1",
     "https://user:pw@shop.pk", "https://", "http://shop.pk", "https://shop.pk:99999"],
)  # fmt: skip
def test_anything_else_is_not_an_origin(raw: str) -> None:
    with pytest.raises(InvalidOrigin):
        normalize_origin(raw)


def test_plain_http_beyond_localhost_only_when_allowed() -> None:
    assert normalize_origin("http://shop.test", allow_http=True) == "http://shop.test"


def test_a_key_names_one_to_twenty_origins_each_once_and_the_bad_one_is_pointed_at() -> None:
    assert normalize_origins(["https://a.pk", "https://A.pk/"]) == ["https://a.pk"]
    with pytest.raises(InvalidOrigin):
        normalize_origins([])
    with pytest.raises(InvalidOrigin):
        normalize_origins([f"https://{n}.pk" for n in range(21)])
    with pytest.raises(InvalidOrigin) as refused:
        normalize_origins(["https://a.pk", "a.pk"])
    assert refused.value.field == "origins[1]"


def test_a_widget_session_opens_the_orders_panel_and_nothing_else() -> None:
    assert widget_may("get", "/api/v1/orders")
    assert widget_may("PATCH", "/api/v1/orders/{order_id}/status")
    assert widget_may("POST", "/api/v1/orders/{order_id}/cancel")
    assert not widget_may("POST", "/api/v1/orders")  # placing orders is the store's server's
    assert not widget_may("GET", "/api/v1/webhooks")
    assert not widget_may("POST", "/api/v1/widget/sessions")


def test_preflights_name_the_methods_of_the_concrete_path() -> None:
    assert cross_origin_methods("/api/v1/orders") == ["GET"]
    assert cross_origin_methods("/api/v1/orders/8f1c/status") == ["PATCH"]
    assert cross_origin_methods("/api/v1/orders/8f1c") == ["GET"]
    assert cross_origin_methods("/api/v1/widget/exchange") == ["POST"]
    assert cross_origin_methods("/api/v1/webhooks") == []
    assert cross_origin_methods("/api/v1/orders/8f1c/status/x") == []


def test_a_session_lives_an_hour_unless_asked_between_a_minute_and_twelve_hours() -> None:
    assert session_expiry(NOW, None) == NOW + timedelta(hours=1)
    assert session_expiry(NOW, 60) == NOW + timedelta(minutes=1)
    assert session_expiry(NOW, 43_200) == NOW + timedelta(hours=12)
    for bad in (59, 43_201, 0, -5):
        with pytest.raises(InvalidTtl):
            session_expiry(NOW, bad)


def test_why_a_widget_call_is_refused() -> None:
    ok = {"origin": "https://a.pk", "method": "GET", "route_path": "/api/v1/orders"}
    assert widget_refusal(ended=False, sent_origin="https://a.pk", **ok) is None
    assert isinstance(widget_refusal(ended=True, sent_origin="https://a.pk", **ok),
                      WidgetSessionEnded)  # fmt: skip
    for sent in (None, "https://evil.pk", "https://a.pk.evil.pk"):
        assert isinstance(widget_refusal(ended=False, sent_origin=sent, **ok), OriginNotAllowed)
    outside = {**ok, "route_path": "/api/v1/products"}
    assert isinstance(widget_refusal(ended=False, sent_origin="https://a.pk", **outside),
                      OutsideWidgetScope)  # fmt: skip


def test_a_publishable_key_opens_only_from_a_page_on_its_list() -> None:
    listed = ["https://shop.pk", "http://localhost:3000"]
    assert listed_origin("https://SHOP.pk", listed) == "https://shop.pk"
    assert listed_origin("http://localhost:3000", listed) == "http://localhost:3000"
    assert listed_origin("https://evil.pk", listed) is None
    assert listed_origin("https://shop.pk:8443", listed) is None
    assert listed_origin(None, listed) is None

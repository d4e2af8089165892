"""Which URLs Sauda may call (SSRF rules), as tables."""

import httpx
import pytest

from sauda_runtime import netguard
from sauda_runtime.netguard import UnsafeUrl, address_refusal, check_url, check_url_shape, pin


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "private"),  # carrier-grade NAT
        ("169.254.169.254", "link-local (cloud metadata)"),
        ("fe80::1", "link-local (cloud metadata)"),
        ("fd00::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("0.0.0.0", "not a public unicast address"),
        ("224.0.0.1", "not a public unicast address"),
        ("93.184.216.34", None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
    ],
)
def test_addresses(address: str, why: str | None) -> None:
    assert address_refusal(address) == why


@pytest.mark.parametrize(
    ("url", "https", "refusal"),
    [
        ("https://shop.example/hook", True, None),
        ("http://shop.example/hook", True, "must use https"),
        ("http://shop.example/hook", False, None),
        ("ftp://shop.example/hook", False, "must start with https://"),
        ("https://user:pw@shop.example/hook", True, "user name or password"),
        ("https:///hook", True, "no host"),
        ("https://metadata.google.internal/computeMetadata", True, "cloud metadata"),
        ("https://shop.example:99999/hook", True, "port"),
    ],
)
def test_url_shapes(url: str, https: bool, refusal: str | None) -> None:
    if refusal is None:
        check_url_shape(url, require_https=https)
    else:
        with pytest.raises(UnsafeUrl, match=refusal):
            check_url_shape(url, require_https=https)


async def test_names_are_checked_by_what_they_resolve_to() -> None:
    with pytest.raises(UnsafeUrl, match=r"resolves to 127\.0\.0\.1, a loopback address"):
        await check_url("https://localhost/hook", require_https=True, allow_private=False)
    assert "127.0.0.1" in await check_url(
        "http://localhost:9/hook", require_https=False, allow_private=True
    )
    with pytest.raises(UnsafeUrl, match="does not resolve"):
        await check_url("https://no-such-host.invalid/", require_https=True, allow_private=False)


@pytest.mark.parametrize(
    ("url", "address", "to", "host", "sni"),
    [
        ("https://shop.example/hook?x=1", "93.184.216.34", "https://93.184.216.34/hook?x=1",
         "shop.example", "shop.example"),
        ("http://shop.example:8080/a", "93.184.216.34", "http://93.184.216.34:8080/a",
         "shop.example:8080", None),
        ("https://shop.example:8443/", "2606:2800:220:1::1", "https://[2606:2800:220:1::1]:8443/",
         "shop.example:8443", "shop.example"),
    ],
)  # fmt: skip
def test_a_pinned_request_goes_to_the_checked_address_under_the_name(
    url: str, address: str, to: str, host: str, sni: str | None
) -> None:
    pinned = pin(url, address)
    assert pinned.url == to
    assert pinned.headers == {"Host": host}
    assert pinned.extensions.get("sni_hostname") == sni


async def test_a_name_that_rebinds_after_the_check_is_not_followed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first answer is public and checked; a second lookup (the connection's own) would
    say loopback. The request never looks the name up again: it goes to the checked address."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    async def resolve(host: str, port: int) -> list[str]:
        return next(answers)

    monkeypatch.setattr(netguard, "resolve", resolve)
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: seen.append(request) or httpx.Response(200))
    to = await netguard.pinned("https://rebind.example/hook", require_https=True,
                               allow_private=False)  # fmt: skip
    async with httpx.AsyncClient(transport=transport) as http:
        await http.post(to.url, headers=to.headers, extensions=to.extensions)
    [request] = seen
    assert request.url.host == "93.184.216.34"
    assert request.headers["Host"] == "rebind.example"
    assert request.extensions["sni_hostname"] == "rebind.example"

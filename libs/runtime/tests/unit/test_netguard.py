"""Which URLs Sauda may call (SSRF rules), as tables."""

import pytest

from sauda_runtime.netguard import UnsafeUrl, address_refusal, check_url, check_url_shape


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

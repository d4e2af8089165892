"""Outbound URL safety (SSRF): Sauda calls merchants' URLs, never its own network's.

A URL is refused when it is not https (in production), or when its host is or resolves to a
loopback, private, link-local, multicast, reserved or unspecified address, or a cloud metadata
address. The check runs when a URL is saved and again before every call (DNS can change), and the call
then goes to the very address that was checked (`pinned`): the host name travels in the Host
header and TLS's SNI, so a name that re-resolves to a private address between the check and
the connection (DNS rebinding) reaches nothing. `allow_private` (a development setting) lets
loopback receivers through for `make run` and tests.
"""

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

RESOLVE_TIMEOUT = 5.0
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})


class UnsafeUrl(ValueError):
    """The URL may not be called; the message says why."""


def check_url_shape(url: str, *, require_https: bool) -> tuple[str, int]:
    """(host, port) of an absolute http(s) URL without credentials; raises UnsafeUrl otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise UnsafeUrl("the URL must start with https://")
    if require_https and parts.scheme != "https":
        raise UnsafeUrl("the URL must use https")
    if parts.username or parts.password:
        raise UnsafeUrl("the URL must not carry a user name or password")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsafeUrl("the URL has no host")
    if host in METADATA_HOSTS:
        raise UnsafeUrl(f"{host} is a cloud metadata address")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeUrl("the URL's port is not a number from 1 to 65535") from None
    return host, port


def address_refusal(address: str) -> str | None:
    """Why this IP address may not be called, or None if it may."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:  # includes 169.254.169.254, the cloud metadata address
        return "link-local (cloud metadata)"
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return "not a public unicast address"
    if ip.is_private or ip in ipaddress.ip_network("100.64.0.0/10"):
        return "private"
    return None


async def resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return sorted({str(info[4][0]) for info in infos})


async def check_url(url: str, *, require_https: bool, allow_private: bool) -> list[str]:
    """The addresses the URL's host resolves to, once every one of them may be called."""
    host, port = check_url_shape(url, require_https=require_https)
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT):
            addresses = await resolve(host, port)
    except TimeoutError:
        raise UnsafeUrl(f"{host} did not resolve within {RESOLVE_TIMEOUT:g} s") from None
    except OSError as exc:
        raise UnsafeUrl(f"{host} does not resolve ({exc.strerror or exc})") from None
    if not allow_private:
        for address in addresses:
            if why := address_refusal(address):
                raise UnsafeUrl(f"{host} resolves to {address}, a {why} address")
    return addresses


@dataclass(frozen=True)
class Pinned:
    """A request to `url`'s checked address: pass `headers` and `extensions` to httpx."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)


def pin(url: str, address: str) -> Pinned:
    """`url` with its host replaced by `address`; the name kept for Host and TLS (SNI and the
    certificate check)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    ip = f"[{address}]" if ":" in address else address
    netloc = f"{ip}:{parts.port}" if parts.port else ip
    shown_host = f"[{host}]" if ":" in host else host
    headers = {"Host": f"{shown_host}:{parts.port}" if parts.port else shown_host}
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return Pinned(urlunsplit(parts._replace(netloc=netloc)), headers, extensions)


async def pinned(url: str, *, require_https: bool, allow_private: bool) -> Pinned:
    """Check `url` (raises UnsafeUrl) and pin the request to the first checked address."""
    addresses = await check_url(url, require_https=require_https, allow_private=allow_private)
    return pin(url, addresses[0])

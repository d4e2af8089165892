"""Reading sitemaps (plain, gzipped, indexes) and robots.txt into the pages worth fetching."""

import re
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from sauda_gateway.catalog.parsing.values import host_of


@dataclass(frozen=True)
class Sitemap:
    """A sitemap's page URLs, or (for a sitemap index) the sitemaps it lists."""

    pages: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()


class NotASitemap(ValueError):
    pass


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """A gzipped sitemap (sitemap.xml.gz), unpacked to at most max_bytes."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise NotASitemap(f"broken gzip: {exc}") from None
    if len(out) > max_bytes:
        raise NotASitemap(f"larger than {max_bytes} bytes unpacked")
    return out


def parse_sitemap(data: bytes, *, base_url: str) -> Sitemap:
    """<urlset> -> page URLs; <sitemapindex> -> sitemap URLs (sitemaps.org, any namespace)."""
    if b"<!ENTITY" in data[:4096].upper():
        raise NotASitemap("a sitemap may not declare entities")  # nothing to expand, ever
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise NotASitemap(f"invalid XML: {exc}") from None
    kind = root.tag.rsplit("}", 1)[-1]
    if kind not in ("urlset", "sitemapindex"):
        raise NotASitemap(f"<{kind}> is not a sitemap")
    locs = []
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == "loc" and element.text and element.text.strip():
            url = urljoin(base_url, element.text.strip())
            if urlsplit(url).scheme in ("http", "https"):
                locs.append(url)
    unique = tuple(dict.fromkeys(locs))
    return Sitemap(sitemaps=unique) if kind == "sitemapindex" else Sitemap(pages=unique)


def robots_sitemaps(text: str, *, base_url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt."""
    found = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(urljoin(base_url, value.strip().split("#")[0].strip()))
    return list(dict.fromkeys(found))


_PRODUCTISH = re.compile(r"product|/shop/|/p/|/item", re.IGNORECASE)


def products_first(urls: list[str]) -> list[str]:
    """Product-looking URLs first (product sitemaps, /products/… pages), order kept otherwise:
    with a page cap, a site's blog should not crowd out its shop."""
    return sorted(urls, key=lambda url: _PRODUCTISH.search(url) is None)


def same_site(url: str, of: str) -> bool:
    """Whether a sitemap's page is on the sitemap's own site (www. or not)."""

    def bare(u: str) -> str:
        return host_of(u).removeprefix("www.")

    return bare(url) == bare(of)

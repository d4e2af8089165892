"""Downloads media links for media sends, as Meta's servers do, with a size cap."""

import httpx

from sauda_sandbox.handlers.ports import Fetched, FetchFailed


class HttpFetcher:
    def __init__(self, *, timeout: float = 10.0) -> None:
        self._client = httpx.AsyncClient(timeout=timeout, follow_redirects=True)

    async def fetch(self, url: str, *, max_bytes: int) -> Fetched:
        try:
            async with self._client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise FetchFailed(f"the link answered HTTP {response.status_code}")
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data.extend(chunk)
                    if len(data) > max_bytes:
                        raise FetchFailed(f"the file is over {max_bytes} bytes")
                return Fetched(response.headers.get("content-type"), bytes(data))
        except httpx.HTTPError as exc:
            raise FetchFailed(f"the link could not be downloaded: {exc!r}") from None

    async def close(self) -> None:
        await self._client.aclose()

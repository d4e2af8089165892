"""Meta's Graph API (WhatsApp Cloud API): send messages, upload media, list and create message
templates."""

import asyncio
from typing import Any, Protocol

import httpx

from sauda_contracts.whatsapp import GraphError
from sauda_notifier.domain.facts import Account
from sauda_notifier.domain.retries import SendFailure, SendOutcome, Sent
from sauda_runtime.metrics import GRAPH_CALLS, graph_labels
from sauda_runtime.tracing import traced_transport


class MessageSender(Protocol):
    async def send(self, account: Account, request: dict[str, Any]) -> SendOutcome: ...


class TemplateRegistry(Protocol):
    async def list_templates(self, account: Account) -> list[dict[str, Any]]: ...

    async def create_template(
        self, account: Account, definition: dict[str, Any]
    ) -> dict[str, Any]: ...


class GraphApiError(Exception):
    """A template call that failed (sends report failures as values instead)."""

    def __init__(self, failure: SendFailure) -> None:
        super().__init__(f"({failure.error.code}) {failure.error.title}")
        self.failure = failure


def parse_error(status: int, payload: Any, text: str = "") -> GraphError:
    """Meta's `{error: {code, message, error_data: {details}}}`, or the HTTP status if the body
    is not one (a proxy's HTML page, an empty 502)."""
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return GraphError(code=status, title=(text or f"HTTP {status}")[:500])
    data = error.get("error_data")
    details = data.get("details") if isinstance(data, dict) else None
    code = error.get("code")
    return GraphError(
        code=code if isinstance(code, int) else status,
        title=str(error.get("message") or error.get("error_user_title") or "")[:500],
        details=str(details)[:2000] if details else None,
    )


# Connections to Meta kept open and reused. As many may idle as may be open, so a burst never
# ends in connections being closed only to be opened again for the next one. httpcore walks
# every connection of its pool (a socket poll each) on each request and response, so the
# connections are split over a few pools (SHARDS), each walked alone: a third of the
# notifier's CPU went to that walk with one pool of 32. 32 in flight at Meta's ~0.2 s a send is
# ~160 sends/s per process.
MAX_CONNECTIONS = 32
SHARDS = 4
KEEPALIVE_SECONDS = 30.0


class GraphClient:
    """Shared httpx clients per process; every call names the account it acts for. At most
    `max_connections` calls are in flight: the rest wait their turn here (at most `timeout`,
    then fail as a timeout would), not in httpx's pool, whose bookkeeping grows with its queue."""

    def __init__(
        self,
        *,
        timeout: float,
        client: httpx.AsyncClient | None = None,
        max_connections: int = MAX_CONNECTIONS,
        shards: int = SHARDS,
    ) -> None:
        self._timeout = timeout
        self._slots = asyncio.Semaphore(max_connections)
        per_pool = -(-max_connections // shards)
        self._pools = [client] if client else [
            httpx.AsyncClient(
                timeout=httpx.Timeout(timeout),
                # Each call a child span with its traceparent sent on, when tracing is on.
                transport=traced_transport(
                    limits=httpx.Limits(
                        max_connections=per_pool,
                        max_keepalive_connections=per_pool,
                        keepalive_expiry=KEEPALIVE_SECONDS,
                    ),
                    http2=False,
                ),
            )
            for _ in range(max(1, min(shards, max_connections)))
        ]  # fmt: skip
        self._busy = [0] * len(self._pools)  # calls in flight per pool: the idlest gets the next

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()

    @staticmethod
    def _url(account: Account, path: str) -> str:
        return f"{account.graph_url.rstrip('/')}/{account.api_version}/{path}"

    @staticmethod
    def _headers(account: Account) -> dict[str, str]:
        return {"Authorization": f"Bearer {account.access_token}"}

    async def _call(
        self, method: str, url: str, account: Account, **kwargs: Any
    ) -> dict[str, Any] | SendFailure:
        try:
            async with asyncio.timeout(self._timeout):
                await self._slots.acquire()
        except TimeoutError:
            return SendFailure(GraphError(code=0, title="timeout: no free connection"), None)
        shard = self._busy.index(min(self._busy))
        self._busy[shard] += 1
        try:
            result = await self._request(self._pools[shard], method, url, account, **kwargs)
            if isinstance(result, SendFailure):
                labels = graph_labels(result.http_status, result.error.code)
            else:
                labels = graph_labels(200, None)
            GRAPH_CALLS.labels(method, *labels).inc()
            return result
        finally:
            self._busy[shard] -= 1
            self._slots.release()

    async def _request(
        self, pool: httpx.AsyncClient, method: str, url: str, account: Account, **kwargs: Any
    ) -> dict[str, Any] | SendFailure:
        try:
            response = await pool.request(method, url, headers=self._headers(account), **kwargs)
        except httpx.TimeoutException as exc:
            return SendFailure(GraphError(code=0, title=f"timeout: {exc!r}"[:500]), None)
        except httpx.HTTPError as exc:
            return SendFailure(GraphError(code=0, title=f"connection: {exc!r}"[:500]), None)
        except UnicodeEncodeError:
            # A token no header can carry (stored before tokens were held to visible ASCII):
            # Meta would refuse it as it refuses any bad token, so do we, for this call only.
            return SendFailure(GraphError(code=190, title="invalid access token: reconnect the "
                                          "number"), 401)  # fmt: skip
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code >= 300 or not isinstance(payload, dict):
            return SendFailure(
                parse_error(response.status_code, payload, response.text[:500]),
                response.status_code,
            )
        return payload

    async def send(self, account: Account, request: dict[str, Any]) -> SendOutcome:
        result = await self._call(
            "POST", self._url(account, f"{account.phone_number_id}/messages"), account, json=request
        )
        if isinstance(result, SendFailure):
            return result
        try:
            return Sent(wamid=str(result["messages"][0]["id"]))
        except (KeyError, IndexError, TypeError):
            # 200 without a message id: Meta did not accept it as a message.
            return SendFailure(GraphError(code=200, title="no message id in Meta's answer"), 502)

    async def upload_media(
        self, account: Account, *, data: bytes, mime_type: str, filename: str
    ) -> dict[str, Any] | SendFailure:
        """`POST /{phone_number_id}/media`, multipart: Meta's `{"id": …}`, or its error."""
        return await self._call(
            "POST", self._url(account, f"{account.phone_number_id}/media"), account,
            data={"messaging_product": "whatsapp", "type": mime_type},
            files={"file": (filename, data, mime_type)},
        )  # fmt: skip

    async def list_templates(self, account: Account) -> list[dict[str, Any]]:
        """Every template of the account's WABA, following the `after` cursor."""
        url = self._url(account, f"{account.waba_id}/message_templates")
        params: dict[str, Any] = {
            "fields": "name,language,status,category,id,rejected_reason",
            "limit": 100,
        }
        templates: list[dict[str, Any]] = []
        for _ in range(1000):  # a bound, not a limit anyone should reach
            result = await self._call("GET", url, account, params=params)
            if isinstance(result, SendFailure):
                raise GraphApiError(result)
            templates += [t for t in result.get("data") or () if isinstance(t, dict)]
            paging = result.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            # Graph's convention: no `next` link means this was the last page.
            if not after or not result.get("data") or not paging.get("next"):
                break
            params = {**params, "after": after}
        return templates

    async def create_template(self, account: Account, definition: dict[str, Any]) -> dict[str, Any]:
        url = self._url(account, f"{account.waba_id}/message_templates")
        result = await self._call("POST", url, account, json=definition)
        if isinstance(result, SendFailure):
            raise GraphApiError(result)
        return result

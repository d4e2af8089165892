"""Store imports as background jobs, through the gateway's HTTP API on a real Postgres, from fake
stores on loopback whose last pages the test holds: 202 at once, progress readable while pages
are held, one running import per business (409), the end with its counts and skipped pages, 404
across businesses, refusals before a job starts, failures as the job's error, a job a dead
gateway left running shown interrupted, one the gateway stopped marked so, and the live
stream's `event: import`."""

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest

from sauda_gateway.bootstrap import import_jobs
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.settings import GatewaySettings
from sauda_gateway.testing import FakeStore, Page, held_site, serving

from .conftest import gateway_app
from .test_live_stream_api import client, served, stream

PAGES, HELD, BROKEN = 10, 2, 1
PROBES = 4  # Shopify's and WooCommerce's APIs, robots.txt, the sitemap: requests before pages
TOTAL = PROBES + PAGES
Json = dict[str, Any]


def key(api_key: str) -> dict[str, str]:
    return {"X-API-Key": api_key}


async def until(
    read: Callable[[], Awaitable[Json]], done: Callable[[Json], bool], what: str
) -> Json:
    """Poll `read` until `done` holds for what it gives, within a deadline."""
    deadline = time.monotonic() + 20
    while True:
        got = await read()
        if done(got):
            return got
        assert time.monotonic() < deadline, f"{what}: still {got}"
        await asyncio.sleep(0.05)


def reader(http: httpx.AsyncClient, api_key: str, import_id: str) -> Callable[[], Awaitable[Json]]:
    async def read() -> Json:
        got = await http.get(f"/api/v1/products/imports/{import_id}", headers=key(api_key))
        assert got.status_code == 200, got.text
        body: Json = got.json()
        return body

    return read


@asynccontextmanager
async def held_store() -> AsyncIterator[tuple[FakeStore, threading.Event]]:
    """A store of PAGES product pages, the last HELD of them held until the event is set."""
    hold = threading.Event()
    try:
        with serving(held_site(PAGES, held=HELD, broken=BROKEN, hold=hold)) as store:
            yield store, hold
    finally:
        hold.set()


async def start(http: httpx.AsyncClient, api_key: str, url: str, **body: Any) -> httpx.Response:
    return await http.post("/api/v1/products/imports", headers=key(api_key),
                           json={"url": url, **body})  # fmt: skip


async def ended(http: httpx.AsyncClient, api_key: str, import_id: str) -> Json:
    return await until(reader(http, api_key, import_id), lambda j: j["status"] != "running",
                       "the import's end")  # fmt: skip


async def test_a_job_answers_at_once_shows_its_progress_and_ends_with_its_report(
    api: Callable[..., Any], business: tuple[Business, str]
) -> None:
    _, api_key = business
    async with api(allow_private=True) as http, held_store() as (store, hold):
        started = await start(http, api_key, store.url)
        assert started.status_code == 202, started.text
        job = started.json()
        assert started.headers["Location"] == f"/api/v1/products/imports/{job['import_id']}"
        assert (job["status"], job["url"], job["pages_done"], job["pages_total"]) == (
            "running", store.url, 0, None,
        )  # fmt: skip
        assert (job["source"], job["error"], job["finished_at"], job["skipped"]) == (
            None, None, None, [],
        )  # fmt: skip

        # Every page but the held ones read: the job shows it, still running.
        held = await until(reader(http, api_key, job["import_id"]),
                           lambda j: j["pages_done"] == TOTAL - HELD, "progress")  # fmt: skip
        assert (held["status"], held["pages_total"], held["created"]) == ("running", TOTAL, 0)

        second = await start(http, api_key, store.url)
        assert second.status_code == 409, second.text
        assert second.json()["code"] == "import_running"
        assert second.json()["details"] == {"import_id": job["import_id"]}

        hold.set()
        done = await ended(http, api_key, job["import_id"])
        assert (done["status"], done["source"], done["error"]) == ("done", "jsonld", None)
        assert (done["pages_done"], done["pages_total"]) == (TOTAL, TOTAL)
        assert (done["created"], done["updated"], done["unchanged"]) == (PAGES - BROKEN, 0, 0)
        assert done["skipped"] == [{"url": f"{store.url}/products/p7", "reason": "HTTP 500"}]
        assert done["finished_at"] is not None

        # Importing again: a new job (the first has ended) that adds nothing twice.
        again = await start(http, api_key, store.url)
        assert again.status_code == 202, again.text
        repeat = await ended(http, api_key, again.json()["import_id"])
        assert (repeat["created"], repeat["unchanged"]) == (0, PAGES - BROKEN)
        listed = await http.get("/api/v1/products/imports", headers=key(api_key))
        products = await http.get("/api/v1/products?limit=200", headers=key(api_key))
    assert [j["import_id"] for j in listed.json()["imports"]] == [
        again.json()["import_id"], job["import_id"],
    ]  # fmt: skip
    assert products.json()["total"] == PAGES - BROKEN


async def test_another_business_import_is_not_found(
    api: Callable[..., Any], business: tuple[Business, str], pool: asyncpg.Pool
) -> None:
    _, a_key = business
    _, b_key = await create_business(BusinessStore(pool), name="Shop B", plan="business")
    async with api(allow_private=True) as http:
        with serving({"/": Page("<html>a blog</html>")}) as store:
            job = (await start(http, a_key, store.url)).json()
            await ended(http, a_key, job["import_id"])
        for path in (job["import_id"], str(uuid4()), "not-an-id"):
            got = await http.get(f"/api/v1/products/imports/{path}", headers=key(b_key))
            assert got.status_code == 404, got.text
            assert (got.json()["code"], got.json()["field"]) == ("import_not_found", "import_id")
        theirs = await http.get("/api/v1/products/imports", headers=key(b_key))
    assert theirs.json() == {"imports": []}


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"url": "http://169.254.169.254/latest/meta-data"}, 400, "unsafe_url", "url"),
        ({"url": "https://metadata.google.internal/"}, 400, "unsafe_url", "url"),
        ({"url": "ftp://store.example/"}, 400, "unsafe_url", "url"),
        ({"url": "https://"}, 400, "unsafe_url", "url"),
        ({"url": "x"}, 400, "invalid_field", "url"),
        ({}, 400, "missing_field", "url"),
        ({"url": "https://store.example", "currency": "XYZ"}, 400, "invalid_field", "currency"),
    ],
)
async def test_what_the_synchronous_import_refuses_is_refused_before_a_job_starts(
    api: Callable[..., Any], business: tuple[Business, str], body: Json, status: int, code: str,
    field: str,
) -> None:  # fmt: skip
    _, api_key = business
    async with api() as http:
        now = await http.post("/api/v1/products/import", headers=key(api_key), json=body)
        job = await http.post("/api/v1/products/imports", headers=key(api_key), json=body)
        listed = await http.get("/api/v1/products/imports", headers=key(api_key))
    assert (job.status_code, job.json()["code"], job.json()["field"]) == (status, code, field)
    assert (now.status_code, now.json()["code"]) == (status, code)
    assert listed.json() == {"imports": []}


async def test_what_the_store_refuses_mid_import_ends_the_job_failed_with_its_code(
    api: Callable[..., Any], business: tuple[Business, str]
) -> None:
    _, api_key = business
    async with api(allow_private=True) as http:
        nobody = (await start(http, api_key, "http://127.0.0.1:9/")).json()  # nothing on port 9
        failed = await ended(http, api_key, nobody["import_id"])
        with serving({"/": Page("<html>just a blog</html>")}) as store:
            blog = (await start(http, api_key, store.url)).json()
            empty = await ended(http, api_key, blog["import_id"])
    assert (failed["status"], failed["error"]["code"]) == ("failed", "store_unreachable")
    assert failed["error"]["message"] and failed["finished_at"] is not None
    assert (empty["status"], empty["error"]["code"]) == ("failed", "catalog_not_found")


async def test_a_job_a_dead_gateway_left_running_is_interrupted_once_its_heartbeat_is_stale(
    api: Callable[..., Any], business: tuple[Business, str], pool: asyncpg.Pool
) -> None:
    shop, api_key = business
    jobs = import_jobs(GatewaySettings(), pool)
    # What a gateway that died mid-import leaves: a running row nobody will write again.
    orphan = await jobs.start(uuid4(), shop.business_id, "https://store.example", None)
    site = held_site(3, held=0, broken=0, hold=threading.Event())
    async with api(allow_private=True) as http:
        with serving(site) as store:
            read = reader(http, api_key, str(orphan.import_id))
            assert (await read())["status"] == "running"  # its heartbeat is still fresh
            blocked = await start(http, api_key, store.url)
            assert (blocked.status_code, blocked.json()["code"]) == (409, "import_running")

            await pool.execute("UPDATE catalog_imports SET heartbeat_at = now() - "
                               "interval '61 s' WHERE import_id = $1", orphan.import_id)  # fmt: skip
            shown = await read()
            assert (shown["status"], shown["error"]["code"]) == (
                "interrupted", "import_interrupted",
            )  # fmt: skip
            assert shown["finished_at"] is not None
            fresh = await start(http, api_key, store.url)
            assert fresh.status_code == 202, fresh.text
            assert (await ended(http, api_key, fresh.json()["import_id"]))["created"] == 3


async def test_at_startup_every_business_stale_job_is_interrupted_and_no_live_one(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, _ = business
    other, _ = await create_business(BusinessStore(pool), name="Shop B", plan="business")
    third, _ = await create_business(BusinessStore(pool), name="Shop C", plan="business")
    jobs = import_jobs(GatewaySettings(), pool)
    dead = [await jobs.start(uuid4(), b.business_id, "https://s.example", None)
            for b in (shop, other)]  # fmt: skip
    alive = await jobs.start(uuid4(), third.business_id, "https://s.example", None)
    await pool.execute("UPDATE catalog_imports SET heartbeat_at = now() - interval '5 min' "
                       "WHERE import_id = ANY($1::uuid[])", [j.import_id for j in dead])  # fmt: skip
    assert await jobs.interrupt_stale() == 2
    statuses = dict(await pool.fetch("SELECT import_id, status FROM catalog_imports"))
    assert statuses == {dead[0].import_id: "interrupted", dead[1].import_id: "interrupted",
                        alive.import_id: "running"}  # fmt: skip


async def test_a_gateway_that_stops_mid_import_marks_its_job_interrupted(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    _, api_key = business
    settings = GatewaySettings(rate_limit_enabled=False, webhooks_allow_private_urls=True)
    app = gateway_app(pool, settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://gateway") as http,
        held_store() as (store, _),
    ):
        job = (await start(http, api_key, store.url)).json()
        await until(reader(http, api_key, job["import_id"]),
                    lambda j: j["pages_done"] == TOTAL - HELD, "progress")  # fmt: skip
        await app.state.wiring.background.stop()
        stopped = await reader(http, api_key, job["import_id"])()
        products = await http.get("/api/v1/products", headers=key(api_key))
    assert (stopped["status"], stopped["error"]["code"]) == ("interrupted", "import_interrupted")
    assert stopped["pages_done"] == TOTAL - HELD
    assert products.json()["total"] == 0  # nothing half-written: the products land at the end


async def test_each_change_of_a_job_reaches_the_business_stream(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    _, api_key = business
    async with (
        served(pool, webhooks_allow_private_urls=True) as url,
        client(url) as http,
        held_store() as (store, hold),
        stream(http, **key(api_key)) as live,
    ):
        job = (await start(http, api_key, store.url)).json()
        seen: list[Json] = []
        while not seen or seen[-1]["pages_done"] < TOTAL - HELD:
            name, data = await live.next_event()
            assert (name, data["import_id"]) == ("import", job["import_id"])
            seen.append(data)
        hold.set()
        while seen[-1]["status"] == "running":
            seen.append((await live.next_event())[1])
        polled = await reader(http, api_key, job["import_id"])()
    assert seen[-1] == polled
    assert seen[-1]["status"] == "done" and seen[-1]["created"] == PAGES - BROKEN
    progress = [j["pages_done"] for j in seen]
    assert progress == sorted(progress)  # each event the job as it then stood

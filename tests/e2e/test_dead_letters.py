"""`sauda dlq` on the running stack, as an operator uses it: a COD message Meta refused on every
attempt is a dead letter; re-driving it sends the message once, and a second re-drive is
refused as done."""

import asyncio
import json
import os
import sys
from typing import Any

from sauda_notifier.domain.retries import MAX_ATTEMPTS

from .conftest import Shop, to_shopper


async def sauda(*args: str) -> Any:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sauda_cli", *args, env=dict(os.environ),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return json.loads(out)


async def cod_message(shop: Shop, order: dict[str, Any]) -> dict[str, Any] | None:
    messages = (await shop.get(f"/api/v1/orders/{order['order_id']}/messages"))["messages"]
    cod = [m for m in messages if m["purpose"] == "cod_confirmation"]
    return cod[0] if cod else None


async def test_a_send_that_failed_for_good_is_redriven_once(shop: Shop) -> None:
    fault = await shop.sandbox.post(f"/sandbox/{shop.number}/faults",
                                    json={"code": 131000, "http_status": 500,
                                          "count": MAX_ATTEMPTS})  # fmt: skip
    assert fault.status_code in (200, 201), fault.text
    order = await shop.place()

    async def failed() -> dict[str, Any] | None:
        message = await cod_message(shop, order)
        return message if message and message["status"] == "failed" else None

    message = await shop.wait_for(failed, timeout=60, what="the COD message failed for good")
    assert message["attempts"] == MAX_ATTEMPTS

    async def lettered() -> dict[str, Any] | None:
        letters = await sauda("dlq", "list", "--topic", "notifier.dlq.v1", "--json")
        mine = [x for x in letters if x["message_id"] == message["message_id"]]
        return mine[0] if mine else None

    letter = await shop.wait_for(lettered, timeout=30, what="the dead letter")
    assert letter["action"] == "send_again" and letter["redriven"] == []
    assert "131000" in letter["error"] and letter["business_id"] == shop.business["business_id"]
    shown = await sauda("dlq", "show", letter["id"])
    assert json.loads(shown["payload"])["template"]["name"] == "sauda_cod_confirmation"

    outcome = await sauda("dlq", "redrive", letter["id"], "--json")
    assert outcome["redriven"] == [letter["id"]]
    await shop.arrived("sauda_cod_confirmation")

    async def sent() -> dict[str, Any] | None:
        found = await cod_message(shop, order)
        return found if found and found["status"] in ("sent", "delivered", "read") else None

    again = await shop.wait_for(sent, timeout=45, what="the re-driven message sent")
    assert again["message_id"] == message["message_id"] and again["attempts"] == 1

    # Done once: the letter says so, and a second re-drive sends nothing.
    [marked] = [x for x in await sauda("dlq", "list", "--topic", "notifier.dlq.v1", "--json")
                if x["id"] == letter["id"]]  # fmt: skip
    assert len(marked["redriven"]) == 1
    outcome = await sauda("dlq", "redrive", letter["id"], "--json")
    assert outcome == {"redriven": [], "already_redriven": [letter["id"]], "not_redrivable": []}
    await asyncio.sleep(1.0)
    assert len(to_shopper(await shop.chat(), "sauda_cod_confirmation")) == 1

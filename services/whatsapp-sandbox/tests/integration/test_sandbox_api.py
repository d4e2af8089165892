"""The sandbox over real HTTP: Graph errors and successes, signed webhooks, the shopper's replies."""

import asyncio
import re
from pathlib import Path
from typing import Any

from sauda_sandbox.testing import Env, order_template, sandbox_running

SHOPPER = "919812345678"
WAMID = re.compile(r"^wamid\.[A-Za-z0-9+/=_-]{20,}$")


def graph_error(response: Any, status: int, code: int) -> dict[str, Any]:
    """Assert the exact Graph error shape, and return the error object."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert error["type"] == "OAuthException"
    assert error["message"].startswith(f"(#{code}) ")
    assert error["error_data"]["messaging_product"] == "whatsapp"
    assert isinstance(error["error_data"]["details"], str) and error["error_data"]["details"]
    assert isinstance(error["fbtrace_id"], str) and error["fbtrace_id"]
    assert set(error) <= {"message", "type", "code", "error_data", "fbtrace_id", "error_subcode"}
    return dict(error)


def text(body: str, to: str = SHOPPER) -> dict[str, Any]:
    return {"to": to, "type": "text", "text": {"body": body}}


def interactive(
    kind: str, body: str, action: dict[str, Any], to: str, **extra: Any
) -> dict[str, Any]:
    return {
        "to": to,
        "type": "interactive",
        "interactive": {"type": kind, **extra, "body": {"text": body}, "action": action},
    }


def buttons(n: int, to: str = SHOPPER) -> dict[str, Any]:
    replies = [
        {"type": "reply", "reply": {"id": f"b{i}", "title": f"Option {i}"}} for i in range(n)
    ]
    return interactive("button", "Confirm delivery slot?", {"buttons": replies}, to)


def a_list(rows: int, to: str = SHOPPER) -> dict[str, Any]:
    items = [
        {"id": f"row{i}", "title": f"Row {i}", "description": f"About {i}"} for i in range(rows)
    ]
    action = {"button": "View options", "sections": [{"title": "Orders", "rows": items}]}
    header = {"type": "text", "text": "Menu"}
    return interactive("list", "Pick a topic", action, to, header=header)


async def with_order_template(env: Env, number: dict[str, Any], status: str = "APPROVED") -> None:
    await env.template(
        number,
        "order_update",
        "Hi {{1}}, your order {{2}} is ready. Confirm?",
        buttons=["Confirm", "Cancel"],
        status=status,
    )


async def test_free_form_text_outside_the_window_is_a_re_engagement_error(env: Env) -> None:
    number = await env.number()
    error = graph_error(await env.send(number, text("hello")), 400, 131047)
    assert error["message"] == "(#131047) Re-engagement message"

    assert (await env.shopper(number, SHOPPER, {"text": "hi shop"})).status_code == 201
    sent = await env.send(number, text("hello"))
    assert sent.status_code == 200, sent.text
    assert sent.json()["contacts"] == [{"input": SHOPPER, "wa_id": SHOPPER}]


async def test_the_shopper_api_reads_json_sent_without_a_content_type(env: Env) -> None:
    """`curl -d '{"text": ...}'` (form content type) works, as the README's walk-through shows."""
    number = await env.number()
    sent = await env.http.post(
        f"/sandbox/{number['phone_number_id']}/chats/{SHOPPER}",
        content=b'{"text": "hello"}',
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert sent.status_code == 201, sent.text
    [received] = await env.receiver.wait_for(env.receiver.inbound, what="the shopper's text")
    assert received.value["messages"][0]["text"] == {"body": "hello"}


async def test_template_unknown_then_approved_is_sent_and_delivered_with_signed_statuses(
    env: Env,
) -> None:
    number = await env.number()
    graph_error(await env.send(number, order_template(SHOPPER)), 400, 132001)

    await with_order_template(env, number)
    response = await env.send(
        number, order_template(to=f"+{SHOPPER}", biz_opaque_callback_data="order-1042")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": f"+{SHOPPER}", "wa_id": SHOPPER}]
    [message] = body["messages"]
    assert WAMID.match(message["id"]) and message["message_status"] == "accepted"

    statuses = await env.receiver.wait_for(
        lambda: (
            len(env.receiver.statuses(message["id"])) >= 2 and env.receiver.statuses(message["id"])
        ),
        what="sent and delivered",
    )
    assert [s["status"] for s in statuses] == ["sent", "delivered"]
    sent, delivered = statuses
    assert env.receiver.bad_signatures == 0
    assert int(sent["timestamp"]) <= int(delivered["timestamp"])
    for status in statuses:
        assert isinstance(status["timestamp"], str)
        assert status["recipient_id"] == SHOPPER
        assert status["biz_opaque_callback_data"] == "order-1042"
        assert status["pricing"]["category"] == "utility"
        assert status["conversation"]["origin"] == {"type": "utility"}
    assert "expiration_timestamp" in sent["conversation"]

    envelope = next(r.body for r in env.receiver.received if r.value.get("statuses"))
    assert envelope["object"] == "whatsapp_business_account"
    [entry] = envelope["entry"]
    assert entry["id"] == number["waba_id"]
    [change] = entry["changes"]
    assert change["field"] == "messages"
    assert change["value"]["messaging_product"] == "whatsapp"
    assert change["value"]["metadata"] == {
        "display_phone_number": number["display_phone_number"],
        "phone_number_id": number["phone_number_id"],
    }


async def test_the_window_closes_24_hours_after_the_shoppers_last_message() -> None:
    now = [1_750_000_000.0]
    async with sandbox_running(clock=lambda: now[0]) as env:
        number = await env.number()
        await with_order_template(env, number)
        await env.shopper(number, SHOPPER, {"text": "hi"})
        now[0] += 24 * 3600 - 1
        assert (await env.send(number, text("still open"))).status_code == 200
        now[0] += 2
        graph_error(await env.send(number, text("too late")), 400, 131047)
        graph_error(await env.send(number, buttons(2)), 400, 131047)
        assert (await env.send(number, order_template(SHOPPER))).status_code == 200
        chat = await env.http.get(f"/sandbox/{number['phone_number_id']}/chats/{SHOPPER}")
        assert chat.json()["window_open"] is False


async def test_template_rules(env: Env) -> None:
    number = await env.number()
    await with_order_template(env, number)
    one_param = order_template(SHOPPER)
    one_param["template"]["components"][0]["parameters"].pop()
    graph_error(await env.send(number, one_param), 400, 132000)

    await env.http.post(
        f"/sandbox/{number['waba_id']}/templates/status",
        json={"name": "order_update", "language": "en_US", "status": "PAUSED"},
    )
    graph_error(await env.send(number, order_template(SHOPPER)), 400, 132015)
    await env.http.post(
        f"/sandbox/{number['waba_id']}/templates/status",
        json={"name": "order_update", "language": "en_US", "status": "DISABLED"},
    )
    graph_error(await env.send(number, order_template(SHOPPER)), 400, 132016)
    await env.http.post(
        f"/sandbox/{number['waba_id']}/templates/status",
        json={"name": "order_update", "language": "en_US", "status": "PENDING"},
    )
    graph_error(await env.send(number, order_template(SHOPPER)), 400, 132001)


async def test_template_missing_status_is_configurable(start_sandbox: Any) -> None:
    env = await start_sandbox(sandbox_template_missing_status=404)
    number = await env.number()
    graph_error(await env.send(number, order_template(SHOPPER)), 404, 132001)


async def test_bad_or_missing_token_is_401_code_190(env: Env) -> None:
    number = await env.number()
    other = await env.number()
    path = f"/v21.0/{number['phone_number_id']}/messages"
    payload = {"messaging_product": "whatsapp", **text("hi")}
    graph_error(await env.http.post(path, json=payload), 401, 190)
    graph_error(
        await env.http.post(path, json=payload, headers={"Authorization": "Bearer nope"}), 401, 190
    )
    graph_error(
        await env.http.post(
            path, json=payload, headers={"Authorization": f"Bearer {other['access_token']}"}
        ),
        401,
        190,
    )
    graph_error(
        await env.http.post(
            "/v21.0/999999999/messages",
            json=payload,
            headers={"Authorization": f"Bearer {number['access_token']}"},
        ),
        400,
        100,
    )


async def test_payload_limits(env: Env) -> None:
    number = await env.number()
    await env.shopper(number, SHOPPER, {"text": "hi"})
    graph_error(await env.send(number, buttons(4)), 400, 100)
    graph_error(await env.send(number, a_list(11)), 400, 100)
    graph_error(await env.send(number, text("x" * 4097)), 400, 100)
    graph_error(
        await env.http.post(
            f"/v21.0/{number['phone_number_id']}/messages",
            json={"messaging_product": "sms", **text("hi")},
            headers={"Authorization": f"Bearer {number['access_token']}"},
        ),
        400,
        100,
    )
    graph_error(await env.send(number, {**text("hi"), "colour": "red"}), 400, 100)
    graph_error(await env.send(number, {"type": "text", "text": {"body": "hi"}}), 400, 131008)
    assert (await env.send(number, buttons(3))).status_code == 200
    assert (await env.send(number, a_list(10))).status_code == 200
    assert (await env.send(number, text("x" * 4096))).status_code == 200


async def test_throughput_limit_is_130429(start_sandbox: Any) -> None:
    env = await start_sandbox(sandbox_mps=3)
    number = await env.number()
    await with_order_template(env, number)
    answers = [await env.send(number, order_template(to=f"91980000000{i}")) for i in range(6)]
    codes = [a.status_code for a in answers]
    assert codes[:3] == [200, 200, 200], [a.text for a in answers]
    assert 429 in codes[3:]
    graph_error(next(a for a in answers if a.status_code == 429), 429, 130429)


async def test_pair_limit_is_131056(start_sandbox: Any) -> None:
    env = await start_sandbox(sandbox_pair_burst=2, sandbox_pair_per_minute=1)
    number = await env.number()
    await with_order_template(env, number)
    assert (await env.send(number, order_template(SHOPPER))).status_code == 200
    assert (await env.send(number, order_template(SHOPPER))).status_code == 200
    graph_error(await env.send(number, order_template(SHOPPER)), 429, 131056)
    assert (await env.send(number, order_template(to="919800000009"))).status_code == 200


async def test_shopper_taps_a_template_quick_reply(env: Env) -> None:
    number = await env.number()
    await with_order_template(env, number)
    sent = (await env.send(number, order_template(SHOPPER))).json()["messages"][0]["id"]

    chat = (await env.http.get(f"/sandbox/{number['phone_number_id']}/chats/{SHOPPER}")).json()
    [shown] = chat["messages"]
    assert shown["text"] == "Hi Asha, your order #1042 is ready. Confirm?"
    assert shown["buttons"] == [
        {"id": "CONFIRM_1042", "title": "Confirm"},
        {"id": "CANCEL_1042", "title": "Cancel"},
    ]
    assert shown["template"] == {"name": "order_update", "language": "en_US"}
    assert chat["window_open"] is False

    tapped = await env.shopper(number, SHOPPER, {"button_id": "CONFIRM_1042", "name": "Asha"})
    assert tapped.status_code == 201, tapped.text
    inbound_id = tapped.json()["message_id"]
    [received] = await env.receiver.wait_for(env.receiver.inbound, what="the inbound button")
    value = received.value
    shopper = (
        await env.http.get(f"/sandbox/{number['phone_number_id']}/shoppers/{SHOPPER}")
    ).json()
    user_id = shopper["user_id"]
    assert re.fullmatch(r"IN\.\d{20}", user_id)  # an Indian phone's business-scoped user id
    assert value["contacts"] == [
        {"profile": {"name": "Asha"}, "wa_id": SHOPPER, "user_id": user_id}
    ]
    [message] = value["messages"]
    assert message["id"] == inbound_id and WAMID.match(inbound_id)
    assert message["from"] == SHOPPER and message["from_user_id"] == user_id
    assert message["type"] == "button"
    assert message["button"] == {"text": "Confirm", "payload": "CONFIRM_1042"}
    assert message["context"] == {"from": number["display_phone_number"], "id": sent}
    assert isinstance(message["timestamp"], str) and message["timestamp"].isdigit()

    # The reply opened the 24-hour window: free-form text is now allowed.
    assert (await env.send(number, text("Thanks!"))).status_code == 200
    unknown = await env.shopper(number, SHOPPER, {"button_id": "NOPE"})
    assert unknown.status_code == 404 and "NOPE" in unknown.json()["detail"]


async def test_shopper_taps_an_interactive_button_and_a_list_row(env: Env) -> None:
    number = await env.number()
    await env.shopper(number, SHOPPER, {"text": "menu please"})
    button_id = (await env.send(number, buttons(2))).json()["messages"][0]["id"]
    list_id = (await env.send(number, a_list(3))).json()["messages"][0]["id"]

    assert (await env.shopper(number, SHOPPER, {"button_id": "b1"})).status_code == 201
    assert (await env.shopper(number, SHOPPER, {"list_row_id": "row2"})).status_code == 201
    received = await env.receiver.wait_for(
        lambda: len(env.receiver.inbound()) >= 3 and env.receiver.inbound(), what="replies"
    )
    button, row = received[1].value["messages"][0], received[2].value["messages"][0]
    assert button["type"] == "interactive"
    assert button["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "b1", "title": "Option 1"},
    }
    assert button["context"]["id"] == button_id
    assert row["interactive"] == {
        "type": "list_reply",
        "list_reply": {"id": "row2", "title": "Row 2", "description": "About 2"},
    }
    assert row["context"] == {"from": number["display_phone_number"], "id": list_id}
    assert (await env.shopper(number, SHOPPER, {"list_row_id": "row9"})).status_code == 404
    both = await env.shopper(number, SHOPPER, {"text": "a", "button_id": "b1"})
    assert both.status_code == 422
    assert (await env.shopper(number, "12", {"text": "hi"})).status_code == 400


async def test_faults_fail_the_next_sends_then_clear(env: Env) -> None:
    number = await env.number()
    await with_order_template(env, number)
    injected = await env.http.post(
        f"/sandbox/{number['phone_number_id']}/faults", json={"code": 131000, "count": 2}
    )
    assert injected.status_code == 201, injected.text
    graph_error(await env.send(number, order_template(SHOPPER)), 500, 131000)
    graph_error(await env.send(number, order_template(SHOPPER)), 500, 131000)
    assert (await env.send(number, order_template(SHOPPER))).status_code == 200

    await env.http.post(
        f"/sandbox/{number['phone_number_id']}/faults",
        json={"code": 130429, "count": 5, "http_status": 429},
    )
    graph_error(await env.send(number, order_template(SHOPPER)), 429, 130429)
    cleared = await env.http.delete(f"/sandbox/{number['phone_number_id']}/faults")
    assert cleared.status_code == 204
    assert (await env.send(number, order_template(SHOPPER))).status_code == 200


async def test_async_fault_answers_200_then_a_failed_status(env: Env) -> None:
    number = await env.number()
    await with_order_template(env, number)
    await env.http.post(
        f"/sandbox/{number['phone_number_id']}/faults",
        json={"code": 131026, "count": 1, "async": True},
    )
    response = await env.send(number, order_template(SHOPPER))
    assert response.status_code == 200, response.text
    mid = response.json()["messages"][0]["id"]
    [failed] = await env.receiver.wait_for(lambda: env.receiver.statuses(mid), what="failed")
    assert failed["status"] == "failed"
    [error] = failed["errors"]
    assert error["code"] == 131026 and error["title"] == "Message undeliverable"
    assert error["error_data"]["details"]
    await asyncio.sleep(0.15)  # longer than the status delay: no sent/delivered may follow
    assert [s["status"] for s in env.receiver.statuses(mid)] == ["failed"]


async def test_viewing_the_chat_reads_messages(env: Env) -> None:
    number = await env.number()
    await with_order_template(env, number)
    mid = (await env.send(number, order_template(SHOPPER))).json()["messages"][0]["id"]
    await env.receiver.wait_for(lambda: len(env.receiver.statuses(mid)) == 2, what="delivered")
    view = await env.http.get(f"/sandbox/{number['phone_number_id']}/chats/{SHOPPER}")
    assert view.json()["messages"][0]["status"] == "read"
    await env.receiver.wait_for(lambda: len(env.receiver.statuses(mid)) == 3, what="read")
    assert [s["status"] for s in env.receiver.statuses(mid)] == ["sent", "delivered", "read"]
    await env.http.get(f"/sandbox/{number['phone_number_id']}/chats/{SHOPPER}")
    await asyncio.sleep(0.1)
    assert len(env.receiver.statuses(mid)) == 3  # read once only


async def test_mark_as_read(env: Env) -> None:
    number = await env.number()
    inbound = (await env.shopper(number, SHOPPER, {"text": "hello"})).json()["message_id"]
    payload = {"status": "read", "message_id": inbound}
    response = await env.send(number, payload)
    assert response.status_code == 200 and response.json() == {"success": True}
    chat = await env.http.get(
        f"/sandbox/{number['phone_number_id']}/chats/{SHOPPER}", params={"mark_read": "false"}
    )
    assert chat.json()["messages"][0]["status"] == "read"
    graph_error(await env.send(number, {**payload, "message_id": "wamid.nope"}), 400, 131009)


async def test_template_status_change_webhook_and_listing(env: Env) -> None:
    number = await env.number()
    auth = {"Authorization": f"Bearer {number['access_token']}"}
    for name in ("a_first", "b_second", "c_third"):
        await env.template(number, name, "Hello {{1}}", status="APPROVED")
    hooks = await env.receiver.wait_for(
        lambda: [r for r in env.receiver.received if r.field == "message_template_status_update"],
        what="template status updates",
    )
    update = hooks[0].body
    assert update["entry"][0]["id"] == number["waba_id"]
    value = update["entry"][0]["changes"][0]["value"]
    assert value["event"] == "APPROVED"
    assert value["message_template_name"] == "a_first"
    assert value["message_template_language"] == "en_US"
    assert isinstance(value["message_template_id"], int)
    assert "reason" in value

    path = f"/v21.0/{number['waba_id']}/message_templates"
    first = (await env.http.get(path, params={"limit": 2}, headers=auth)).json()
    assert [t["name"] for t in first["data"]] == ["a_first", "b_second"]
    assert "next" in first["paging"]
    after = first["paging"]["cursors"]["after"]
    second = (await env.http.get(path, params={"limit": 2, "after": after}, headers=auth)).json()
    assert [t["name"] for t in second["data"]] == ["c_third"]
    assert "next" not in second["paging"]
    named = (await env.http.get(path, params={"name": "b_second"}, headers=auth)).json()
    assert [t["status"] for t in named["data"]] == ["APPROVED"]
    graph_error(await env.http.get(path), 401, 190)

    again = await env.http.post(
        path,
        json={
            "name": "a_first",
            "language": "en_US",
            "category": "UTILITY",
            "components": [{"type": "BODY", "text": "dup"}],
        },
        headers=auth,
    )
    assert "exists" in graph_error(again, 400, 100)["error_data"]["details"]
    missing = await env.http.post(
        f"/sandbox/{number['waba_id']}/templates/status",
        json={"name": "nope", "language": "en_US", "status": "APPROVED"},
    )
    assert missing.status_code == 404


async def test_webhooks_are_retried_in_order(start_sandbox: Any) -> None:
    env = await start_sandbox(sandbox_webhook_backoff_s=0.05)
    number = await env.number()
    env.receiver.answers = [500, 503]
    await env.shopper(number, SHOPPER, {"text": "first"})
    await env.shopper(number, SHOPPER, {"text": "second"})
    received = await env.receiver.wait_for(
        lambda: len(env.receiver.inbound()) == 2 and env.receiver.inbound(), what="retried"
    )
    assert [r.value["messages"][0]["text"]["body"] for r in received] == ["first", "second"]
    assert env.receiver.hits == 4
    log = (await env.http.get("/sandbox/webhooks")).json()["deliveries"]
    assert [d["attempts"] for d in reversed(log)] == [3, 1]


async def test_numbers_and_templates_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.json"
    async with sandbox_running(sandbox_state_file=state) as env:
        number = await env.number()
        await with_order_template(env, number)
        assert (await env.http.get("/sandbox/numbers")).json() == [number]
    async with sandbox_running(sandbox_state_file=state) as env:
        assert (
            await env.http.get(f"/sandbox/numbers/{number['phone_number_id']}")
        ).json() == number
        assert (await env.send(number, order_template(SHOPPER))).status_code == 200
    assert (await env_missing_number()) == 404


async def env_missing_number() -> int:
    async with sandbox_running() as env:
        return (await env.http.get("/sandbox/numbers/123")).status_code


async def test_health_and_page(env: Env) -> None:
    assert (await env.http.get("/healthz")).status_code == 200
    for path in ("/", "/sandbox/"):
        page = await env.http.get(path)
        assert page.status_code == 200 and 'data-testid="number-select"' in page.text
    graph_error(await env.http.post("/latest/123/messages", json={}), 400, 2500)

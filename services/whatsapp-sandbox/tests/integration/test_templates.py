"""Templates as Meta lists, reviews and recategorises them, and sends named in upper case."""

import time
from typing import Any

from sauda_sandbox.testing import Env

SHOPPER = "919812345678"


def auth(number: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {number['access_token']}"}


async def test_listing_honours_summary_substrings_and_comma_lists(env: Env) -> None:
    number = await env.number()
    await env.template(number, "order_confirm", "Confirm {{1}}?", status="APPROVED")
    await env.template(number, "order_shipped", "Shipped", status="PAUSED")
    await env.template(number, "promo_sale", "Big sale on shirts", status="PENDING")
    path = f"/v25.0/{number['waba_id']}/message_templates"

    async def names(**params: Any) -> list[str]:
        listed = await env.http.get(path, params=params, headers=auth(number))
        assert listed.status_code == 200, listed.text
        return [t["name"] for t in listed.json()["data"]]

    assert await names(name="order") == ["order_confirm", "order_shipped"]
    assert await names(name="ORDER_S") == ["order_shipped"]
    assert await names(status="APPROVED,PAUSED") == ["order_confirm", "order_shipped"]
    assert await names(status="approved, pending") == ["order_confirm", "promo_sale"]
    assert await names(content="shirts") == ["promo_sale"]
    assert await names(name_or_content="sale") == ["promo_sale"]
    summary = await env.http.get(
        path,
        params={"status": "APPROVED", "summary": "total_count,message_template_count,"
                "message_template_limit,are_translations_complete", "limit": 1},
        headers=auth(number),
    )  # fmt: skip
    assert summary.json()["summary"] == {
        "total_count": 1,
        "message_template_count": 3,
        "message_template_limit": 250,
        "are_translations_complete": True,
    }
    only_total = await env.http.get(path, params={"summary": "total_count"}, headers=auth(number))
    assert only_total.json()["summary"] == {"total_count": 3}
    plain = await env.http.get(path, headers=auth(number))
    assert "summary" not in plain.json()


async def test_status_and_category_updates_carry_time_category_and_reason(env: Env) -> None:
    number = await env.number()
    before = int(time.time())
    await env.template(number, "promo_sale", "Big sale", status="APPROVED")
    waba = number["waba_id"]
    rejected = await env.http.post(
        f"/sandbox/{waba}/templates/status",
        json={
            "name": "promo_sale",
            "language": "en_US",
            "status": "REJECTED",
            "rejection_info": {"reason": "Looks promotional", "recommendation": "Use MARKETING"},
        },
    )
    assert rejected.status_code == 200 and rejected.json()["rejected_reason"] == "INVALID_FORMAT"
    moved = await env.http.post(
        f"/sandbox/{waba}/templates/category",
        json={"name": "promo_sale", "language": "en_US", "category": "MARKETING"},
    )
    assert moved.status_code == 200 and moved.json()["category"] == "MARKETING"
    bad_reason = await env.http.post(
        f"/sandbox/{waba}/templates/status",
        json={"name": "promo_sale", "language": "en_US", "status": "REJECTED", "reason": "meh"},
    )
    assert bad_reason.status_code == 422

    updates = await env.receiver.wait_for(
        lambda: len(env.receiver.received) == 3 and env.receiver.received, what="three updates"
    )
    for update in updates:
        [entry] = update.body["entry"]
        assert entry["id"] == waba and before <= entry["time"] <= int(time.time()) + 1
    approved, refused, recategorised = (u.value for u in updates)
    assert [u.field for u in updates] == [
        "message_template_status_update",
        "message_template_status_update",
        "template_category_update",
    ]
    assert (approved["event"], approved["reason"]) == ("APPROVED", "NONE")
    assert approved["message_template_category"] == "UTILITY"
    assert (refused["event"], refused["reason"]) == ("REJECTED", "INVALID_FORMAT")
    assert refused["rejection_info"] == {
        "reason": "Looks promotional",
        "recommendation": "Use MARKETING",
    }
    assert recategorised == {
        "message_template_id": approved["message_template_id"],
        "message_template_name": "promo_sale",
        "message_template_language": "en_US",
        "previous_category": "UTILITY",
        "new_category": "MARKETING",
    }
    missing = await env.http.post(
        f"/sandbox/{waba}/templates/category",
        json={"name": "nope", "language": "en_US", "category": "MARKETING"},
    )
    assert missing.status_code == 404


async def test_send_components_may_be_upper_case(env: Env) -> None:
    number = await env.number()
    await env.template(number, "order_update", "Hi {{1}}, order {{2}}?", buttons=["Confirm"])
    sent = await env.send(
        number,
        {
            "to": SHOPPER,
            "type": "template",
            "template": {
                "name": "order_update",
                "language": {"code": "en_US"},
                "components": [
                    {"type": "BODY", "parameters": [{"type": "TEXT", "text": "Asha"},
                                                    {"type": "text", "text": "#7"}]},
                    {"type": "BUTTON", "sub_type": "QUICK_REPLY", "index": 0,
                     "parameters": [{"type": "PAYLOAD", "payload": "OK_7"}]},
                ],
            },
        },
    )  # fmt: skip
    assert sent.status_code == 200, sent.text
    view = (await env.http.get(f"/sandbox/{number['phone_number_id']}/chats/{SHOPPER}")).json()
    [shown] = view["messages"]
    assert shown["text"] == "Hi Asha, order #7?"
    assert shown["buttons"] == [{"id": "OK_7", "title": "Confirm"}]

"""Every record on every topic, read from offset 0 by a plain Kafka client after a whole COD
loop (and whatever the suite ran before), has its message type and schema in the AsyncAPI
document the gateway serves, and validates against that schema (not against our own classes)."""

import json
from typing import Any

from jsonschema import Draft202012Validator

from sauda_contracts import TOPICS

from .conftest import Shop


def validator_for(document: dict[str, Any], message: str) -> Draft202012Validator:
    payload_ref = document["components"]["messages"][message]["payload"]["$ref"]
    return Draft202012Validator({"$ref": payload_ref, "components": document["components"]})


async def test_every_record_on_every_topic_has_and_matches_its_published_schema(
    shop: Shop, topic_reader
) -> None:
    order = await shop.place()
    [cod] = await shop.arrived("sauda_cod_confirmation")
    await shop.tap(cod["buttons"][0]["id"])
    await shop.order_becomes(order, "confirmed")
    await shop.arrived("sauda_order_confirmed")
    await shop.write("STOP")
    await shop.move(order, "shipped")

    document = (await shop.api.get("/asyncapi.json")).json()
    channels = {c["address"]: c for c in document["channels"].values()}

    async def every_record() -> tuple[set[str], list[str]]:
        seen: set[str] = set()
        problems: list[str] = []
        for spec in TOPICS:
            for record in await topic_reader(spec.name):
                value = json.loads(record.value)
                kind = value.get("type", "?")
                seen.add(kind)
                if kind not in channels[spec.name]["messages"]:
                    problems.append(f"{spec.name}: {kind} is not documented on this channel")
                    continue
                errors = [f"at {e.json_path}: {e.message}"
                          for e in validator_for(document, kind).iter_errors(value)]  # fmt: skip
                problems += [f"{spec.name} {kind}: {error}" for error in errors[:2]]
        return seen, problems

    async def all_written() -> tuple[set[str], list[str]] | None:
        seen, problems = await every_record()
        return (seen, problems) if WRITTEN_BY_THE_LOOP <= seen else None

    seen, problems = await shop.wait_for(all_written, timeout=45, what="the loop's record types")
    assert problems == []
    assert WRITTEN_BY_THE_LOOP <= seen


# what the loop above writes at least, each then checked against its published schema
WRITTEN_BY_THE_LOOP = {
    "PlaceOrder", "OrderPlaced", "OrderConfirmed", "ChangeOrderStatus", "OrderShipped",
    "InboundMessageReceived", "MessageStatusReported", "SendWhatsAppMessage",
    "ContactOptOutChanged", "MessageRecorded", "NoticeRaised",
}  # fmt: skip

"""The AsyncAPI document of the topics: valid for the official AsyncAPI parser, complete (every
topic, every record type with its schema), and true about who sends and who receives."""

import json
import re
import subprocess
from pathlib import Path

import pytest

from sauda_contracts import TOPICS
from sauda_contracts.asyncapi import FLOWS, OPERATORS, asyncapi_document, channel_id
from sauda_contracts.registry import TOPIC_RECORDS
from sauda_contracts.topics import Topic

REPO = Path(__file__).resolve().parents[3]
WEB = REPO / "services" / "ingest-gateway" / "web"
SERVICE_FOLDERS = {
    "ingest-gateway": "ingest-gateway",
    "order-ledger": "order-ledger",
    "conversation": "conversation",
    "notifier": "notifier",
    "webhook-dispatcher": "webhook-dispatcher",
}


def parse_with_the_official_parser(document: dict, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    """@asyncapi/parser (installed with the web app's packages by `make web` / `make test`)."""
    if not (WEB / "node_modules" / "@asyncapi" / "parser").is_dir():
        pytest.fail("@asyncapi/parser is not installed: run `make web` (make test does)")
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(document))
    done = subprocess.run(["node", "tools/validate-asyncapi.mjs", str(path)], cwd=WEB,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    return {"rc": done.returncode, **json.loads(done.stdout)}


def test_the_official_parser_finds_the_document_valid(tmp_path: Path) -> None:
    parsed = parse_with_the_official_parser(asyncapi_document(), tmp_path)
    assert parsed["rc"] == 0, parsed["diagnostics"]
    assert parsed["valid"] is True
    assert parsed["channels"] == len(TOPICS)
    assert parsed["messages"] == len({r for rs in TOPIC_RECORDS.values() for r in rs})
    errors = [d for d in parsed["diagnostics"] if d["severity"] == 0]
    assert errors == []


def test_the_parser_would_refuse_a_broken_document(tmp_path: Path) -> None:
    document = asyncapi_document()
    channel = document["channels"][channel_id(Topic.ORDERS_EVENTS)]
    channel["messages"]["Ghost"] = {"$ref": "#/components/messages/Ghost"}
    parsed = parse_with_the_official_parser(document, tmp_path)
    assert parsed["rc"] == 1 and parsed["valid"] is False
    assert any("Ghost" in d["message"] or "Ghost" in d["path"] for d in parsed["diagnostics"])


def test_every_topic_is_a_channel_with_its_partitions_retention_and_record_types() -> None:
    document = asyncapi_document()
    for spec in TOPICS:
        channel = document["channels"][channel_id(spec.name)]
        kafka = channel["bindings"]["kafka"]
        assert channel["address"] == spec.name
        assert kafka["partitions"] == spec.partitions
        assert kafka["topicConfiguration"]["retention.ms"] == int(spec.config["retention.ms"])
        expected = {r.model_fields["type"].default for r in TOPIC_RECORDS.get(Topic(spec.name), ())}
        assert set(channel["messages"]) == expected, spec.name
    for name, message in document["components"]["messages"].items():
        schema = document["components"]["schemas"][message["payload"]["$ref"].rsplit("/", 1)[-1]]
        assert schema["properties"]["type"]["const"] == name
        assert {"event_id", "business_id", "correlation_id", "body"} <= set(schema["properties"])
    assert document["channels"]["orders-events-v1"]["bindings"]["kafka"]["topicConfiguration"] == {
        "retention.ms": -1,
        "retention.bytes": -1,
    }


def topics_named_in_code(folder: Path) -> set[str]:
    found: set[str] = set()
    for source in folder.rglob("*.py"):
        found |= {
            Topic[name].value for name in re.findall(r"\bTopic\.([A-Z0-9_]+)", source.read_text())
        }
    return found


def test_who_sends_and_receives_is_what_each_services_code_names() -> None:
    """Each service's source names exactly the topics the document says it sends or receives."""
    assert set(FLOWS) == {Topic(spec.name) for spec in TOPICS}
    for service, folder in SERVICE_FOLDERS.items():
        documented = {
            topic.value
            for topic, (senders, receivers) in FLOWS.items()
            if service in senders or service in receivers
        }
        named = topics_named_in_code(REPO / "services" / folder / "src")
        assert named == documented, service
    dead_letters = {t for t, (_, receivers) in FLOWS.items() if OPERATORS in receivers}
    assert dead_letters == {Topic.NOTIFIER_DLQ, Topic.WEBHOOKS_DLQ}

"""The merchant's template requests in the notifier (real Postgres, a fake Meta on loopback):
a create is submitted to Meta once, its PENDING state told as a TemplateRecorded and its outcome
(done, Meta's id) published; the same command redelivered calls Meta no more and publishes
nothing more; Meta's refusal comes back as a failed outcome with Meta's code; a sync tells
what changed at Meta and a second one nothing; a business without a number is told why."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sauda_contracts import Topic
from sauda_contracts.message_templates import TemplateRecorded
from sauda_contracts.template_admin import (
    CreateTemplate,
    CreateTemplateBody,
    SyncTemplates,
    SyncTemplatesBody,
    TemplateComponent,
    TemplateDefinition,
    TemplateRequestRecorded,
)
from sauda_contracts.whatsapp import parse_notifier_event
from sauda_notifier.handlers.outbound import handle_outbound_batch


def create(world: Any, name: str = "order_update") -> CreateTemplate:
    definition = TemplateDefinition(
        name=name, language="en", category="UTILITY",
        components=(TemplateComponent(type="BODY", text="Hi {{1}}, order {{2}} shipped."),),
    )  # fmt: skip
    return CreateTemplate(event_id=uuid4(), occurred_at=datetime.now(UTC),
                          business_id=world.business_id, correlation_id="req-1",
                          body=CreateTemplateBody(request_id=uuid4(), definition=definition))  # fmt: skip


def sync(world: Any) -> SyncTemplates:
    return SyncTemplates(event_id=uuid4(), occurred_at=datetime.now(UTC),
                         business_id=world.business_id, correlation_id="req-2",
                         body=SyncTemplatesBody(request_id=uuid4()))  # fmt: skip


async def handled(world: Any, *commands: Any) -> None:
    await handle_outbound_batch(list(commands), **world.n.deps(handle_outbound_batch))


async def told(world: Any) -> list[Any]:
    return [parse_notifier_event(r["value"]) for r in await world.outbox(Topic.NOTIFIER_EVENTS)]


def outcomes(events: list[Any]) -> list[TemplateRequestRecorded]:
    return [e for e in events if isinstance(e, TemplateRequestRecorded)]


def creates(world: Any) -> list[Any]:
    return [r for r in world.graph.requests
            if r.method == "POST" and r.path.endswith("/message_templates")]  # fmt: skip


async def test_a_create_is_submitted_once_and_its_outcome_published_once(world: Any) -> None:
    await world.connect()
    world.graph.approve_all()  # Sauda's own templates exist: only the merchant's is created
    command = create(world)
    await handled(world, command)
    assert [r.body["name"] for r in creates(world)] == ["order_update"]
    assert creates(world)[0].body["components"] == [
        {"type": "BODY", "text": "Hi {{1}}, order {{2}} shipped."}
    ]
    events = await told(world)
    [outcome] = outcomes(events)
    assert (outcome.body.request_id, outcome.body.status, outcome.body.template_status) == (
        command.body.request_id, "done", "PENDING",
    )  # fmt: skip
    assert outcome.body.template_id == world.graph.templates[("order_update", "en")]["id"]
    assert outcome.correlation_id == "req-1"
    pending = [e for e in events if isinstance(e, TemplateRecorded)
               and e.body.name == "order_update"]  # fmt: skip
    assert [(e.body.status, e.body.template_id) for e in pending] == [
        ("PENDING", outcome.body.template_id)
    ]

    # Redelivered (another batch, or the same one twice): Meta is not asked again.
    await handled(world, command, command)
    assert len(creates(world)) == 1
    assert len(outcomes(await told(world))) == 1


async def test_meta_refusal_is_a_failed_outcome_with_meta_code(world: Any) -> None:
    await world.connect()
    world.graph.approve_all()
    world.graph.refuse_creates = {"error": {
        "message": "Invalid parameter", "type": "OAuthException", "code": 100,
        "error_data": {"details": "components: a BODY is required"}, "fbtrace_id": "Ax"}}  # fmt: skip
    await handled(world, create(world, "refused_one"))
    [outcome] = outcomes(await told(world))
    assert outcome.body.status == "failed"
    assert outcome.body.error is not None
    assert outcome.body.error.code == "100"
    assert "components: a BODY is required" in outcome.body.error.message


async def test_a_sync_tells_what_changed_and_again_nothing(world: Any) -> None:
    await world.connect()
    world.graph.approve_all()
    await handled(world, sync(world))
    first = await told(world)
    assert [o.body.status for o in outcomes(first)] == ["done"]
    world.graph.set_template("made_at_meta", "ur", "APPROVED")
    await handled(world, sync(world))
    second = (await told(world))[len(first) :]
    assert [(e.body.name, e.body.status) for e in second if isinstance(e, TemplateRecorded)] == [
        ("made_at_meta", "APPROVED")
    ]
    await handled(world, sync(world))
    third = (await told(world))[len(first) + len(second) :]
    assert [e.type for e in third] == ["TemplateRequestRecorded"]


async def test_a_business_without_a_number_is_told_why(world: Any) -> None:
    await handled(world, create(world))
    [outcome] = outcomes(await told(world))
    assert (outcome.body.status, outcome.body.error and outcome.body.error.code) == (
        "failed", "whatsapp_not_connected",
    )  # fmt: skip
    assert creates(world) == []

"""The sequence use cases, shared by Sauda's REST and the Wabotick-compatible routes: define a
sequence (its templates checked against the business's), list, read and delete them; assign a
subscriber to sequences and remove them (each an AssignSequence / RemoveSequence on the chat's
key, written with the enrolment in one transaction); a subscriber's enrolments."""

from typing import Any

from sauda_contracts import Topic
from sauda_contracts.identity import identity_fields
from sauda_contracts.sequence_api import SequenceCreate, SequenceStepIn
from sauda_contracts.sequences import (
    AssignSequence,
    AssignSequenceBody,
    RemoveSequence,
    RemoveSequenceBody,
    enrolment_id_for,
)
from sauda_contracts.whatsapp import chat_key
from sauda_gateway import clock
from sauda_gateway.domain import Business
from sauda_gateway.outbox import Outbox
from sauda_gateway.sequences import store as rows
from sauda_gateway.sequences.domain import (
    OptedOut,
    SequenceNotFound,
    is_open,
    step_to_send,
    steps_shown,
    unknown_templates,
)
from sauda_gateway.sequences.store import SequenceStore
from sauda_gateway.subscribers.domain import LimitReached
from sauda_gateway.subscribers.handlers import subscriber
from sauda_gateway.subscribers.store import SubscriberStore
from sauda_runtime.kit import Transaction
from sauda_runtime.logging import bound_contextvars, get_logger

log = get_logger(__name__)


async def create_sequence(store: SequenceStore, business: Business,
                          body: SequenceCreate) -> dict[str, Any]:  # fmt: skip
    unknown_templates(body.steps, await store.known_templates(business.business_id))
    name = " ".join(body.name.split())
    steps = [s.model_dump(mode="json") for s in body.steps]
    made = await store.create(business.business_id, name, steps)
    if made is None:
        raise LimitReached("a business has at most 100 sequences", field="name")
    log.info("sequence_created", sequence_id=made["sequence_id"],
             business_id=str(business.business_id))  # fmt: skip
    return made


async def find_sequence(store: SequenceStore, business: Business, sequence_id: int,
                        *, field: str = "sequence_id") -> dict[str, Any]:  # fmt: skip
    found = await store.get(business.business_id, sequence_id)
    if found is None:
        raise SequenceNotFound(f"{field}: no sequence {sequence_id} in this business", field=field)
    return found


async def delete_sequence(store: SequenceStore, business: Business, sequence_id: int,
                          *, outbox: Outbox, correlation_id: str) -> int:  # fmt: skip
    """Delete the sequence; its open enrolments are removed (no step after now); how many."""
    await find_sequence(store, business, sequence_id)
    async with outbox.transaction() as tx:
        if await rows.lock_sequence(tx.conn, business.business_id, sequence_id) is None:
            raise SequenceNotFound(field="sequence_id")
        removed = await rows.mark_removed(tx.conn, business.business_id, sequence_id, None)
        for enrolment_id, chat in removed:
            _publish_removal(tx, business, correlation_id, enrolment_id, chat)
        await rows.delete_sequence(tx.conn, business.business_id, sequence_id)
    log.info("sequence_deleted", sequence_id=sequence_id, enrolments_removed=len(removed),
             business_id=str(business.business_id), correlation_id=correlation_id)  # fmt: skip
    return len(removed)


async def _sequences_named(store: SequenceStore, business: Business, ids: list[int],
                           field: str) -> list[dict[str, Any]]:  # fmt: skip
    return [await find_sequence(store, business, i, field=field) for i in ids]


async def assign(store: SequenceStore, subscribers: SubscriberStore, business: Business,
                 chat: str, ids: list[int], *, outbox: Outbox, correlation_id: str,
                 field: str = "sequence_ids") -> list[int]:  # fmt: skip
    """Enrol the subscriber in each sequence (all or none: every id is checked first). One it
    is in already (and not removed from) is left as it is; one whose enrolment ended starts
    again. The ids of the sequences newly assigned."""
    found = await subscriber(subscribers, business, chat)
    if found["opted_out"]:
        raise OptedOut()
    await _sequences_named(store, business, ids, field)
    started: list[int] = []
    async with outbox.transaction() as tx:
        now = clock.now()
        for sequence_id in ids:
            definition = await rows.lock_sequence(tx.conn, business.business_id, sequence_id)
            if definition is None:  # deleted a moment ago
                raise SequenceNotFound(f"{field}: no sequence {sequence_id} in this business",
                                       field=field)  # fmt: skip
            earlier = await rows.latest(tx.conn, business.business_id, sequence_id, chat)
            if earlier is not None and is_open(earlier):
                continue
            generation = (earlier["generation"] if earlier else 0) + 1
            _enrol(tx, business, correlation_id, definition, chat, generation, now)
            await rows.add_enrolment(
                tx.conn, enrolment_id=enrolment_id_for(business.business_id, sequence_id, chat,
                                                       generation),
                business_id=business.business_id, sequence_id=sequence_id, chat_id=chat,
                generation=generation, total_steps=len(definition["steps"]), assigned_at=now,
            )  # fmt: skip
            started.append(sequence_id)
    with bound_contextvars(business_id=str(business.business_id), correlation_id=correlation_id):
        log.info("sequences_assigned", assigned=started, asked=ids)
    return started


def _enrol(tx: Transaction, business: Business, correlation_id: str, definition: dict[str, Any],
           chat: str, generation: int, now: Any) -> None:  # fmt: skip
    sequence_id = definition["sequence_id"]
    body = AssignSequenceBody(
        enrolment_id=enrolment_id_for(business.business_id, sequence_id, chat, generation),
        sequence_id=sequence_id, sequence_name=definition["name"], **identity_fields(chat),
        steps=tuple(step_to_send(SequenceStepIn.model_validate(s)) for s in definition["steps"]),
        assigned_at=now,
    )  # fmt: skip
    command = AssignSequence(**clock.fresh_envelope(business, correlation_id), body=body)
    tx.publish(Topic.WHATSAPP_OUTBOUND, chat_key(business.business_id, chat), command.to_bytes())


def _publish_removal(tx: Transaction, business: Business, correlation_id: str,
                     enrolment_id: Any, chat: str) -> None:  # fmt: skip
    body = RemoveSequenceBody(enrolment_id=enrolment_id, **identity_fields(chat))
    command = RemoveSequence(**clock.fresh_envelope(business, correlation_id), body=body)
    tx.publish(Topic.WHATSAPP_OUTBOUND, chat_key(business.business_id, chat), command.to_bytes())


async def remove(store: SequenceStore, subscribers: SubscriberStore, business: Business,
                 chat: str, ids: list[int], *, outbox: Outbox, correlation_id: str,
                 field: str = "sequence_ids") -> int:  # fmt: skip
    """Take the subscriber out of each sequence (no step after now); a sequence they are not in
    is no error. How many enrolments were removed."""
    await subscriber(subscribers, business, chat)
    await _sequences_named(store, business, ids, field)
    removed = 0
    async with outbox.transaction() as tx:
        for sequence_id in ids:
            if await rows.lock_sequence(tx.conn, business.business_id, sequence_id) is None:
                continue  # deleted meanwhile: its enrolments were removed with it
            for enrolment_id, _ in await rows.mark_removed(tx.conn, business.business_id,
                                                           sequence_id, chat):  # fmt: skip
                _publish_removal(tx, business, correlation_id, enrolment_id, chat)
                removed += 1
    with bound_contextvars(business_id=str(business.business_id), correlation_id=correlation_id):
        log.info("sequences_removed", sequences=ids, enrolments=removed)
    return removed


async def enrolments(store: SequenceStore, subscribers: SubscriberStore, business: Business,
                     chat: str, *, field: str = "chat_id") -> list[dict[str, Any]]:  # fmt: skip
    """The subscriber's enrolments, oldest first, with each step recorded so far and its
    message's status."""
    await subscriber(subscribers, business, chat, field=field)
    found = await store.enrolments(business.business_id, chat)
    every = [e | {"steps_sent": e["total_steps"]} for e in found]
    ids = [m["message_id"] for e in every
           for m in steps_shown(business.business_id, e, _templates(e), {})]  # fmt: skip
    statuses = await store.statuses(business.business_id, ids)
    return [
        {k: v for k, v in e.items() if k not in ("definition", "generation", "removed")}
        | {"steps": steps_shown(business.business_id, e, _templates(e), statuses)}
        for e in found
    ]


def _templates(enrolment: dict[str, Any]) -> list[str]:
    return [f"{s['template']} ({s['language']})" for s in enrolment["definition"]]

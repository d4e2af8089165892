"""The handover setting (`GET/PUT /api/v1/whatsapp/handover`: whom handed chats go to, how long
the bot keeps quiet) and the merchant's release of a chat (`DELETE …/subscribers/{chat_id}/
assignee`: the chat is nobody's and the bot answers it again, told by a `ChatReleased` on the
chat's key in whatsapp.inbound.v1, in the same transaction)."""

from uuid import uuid4

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts import Topic
from sauda_contracts.handover import ChatReleased, ChatReleasedBody, HandoverSettings
from sauda_contracts.identity import identity_fields
from sauda_contracts.subscribers import SubscriberOut
from sauda_contracts.whatsapp import chat_key
from sauda_gateway import clock
from sauda_gateway.api.deps import (
    CorrelationDep,
    OutboxDep,
    PoolDep,
    StoreBusinessDep,
    WhatsAppOwnerDep,
)
from sauda_gateway.api.responses import contract_response, json_response, refusals
from sauda_gateway.chats import chat_of
from sauda_gateway.domain import envelope
from sauda_gateway.handover import store
from sauda_gateway.subscribers import handlers
from sauda_gateway.subscribers.deps import SubscribersDep
from sauda_gateway.subscribers.domain import SubscriberNotFound, TeamMemberNotFound
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

handover = APIRouter(prefix="/api/v1/whatsapp", tags=["WhatsApp subscribers"])


@handover.get("/handover", response_model=HandoverSettings, responses=refusals())
async def get_handover(business: StoreBusinessDep, pool: PoolDep) -> Response:
    """Whom handed chats go to (null: the first owner) and the bot's quiet hours (24)."""
    async with pool.acquire() as conn:
        found = await store.settings_of(conn, business.business_id)
    return json_response(found.model_dump(mode="json"))


@handover.put("/handover", response_model=HandoverSettings, responses=refusals(404))
async def put_handover(body: HandoverSettings, business: WhatsAppOwnerDep, pool: PoolDep,
                       correlation_id: CorrelationDep) -> Response:  # fmt: skip
    """Set them; a team member of another business, or none, is 404 `team_member_not_found`
    (field `assign_to_user_id`). Applies to chats handed over from then on."""
    async with pool.acquire() as conn:
        user = body.assign_to_user_id
        if user is not None and not await store.team_member(conn, business.business_id, user):
            raise TeamMemberNotFound(field="assign_to_user_id")
        await store.set_settings(conn, business.business_id, body)
    log.info("handover_settings_set", business_id=str(business.business_id),
             quiet_hours=body.bot_quiet_hours, correlation_id=correlation_id)  # fmt: skip
    return json_response(body.model_dump(mode="json"))


@handover.delete("/subscribers/{chat_id}/assignee", response_model=SubscriberOut,
                 responses=refusals(404))  # fmt: skip
async def unassign_chat(chat_id: str, business: StoreBusinessDep, subscribers: SubscribersDep,
                        outbox: OutboxDep, correlation_id: CorrelationDep) -> Response:  # fmt: skip
    """The chat is nobody's: if the bot handed it to a person, the bot answers it again."""
    chat = chat_of(chat_id, business, field="chat_id")
    now = clock.now()
    async with outbox.transaction() as tx:
        if not await store.unassign(tx.conn, business.business_id, chat, now):
            raise SubscriberNotFound(field="chat_id")
        record = ChatReleased(**envelope(business, correlation_id, event_id=uuid4(), now=now),
                              body=ChatReleasedBody(**identity_fields(chat), at=now))  # fmt: skip
        tx.publish(Topic.WHATSAPP_INBOUND.value, chat_key(business.business_id, chat),
                   record.to_bytes())  # fmt: skip
    log.info("chat_unassigned", business_id=str(business.business_id),
             correlation_id=correlation_id)  # fmt: skip
    return contract_response(SubscriberOut, await handlers.profile(subscribers, business, chat))

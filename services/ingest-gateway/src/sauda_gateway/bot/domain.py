"""Pure decisions of the bot's merchant surface: which flow an id names, and what a tapped
reply id is in the postback list (its family, and which step of the bot sends it)."""

from dataclasses import dataclass

from sauda_contracts.bot_flows import BOT_FLOWS, BotFlow
from sauda_gateway.domain import NotFound


class UnknownBotFlow(NotFound, code="unknown_bot_flow", field="bot_flow_unique_id"): ...


def bot_flow(flow_id: str, *, field: str) -> BotFlow:
    found = BOT_FLOWS.get(flow_id.strip().lower())
    if found is None:
        raise UnknownBotFlow(f"no bot flow {flow_id!r}: the flows are {', '.join(BOT_FLOWS)} "
                             "(GET /api/v1/whatsapp/bot-flows)", field=field)  # fmt: skip
    return found


@dataclass(frozen=True, slots=True)
class BotPostback:
    postback_id: str
    bot_name: str
    template: bool  # a template's quick reply (the COD message), not an interactive button


# The reply ids the chat-ordering bot and the COD message send (the conversation service's
# vocabulary, `sauda_conversation.domain.replies`, and `templates.cod_payload`). Ids that carry
# an instance (a product, a quantity, an order) are listed by their family.
BOT_POSTBACKS: tuple[BotPostback, ...] = (
    BotPostback("flow:menu", "Welcome: Order now", template=False),
    BotPostback("product", "Product list: a product", template=False),
    BotPostback("qty", "Quantity list: a quantity", template=False),
    BotPostback("cart:add_more", "Cart: Add More", template=False),
    BotPostback("cart:checkout", "Cart: Checkout", template=False),
    BotPostback("cart:confirm", "Order summary: Confirm", template=False),
    BotPostback("cart:cancel", "Order summary: Cancel", template=False),
    BotPostback("cod:confirm", "COD confirmation: Confirm", template=True),
    BotPostback("cod:cancel", "COD confirmation: Cancel", template=True),
)
_BY_ID = {p.postback_id: p for p in BOT_POSTBACKS}
_FAMILIES = ("product:", "qty:", "cod:confirm:", "cod:cancel:")


def postback_family(reply_id: str) -> str:
    """The postback a tapped id counts for: its family for the bot's per-instance ids
    (`product:<id>` → `product`, `cod:confirm:<order>…` → `cod:confirm`), else itself."""
    for prefix in _FAMILIES:
        if reply_id.startswith(prefix):
            return prefix.rstrip(":")
    return reply_id


def bot_postback(postback_id: str) -> BotPostback | None:
    """The bot's postback of this id, or None for a merchant's own button."""
    return _BY_ID.get(postback_id)

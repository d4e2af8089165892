"""Sauda's WhatsApp message templates: names, languages, texts and quick replies.

Templates are part of the wire vocabulary twice over: Meta knows them by name and language, and
the COD quick replies carry payloads that come back to Sauda when a shopper taps them. Every
template ships in English, Urdu (Nastaliq) and Roman Urdu. Meta has one code for Urdu
whichever the script, so the Roman Urdu templates carry the suffix `_roman` in their names.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from sauda_contracts.language import Language
from sauda_contracts.whatsapp import MessagePurpose

PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")


class CodAction(StrEnum):
    CONFIRM = "confirm"
    CANCEL = "cancel"
    CHANGE_ADDRESS = "change_address"  # the third button of a COD message that shows an address


@dataclass(frozen=True, slots=True)
class Template:
    purpose: MessagePurpose
    name: str
    category: str  # UTILITY (works outside the 24-hour window); MARKETING for cart recovery
    params: tuple[str, ...]  # what {{1}}, {{2}}, ... stand for
    bodies: dict[Language, str]
    quick_replies: dict[Language, tuple[str, ...]]  # labels, in CodAction (DeliveryAnswer) order

    def meta_ref(self, language: Language) -> tuple[str, str]:
        """(name, language code) as Meta knows this template in `language`."""
        if language is Language.UR_LATN:
            return f"{self.name}_roman", "ur"
        return self.name, language.value

    def render(self, language: Language, values: tuple[str, ...]) -> str:
        body = self.bodies[language]
        return PLACEHOLDER.sub(lambda m: values[int(m.group(1)) - 1], body)

    def definition(self, language: Language) -> dict[str, Any]:
        """The body of `POST /{waba_id}/message_templates` that creates it on Meta."""
        name, code = self.meta_ref(language)
        components: list[dict[str, Any]] = [
            {
                "type": "BODY",
                "text": self.bodies[language],
                "example": {"body_text": [[f"<{p}>" for p in self.params]]},
            }
        ]
        if labels := self.quick_replies.get(language):
            components.append(
                {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": t} for t in labels]}
            )
        return {"name": name, "language": code, "category": self.category, "components": components}


EN, UR, RO = Language.EN, Language.UR, Language.UR_LATN
_COD_BUTTONS: dict[Language, tuple[str, ...]] = {
    EN: ("Confirm", "Cancel"),
    UR: ("تصدیق کریں", "منسوخ کریں"),
    RO: ("Confirm", "Cancel"),
}
_COD_ADDRESS_BUTTONS: dict[Language, tuple[str, ...]] = {
    EN: ("Confirm", "Cancel", "Change address"),
    UR: ("تصدیق کریں", "منسوخ کریں", "پتہ تبدیل کریں"),
    RO: ("Confirm", "Cancel", "Address badlein"),
}

TEMPLATES: dict[MessagePurpose, Template] = {
    t.purpose: t
    for t in (
        Template(
            MessagePurpose.COD_CONFIRMATION,
            "sauda_cod_confirmation",
            "UTILITY",
            ("customer name", "order number", "store name", "items", "total"),
            {
                EN: "Hi {{1}}, thank you for your order {{2}} from {{3}}.\nItems: {{4}}\n"
                "Total: {{5}}, cash on delivery.\nPlease tap Confirm so we can ship it, "
                "or Cancel if you did not place this order.",
                UR: "السلام علیکم {{1}}، {{3}} سے آپ کے آرڈر {{2}} کا شکریہ۔\nاشیاء: {{4}}\n"
                "کل رقم: {{5}}، ادائیگی بوقتِ ترسیل۔\nآرڈر بھیجنے کے لیے تصدیق کریں دبائیں، "
                "یا اگر یہ آرڈر آپ نے نہیں دیا تو منسوخ کریں دبائیں۔",
                RO: "Assalam o Alaikum {{1}}, {{3}} se aap ke order {{2}} ka shukriya.\n"
                "Items: {{4}}\nTotal: {{5}}, cash on delivery.\nOrder bhejne ke liye Confirm "
                "dabayein, ya Cancel agar yeh order aap ne nahi diya.",
            },
            _COD_BUTTONS,
        ),
        Template(
            MessagePurpose.COD_CONFIRMATION_ADDRESS,
            "sauda_cod_confirmation_address",
            "UTILITY",
            ("customer name", "order number", "store name", "items", "total", "address"),
            {
                EN: "Hi {{1}}, thank you for your order {{2}} from {{3}}.\nItems: {{4}}\n"
                "Total: {{5}}, cash on delivery.\nDeliver to: {{6}}\nPlease tap Confirm so we "
                "can ship it, Change address if it should go elsewhere, or Cancel if you did "
                "not place this order.",
                UR: "السلام علیکم {{1}}، {{3}} سے آپ کے آرڈر {{2}} کا شکریہ۔\nاشیاء: {{4}}\n"
                "کل رقم: {{5}}، ادائیگی بوقتِ ترسیل۔\nپتہ: {{6}}\nآرڈر بھیجنے کے لیے تصدیق "
                "کریں دبائیں، پتہ بدلنے کے لیے پتہ تبدیل کریں، یا اگر یہ آرڈر آپ نے نہیں دیا "
                "تو منسوخ کریں دبائیں۔",
                RO: "Assalam o Alaikum {{1}}, {{3}} se aap ke order {{2}} ka shukriya.\n"
                "Items: {{4}}\nTotal: {{5}}, cash on delivery.\nPata: {{6}}\nOrder bhejne ke "
                "liye Confirm dabayein, pata badalna ho to Address badlein, ya Cancel agar yeh "
                "order aap ne nahi diya.",
            },
            _COD_ADDRESS_BUTTONS,
        ),
        Template(
            MessagePurpose.COD_REMINDER,
            "sauda_cod_reminder",
            "UTILITY",
            ("customer name", "order number", "total"),
            {
                EN: "Hi {{1}}, your order {{2}} ({{3}}) is waiting for your confirmation. "
                "Tap Confirm to receive it, or Cancel.",
                UR: "السلام علیکم {{1}}، آپ کا آرڈر {{2}} ({{3}}) آپ کی تصدیق کا منتظر ہے۔ "
                "وصول کرنے کے لیے تصدیق کریں دبائیں، یا منسوخ کریں۔",
                RO: "Assalam o Alaikum {{1}}, aap ka order {{2}} ({{3}}) aap ki tasdeeq ka "
                "muntazir hai. Lene ke liye Confirm dabayein, ya Cancel.",
            },
            _COD_BUTTONS,
        ),
        Template(
            MessagePurpose.ORDER_CONFIRMED,
            "sauda_order_confirmed",
            "UTILITY",
            ("customer name", "order number", "store name"),
            {
                EN: "Thank you {{1}}! Your order {{2}} from {{3}} is confirmed. "
                "We will let you know when it ships.",
                UR: "شکریہ {{1}}! {{3}} سے آپ کے آرڈر {{2}} کی تصدیق ہو گئی ہے۔ "
                "روانگی پر ہم آپ کو اطلاع دیں گے۔",
                RO: "Shukriya {{1}}! {{3}} se aap ka order {{2}} confirm ho gaya hai. "
                "Rawana hone par hum aap ko bata dein ge.",
            },
            {},
        ),
        Template(
            MessagePurpose.ORDER_SHIPPED,
            "sauda_order_shipped",
            "UTILITY",
            ("customer name", "order number", "tracking"),
            {
                EN: "Good news {{1}}: your order {{2}} has shipped. Track it here: {{3}}",
                UR: "خوشخبری {{1}}: آپ کا آرڈر {{2}} روانہ ہو گیا ہے۔ ٹریکنگ: {{3}}",
                RO: "Khushkhabri {{1}}: aap ka order {{2}} rawana ho gaya hai. Tracking: {{3}}",
            },
            {},
        ),
        Template(
            MessagePurpose.ORDER_DELIVERED,
            "sauda_order_delivered",
            "UTILITY",
            ("customer name", "order number"),
            {
                EN: "Hi {{1}}, your order {{2}} has been delivered. Thank you for shopping with us!",
                UR: "السلام علیکم {{1}}، آپ کا آرڈر {{2}} پہنچا دیا گیا ہے۔ خریداری کا شکریہ!",
                RO: "Assalam o Alaikum {{1}}, aap ka order {{2}} deliver ho gaya hai. "
                "Khareedari ka shukriya!",
            },
            {},
        ),
        Template(
            MessagePurpose.ORDER_CANCELLED,
            "sauda_order_cancelled",
            "UTILITY",
            ("customer name", "order number", "reason"),
            {
                EN: "Hi {{1}}, your order {{2}} has been cancelled. Reason: {{3}}",
                UR: "السلام علیکم {{1}}، آپ کا آرڈر {{2}} منسوخ کر دیا گیا ہے۔ وجہ: {{3}}",
                RO: "Assalam o Alaikum {{1}}, aap ka order {{2}} cancel kar diya gaya hai. "
                "Wajah: {{3}}",
            },
            {},
        ),
        Template(
            MessagePurpose.ORDER_RETURNED,
            "sauda_order_returned",
            "UTILITY",
            ("customer name", "order number"),
            {
                EN: "Hi {{1}}, your order {{2}} could not be delivered and is being returned "
                "to the store. Reply to this message if you still want it.",
                UR: "السلام علیکم {{1}}، آپ کا آرڈر {{2}} پہنچایا نہ جا سکا اور واپس اسٹور "
                "بھیجا جا رہا ہے۔ اگر آپ اب بھی چاہتے ہیں تو اس پیغام کا جواب دیں۔",
                RO: "Assalam o Alaikum {{1}}, aap ka order {{2}} deliver nahi ho saka aur wapas "
                "store ja raha hai. Agar ab bhi chahiye to is message ka jawab dein.",
            },
            {},
        ),
        Template(
            MessagePurpose.ADMIN_NEW_ORDER,
            "sauda_admin_new_order",
            "UTILITY",
            ("order number", "customer name", "total"),
            {
                EN: "New order {{1}} from {{2}}, total {{3}}.",
                UR: "نیا آرڈر {{1}}، گاہک {{2}}، کل رقم {{3}}۔",
                RO: "Naya order {{1}}, customer {{2}}, total {{3}}.",
            },
            {},
        ),
        Template(
            MessagePurpose.DELIVERY_FAILED,
            "sauda_delivery_failed",
            "UTILITY",
            ("customer name", "order number", "store name"),
            {
                EN: "Hi {{1}}, the courier could not deliver your order {{2}} from {{3}}. "
                "What would you like us to do? Tap Deliver again, Change address or Cancel.",
                UR: "السلام علیکم {{1}}، کوریئر {{3}} سے آپ کا آرڈر {{2}} نہیں پہنچا سکا۔ "
                "ہم کیا کریں؟ دوبارہ بھیجیں، پتہ تبدیل کریں یا منسوخ کریں دبائیں۔",
                RO: "Assalam o Alaikum {{1}}, courier {{3}} se aap ka order {{2}} deliver nahi "
                "kar saka. Hum kya karein? Dobara bhejein, Pata badlein ya Cancel dabayein.",
            },
            {
                EN: ("Deliver again", "Change address", "Cancel"),
                UR: ("دوبارہ بھیجیں", "پتہ تبدیل کریں", "منسوخ کریں"),
                RO: ("Dobara bhejein", "Pata badlein", "Cancel"),
            },
        ),
        Template(
            MessagePurpose.CART_RECOVERY,
            "sauda_cart_recovery",
            "MARKETING",  # Meta's category for abandoned-cart reminders; sent only with consent
            ("customer name", "store name", "checkout link"),
            {
                EN: "Hi {{1}}, you left something in your cart at {{2}}. "
                "Finish your order here: {{3}}",
                UR: "السلام علیکم {{1}}، {{2}} پر آپ کی ٹوکری میں کچھ اشیاء رہ گئی ہیں۔ "
                "اپنا آرڈر یہاں مکمل کریں: {{3}}",
                RO: "Assalam o Alaikum {{1}}, {{2}} par aap ki cart mein kuch cheezein reh gayi "
                "hain. Apna order yahan mukammal karein: {{3}}",
            },
            {},
        ),
    )
}


def cod_payload(action: CodAction, order_id: UUID, order_number: str) -> str:
    """The payload a COD quick reply carries back when tapped (Meta: ≤ 256 characters)."""
    return f"cod:{action.value}:{order_id}:{order_number}"


def parse_cod_payload(payload: str | None) -> tuple[CodAction, UUID, str] | None:
    """(action, order id, order number) of a COD quick reply, or None for anything else."""
    if not payload:
        return None
    parts = payload.split(":", 3)
    if len(parts) != 4 or parts[0] != "cod":
        return None
    try:
        return CodAction(parts[1]), UUID(parts[2]), parts[3]
    except ValueError:
        return None

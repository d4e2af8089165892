"""What the ordering bot says, in the shopper's language, shaped within WhatsApp's limits.

Every text ships in English, Urdu (Nastaliq) and Roman Urdu, like the templates. Reply ids are
the bot's own vocabulary: they come back as a tapped row's or button's `reply_id`.
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any
from uuid import UUID

from sauda_contracts.language import Language
from sauda_contracts.templates import CodAction, cod_payload
from sauda_contracts.whatsapp import ListMenu, ListRow, ListSection, OutboundKind, ReplyButton

EN, UR, RO = Language.EN, Language.UR, Language.UR_LATN

# --- reply ids -------------------------------------------------------------------------------

PRODUCT_PREFIX = "product:"
QTY_PREFIX = "qty:"
ADD_MORE = "cart:add_more"
CHECKOUT = "cart:checkout"
CONFIRM = "cart:confirm"
CANCEL = "cart:cancel"
MENU = "flow:menu"
QUANTITIES = range(1, 11)  # the quantity list's rows

TEXT_MAX = 1024  # Meta: body text of an interactive message
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72

TEXTS: dict[str, dict[Language, str]] = {
    "pick_product": {
        EN: "Which product would you like? Open the list to choose, or type its name.",
        UR: "آپ کون سی چیز لینا چاہیں گے؟ فہرست کھول کر منتخب کریں یا اس کا نام لکھیں۔",
        RO: "Aap kaun si cheez lena chahenge? List khol kar chunein ya us ka naam likhein.",
    },
    "list_button": {EN: "View products", UR: "مصنوعات دیکھیں", RO: "Products dekhein"},
    "list_section": {EN: "Products", UR: "مصنوعات", RO: "Products"},
    "pick_quantity": {
        EN: "How many {name} would you like? ({price} each)",
        UR: "آپ کو {name} کتنے چاہییں؟ (فی عدد {price})",
        RO: "Aap ko {name} kitne chahiye? ({price} fi adad)",
    },
    "quantity_button": {EN: "Choose quantity", UR: "تعداد چنیں", RO: "Tadaad chunein"},
    "added": {
        EN: "Added {qty} × {name}.",
        UR: "{qty} × {name} کارٹ میں شامل ہو گئے۔",
        RO: "{qty} × {name} cart mein shamil ho gaye.",
    },
    "cart": {
        EN: "Your cart:\n{lines}\nTotal: {total}",
        UR: "آپ کا کارٹ:\n{lines}\nکل رقم: {total}",
        RO: "Aap ka cart:\n{lines}\nTotal: {total}",
    },
    "more_or_checkout": {
        EN: "Add more, or check out?",
        UR: "مزید شامل کریں یا چیک آؤٹ کریں؟",
        RO: "Aur shamil karein ya checkout karein?",
    },
    "add_more": {EN: "Add More", UR: "مزید شامل کریں", RO: "Aur shamil karein"},
    "checkout": {EN: "Checkout", UR: "چیک آؤٹ", RO: "Checkout"},
    "summary": {
        EN: "Please check your order:\n{lines}\nTotal: {total}\nPayment: cash on delivery.",
        UR: "براہ کرم اپنا آرڈر دیکھ لیں:\n{lines}\nکل رقم: {total}\nادائیگی: ڈیلیوری پر نقد۔",
        RO: "Apna order check kar lein:\n{lines}\nTotal: {total}\nPayment: cash on delivery.",
    },
    "confirm": {EN: "Confirm", UR: "تصدیق کریں", RO: "Confirm karein"},
    "cancel": {EN: "Cancel", UR: "منسوخ کریں", RO: "Cancel karein"},
    "placed": {
        EN: "Thank you! Your order {number} ({total}) is placed. "
        "Please confirm it with the buttons in the next message.",
        UR: "شکریہ! آپ کا آرڈر {number} ({total}) درج ہو گیا ہے۔ "
        "اگلے پیغام کے بٹنوں سے اس کی تصدیق کر دیں۔",
        RO: "Shukriya! Aap ka order {number} ({total}) darj ho gaya hai. "
        "Agle message ke buttons se is ki tasdeeq kar dein.",
    },
    "cleared": {
        EN: 'Your cart is cleared and no order was placed. Write "menu" whenever you want to order.',
        UR: "آپ کا کارٹ خالی کر دیا گیا، کوئی آرڈر نہیں بنا۔ آرڈر کے لیے کبھی بھی «مینو» لکھیں۔",
        RO: 'Aap ka cart khali kar diya gaya, koi order nahi bana. Order ke liye "menu" likhein.',
    },
    "nothing_to_cancel": {
        EN: "Your cart is empty. To cancel an order you placed, tap Cancel under its "
        "confirmation message, or write to the store.",
        UR: "آپ کا کارٹ خالی ہے۔ دیا ہوا آرڈر منسوخ کرنے کے لیے اس کے تصدیقی پیغام کے نیچے "
        "منسوخ کریں دبائیں، یا اسٹور کو لکھیں۔",
        RO: "Aap ka cart khali hai. Diya hua order cancel karne ke liye us ke confirmation "
        "message ke neeche Cancel dabayein, ya store ko likhein.",
    },
    "cart_empty": {
        EN: "Your cart is empty.",
        UR: "آپ کا کارٹ خالی ہے۔",
        RO: "Aap ka cart khali hai.",
    },
    "welcome": {
        EN: 'Hi! Tap "Order now" or write a product name to start. Write "help" any time.',
        UR: "السلام علیکم! آرڈر کے لیے «ابھی آرڈر کریں» دبائیں یا کسی چیز کا نام لکھیں۔",
        RO: 'Assalam o alaikum! Order ke liye "Order karein" dabayein ya cheez ka naam likhein.',
    },
    "order_now": {EN: "Order now", UR: "ابھی آرڈر کریں", RO: "Order karein"},
    "sorry": {
        EN: "Sorry, I did not understand that.",
        UR: "معاف کیجیے، میں سمجھ نہیں سکا۔",
        RO: "Maaf kijiye, main samajh nahi saka.",
    },
    "help": {
        EN: "Choose from the list or the buttons, or type a product name. At any time write:\n"
        "• cart: see your cart\n• menu: see the products\n• cancel: clear your cart\n"
        "• stop: no more reminders or offers",
        UR: "فہرست یا بٹنوں سے چنیں، یا کسی چیز کا نام لکھیں۔ کبھی بھی لکھیں:\n"
        "• کارٹ: اپنا کارٹ دیکھیں\n• مینو: مصنوعات دیکھیں\n• منسوخ: کارٹ خالی کریں\n"
        "• بند کرو: یاد دہانی اور پیشکشیں بند",
        RO: "List ya buttons se chunein, ya cheez ka naam likhein. Kabhi bhi likhein:\n"
        "• cart: apna cart dekhein\n• menu: products dekhein\n• cancel: cart khali karein\n"
        "• stop: reminders aur offers band",
    },
    "no_products": {
        EN: "Sorry, there is nothing to order on WhatsApp right now.",
        UR: "معاف کیجیے، ابھی واٹس ایپ پر آرڈر کے لیے کچھ دستیاب نہیں۔",
        RO: "Maaf kijiye, abhi WhatsApp par order ke liye kuch dastiyab nahi.",
    },
    "out_of_stock": {
        EN: "Sorry, {name} is not available right now.",
        UR: "معاف کیجیے، {name} ابھی دستیاب نہیں۔",
        RO: "Maaf kijiye, {name} abhi dastiyab nahi.",
    },
    "cart_full": {
        EN: "Your cart already holds {count} different products. Please check out first.",
        UR: "آپ کے کارٹ میں پہلے ہی {count} مختلف چیزیں ہیں۔ پہلے چیک آؤٹ کر لیں۔",
        RO: "Aap ke cart mein pehle hi {count} mukhtalif cheezen hain. Pehle checkout kar lein.",
    },
    "other_currency": {
        EN: "Sorry, {name} is priced in {currency} and cannot go in the same order.",
        UR: "معاف کیجیے، {name} کی قیمت {currency} میں ہے، یہ اسی آرڈر میں نہیں آ سکتا۔",
        RO: "Maaf kijiye, {name} ki qeemat {currency} mein hai, ye isi order mein nahi aa sakta.",
    },
    "which_order": {
        EN: "{count} of your orders are waiting for your answer. Please tap Confirm or Cancel "
        "under the one you mean:",
        UR: "آپ کے {count} آرڈر آپ کے جواب کے منتظر ہیں۔ جس آرڈر کی بات ہے اس کے نیچے "
        "تصدیق یا منسوخ دبائیں:",
        RO: "Aap ke {count} orders aap ke jawab ke muntazir hain. Jis order ki baat hai us ke "
        "neeche Confirm ya Cancel dabayein:",
    },
    "waiting_order": {
        EN: "Order {number}: {total}",
        UR: "آرڈر {number}: {total}",
        RO: "Order {number}: {total}",
    },
    "stopped": {
        EN: "Done: you will get no more reminders or offers from us. Write START to undo.",
        UR: "ٹھیک ہے: اب آپ کو ہماری طرف سے یاد دہانی یا پیشکش نہیں ملے گی۔ واپسی کے لیے START لکھیں۔",
        RO: "Theek hai: ab aap ko hamari taraf se reminder ya offer nahi milega. Wapas ke liye "
        "START likhein.",
    },
    "started": {
        EN: "Welcome back! Reminders and offers are on again.",
        UR: "خوش آمدید! یاد دہانیاں اور پیشکشیں دوبارہ شروع۔",
        RO: "Khush aamdeed! Reminders aur offers dobara shuru.",
    },
}


def say(key: str, language: Language, **values: object) -> str:
    return TEXTS[key][language].format(**values)


@dataclass(frozen=True, slots=True)
class Reply:
    """One message the bot sends: text, text with reply buttons, or text with a list."""

    text: str
    kind: OutboundKind = OutboundKind.TEXT
    buttons: tuple[ReplyButton, ...] = ()
    menu: ListMenu | None = None

    def message_fields(self) -> dict[str, Any]:
        """What it says, as the fields of the `SendMessageBody` that carries it."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def body(*parts: str | None) -> str:
    """Paragraphs joined, cut to Meta's 1,024 characters."""
    text = "\n\n".join(p for p in parts if p)
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"


def text(message: str) -> Reply:
    return Reply(body(message))


def buttons(message: str, *choices: tuple[str, str]) -> Reply:
    return Reply(
        body(message),
        OutboundKind.BUTTONS,
        buttons=tuple(ReplyButton(id=i, title=clip(t, 20)) for i, t in choices),
    )


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    title: str
    description: str | None = None


def list_reply(message: str, button: str, section: str, rows: Sequence[Row]) -> Reply:
    shown = tuple(
        ListRow(
            id=r.id,
            title=clip(r.title, ROW_TITLE_MAX),
            description=clip(r.description, ROW_DESCRIPTION_MAX) if r.description else None,
        )
        for r in rows[:10]
    )
    menu = ListMenu(
        button=clip(button, 20),
        sections=(ListSection(title=clip(section, ROW_TITLE_MAX), rows=shown),),
    )
    return Reply(body(message), OutboundKind.LIST, menu=menu)


def product_row_id(product_id: UUID) -> str:
    return f"{PRODUCT_PREFIX}{product_id}"


WHICH_ORDER_MAX = 3  # orders offered when a typed answer could mean several, newest first


def which_order(orders: Sequence[tuple[UUID, str, str]], language: Language) -> tuple[Reply, ...]:
    """A typed Confirm / Cancel that could mean several orders (id, number, total): each
    order's own COD buttons again, so the tap says which."""
    return (
        text(say("which_order", language, count=len(orders))),
        *(
            buttons(
                say("waiting_order", language, number=number, total=total),
                (cod_payload(CodAction.CONFIRM, order_id, number), say("confirm", language)),
                (cod_payload(CodAction.CANCEL, order_id, number), say("cancel", language)),
            )
            for order_id, number, total in orders[:WHICH_ORDER_MAX]
        ),
    )

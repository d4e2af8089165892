"""The delivery address a chat order asks for (shops that want one), pure: the question, the
typed answer checked, and the summary's address line, in the shopper's language."""

from sauda_contracts.language import Language

MIN_CHARS, MAX_CHARS = 8, 500  # a house, a street and a city do not fit in fewer

EN, UR, RO = Language.EN, Language.UR, Language.UR_LATN
TEXTS: dict[str, dict[Language, str]] = {
    "ask": {
        EN: "Where should we deliver? Please type your full address (house, street, area and "
        "city) in one message.",
        UR: "آرڈر کہاں پہنچائیں؟ اپنا پورا پتہ ایک پیغام میں لکھیں (مکان، گلی، علاقہ اور شہر)۔",
        RO: "Order kahan deliver karein? Apna poora pata ek message mein likhein (ghar, gali, "
        "ilaqa aur shehar).",
    },
    "too_short": {
        EN: "That looks too short for an address.",
        UR: "یہ پتہ بہت مختصر ہے۔",
        RO: "Yeh pata bohat chhota hai.",
    },
    "line": {EN: "Deliver to: {address}", UR: "پتہ: {address}", RO: "Pata: {address}"},
}


def ask_text(language: Language) -> str:
    return TEXTS["ask"][language]


def too_short_text(language: Language) -> str:
    return TEXTS["too_short"][language]


def address_line(address: str, language: Language) -> str:
    return TEXTS["line"][language].format(address=address)


def typed_address(text: str) -> str | None:
    """The address as typed, on one line; None if it cannot be one (too short, no letters)."""
    typed = " ".join(text.split())
    if len(typed) < MIN_CHARS or not any(ch.isalpha() for ch in typed):
        return None
    return typed[:MAX_CHARS]

"""What a shopper's message asks for, pure: a command, an order, a quantity or a question.

Every table is written the way shoppers type, in English, Roman Urdu/Hindi, Urdu (Nastaliq) and
Hindi (Devanagari), and compared after `normalize`, so case, punctuation, emoji and letter
variants do not matter. A flow asks in this order: `command_of` (works at any step), then
`parse_quantity` when it is waiting for a quantity, then `wants_to_order` / a product's name,
then `is_question` and the FAQ. `cod_answer` is asked first, outside the flow, when an order in
the chat waits for the shopper's COD answer.
"""

import re
from enum import StrEnum

from sauda_contracts.templates import CodAction
from sauda_conversation.domain.language import normalize


def _words(*phrases: str) -> frozenset[str]:
    """Table entries in the same normal form as the messages they are compared with."""
    return frozenset(normalize(phrase) for phrase in phrases)


def _tokens(*phrases: str) -> frozenset[str]:
    return frozenset(word for phrase in phrases for word in normalize(phrase).split())


# Politeness around a command or a number: "cancel please", "ji 3", "براہ کرم منسوخ کریں".
FILLERS = _tokens(
    "please plz pls plx kindly ji jee sir madam bhai yaar ok okay now just",
    "جی پلیز براہ کرم مہربانی بھائی",
    "जी प्लीज़ कृपया भाई",
)


# --- commands: words that work at any step ------------------------------------------------------


class Command(StrEnum):
    CART = "cart"
    CANCEL = "cancel"
    HELP = "help"
    MENU = "menu"
    STOP = "stop"
    START = "start"


_COMMANDS: dict[Command, frozenset[str]] = {
    Command.CART: _words(
        "cart", "my cart", "show cart", "show my cart", "view cart", "basket", "my basket",
        "cart dikhao", "mera cart", "mera cart dikhao", "cart dikhayen",
        "کارٹ", "میرا کارٹ", "کارٹ دکھاؤ", "کارٹ دکھائیں",
        "कार्ट", "मेरा कार्ट", "कार्ट दिखाओ", "कार्ट दिखाएं",
    ),
    Command.CANCEL: _words(
        "cancel", "cancel order", "cancel my order", "cancel it", "cancel karo", "cancel kar do",
        "cancel kardo", "cancel kar dein", "cancel karna hai", "order cancel karo",
        "order cancel kar do", "mansookh", "mansookh karo",
        "منسوخ", "منسوخ کرو", "منسوخ کریں", "آرڈر منسوخ کرو", "آرڈر منسوخ کریں", "کینسل",
        "کینسل کرو", "کینسل کریں", "آرڈر کینسل کرو",
        "रद्द", "रद्द करो", "रद्द करें", "ऑर्डर रद्द करो", "ऑर्डर रद्द करें", "कैंसल", "कैंसिल",
        "कैंसल करो", "कैंसिल करो",
    ),
    Command.HELP: _words(
        "help", "help me", "madad", "madad karo", "madad chahiye",
        "مدد", "مدد کریں", "مدد کرو", "مدد چاہیے", "ہیلپ",
        "मदद", "मदद करो", "मदद करें", "मदद चाहिए", "हेल्प",
    ),
    Command.MENU: _words(
        "menu", "show menu", "the menu", "menu dikhao", "products", "catalog", "catalogue",
        "مینو", "مینیو", "مینو دکھاؤ", "مینو دکھائیں",
        "मेनू", "मेन्यू", "मेनू दिखाओ", "मेनू दिखाएं",
    ),
    # An opt-out nobody should have to spell twice: a bare "band" is taken as "stop", and
    # "start" undoes it if that was wrong.
    Command.STOP: _words(
        "stop", "unsubscribe", "opt out", "optout", "stop messages", "stop sending",
        "stop sending messages", "stop messaging", "stop messaging me", "band", "band karo",
        "band kardo", "band kar do", "mat bhejo", "message mat bhejo", "messages mat bhejo",
        "بند", "بند کرو", "بند کریں", "روکو", "اسٹاپ", "سٹاپ", "مت بھیجو", "میسج مت بھیجو",
        "बंद", "बंद करो", "बंद करें", "रोको", "स्टॉप", "मत भेजो", "मैसेज मत भेजो",
    ),
    Command.START: _words(
        "start", "subscribe", "resume", "unstop", "shuru", "shuru karo", "start karo",
        "اسٹارٹ", "سٹارٹ", "شروع", "شروع کرو", "شروع کریں",
        "शुरू", "शुरू करो", "शुरू करें", "स्टार्ट",
    ),
}  # fmt: skip


# "I want to cancel (my order)" is the command said in a sentence's clothes.
_COMMAND_LEADS = ("i want to ", "i would like to ", "id like to ", "i wish to ")


def command_of(text: str) -> Command | None:
    """The command this message IS: the whole message, less polite fillers and an "I want to"
    in front, is one of the command phrases. "Can I cancel tomorrow's delivery time?" merely
    mentions one: None."""
    phrase = " ".join(word for word in normalize(text).split() if word not in FILLERS)
    phrase = next(
        (phrase.removeprefix(lead) for lead in _COMMAND_LEADS if phrase.startswith(lead)), phrase
    )
    return next((command for command, phrases in _COMMANDS.items() if phrase in phrases), None)


# --- a COD answer typed instead of tapped -------------------------------------------------------

_CONFIRM_ANSWERS = _words(
    "confirm", "confirmed", "confirm it", "confirm order", "confirm my order", "i confirm",
    "yes", "yes confirm", "yes confirmed", "yes please", "yeah", "yep", "ok", "okay", "ok confirm",
    "confirm karo", "confirm kar do", "confirm kardo", "confirm karein", "confirm kar dein",
    "confirm hai", "order confirm", "order confirm karo", "order confirm kar do",
    "haan", "han", "haa", "haan ji", "ji haan", "jee haan", "theek hai", "thik hai",
    "ہاں", "جی ہاں", "ہاں جی", "ٹھیک ہے", "تصدیق", "تصدیق کریں", "تصدیق کرو", "تصدیق کرتا ہوں",
    "تصدیق کرتی ہوں", "کنفرم", "کنفرم کریں", "کنفرم کرو", "کنفرم ہے", "آرڈر کنفرم کریں",
    "हाँ", "हां", "जी हाँ", "जी हां", "हाँ जी", "ठीक है", "पुष्टि", "पुष्टि करें",
    "पुष्टि करो", "कन्फर्म", "कन्फर्म करें", "कन्फर्म करो", "कन्फर्म है", "ऑर्डर कन्फर्म करें",
)  # fmt: skip


def cod_answer(text: str) -> CodAction | None:
    """The Confirm / Cancel of a COD message, typed instead of tapped: the whole message says
    yes or confirm ("haan ji", "confirm karein", "ہاں", "हाँ", a bare "ok"), or is the cancel
    command. Anything longer ("yes but deliver tomorrow") is not an answer, nor is a bare "ji",
    which is as often "yes?" as "yes"."""
    words = normalize(text).split()
    phrase = " ".join(word for word in words if word not in FILLERS) or " ".join(words)
    if phrase in _CONFIRM_ANSWERS:
        return CodAction.CONFIRM
    return CodAction.CANCEL if command_of(text) is Command.CANCEL else None


# --- wanting to order ---------------------------------------------------------------------------

_ORDER_WORDS = _tokens(
    "order buy purchase wanna",
    "chahiye chahie chahye chaiye chahiay chahiyay chaahiye lena leni lene khareedna kharidna",
    "khareedni kharidni khareedne kharidne mangwana mangwani mangwane mangana",
    "آرڈر چاہیے چاہئے چاہیئے چاہئیں چاہییں لینا لینی لینے خریدنا خریدنی خریدنے منگوانا منگوانی",
    "ऑर्डर आर्डर चाहिए चाहिये चाहिएं लेना लेनी लेने खरीदना खरीदनी खरीदने मंगवाना मंगाना",
)
_ORDER_PHRASES = _words(
    "i want", "we want", "want to", "i need", "i would like", "id like", "i wish to", "give me"
)
# About an order that already exists ("where is my order?"), not a new one.
_EXISTING_ORDER = _words(
    "my order", "mera order", "meri order", "mere order", "order status", "میرا آرڈر",
    "मेरा ऑर्डर", "मेरा आर्डर",
)  # fmt: skip
GREETINGS = _tokens(
    "hi hii hiii hello helo hey salam salaam slam assalam asalam assalamu assalamualaikum aoa",
    "assalamoalaikum walaikum namaste namaskar adaab morning evening afternoon",
    "السلام سلام ہیلو ہائے آداب",
    "नमस्ते नमस्कार हेलो हाय प्रणाम",
)
# The glue inside "assalam o alaikum", "as salam u alaikum", "good morning", "السلام علیکم".
_GREETING_GLUE = _tokens("o u as al alaikum alaykum alaikom good علیکم")


def _contains(words: list[str], phrases: frozenset[str]) -> bool:
    padded = f" {' '.join(words)} "
    return any(f" {phrase} " in padded for phrase in phrases)


def is_greeting(text: str) -> bool:
    """The message only greets: "hi", "Assalam o Alaikum ji", "नमस्ते"."""
    words = [w for w in normalize(text).split() if w not in FILLERS and w not in _GREETING_GLUE]
    return bool(words) and all(word in GREETINGS for word in words)


def wants_to_order(text: str) -> bool:
    """The shopper wants to start (or go on) ordering: "I want to order", "mujhe chai chahiye",
    "آرڈر کرنا ہے", "खरीदना है". A bare greeting counts too, since a shop bot answers "hi" with
    its menu; a greeting followed by something else is judged by the rest ("hi, do you deliver
    to Lahore?" is not an order). A command ("madad chahiye" is HELP, "I want to cancel" is
    CANCEL) and talk about an existing order ("where is my order?") are not new orders."""
    words = normalize(text).split()
    if is_greeting(text):
        return True
    if command_of(text) is not None or _contains(words, _EXISTING_ORDER):
        return False
    return any(word in _ORDER_WORDS for word in words) or _contains(words, _ORDER_PHRASES)


# --- quantities ---------------------------------------------------------------------------------

_NUMBER_WORDS: dict[str, int] = {
    word: number
    for number, spellings in {
        1: "one ek aik ایک एक",
        2: "two do doh دو दो",
        3: "three teen tin تین तीन",
        4: "four char chaar چار चार",
        5: "five panch paanch پانچ पांच",
        6: "six chay chhe chhay chhah chah che چھ چھے छह छः छे",
        7: "seven saat sat سات सात",
        8: "eight aath ath آٹھ आठ",
        9: "nine nau نو नौ",
        10: "ten das dus دس दस",
    }.items()
    for word in normalize(spellings).split()
}
# Words that may stand around a number without making it something else: units, "x3", "qty",
# "only", and the wish itself ("teen chahiye", "mujhe 3 chahiye").
_AROUND_A_NUMBER = FILLERS | _tokens(
    "x qty quantity only pc pcs piece pieces packet packets pack packs pkt pkts box boxes",
    "bottle bottles kg kgs kilo kilos g gm gms gram grams ltr litre litres liter liters l dozen",
    "dabba dabbe dabay dibba dibbe adad bas sirf mujhe chahiye chahie",
    "عدد پیکٹ ڈبہ ڈبے ڈبا کلو بوتل بس صرف مجھے چاہیے",
    "पैकेट डिब्बा डिब्बे किलो बोतल पीस नग बस सिर्फ मुझे चाहिए",
)
_DIGITS_AND_LETTERS = re.compile(r"(?<=\d)(?=[^\W\d])|(?<=[^\W\d])(?=\d)")
MAX_QUANTITY = 99


def parse_quantity(text: str) -> int | None:
    """The quantity the message is, 1 to 99: "3", "3 packets", "x3", "teen", "تین", "۳", "तीन".
    Only a number, alone or with a unit or filler; "do you deliver?" is a question, not 2."""
    words = _DIGITS_AND_LETTERS.sub(" ", normalize(text)).split()
    rest = [word for word in words if word not in _AROUND_A_NUMBER]
    if len(rest) != 1:
        return None
    word = rest[0]
    number = int(word) if word.isascii() and word.isdigit() else _NUMBER_WORDS.get(word)
    return number if number is not None and 1 <= number <= MAX_QUANTITY else None


# --- questions ----------------------------------------------------------------------------------

QUESTION_WORDS = _tokens(
    "what whats when where wheres why how hows which who whom whose",
    "kya kia kitne kitna kitni kab kaise kaisay kese kahan kahaan kidhar kyun kyon kaun kon",
    "konsa kaunsa",
    "کیا کتنے کتنا کتنی کب کیسے کیسی کیسا کہاں کدھر کیوں کون کونسا",
    "क्या कितने कितना कितनी कब कैसे कैसा कैसी कहाँ किधर क्यों कौन कौनसा",
)
# English questions that start with a verb: "do you deliver", "can I pay", "is there COD".
_AUXILIARIES = _tokens("do does did can could is are will would should shall may have has")
_SUBJECTS = _tokens("i you u we they it there this that he she your ur my the ya")
_QUESTION_MARKS = ("?", "؟", "？", "¿")


def is_question(text: str) -> bool:
    """The message asks something: a question mark (also Urdu ؟), a question word in any of the
    three scripts, or an English question that starts with a verb ("do you deliver"). Urdu's
    کیا also means "did" ("آرڈر کیا"), which reads as a question too."""
    if any(mark in text for mark in _QUESTION_MARKS):
        return True
    words = normalize(text).split()
    if any(word in QUESTION_WORDS for word in words):
        return True
    return len(words) >= 2 and words[0] in _AUXILIARIES and words[1] in _SUBJECTS


# Words that never name a product: what ranking strips from "mujhe 2 chai chahiye please".
# "chay" (6) is left out because it is also how some shoppers spell chai.
NOT_PRODUCT_WORDS = (
    FILLERS
    | GREETINGS
    | _GREETING_GLUE
    | _ORDER_WORDS
    | _tokens(*_ORDER_PHRASES, *_EXISTING_ORDER)
    | QUESTION_WORDS
    | _AUXILIARIES
    | _SUBJECTS
    | _AROUND_A_NUMBER
    | (frozenset(_NUMBER_WORDS) - {"chay"})
    | _tokens(
        "me a an some of for and or with to is in on at get send bhej bhejo bhejna dena dedo de",
        "karna karni karo kar hai hain ho mein main se ka ki ke ko aur ap aap mera meri mere",
        "مجھے کرنا کرو کریں ہے ہیں میں سے کا کی کے کو اور آپ میرا میری بھیج بھیجو دیں دے",
        "मुझे करना करो करें है हैं में से का की के को और आप मेरा मेरी भेज भेजो दें दे",
    )
)

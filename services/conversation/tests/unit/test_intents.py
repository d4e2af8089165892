"""Scripts, normal forms, commands, orders, quantities and questions, as tables in three scripts."""

import pytest

from sauda_contracts.templates import CodAction
from sauda_conversation.domain.intents import (
    Command,
    cod_answer,
    command_of,
    is_greeting,
    is_question,
    parse_quantity,
    wants_to_order,
)
from sauda_conversation.domain.language import Script, normalize, reply_language, script_of

# --- language -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("mujhe chai chahiye", Script.LATIN),
        ("I want to order", Script.LATIN),
        ("مجھے چائے چاہیے", Script.ARABIC),
        ("मुझे चाय चाहिए", Script.DEVANAGARI),
        ("2 chai چاہیے", Script.ARABIC),  # more Urdu letters than Latin ones
        ("ok चाय चाहिए", Script.DEVANAGARI),
        ("123 ?!", Script.LATIN),  # no letters at all
        ("", Script.LATIN),
    ],
)
def test_script_is_the_majority_of_letters(text: str, script: Script) -> None:
    assert script_of(text) is script


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("  Mujhe CHAI chahiye!!! 😀🙏 ", "mujhe chai chahiye"),
        ("I'd like to buy, please.", "id like to buy please"),
        ("x３ ٣ ۳ ३", "x3 3 3 3"),  # full-width, Arabic-Indic, Extended and Devanagari digits
        ("مجھے چائے چاہیے؟", "مجھے چائے چاہیے"),
        ("كيک", "کیک"),  # Arabic kaf and yeh as Urdu's
        ("چاۓ", "چائے"),  # yeh barree with hamza, as some keyboards write it
        ("چائے\u200c", "چائے"),  # a zero-width non-joiner
        ("مُجھے", "مجھے"),  # pesh, the short-vowel mark
        ("ٹماٹـــر", "ٹماٹر"),  # kashida stretching
        ("पाँच", "पांच"),  # chandrabindu as anusvara
        ("ख़रीदना", "खरीदना"),  # without the nukta
        ("मुझे चाय चाहिए।", "मुझे चाय चाहिए"),  # the danda is punctuation
    ],
)
def test_normal_form(text: str, normal: str) -> None:
    assert normalize(text) == normal


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("مجھے چائے چاہیے", "ur"),
        ("ڈلیوری کتنے دن میں؟", "ur"),
        ("mujhe chai chahiye", "ur-Latn"),
        ("Order karna hai bhai", "ur-Latn"),
        ("kitne ka hai?", "ur-Latn"),
        ("मुझे चाय चाहिए", "ur-Latn"),  # no Hindi texts: Roman Hindustani reads best
        ("I want to order", "en"),
        ("Do you deliver to Lahore?", "en"),
        ("chai", "en"),  # a product name is not Roman Urdu
        ("👍", "en"),
    ],
)
def test_reply_language(text: str, language: str) -> None:
    assert reply_language(text) == language


# --- commands -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("cart", Command.CART), ("My Cart!", Command.CART), ("show my cart", Command.CART),
        ("cart dikhao", Command.CART), ("کارٹ", Command.CART), ("میرا کارٹ", Command.CART),
        ("कार्ट", Command.CART), ("मेरा कार्ट", Command.CART),
        ("cancel", Command.CANCEL), ("CANCEL", Command.CANCEL), ("cancel karo plz", Command.CANCEL),
        ("please cancel my order", Command.CANCEL), ("I want to cancel", Command.CANCEL),
        ("منسوخ", Command.CANCEL), ("براہ کرم منسوخ کریں", Command.CANCEL),
        ("کینسل کرو", Command.CANCEL), ("रद्द", Command.CANCEL), ("रद्द करो जी", Command.CANCEL),
        ("help", Command.HELP), ("Help?", Command.HELP), ("madad", Command.HELP),
        ("madad chahiye", Command.HELP), ("مدد", Command.HELP), ("मदद", Command.HELP),
        ("menu", Command.MENU), ("menu dikhao", Command.MENU), ("مینو", Command.MENU),
        ("मेनू", Command.MENU),
        ("stop", Command.STOP), ("UNSUBSCRIBE", Command.STOP), ("band karo", Command.STOP),
        ("mat bhejo", Command.STOP), ("بند کرو", Command.STOP), ("روکو", Command.STOP),
        ("اسٹاپ", Command.STOP), ("बंद करो", Command.STOP), ("रोको", Command.STOP),
        ("स्टॉप", Command.STOP),
        ("start", Command.START), ("subscribe", Command.START), ("shuru karo", Command.START),
        ("اسٹارٹ", Command.START), ("شروع", Command.START), ("शुरू", Command.START),
        ("स्टार्ट", Command.START),
        # Mentioning a command is not giving it.
        ("can I cancel tomorrow's delivery time?", None),
        ("why did you cancel my order", None),
        ("kya main order cancel kar sakta hun?", None),
        ("کیا میں آرڈر منسوخ کر سکتا ہوں؟", None),
        ("क्या मैं ऑर्डर रद्द कर सकता हूं?", None),
        ("what is on the menu today", None),
        ("stop sending me offers", None),
        ("I need help with my payment", None),
        ("please", None), ("ok", None), ("", None),
    ],
)  # fmt: skip
def test_a_command_is_the_whole_message(text: str, command: Command | None) -> None:
    assert command_of(text) == command


# --- wanting to order ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wants"),
    [
        ("I want to order", True), ("order", True), ("buy", True), ("I'd like to buy", True),
        ("I want chai", True), ("mujhe chai chahiye", True), ("doodh chahie", True),
        ("order karna hai", True), ("khareedna hai", True),
        ("لینا ہے", True), ("آرڈر کرنا ہے", True), ("چاہیے", True), ("مجھے چائے چاہیے", True),
        ("ऑर्डर करना है", True), ("चाहिए", True), ("खरीदना है", True), ("मुझे चाय चाहिए", True),
        # A bare greeting starts the flow: the shop answers it with its menu.
        ("hi", True), ("Hello!", True), ("salam", True), ("Assalam o Alaikum", True),
        ("AoA ji", True), ("السلام علیکم", True), ("नमस्ते", True), ("hi, I want to order", True),
        ("hi, do you deliver to Lahore?", False),  # judged by what follows the greeting
        ("where is my order?", False), ("mera order kahan hai", False),
        ("میرا آرڈر کہاں ہے", False), ("मेरा ऑर्डर कहाँ है", False),
        ("madad chahiye", False),  # HELP
        ("I want to cancel", False),  # CANCEL
        ("do you deliver?", False), ("delivery kitne din mein?", False),
        ("ڈلیوری کتنے دن میں؟", False), ("डिलीवरी कितने दिन में?", False),
        ("thanks", False), ("", False),
    ],
)  # fmt: skip
def test_wants_to_order(text: str, wants: bool) -> None:
    assert wants_to_order(text) is wants


@pytest.mark.parametrize(
    ("text", "greeting"),
    [("hi", True), ("good morning", True), ("Assalam-o-Alaikum!", True), ("السلام علیکم", True),
     ("नमस्ते जी", True), ("good", False), ("o", False), ("hi chai", False)],
)  # fmt: skip
def test_greetings(text: str, greeting: bool) -> None:
    assert is_greeting(text) is greeting


# --- quantities ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("3", 3), ("3 packets", 3), ("x3", 3), ("3x", 3), ("3 pcs", 3), ("2kg", 2),
        ("qty: 4", 4), ("99", 99), ("03", 3), ("3 please", 3), ("3 dabbe", 3),
        ("one", 1), ("three", 3), ("ten", 10),
        ("ek", 1), ("do", 2), ("do packet", 2), ("teen", 3), ("char", 4), ("chaar", 4),
        ("panch", 5), ("paanch", 5), ("chay", 6), ("chhe", 6), ("saat", 7), ("aath", 8),
        ("nau", 9), ("das", 10), ("teen chahiye", 3),
        ("ایک", 1), ("دو", 2), ("تین", 3), ("چار", 4), ("پانچ", 5), ("چھ", 6), ("سات", 7),
        ("آٹھ", 8), ("نو", 9), ("دس", 10), ("٣", 3), ("۳", 3), ("۱۲ عدد", 12), ("تین پیکٹ", 3),
        ("एक", 1), ("दो", 2), ("तीन", 3), ("चार", 4), ("पांच", 5), ("पाँच", 5), ("छह", 6),
        ("सात", 7), ("आठ", 8), ("नौ", 9), ("दस", 10), ("३", 3), ("५ पैकेट", 5),
        # Not a quantity, or not only one.
        ("do you deliver?", None), ("what do you sell", None), ("12345678", None), ("100", None),
        ("0", None), ("3 chai", None), ("2 3", None), ("3.5", None), ("no", None),
        ("packets", None), ("کیا دو دن میں آئے گا؟", None), ("क्या दो दिन में आएगा?", None),
        ("", None),
    ],
)  # fmt: skip
def test_quantity(text: str, quantity: int | None) -> None:
    assert parse_quantity(text) == quantity


# --- questions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("price?", True), ("قیمت؟", True), ("कीमत?", True),
        ("what is the price", True), ("when will it arrive", True), ("how to pay", True),
        ("where are you", True), ("do you deliver to Lahore", True), ("can I pay cash", True),
        ("is there cash on delivery", True),
        ("kya cash on delivery hai", True), ("kitne ka hai", True), ("delivery kab hogi", True),
        ("kaise order karun", True), ("shop kahan hai", True), ("kidhar ho", True),
        ("کیا ڈلیوری ہوتی ہے", True), ("کتنے کا ہے", True), ("ڈلیوری کب ہوگی", True),
        ("آرڈر کیسے کروں", True), ("دکان کہاں ہے", True),
        ("क्या डिलीवरी होती है", True), ("कितने का है", True), ("डिलीवरी कब होगी", True),
        ("ऑर्डर कैसे करूं", True), ("दुकान कहाँ है", True),
        ("chai", False), ("do packet", False), ("3", False), ("mujhe chai chahiye", False),
        ("مجھے چائے چاہیے", False), ("मुझे चाय चाहिए", False), ("ok thanks", False),
    ],
)  # fmt: skip
def test_questions(text: str, question: bool) -> None:
    assert is_question(text) is question


# --- a COD answer typed instead of tapped -------------------------------------------------------

C, X = CodAction.CONFIRM, CodAction.CANCEL


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("confirm", C), ("Confirm!", C), ("CONFIRM KAREIN", C), ("confirm kar do please", C),
        ("yes", C), ("Yes please", C), ("ok", C), ("OK 👍", C), ("haan ji", C), ("Ji haan", C),
        ("theek hai", C), ("I confirm", C),
        ("ہاں", C), ("جی ہاں", C), ("تصدیق کریں", C), ("کنفرم کریں", C), ("ٹھیک ہے", C),
        ("हाँ", C), ("हां जी", C), ("कन्फर्म करें", C), ("पुष्टि करें", C), ("ठीक है", C),
        ("cancel", X), ("Cancel please", X), ("cancel karo", X), ("cancel my order", X),
        ("I want to cancel", X), ("منسوخ کریں", X), ("آرڈر کینسل کرو", X), ("रद्द करें", X),
        ("कैंसल करो", X),
        # Not answers: longer messages, questions, a bare "no", other commands, orders.
        ("ji", None), ("جی", None), ("जी", None), ("yes but deliver tomorrow", None), ("can I confirm later?", None), ("no", None),
        ("nahi", None), ("stop", None), ("cart", None), ("mujhe chai chahiye", None),
        ("3", None), ("hi", None), ("", None), ("👍", None), ("کیا میں کینسل کر سکتا ہوں؟", None),
    ],
)  # fmt: skip
def test_typed_cod_answers(text: str, answer: CodAction | None) -> None:
    assert cod_answer(text) is answer

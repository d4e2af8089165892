"""Transliteration, product ranking, the named product and FAQ answers, as tables."""

import ast
from decimal import Decimal
from pathlib import Path
from uuid import NAMESPACE_URL, uuid5

import pytest

from sauda_conversation.adapters import ranking
from sauda_conversation.adapters.ranking import (
    WORD_MATCH,
    answer_for,
    named_product,
    rank_products,
    word_similarity,
)
from sauda_conversation.domain import intents, language
from sauda_conversation.domain.language import readings, sound_key, transliterate
from sauda_conversation.domain.shop import Faq, Product


def product(name: str, *aliases: str, in_stock: bool = True) -> Product:
    return Product(
        product_id=uuid5(NAMESPACE_URL, f"product:{name}"), name=name, price=Decimal("250"),
        currency="PKR", aliases=aliases, in_stock=in_stock,
    )  # fmt: skip


CHAI_MASALA = product("Shan Chai Masala")
SALT = product("National Salt", "namak")
TEA = product("Tapal Danedar Tea", "chai")
LIPTON = product("Lipton Yellow Label Tea", "chai", in_stock=False)
MILK = product("Nestle Milk Pak", "doodh", "milk")
SOOPER = product("Peek Freans Sooper Biscuit")
PRINCE = product("LU Prince Biscuit")
OIL = product("Dalda Cooking Oil", "tel", "ghee")
RICE = product("Basmati Rice", "chawal")
SUGAR = product("Sugar", "cheeni")
SHELF = (CHAI_MASALA, SALT, TEA, LIPTON, MILK, SOOPER, PRINCE, OIL, RICE, SUGAR)
IN_STOCK = tuple(p for p in SHELF if p.in_stock)


# --- transliteration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "latin"),
    [
        ("چائے", "chaye"), ("چاۓ", "chaye"), ("دودھ", "dodh"), ("بسکٹ", "bskt"),
        ("چاول", "chawl"), ("بریانی", "bryani"), ("ڈبہ", "dba"),
        ("चाय", "chaay"), ("दूध", "doodh"), ("बिस्कुट", "biskut"), ("करना", "karnaa"),
        ("नमस्ते", "namaste"), ("पाँच", "paanch"),
        ("Mujhe CHAI chahiye!", "mujhe chai chahiye"),
        ("2 چائے", "2 chaye"),
    ],
)  # fmt: skip
def test_transliteration(text: str, latin: str) -> None:
    assert transliterate(text) == latin


@pytest.mark.parametrize(
    ("word", "latin"),
    [("chai", ("chai",)), ("چائے", ("chaye",)), ("चाय", ("chaay",)),
     ("डिलीवर", ("dileevar", "dileevr")), ("नमक", ("namak", "nmk"))],
)  # fmt: skip
def test_devanagari_is_also_read_with_silent_inherent_vowels(
    word: str, latin: tuple[str, ...]
) -> None:
    assert readings(word) == latin


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (("chai", "chaye", "chae", "chay", "chaay"), "Cai"),
        (("doodh", "dudh", "dodh"), "dud"),
        (("biscuit", "biskuit"), "biskuit"),
        (("ghee", "ghi"), "gi"),
    ],
)
def test_spellings_that_sound_alike_share_a_key(spellings: tuple[str, ...], key: str) -> None:
    assert {sound_key(spelling) for spelling in spellings} == {key}


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("چائے", "chai"), ("चाय", "chai"), ("chae", "chai"),
        ("بسکٹ", "biscuit"), ("बिस्कुट", "biscuit"), ("biscit", "biscuit"),
        ("دودھ", "doodh"), ("दूध", "doodh"), ("dudh", "doodh"),
        ("چاول", "chawal"), ("चावल", "chawal"), ("گھی", "ghee"), ("घी", "ghee"),
        ("ڈلیوری", "delivery"), ("डिलीवरी", "delivery"), ("डिलीवर", "deliver"), ("کتنے", "kitne"), ("کتنے", "कितने"),
    ],
)  # fmt: skip
def test_one_word_in_three_scripts(word: str, name: str) -> None:
    assert word_similarity(word, name) >= WORD_MATCH


@pytest.mark.parametrize(
    ("word", "other"),
    [("chai", "chini"), ("chai", "chana"), ("doodh", "dahi"), ("dal", "dalda"),
     ("prince", "rice"), ("biscuit", "basket"), ("چائے", "چینی"), ("चाय", "चीनी")],
)  # fmt: skip
def test_different_words_stay_apart(word: str, other: str) -> None:
    assert word_similarity(word, other) < WORD_MATCH


def test_word_similarity_takes_single_words() -> None:
    with pytest.raises(ValueError):
        word_similarity("tapal tea", "tea")


# --- ranking ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("mujhe chai chahiye", TEA), ("chai please", TEA), ("tea", TEA), ("tapal", TEA),
        ("مجھے چائے چاہیے", TEA), ("چائے", TEA), ("मुझे चाय चाहिए", TEA), ("चाय", TEA),
        ("doodh", MILK), ("دودھ", MILK), ("दूध", MILK), ("2 packet milk", MILK),
        ("chawal", RICE), ("چاول", RICE), ("चावल", RICE),
        ("namak", SALT), ("نمک", SALT), ("cheeni", SUGAR), ("चीनी", SUGAR),
        ("ghee", OIL), ("گھی", OIL), ("prince", PRINCE),
        ("biscuit", SOOPER), ("بسکٹ", SOOPER), ("बिस्कुट", SOOPER),  # a tie: catalog order
    ],
)  # fmt: skip
def test_the_product_named_comes_first(query: str, first: Product) -> None:
    assert rank_products(query, SHELF)[0] == first


def test_matches_lead_and_the_rest_follow_in_catalog_order() -> None:
    ranked = rank_products("biscuit", SHELF)
    assert ranked[:2] == [SOOPER, PRINCE]
    assert ranked[2:] == [p for p in IN_STOCK if p not in (SOOPER, PRINCE)]


def test_a_whole_alias_beats_part_of_a_name() -> None:
    # "chai" is all of the tea's alias, a third of "Shan Chai Masala", which comes earlier.
    assert rank_products("chai", SHELF)[:2] == [TEA, CHAI_MASALA]


@pytest.mark.parametrize(
    "query",
    ["I want to order", "order karna hai", "آرڈر کرنا ہے", "ऑर्डर करना है", "hi", "", "pizza"],
)
def test_no_product_words_keep_catalog_order(query: str) -> None:
    assert rank_products(query, SHELF) == list(IN_STOCK)


@pytest.mark.parametrize("query", ["lipton", "chai", "Lipton Yellow Label Tea", "I want to order"])
def test_out_of_stock_never_appears(query: str) -> None:
    assert LIPTON not in rank_products(query, SHELF)
    assert named_product(query, SHELF) != LIPTON


def test_a_list_holds_ten() -> None:
    shelf = [
        *(product(f"Item {n}") for n in range(20)),
        SUGAR,
        *(product(f"Item {n}") for n in range(20, 24)),
    ]
    assert rank_products("I want to order", shelf) == shelf[:10]
    assert rank_products("cheeni", shelf) == [SUGAR, *shelf[:9]]
    assert rank_products("I want to order", shelf, limit=3) == shelf[:3]


# --- the named product --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("chai", TEA), ("Chai!", TEA), ("mujhe chai chahiye", TEA), ("چائے", TEA), ("चाय", TEA),
        ("tapal danedar", TEA), ("doodh", MILK), ("دودھ", MILK), ("दूध", MILK),
        ("prince biscuit", PRINCE), ("sooper", SOOPER), ("nestle milk", MILK),
        ("biscuit", None), ("بسکٹ", None), ("बिस्कुट", None),  # two biscuits: the list decides
        ("chai aur doodh", None),  # two products
        ("I want to order", None), ("hi", None), ("pizza", None), ("lipton", None), ("", None),
    ],
)  # fmt: skip
def test_named_product(text: str, named: Product | None) -> None:
    assert named_product(text, SHELF) == named


# --- FAQ ----------------------------------------------------------------------------------------


def faq(question: str, *keywords: str) -> Faq:
    return Faq(uuid5(NAMESPACE_URL, f"faq:{question}"), question, f"answer: {question}", keywords)


HOW_LONG = faq("How long does delivery take?", "delivery", "days", "kitne din", "ڈلیوری", "डिलीवरी")
WHERE = faq("Do you deliver to Lahore?", "lahore", "karachi", "cities", "deliver to")
COD = faq("Can I pay cash on delivery?", "cod", "cash", "cash on delivery", "نقد", "कैश")
FAQS = (HOW_LONG, WHERE, COD)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("delivery kitne din mein?", HOW_LONG), ("How many days for delivery?", HOW_LONG),
        ("ڈلیوری کتنے دن میں؟", HOW_LONG), ("डिलीवरी कितने दिन में?", HOW_LONG),
        ("do you deliver to Lahore?", WHERE), ("karachi mein delivery hoti hai?", WHERE),
        ("کیا آپ لاہور ڈلیور کرتے ہیں؟", WHERE), ("क्या आप कराची डिलीवर करते हैं?", WHERE),
        ("cash on delivery hai?", COD), ("کیا نقد ادائیگی ہو سکتی ہے؟", COD),
        ("क्या कैश दे सकते हैं?", COD),
        ("I want to order chai", None), ("mujhe chai chahiye", None), ("hello", None),
        ("what is your name?", None), ("آپ کا نام کیا ہے؟", None), ("आपका नाम क्या है?", None),
    ],
)  # fmt: skip
def test_answer_for(text: str, answer: Faq | None) -> None:
    assert answer_for(text, FAQS) == answer


def test_no_faqs_no_answer() -> None:
    assert answer_for("delivery kitne din mein?", ()) is None


# --- the language logic stays pure --------------------------------------------------------------


@pytest.mark.parametrize("module", [language, intents, ranking])
def test_language_logic_does_no_io(module: object) -> None:
    source = Path(str(getattr(module, "__file__", ""))).read_text()
    tree = ast.parse(source)
    imported = {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not imported & {"asyncpg", "faststream", "aiokafka", "httpx", "structlog", "os", "io"}
    assert "datetime.now" not in source and "uuid4" not in source and "open(" not in source

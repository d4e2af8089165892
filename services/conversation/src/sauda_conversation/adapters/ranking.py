"""Which products and FAQ a shopper's words point at: fuzzy matching across three scripts, the
`Ranker` the flow is given.

Words are compared one by one, each as its rough Latin readings (`readings`) and phonetic keys
(`sound_key`), with rapidfuzz's `fuzz.ratio` (normalized Indel similarity). Whole-string scorers
were tried and left out: `partial_ratio` and `WRatio` reward a short word found inside a longer
one ("tea" in "steak", "dal" in "dalda"), and `token_set_ratio` over a whole message is swayed
by its filler words. Word against word, after filler words are dropped, is predictable, and its
scores add up across the words of a multi-word name.
"""

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz

from sauda_conversation.domain.intents import NOT_PRODUCT_WORDS
from sauda_conversation.domain.language import Script, normalize, readings, script_of, sound_key
from sauda_conversation.domain.shop import LIST_ROWS, Faq, Product

WORD_MATCH = 85  # a word at least this similar (0-100) is the same word misspelled
CLEAR_NAME = 85  # named_product: the best product scores at least this
CLEAR_LEAD = 10  # … and this much more than the runner-up (or covers a whole name, see there)
FAQ_MATCH = 1.0  # answer_for: one whole keyword, or two words of the question


class _Word(NamedTuple):
    text: str  # the normalized word in its own script, for the filler tables
    latin: str  # its rough Latin reading
    keys: tuple[str, ...]  # sound_key of each of its readings, the first of `latin`
    skeleton: str  # the first key's consonants
    abjad: bool  # written in Urdu script, where short vowels are not written


@lru_cache(maxsize=8192)
def _word(word: str) -> _Word:
    # Cached by word, not by message: catalog words recur, and no whole message is kept.
    latins = readings(word)
    keys = tuple(sound_key(latin) for latin in latins)
    skeleton = "".join(ch for ch in keys[0] if ch not in "aiu")
    return _Word(word, latins[0], keys, skeleton, script_of(word) is Script.ARABIC)


def _words(text: str) -> tuple[_Word, ...]:
    return tuple(_word(word) for word in normalize(text).split())


def _is_content(word: _Word) -> bool:
    return word.text not in NOT_PRODUCT_WORDS and not word.text.isdigit()


def _content(text: str) -> tuple[_Word, ...]:
    """The words that could name something: no fillers, wishes, numbers or question words."""
    return tuple(word for word in _words(text) if _is_content(word))


def _similarity(a: _Word, b: _Word) -> float:
    if a.latin == b.latin:
        return 100.0
    # Sounds alike, spelled otherwise ("chai", "chaye") scores a little under the same spelling.
    scores = [97.0 if set(a.keys) & set(b.keys) else 0.0]
    abjad = a.abjad or b.abjad
    if abjad and a.skeleton == b.skeleton and len(a.skeleton) >= 2:
        scores.append(92.0)  # Urdu without its short vowels: بسکٹ "bskt", biscuit
    # Short words are the same word only when they sound the same: by ratio "lu" is 80% "lux".
    if min(len(a.keys[0]), len(b.keys[0])) > 3:
        scores.append(fuzz.ratio(a.latin, b.latin))
        scores.extend(fuzz.ratio(x, y) - 3 for x in a.keys for y in b.keys)
        if abjad and min(len(a.skeleton), len(b.skeleton)) >= 3:
            scores.append(fuzz.ratio(a.skeleton, b.skeleton) - 5)
    return max(scores)


def word_similarity(a: str, b: str) -> float:
    """How alike two single words are, 0-100, whatever scripts they are written in:
    "چائے" and "chai" about 97, "chai" and "chini" well under `WORD_MATCH`."""
    first, second = _words(a), _words(b)
    if len(first) != 1 or len(second) != 1:
        raise ValueError("word_similarity compares one word with one word")
    return _similarity(first[0], second[0])


def _best(word: _Word, among: Sequence[_Word]) -> float:
    score = max((_similarity(word, other) for other in among), default=0.0)
    return score if score >= WORD_MATCH else 0.0


class _Match(NamedTuple):
    score: float  # sum over the query's words of the best match in one name or alias
    whole: bool  # the query matched every word of that name or alias


def _match(query: Sequence[_Word], product: Product) -> _Match:
    best = _Match(0.0, False)
    for name in (product.name, *product.aliases):
        words = _content(name)
        if words:
            score = sum(_best(word, words) for word in query)
            best = max(best, _Match(score, all(_best(word, query) for word in words)))
    return best


def _ranked(query: Sequence[_Word], products: Sequence[Product]) -> list[tuple[_Match, Product]]:
    """In-stock products that match, best first, and of equal scores first those the query names
    whole ("chai": the tea aliased "chai" before "Shan Chai Masala"); else the catalog's order."""
    matches = [(_match(query, product), product) for product in products if product.in_stock]
    # sorted() is stable, so equal matches stay in the catalog's order.
    return sorted(
        ((match, product) for match, product in matches if match.score > 0),
        key=lambda pair: pair[0],
        reverse=True,
    )


def rank_products(query: str, products: Sequence[Product], limit: int = LIST_ROWS) -> list[Product]:
    """Up to `limit` in-stock products for a list: those the query names, best first, then the
    rest in catalog order, so the shopper always sees a full list to choose from. A query that
    names no product ("I want to order") gets the catalog's order. Out-of-stock products never
    appear."""
    in_stock = [product for product in products if product.in_stock]
    words = _content(query)
    if not words:
        return in_stock[:limit]
    named = [product for _, product in _ranked(words, in_stock)]
    chosen = {product.product_id for product in named}
    return [*named, *(product for product in in_stock if product.product_id not in chosen)][:limit]


def named_product(text: str, products: Sequence[Product]) -> Product | None:
    """The one in-stock product the message clearly names, or None.

    Clearly: the best product scores at least `CLEAR_NAME` and leads the runner-up by
    `CLEAR_LEAD`, or, scoring alike, the message covers a whole name or alias of the best one and
    only part of the runner-up's ("chai" is the tea aliased "chai", not "Shan Chai Masala").
    "biscuit" with two biscuits on the shelf names neither.
    """
    ranked = _ranked(_content(text), products)
    if not ranked or ranked[0][0].score < CLEAR_NAME:
        return None
    (best, product), runner_up = ranked[0], ranked[1][0] if len(ranked) > 1 else None
    if runner_up is None or best.score - runner_up.score >= CLEAR_LEAD:
        return product
    return product if best.whole and not runner_up.whole else None


def _faq_score(message: Sequence[_Word], faq: Faq) -> float:
    # A point for each word of the message that a whole keyword matches ("kitne din" needs both
    # words; "delivery", "ڈلیوری" and "डिलीवरी" all matching "delivery" is still one point), half
    # a point for each other word that the question's own words match: they were not chosen to
    # tell FAQs apart.
    said: set[int] = set()
    for keyword in faq.keywords:
        found = [_matching(word, message) for word in _words(keyword)]
        if found and all(found):
            said.update(i for indexes in found for i in indexes)
    asked = {
        i
        for word in _content(faq.question)
        for i in _matching(word, message)
        if _is_content(message[i])
    }
    return len(said) + 0.5 * len(asked - said)


def _matching(word: _Word, among: Sequence[_Word]) -> list[int]:
    return [i for i, other in enumerate(among) if _similarity(word, other) >= WORD_MATCH]


def answer_for(text: str, faqs: Sequence[Faq]) -> Faq | None:
    """The FAQ the message asks, by its keywords (in any script) and its question's words; the
    first of equals, or None when no FAQ scores `FAQ_MATCH`."""
    message = _words(text)
    best, best_score = None, FAQ_MATCH - 1e-9
    for faq in faqs:
        score = _faq_score(message, faq)
        if score > best_score:
            best, best_score = faq, score
    return best


class FuzzyRanker:
    """The `Ranker` of the flow, by the functions above."""

    def rank_products(
        self, query: str, products: Sequence[Product], limit: int = LIST_ROWS
    ) -> list[Product]:
        return rank_products(query, products, limit)

    def named_product(self, text: str, products: Sequence[Product]) -> Product | None:
        return named_product(text, products)

    def answer_for(self, text: str, faqs: Sequence[Faq]) -> Faq | None:
        return answer_for(text, faqs)

"""Shoppers' text in three scripts, pure: which script, one normal form, a rough Latin reading.

Shoppers write English, Roman Urdu/Hindi, Urdu in Nastaliq (Arabic script) and Hindi in
Devanagari, often mixed. Everything that compares words (intents, product and FAQ matching)
first passes text through `normalize`, and fuzzy matching across scripts goes through
`transliterate` and `sound_key`, so "چائے", "चाय" and "chai" end up as the same key.
"""

import re
import unicodedata
from enum import StrEnum


class Script(StrEnum):
    LATIN = "latin"
    ARABIC = "arabic"  # Urdu in Nastaliq
    DEVANAGARI = "devanagari"


def _is_arabic(ch: str) -> bool:
    code = ord(ch)
    return (
        0x0600 <= code <= 0x06FF
        or 0x0750 <= code <= 0x077F
        or 0x08A0 <= code <= 0x08FF
        or 0xFB50 <= code <= 0xFDFF
        or 0xFE70 <= code <= 0xFEFF
    )


def _is_devanagari(ch: str) -> bool:
    code = ord(ch)
    return 0x0900 <= code <= 0x097F or 0xA8E0 <= code <= 0xA8FF


def script_of(text: str) -> Script:
    """The script most of the letters are in; LATIN when there are no letters at all."""
    counts = dict.fromkeys(Script, 0)
    for ch in text:
        if not ch.isalpha():
            continue
        if _is_arabic(ch):
            counts[Script.ARABIC] += 1
        elif _is_devanagari(ch):
            counts[Script.DEVANAGARI] += 1
        else:
            counts[Script.LATIN] += 1
    # max() keeps the first of equal counts, so a tie reads as LATIN.
    return max(Script, key=lambda script: counts[script])


# Invisible characters that keyboards scatter inside words: zero-width (non-)joiners and spaces,
# direction marks, the Arabic letter mark, the soft hyphen and the kashida (ـ) used to stretch
# Nastaliq.
_INVISIBLE = dict.fromkeys(
    [
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        0xFEFF,
        0x061C,
        0x00AD,
        0x0640,
    ],
    None,
)

# One spelling per Urdu letter: Arabic keyboards type ي ك ه where Urdu has ی ک ہ; hamza-carrying
# forms fold to the plain letter (ۓ is how some keyboards write ئے). Devanagari: the nukta is
# dropped (ख़रीदना and खरीदना are both common) and chandrabindu becomes anusvara (पाँच/पांच).
_LETTER_VARIANTS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ه": "ہ",
        "ة": "ہ",
        "ۃ": "ہ",
        "ۂ": "ہ",
        "ۀ": "ہ",
        "ۓ": "ئے",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "\u093c": None,  # nukta
        "\u0901": "\u0902",  # chandrabindu -> anusvara
        "'": None,  # "I'd", "don't": one word, not two
        "\u2019": None,
        "\u2018": None,
        "`": None,
    }
)

# Vowel marks and Quranic signs (zabar, zer, pesh, shadda, sukun, khari zabar ٰ, hamza above, …):
# Urdu is mostly written without them, so text that has them must match text that does not.
_ARABIC_DIACRITICS = dict.fromkeys([*range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE)], None)

_SPACES = re.compile(r"\s+")


def _keep(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Nd":
        # Every decimal digit (٣, ۳, ३, …) as ASCII.
        return str(unicodedata.decimal(ch))
    # Letters and combining marks (Devanagari vowel signs and virama are marks) stay; punctuation,
    # symbols and emoji become spaces.
    return ch if category[0] in "LM" else " "


def normalize(text: str) -> str:
    """One form for comparing: NFKC, casefolded, one spelling per Urdu letter, no diacritics or
    invisible characters, ASCII digits, letters and digits only, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()
    text = text.translate(_LETTER_VARIANTS).translate(_ARABIC_DIACRITICS)
    return _SPACES.sub(" ", "".join(_keep(ch) for ch in text)).strip()


# --- a rough Latin reading, for fuzzy matching only ---------------------------------------------

_URDU = {
    "ا": "a", "آ": "aa", "ب": "b", "پ": "p", "ت": "t", "ٹ": "t", "ث": "s", "ج": "j", "چ": "ch",
    "ح": "h", "خ": "kh", "د": "d", "ڈ": "d", "ذ": "z", "ر": "r", "ڑ": "r", "ز": "z", "ژ": "zh",
    "س": "s", "ش": "sh", "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "ع": "a", "غ": "gh", "ف": "f",
    "ق": "q", "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ں": "n", "ھ": "h", "ء": "",
    "ے": "e",
}  # fmt: skip
_URDU_VOWEL_LETTERS = frozenset("اآیےو")


def _urdu_word(word: str) -> str:
    # Urdu leaves short vowels unwritten; و, ی, ہ and ئ are vowels or consonants by position.
    out = []
    last = len(word) - 1
    for i, ch in enumerate(word):
        before = word[i - 1] if i else ""
        after = word[i + 1] if i < last else ""
        if ch == "و":
            out.append("w" if i == 0 or before in _URDU_VOWEL_LETTERS else "o")
        elif ch == "ی":
            out.append("y" if i == 0 or after in ("ا", "آ") else "i")
        elif ch == "ہ":
            out.append("a" if i == last and i > 0 else "h")
        elif ch == "ئ":
            out.append("y" if after in ("ے", "ی") else "i")
        else:
            out.append(_URDU.get(ch, ch))
    return "".join(out)


_DEVANAGARI_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n", "च": "ch", "छ": "chh", "ज": "j",
    "झ": "jh", "ञ": "n", "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n", "त": "t", "थ": "th",
    "द": "d", "ध": "dh", "न": "n", "प": "p", "फ": "ph", "ब": "b", "भ": "bh", "म": "m", "य": "y",
    "र": "r", "ल": "l", "ळ": "l", "व": "v", "श": "sh", "ष": "sh", "स": "s", "ह": "h",
}  # fmt: skip
_DEVANAGARI_VOWEL_SIGNS = {
    "ा": "aa", "ि": "i", "ी": "ee", "ु": "u", "ू": "oo", "ृ": "ri", "े": "e", "ै": "ai",
    "ो": "o", "ौ": "au", "ॉ": "o", "ॅ": "e",
}  # fmt: skip
_DEVANAGARI_OTHERS = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ee", "उ": "u", "ऊ": "oo", "ऋ": "ri", "ए": "e",
    "ऐ": "ai", "ओ": "o", "औ": "au", "ऑ": "o", "ऍ": "e", "ं": "n", "ः": "h", "्": "",
}  # fmt: skip


def _devanagari_word(word: str, schwa: str = "a") -> str:
    # A consonant carries an "a" unless a vowel sign or virama follows. Hindi drops that "a" at
    # the end of a word (चाय: chaay) and between a vowel and a consonant that has its own vowel
    # sign (करना: karnaa, not karanaa).
    out = []
    last = len(word) - 1
    for i, ch in enumerate(word):
        if ch not in _DEVANAGARI_CONSONANTS:
            out.append(_DEVANAGARI_VOWEL_SIGNS.get(ch) or _DEVANAGARI_OTHERS.get(ch, ch))
            continue
        out.append(_DEVANAGARI_CONSONANTS[ch])
        after = word[i + 1] if i < last else ""
        if i == last or after in _DEVANAGARI_VOWEL_SIGNS or after == "्":
            continue
        medial_drop = (
            i > 0
            and word[i - 1] != "्"
            and after in _DEVANAGARI_CONSONANTS
            and i + 2 <= last
            and word[i + 2] in _DEVANAGARI_VOWEL_SIGNS
        )
        if not medial_drop:
            out.append(schwa)
    return "".join(out)


def _transliterate_word(word: str) -> str:
    if any(_is_arabic(ch) for ch in word):
        return _urdu_word(word)
    if any(_is_devanagari(ch) for ch in word):
        return _devanagari_word(word)
    return word


def transliterate(text: str) -> str:
    """A rough Latin reading of normalized text, for fuzzy matching against Latin names: "چائے"
    is "chaye", "चाय" "chaay", "बिस्कुट" "biskut". Latin text comes back normalized."""
    return " ".join(_transliterate_word(word) for word in normalize(text).split())


def readings(word: str) -> tuple[str, ...]:
    """The Latin readings of one normalized word worth comparing: one, and for Devanagari also
    one without the inherent vowels, which English loanwords leave silent where the rule keeps
    them (डिलीवर is "dileevar" and "dileevr", close to "deliver")."""
    reading = _transliterate_word(word)
    if not any(_is_devanagari(ch) for ch in word):
        return (reading,)
    silent = _devanagari_word(word, schwa="")
    return (reading,) if silent == reading else (reading, silent)


# Sounds that Roman Urdu/Hindi spells many ways, merged: c/k/q, ph/f, z/j, w/v, aspirated
# consonants (dh, bh, …) as plain ones, e/i and o/u (Urdu writes both with one letter), doubled
# letters once. "chai", "chaye", "chay" and "chaay" share the key "Cai".
_DIGRAPHS = (("ph", "f"), ("ck", "k"), ("ch", "C"), ("sh", "S"), ("kh", "k"), ("gh", "g"))
_SOUNDS = str.maketrans(
    {"c": "k", "q": "k", "x": "ks", "w": "v", "z": "j", "y": "i", "e": "i", "o": "u"}
)
_ASPIRATION = re.compile(r"(?<=[bCdfgjklmnprsStv])h")
_DOUBLED = re.compile(r"(.)\1+")


def sound_key(word: str) -> str:
    """A phonetic key of a Latin (or transliterated) word; equal keys sound alike."""
    for spelling, sound in _DIGRAPHS:
        word = word.replace(spelling, sound)
    return _DOUBLED.sub(r"\1", _ASPIRATION.sub("", word.translate(_SOUNDS)))


# --- which language to answer in -----------------------------------------------------------------

# Words that say a Latin-script message is Roman Urdu/Hindi. None of them is an English word, so
# "Do you deliver to Lahore?" stays English.
_ROMAN_URDU_MARKERS = frozenset(
    """
    mujhe mujhay mjhe muje chahiye chahie chahye chaiye chahiay karna karni karo krna kro kardo
    hai hain hy kitne kitna kitni kya kia kyun kyon kab kaise kaisay kese kahan kahaan kidhar
    nahi nahin nhi haan han ji jee bhai bhaiya aap apka aapka mera meri mere yeh woh aur ka ki ke
    ko se hoga hogi dikhao batao bhejo shukriya theek thik acha accha madad lena leni khareedna
    kharidna salam salaam assalam assalamualaikum walaikum
    """.split()
)


def reply_language(text: str) -> str:
    """The language to answer in: "ur" for Nastaliq, "ur-Latn" for Roman Urdu/Hindi, else "en".

    Devanagari also gets "ur-Latn": there are no Hindi reply texts, and Roman Hindustani is what
    Hindi speakers read on WhatsApp every day, far closer to them than English.
    """
    script = script_of(text)
    if script is Script.ARABIC:
        return "ur"
    if script is Script.DEVANAGARI:
        return "ur-Latn"
    return "ur-Latn" if _ROMAN_URDU_MARKERS & set(normalize(text).split()) else "en"

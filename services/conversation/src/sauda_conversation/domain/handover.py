"""Handing a chat to a person, pure: does the shopper ask for one, how many texts in a row has
the bot failed to understand, is it time to hand over, and is the bot to keep quiet.

A chat is handed over when the shopper asks ("talk to a person", "insaan se baat karni hai",
"انسان سے بات", "इंसान से बात") or on the second misunderstood text in a row (one the flow could
only answer with its welcome or a "sorry"; anything understood in between, a tap too, starts
the count over). While a person holds the chat the bot answers no
free text (taps, and STOP / START, still work) until the merchant unassigns the chat or the
quiet window ends.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sauda_contracts.handover import HandoverReason
from sauda_conversation.domain.intents import FILLERS, Command, command_of
from sauda_conversation.domain.language import normalize

MISSES_TO_HAND_OVER = 2


def _phrases(*phrases: str) -> frozenset[str]:
    return frozenset(normalize(p) for p in phrases)


def _tokens(*phrases: str) -> frozenset[str]:
    return frozenset(word for p in phrases for word in normalize(p).split())


# The whole message is one of these: "human", "agent please", "ایجنٹ".
_ALONE = _phrases(
    "human", "a human", "person", "a person", "real person", "a real person", "agent",
    "live agent", "human agent", "representative", "customer care", "customer service",
    "customer support", "support", "operator", "staff", "insaan", "insan", "banda", "banday",
    "انسان", "ایجنٹ", "نمائندہ", "کسٹمر کیئر", "कोई इंसान", "इंसान", "एजेंट", "कस्टमर केयर",
)  # fmt: skip
# Or it says to talk with someone: a talk word and a person word.
_TALK = _tokens(
    "talk speak chat connect call contact baat bat guftagu rabta",
    "بات رابطہ گفتگو",
    "बात संपर्क",
)
_PERSON = _tokens(
    "person human humans someone somebody agent agents representative staff owner manager admin",
    "insaan insan insano banda banday bande bandey kisi admi aadmi",
    "انسان کسی بندے بندہ بندا آدمی ایجنٹ مالک منیجر",
    "इंसान किसी बंदे बंदा आदमी एजेंट मालिक मैनेजर",
)
# "Can someone tell me the price" names a person but asks the bot; these make it a wish to talk.
_TALK_PHRASES = _phrases("talk to", "speak to", "speak with", "talk with", "connect me", "se baat")


def wants_a_person(text: str) -> bool:
    """The shopper asks for a person: "talk to a person", "I want to speak with someone",
    "human", "insaan se baat karni hai", "kisi banday se baat karni hai", "کسی انسان سے بات
    کرنی ہے", "किसी इंसान से बात करनी है"."""
    words = [w for w in normalize(text).split() if w not in FILLERS]
    if " ".join(words) in _ALONE:
        return True
    return any(w in _TALK for w in words) and any(w in _PERSON for w in words)


# Short words that end a talk ("thanks", "ok"): the welcome answers them, and they are no miss.
_ACKNOWLEDGEMENTS = _phrases(
    "thanks", "thank you", "thank u", "thx", "ty", "ok", "okay", "k", "fine", "great", "good",
    "shukriya", "shukria", "shukriya ji", "jazakallah", "theek hai", "thik hai", "acha", "achha",
    "accha", "شکریہ", "ٹھیک ہے", "اچھا", "جزاک اللہ", "धन्यवाद", "शुक्रिया", "ठीक है", "अच्छा",
)  # fmt: skip


def is_acknowledgement(text: str) -> bool:
    words = [w for w in normalize(text).split() if w not in FILLERS]
    return " ".join(words) in _ACKNOWLEDGEMENTS


def keeps_talking_when_held(text: str) -> bool:
    """Commands the bot answers even while a person holds the chat: STOP and START (consent is
    never a person's to forget)."""
    return command_of(text) in (Command.STOP, Command.START)


@dataclass(frozen=True, slots=True)
class ChatHold:
    """A chat's handover state: misunderstood texts in a row, and a person's hold on it."""

    misses: int = 0
    last_miss_wamid: str | None = None
    handed_over_at: datetime | None = None
    quiet_until: datetime | None = None


def is_held(hold: ChatHold, now: datetime) -> bool:
    """A person holds the chat: the bot keeps quiet on free text until `quiet_until`."""
    return hold.quiet_until is not None and now < hold.quiet_until


@dataclass(frozen=True, slots=True)
class Verdict:
    hold: ChatHold
    reason: HandoverReason | None = None  # set: hand the chat over now


def after_text(hold: ChatHold, *, wamid: str, understood: bool) -> Verdict:
    """A free text the bot understood (misses back to 0) or did not: the second miss in a row
    hands the chat over. The same message counted again (a redelivery) counts once."""
    if understood:
        return Verdict(replace(hold, misses=0, last_miss_wamid=None))
    if hold.last_miss_wamid == wamid:
        return Verdict(hold)
    misses = hold.misses + 1
    counted = replace(hold, misses=misses, last_miss_wamid=wamid)
    if misses >= MISSES_TO_HAND_OVER:
        return Verdict(counted, HandoverReason.NOT_UNDERSTOOD)
    return Verdict(counted)


def handed_over(hold: ChatHold, *, at: datetime, quiet: timedelta) -> ChatHold:
    """The hold after a handover at `at`: misses start over, the bot is quiet for `quiet`."""
    return ChatHold(misses=0, handed_over_at=at, quiet_until=at + quiet)


def released(hold: ChatHold, *, at: datetime) -> ChatHold:
    """The merchant unassigned the chat at `at`: the bot answers again, unless the shopper was
    handed over again after that (a late release of an earlier handover)."""
    if hold.handed_over_at is not None and hold.handed_over_at > at:
        return hold
    return ChatHold(misses=0, handed_over_at=hold.handed_over_at)

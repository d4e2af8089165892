"""The template list's filters, pure: which review states and which language a merchant asks
for, refused with the field at fault when they name none Meta has."""

import re
from dataclasses import dataclass

from sauda_contracts.message_templates import TemplateStatus
from sauda_gateway.domain import Invalid

_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")  # Meta's codes: en, ur, en_US, fil
STATUSES = ", ".join(s.value for s in TemplateStatus)


class InvalidTemplateStatus(Invalid, code="invalid_status", field="status",
                            message=f"give one or more of {STATUSES}, separated by commas"): ...  # fmt: skip


class InvalidLanguage(Invalid, code="invalid_language", field="language",
                      message="give a language code as Meta spells it, e.g. en, ur or en_US"): ...  # fmt: skip


@dataclass(frozen=True)
class TemplateFilter:
    statuses: tuple[TemplateStatus, ...] | None = None  # None: every state
    language: str | None = None


def statuses_of(raw: str | None) -> tuple[TemplateStatus, ...] | None:
    """`APPROVED,rejected` → (APPROVED, REJECTED); None (no filter) when not given."""
    if raw is None:
        return None
    words = [w.strip().upper() for w in raw.split(",")]
    known = {s.value: s for s in TemplateStatus}
    unknown = [w for w in words if w not in known]
    if unknown:
        shown = ", ".join(repr(w[:40]) for w in unknown[:5])
        raise InvalidTemplateStatus(f"status: {shown} is not a template status; give one or "
                                    f"more of {STATUSES}, separated by commas")  # fmt: skip
    return tuple(dict.fromkeys(known[w] for w in words))


def language_of(raw: str | None) -> str | None:
    if raw is None:
        return None
    if not _LANGUAGE.match(raw):
        raise InvalidLanguage(f"language: {raw[:20]!r} is not a language code as Meta spells it "
                              "(e.g. en, ur, en_US)")  # fmt: skip
    return raw


def template_filter(status: str | None, language: str | None) -> TemplateFilter:
    return TemplateFilter(statuses=statuses_of(status), language=language_of(language))

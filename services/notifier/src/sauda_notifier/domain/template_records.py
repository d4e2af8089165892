"""Which changes to a WABA's templates each business hears of: Meta's listings and reviews as
rows, compared with what the business was last told (its TemplateRecorded snapshots), and the
notice when a template becomes one Meta will not deliver.

A snapshot is published only where it differs from the last one told, so a redelivered review
or a resync that finds nothing new publishes nothing. The comparison is per business, not per
WABA: two businesses on one WABA, a business that connects later, or one whose snapshots were
never published (before this existed) are each told all they have not been told yet.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from sauda_contracts.message_templates import (
    NOT_APPROVED,
    TemplateRecordedBody,
    TemplateStatus,
)
from sauda_contracts.whatsapp import NoticeKind
from sauda_notifier.domain.facts import NAMESPACE, Notice, notice_id_for

Key = tuple[str, str, str]  # (WABA id, name, language)

REASON_MAX = 500
# Meta's review events that are not statuses of their own: a reinstated template is approved.
_STATUS_OF_EVENT = {"REINSTATED": "APPROVED"}
_KNOWN = frozenset(TemplateStatus)
_VERB = {TemplateStatus.REJECTED: "rejected", TemplateStatus.PAUSED: "paused",
         TemplateStatus.DISABLED: "disabled"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TemplateRow:
    """One template of a WABA as Meta last told us: a row of the notifier's `templates`."""

    waba_id: str
    name: str
    language: str
    status: str  # Meta's word, upper case (what sending checks)
    category: str | None = None
    template_id: str | None = None
    rejected_reason: str | None = None

    @property
    def key(self) -> Key:
        return (self.waba_id, self.name, self.language)


@dataclass(frozen=True, slots=True)
class Told:
    """What a business was last told of one template (a row of `template_records`)."""

    waba_id: str
    name: str
    language: str
    status: TemplateStatus
    category: str | None
    template_id: str | None
    rejected_reason: str | None
    removed: bool
    revision: int

    @property
    def key(self) -> Key:
        return (self.waba_id, self.name, self.language)

    def same_state(self, other: "Told") -> bool:
        return _state(self) == _state(other)

    def body(self, recorded_at: datetime) -> TemplateRecordedBody:
        return TemplateRecordedBody(
            waba_id=self.waba_id, name=self.name, language=self.language, status=self.status,
            category=self.category, template_id=self.template_id,
            rejected_reason=self.rejected_reason, removed=self.removed, revision=self.revision,
            recorded_at=recorded_at,
        )  # fmt: skip


def _state(told: Told) -> tuple[Any, ...]:
    return (told.status, told.category, told.template_id, told.rejected_reason, told.removed)


def meta_status(raw: object) -> str:
    """Meta's status (or review event) as stored: upper case, a reinstatement as APPROVED."""
    word = str(raw or "").strip().upper()[:40] or "UNKNOWN"
    return _STATUS_OF_EVENT.get(word, word)


def meta_reason(raw: object) -> str | None:
    """Meta's reason, or None where Meta gives none (it says `NONE`)."""
    text = " ".join(str(raw).split()) if raw is not None else ""
    return None if text.upper() in ("", "NONE") else text[:REASON_MAX]


def listed_rows(
    waba_id: str, listed: Sequence[dict[str, Any]], stored: Mapping[Key, TemplateRow]
) -> list[TemplateRow]:
    """Meta's listing of the WABA as rows. A listing that does not carry `rejected_reason`
    keeps the reason a review gave, as long as the status is still the one reviewed."""
    rows: dict[Key, TemplateRow] = {}
    for t in listed:
        if not t.get("name") or not t.get("language"):
            continue
        name, language, status = str(t["name"]), str(t["language"]), meta_status(t.get("status"))
        before = stored.get((waba_id, name, language))
        if "rejected_reason" in t:
            reason = meta_reason(t["rejected_reason"])
        else:
            reason = before.rejected_reason if before and before.status == status else None
        row = TemplateRow(waba_id, name, language, status, _text(t.get("category"), 40),
                          _text(t.get("id"), 64), reason)  # fmt: skip
        rows[row.key] = row
    return list(rows.values())


def reviewed_row(
    stored: TemplateRow | None,
    key: Key,
    status: object,
    *,
    reason: object = None,
    category: object = None,
    template_id: object = None,
) -> TemplateRow:
    """A template after Meta's review webhook (or Sauda creating it): the status and reason
    given; what the review does not say is kept from before."""
    return TemplateRow(
        *key,
        status=meta_status(status),
        category=_text(category, 40) or (stored.category if stored else None),
        template_id=_text(template_id, 64) or (stored.template_id if stored else None),
        rejected_reason=meta_reason(reason),
    )


def _text(value: object, limit: int) -> str | None:
    return str(value)[:limit] if value not in (None, "") else None


def snapshot_status(status: str) -> TemplateStatus:
    return TemplateStatus(status) if status in _KNOWN else TemplateStatus.UNKNOWN


def _told_now(row: TemplateRow, revision: int) -> Told:
    return Told(row.waba_id, row.name, row.language, snapshot_status(row.status), row.category,
                row.template_id, row.rejected_reason, False, revision)  # fmt: skip


def changes(told: Mapping[Key, Told], current: Iterable[TemplateRow], *, whole: bool) -> list[Told]:
    """What a business is to be told now: each template in `current` whose state differs from
    the one it was last told (at the next revision) and, when `current` is everything the
    business's WABA lists (`whole`), each template it was told of that is no longer there, as
    removed."""
    out: list[Told] = []
    seen: set[Key] = set()
    for row in current:
        seen.add(row.key)
        before = told.get(row.key)
        now = _told_now(row, before.revision + 1 if before else 1)
        if before is None or not before.same_state(now):
            out.append(now)
    if whole:
        out += [
            replace(t, removed=True, revision=t.revision + 1)
            for key, t in told.items()
            if key not in seen and not t.removed
        ]
    return out


def record_id(business_id: UUID, told: Told) -> UUID:
    """The TemplateRecorded's event id: one per template revision, however often it is
    written (a crash before commit writes the same one again)."""
    return uuid5(NAMESPACE, f"template:{business_id}:{':'.join(told.key)}:{told.revision}")


def not_approved_notice(business_id: UUID, now: Told, before: Told | None) -> Notice | None:
    """The merchant's notice when a template becomes rejected, paused or disabled: once per
    change (a reason alone changing, or a resync, raises none)."""
    if now.removed or now.status not in NOT_APPROVED:
        return None
    if before is not None and before.status == now.status and not before.removed:
        return None
    reason = f": {now.rejected_reason}" if now.rejected_reason else ""
    details = {"template": now.name, "language": now.language, "template_status": now.status.value,
               "waba_id": now.waba_id}  # fmt: skip
    if now.rejected_reason:
        details["reason"] = now.rejected_reason
    return Notice(
        notice_id=notice_id_for(record_id(business_id, now), NoticeKind.TEMPLATE_NOT_APPROVED),
        kind=NoticeKind.TEMPLATE_NOT_APPROVED,
        message=f"WhatsApp template {now.name} ({now.language}) was {_VERB[now.status]} by "
        f"Meta{reason}. Messages that use it are not sent until Meta approves it again.",
        details=details,
    )

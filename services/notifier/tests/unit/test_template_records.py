"""What each business is told of its WABA's templates: Meta's listing and reviews as rows, the
snapshots a change makes (and the none a repeat makes), removals, and the notice of a template
Meta stopped delivering."""

from uuid import UUID

from sauda_contracts.message_templates import TemplateStatus
from sauda_contracts.whatsapp import NoticeKind
from sauda_notifier.domain.template_records import (
    TemplateRow,
    Told,
    changes,
    listed_rows,
    meta_reason,
    meta_status,
    not_approved_notice,
    record_id,
    reviewed_row,
)

BUSINESS = UUID("00000000-0000-4000-8000-000000000001")
WABA = "1029384756"
S = TemplateStatus


def row(name: str = "sauda_order_shipped", status: str = "APPROVED", **fields: str) -> TemplateRow:
    return TemplateRow(WABA, name, "en", status, **({"category": "UTILITY"} | fields))


def told_of(rows: list[TemplateRow]) -> dict[tuple[str, str, str], Told]:
    return {t.key: t for t in changes({}, rows, whole=True)}


def test_meta_words_are_read_as_stored() -> None:
    assert meta_status("approved") == "APPROVED"
    assert meta_status("REINSTATED") == "APPROVED"  # a reinstated template is approved again
    assert meta_status(None) == "UNKNOWN"
    assert meta_reason("NONE") is None and meta_reason("  ") is None and meta_reason(None) is None
    assert meta_reason(" INVALID_FORMAT ") == "INVALID_FORMAT"
    assert len(meta_reason("x" * 900) or "") == 500


def test_a_listing_without_reasons_keeps_a_reviewed_reason_while_the_status_stands() -> None:
    stored = {
        r.key: r
        for r in (
            row("a", "REJECTED", rejected_reason="INVALID_FORMAT"),
            row("b", "REJECTED", rejected_reason="SCAM"),
        )
    }
    listed = [
        {"name": "a", "language": "en", "status": "REJECTED", "id": "1"},
        {"name": "b", "language": "en", "status": "APPROVED", "id": "2"},  # approved since
        {"name": "c", "language": "en", "status": "REJECTED", "rejected_reason": "NONE"},
        {"name": "", "language": "en", "status": "APPROVED"},  # no name: not a template
    ]
    got = {r.name: r for r in listed_rows(WABA, listed, stored)}
    assert set(got) == {"a", "b", "c"}
    assert got["a"].rejected_reason == "INVALID_FORMAT" and got["a"].template_id == "1"
    assert got["b"].rejected_reason is None
    assert got["c"].rejected_reason is None


def test_a_review_sets_status_and_reason_and_keeps_what_it_does_not_say() -> None:
    before = row(template_id="77")
    rejected = reviewed_row(before, before.key, "rejected", reason="INCORRECT_CATEGORY")
    assert (rejected.status, rejected.rejected_reason) == ("REJECTED", "INCORRECT_CATEGORY")
    assert (rejected.category, rejected.template_id) == ("UTILITY", "77")
    approved = reviewed_row(rejected, before.key, "APPROVED", reason="NONE")
    assert (approved.status, approved.rejected_reason) == ("APPROVED", None)
    new = reviewed_row(None, (WABA, "n", "ur"), "PENDING", category="UTILITY", template_id="9")
    assert (new.category, new.template_id) == ("UTILITY", "9")


def test_a_business_is_told_each_template_once_then_only_what_changed() -> None:
    rows = [row("a"), row("b", "PENDING")]
    first = changes({}, rows, whole=True)
    assert [(t.name, t.status, t.revision, t.removed) for t in first] == [
        ("a", S.APPROVED, 1, False), ("b", S.PENDING, 1, False)]  # fmt: skip
    told = told_of(rows)
    assert changes(told, rows, whole=True) == []  # a resync that finds nothing new
    assert changes(told, [row("a")], whole=False) == []  # a redelivered review

    [reason_only] = changes(told, [row("a", rejected_reason="SCAM")], whole=False)
    assert (reason_only.revision, reason_only.rejected_reason) == (2, "SCAM")


def test_a_template_no_longer_listed_is_told_removed_once() -> None:
    told = told_of([row("a"), row("b")])
    assert changes(told, [row("a")], whole=False) == []  # one template's review says nothing of b
    [gone] = changes(told, [row("a")], whole=True)
    assert (gone.name, gone.removed, gone.revision, gone.status) == ("b", True, 2, S.APPROVED)
    told[gone.key] = gone
    assert changes(told, [row("a")], whole=True) == []
    [back] = changes(told, [row("a"), row("b")], whole=True)
    assert (back.name, back.removed, back.revision) == ("b", False, 3)


def test_a_status_meta_does_not_know_to_the_contracts_is_told_unknown() -> None:
    [odd] = changes({}, [row("a", "SOMETHING_NEW")], whole=True)
    assert odd.status is S.UNKNOWN


def test_a_template_that_becomes_rejected_raises_one_notice_with_meta_reason() -> None:
    told = told_of([row("a")])
    [rejected] = changes(
        told, [row("a", "REJECTED", rejected_reason="INVALID_FORMAT")], whole=False
    )
    notice = not_approved_notice(BUSINESS, rejected, told[rejected.key])
    assert notice is not None and notice.kind is NoticeKind.TEMPLATE_NOT_APPROVED
    assert notice.message == (
        "WhatsApp template a (en) was rejected by Meta: INVALID_FORMAT. Messages that use it "
        "are not sent until Meta approves it again."
    )
    assert notice.details == {"template": "a", "language": "en", "template_status": "REJECTED",
                              "waba_id": WABA, "reason": "INVALID_FORMAT"}  # fmt: skip
    assert notice.order_id is None and notice.customer_phone is None
    # The same change decided again (a crash before commit) is the same notice.
    again = not_approved_notice(BUSINESS, rejected, told[rejected.key])
    assert again is not None and again.notice_id == notice.notice_id
    assert record_id(BUSINESS, rejected) != record_id(BUSINESS, told[rejected.key])

    # Another reason for the same rejection, approval, removal: no notice.
    [reworded] = changes({rejected.key: rejected}, [row("a", "REJECTED", rejected_reason="SCAM")],
                         whole=False)  # fmt: skip
    assert not_approved_notice(BUSINESS, reworded, rejected) is None
    [approved] = changes({rejected.key: rejected}, [row("a")], whole=False)
    assert not_approved_notice(BUSINESS, approved, rejected) is None
    [removed] = changes({rejected.key: rejected}, [], whole=True)
    assert not_approved_notice(BUSINESS, removed, rejected) is None


def test_paused_and_disabled_raise_a_notice_pending_does_not() -> None:
    for status, verb in (("PAUSED", "paused"), ("DISABLED", "disabled")):
        [now] = changes({}, [row("a", status)], whole=True)
        notice = not_approved_notice(BUSINESS, now, None)
        assert notice is not None and f"was {verb} by Meta." in notice.message
    [pending] = changes({}, [row("a", "PENDING")], whole=True)
    assert not_approved_notice(BUSINESS, pending, None) is None

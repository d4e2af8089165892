"""Broadcasts, decided on their own: a round's chunk at the number's rate, the wait that keeps
it there, why a recipient is skipped, the counts by outcome and when the job is complete."""

from uuid import uuid4

from sauda_contracts.broadcasts import BroadcastStatus, broadcast_message_id, broadcast_message_key
from sauda_contracts.sends import TemplateToSend
from sauda_notifier.domain.broadcasts import (
    broadcast_refusal,
    chunk_size,
    counts_of,
    round_wait,
    status_of,
    template_label,
)
from sauda_notifier.domain.facts import message_id_for
from sauda_notifier.domain.merchant import MARKETING_OPTED_OUT, TEMPLATE_UNUSABLE, TemplateFacts

SALE = TemplateToSend(name="eid_sale", language="en_US", body=("20%",))


def facts(status: str = "APPROVED", category: str = "UTILITY") -> TemplateFacts:
    return TemplateFacts("eid_sale", "en_US", status, category, "77")


def test_a_round_takes_a_rounds_worth_at_the_rate_within_bounds() -> None:
    assert chunk_size(80, 1.0) == 80
    assert chunk_size(20, 0.5) == 10
    assert chunk_size(0.5, 1.0) == 1  # a slow rate still moves
    assert chunk_size(50_000, 1.0) == 1000  # one transaction's worth at most


def test_the_wait_after_a_round_keeps_its_messages_at_the_rate() -> None:
    assert round_wait(10, 10, 0.25) == 0.75
    assert round_wait(10, 10, 3.0) == 0.0  # the sends themselves took longer
    assert round_wait(100, 10, 0.0) == 0.1


def test_an_opted_out_customer_is_skipped_whatever_the_templates_category() -> None:
    refused = broadcast_refusal(SALE, facts(category="UTILITY"), opted_out=True)
    assert refused is not None and refused.code == MARKETING_OPTED_OUT
    assert "opted out" in refused.title
    assert broadcast_refusal(SALE, facts(), opted_out=False) is None


def test_a_template_meta_has_not_approved_goes_to_nobody() -> None:
    for opted_out in (False, True):
        refused = broadcast_refusal(SALE, facts("PENDING"), opted_out=opted_out)
        assert refused is not None and refused.code == TEMPLATE_UNUSABLE
        assert "PENDING" in refused.title
    unknown = TemplateToSend(template_id="404404")
    refused = broadcast_refusal(unknown, None, opted_out=False)
    assert refused is not None and "404404" in refused.title
    # a name the book lacks is tried all the same: Meta answers 132001 if it lacks it too
    assert broadcast_refusal(SALE, None, opted_out=False) is None


def test_counts_are_by_message_status_and_the_unrecorded_are_pending() -> None:
    counts = counts_of(10, {"queued": 2, "retrying": 1, "sent": 3, "failed": 1, "skipped": 1})
    assert counts.model_dump() == {"pending": 2, "queued": 3, "sent": 3, "delivered": 0,
                                   "read": 0, "failed": 1, "skipped": 1}  # fmt: skip
    assert status_of(counts) is BroadcastStatus.RUNNING
    assert counts_of(4, {}).pending == 4


def test_complete_once_every_message_is_through_meta_or_skipped() -> None:
    done = counts_of(5, {"sent": 1, "delivered": 1, "read": 1, "failed": 1, "skipped": 1})
    assert status_of(done) is BroadcastStatus.COMPLETED
    assert status_of(counts_of(2, {"sent": 1, "queued": 1})) is BroadcastStatus.RUNNING


def test_each_recipient_has_one_message_id_the_gateway_can_compute() -> None:
    business, broadcast = uuid4(), uuid4()
    key = broadcast_message_key(broadcast, "923001234567")
    assert broadcast_message_id(business, broadcast, "923001234567") == message_id_for(
        business, f"out:{key}"
    )
    assert broadcast_message_id(business, broadcast, "923001234568") != broadcast_message_id(
        business, broadcast, "923001234567"
    )


def test_the_template_is_shown_by_name_and_language_or_by_id() -> None:
    assert template_label(SALE) == "eid_sale (en_US)"
    assert template_label(TemplateToSend(template_id="77")) == "id 77"

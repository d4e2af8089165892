"""What an owner manages, decided purely: invites' week and single use, the link, the business's
last owner, how often a key's last use is written down, and this hour's use of the allowance."""

from datetime import UTC, datetime, timedelta

import pytest

from sauda_gateway.accounts.domain import (
    INVITE_LIFE,
    InviteExpired,
    InviteUsed,
    LastOwner,
    Role,
    check_invite,
    check_owners_left,
    invite_expiry,
    invite_pending,
    invite_url,
)
from sauda_gateway.merchant.domain import LAST_USED_EVERY, hour_usage, key_prefix, last_use_due

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def test_an_invite_lasts_a_week() -> None:
    assert invite_expiry(NOW) == NOW + timedelta(days=7) == NOW + INVITE_LIFE


def test_an_invite_opens_one_account_once_within_its_week() -> None:
    expires = invite_expiry(NOW)
    check_invite(expires_at=expires, used_at=None, now=expires - timedelta(seconds=1))
    assert invite_pending(expires_at=expires, used_at=None, now=NOW)
    with pytest.raises(InviteExpired):
        check_invite(expires_at=expires, used_at=None, now=expires)
    with pytest.raises(InviteUsed):  # used says more than expired, once both are true
        check_invite(expires_at=expires, used_at=NOW, now=expires + timedelta(days=1))
    assert not invite_pending(expires_at=expires, used_at=NOW, now=NOW)
    assert not invite_pending(expires_at=expires, used_at=None, now=expires)


def test_the_invite_link_carries_its_token_after_the_hash() -> None:
    assert invite_url("https://sauda.example.pk/", "tok-1") == (
        "https://sauda.example.pk/app/invite#tok-1"
    )
    assert invite_url("http://127.0.0.1:8000", "t") == "http://127.0.0.1:8000/app/invite#t"


@pytest.mark.parametrize(
    ("owners", "role", "becomes", "refused"),
    [
        (1, Role.OWNER, None, True),
        (1, Role.OWNER, Role.STAFF, True),
        (1, Role.OWNER, Role.OWNER, False),
        (2, Role.OWNER, None, False),
        (2, Role.OWNER, Role.STAFF, False),
        (1, Role.STAFF, None, False),
        (1, Role.STAFF, Role.OWNER, False),
        (0, Role.STAFF, None, False),
    ],
)
def test_a_business_keeps_an_owner(
    owners: int, role: Role, becomes: Role | None, refused: bool
) -> None:
    if refused:
        with pytest.raises(LastOwner):
            check_owners_left(owners=owners, role=role, becomes=becomes)
    else:
        check_owners_left(owners=owners, role=role, becomes=becomes)


def test_a_key_last_use_is_written_down_once_a_minute_at_most() -> None:
    assert last_use_due(None, NOW)
    assert not last_use_due(NOW - LAST_USED_EVERY + timedelta(seconds=1), NOW)
    assert last_use_due(NOW - LAST_USED_EVERY, NOW)
    assert LAST_USED_EVERY == timedelta(minutes=1)


def test_a_key_prefix_tells_keys_apart_but_keeps_most_of_the_key_secret() -> None:
    raw = "sk_sauda_" + "A" * 43
    assert key_prefix(raw) == "sk_sauda_AAAAAAA"


def test_this_hours_use_is_the_requests_admitted_and_resets_at_the_next_hour() -> None:
    window = 1_700_000_000 // 3600 * 3600
    within = hour_usage(plan="pro", apis=["store_api"], limit=60, counted=12, window=window)
    assert (within.used, within.per_hour, within.resets_epoch) == (12, 60, window + 3600)
    refused_too = hour_usage(plan="pro", apis=[], limit=60, counted=75, window=window)
    assert refused_too.used == 60  # the 15 refused ones used nothing

"""The sign-in's pure decisions: roles, emails, passwords, a session's life, the login throttle."""

from datetime import UTC, datetime, timedelta

import pytest

from sauda_gateway.accounts.domain import (
    ACCOUNT,
    ADDRESS,
    MAY_MANAGE,
    Area,
    InvalidEmail,
    Role,
    WeakPassword,
    check_password,
    csrf_required,
    login_throttle,
    login_window,
    may_manage,
    normalise_email,
    session_expiry,
    session_live,
    token_hash,
    valid_email,
)

NOW = datetime(2026, 3, 1, 10, 7, 30, tzinfo=UTC)  # 7.5 minutes into the 10:00 window


def test_an_owner_manages_everything_and_staff_all_but_keys_webhooks_users_and_whatsapp() -> None:
    assert MAY_MANAGE[Role.OWNER] == set(Area)
    forbidden = {Area.API_KEYS, Area.WEBHOOKS, Area.USERS, Area.WHATSAPP}
    for area in Area:
        assert may_manage(Role.OWNER, area)
        assert may_manage(Role.STAFF, area) is (area not in forbidden)


def test_an_email_has_one_spelling() -> None:
    assert normalise_email("  Ali@Shop.PK ") == "ali@shop.pk"
    assert valid_email("Ali@Shop.PK") == "ali@shop.pk"
    for bad in ("ali", "ali@shop", "a b@shop.pk", "@shop.pk", "a@@shop.pk", "a" * 320 + "@x.pk"):
        with pytest.raises(InvalidEmail):
            valid_email(bad)


def test_a_password_has_10_to_128_characters() -> None:
    assert check_password("x" * 10) == "x" * 10
    assert check_password("x" * 128) == "x" * 128
    for bad in ("x" * 9, "x" * 129, "", "x" * 10 + "\x00"):
        with pytest.raises(WeakPassword) as refused:
            check_password(bad, field="new_password")
        assert refused.value.field == "new_password"
        assert refused.value.code == "invalid_password"


def test_a_session_lives_until_it_expires_or_is_revoked() -> None:
    expires = session_expiry(NOW, 12)
    assert expires == NOW + timedelta(hours=12)
    assert session_live(expires_at=expires, revoked_at=None, now=NOW)
    assert session_live(expires_at=expires, revoked_at=None, now=expires - timedelta(seconds=1))
    assert not session_live(expires_at=expires, revoked_at=None, now=expires)
    assert not session_live(expires_at=expires, revoked_at=NOW, now=NOW)


def test_only_state_changing_methods_need_the_csrf_token() -> None:
    assert all(csrf_required(m) for m in ("POST", "put", "PATCH", "DELETE"))
    assert not any(csrf_required(m) for m in ("GET", "HEAD", "OPTIONS"))


def test_a_token_is_kept_as_its_sha256() -> None:
    assert len(token_hash("abc")) == 32 and token_hash("abc") == token_hash("abc")
    assert token_hash("abc") != token_hash("abd")


def test_logins_are_counted_in_fixed_15_minute_windows() -> None:
    assert login_window(NOW) == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert login_window(datetime(2026, 3, 1, 10, 15, tzinfo=UTC)).minute == 15
    assert login_window(datetime(2026, 3, 1, 10, 14, 59, tzinfo=UTC)).minute == 0


def test_five_failures_of_an_email_refuse_its_sixth_attempt_until_the_window_ends() -> None:
    assert login_throttle(account_failures=4, address_failures=0, now=NOW) is None
    refused = login_throttle(account_failures=5, address_failures=0, now=NOW)
    assert refused is not None
    assert (refused.scope, refused.retry_after) == (ACCOUNT, 450)


def test_twenty_failures_from_an_address_refuse_its_twenty_first() -> None:
    assert login_throttle(account_failures=0, address_failures=19, now=NOW) is None
    refused = login_throttle(account_failures=0, address_failures=20, now=NOW)
    assert refused is not None and refused.scope == ADDRESS
    last_second = datetime(2026, 3, 1, 10, 14, 59, 900000, tzinfo=UTC)
    late = login_throttle(account_failures=9, address_failures=20, now=last_second)
    assert late is not None and (late.scope, late.retry_after) == (ACCOUNT, 1)

"""Sign-in use cases: create a user (the operator's CLI), log in (throttled), accept an invite
(the new user signed in), log out, change the password (every session revoked, a fresh one
opened). Collaborators are keyword-only."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sauda_gateway import clock
from sauda_gateway.accounts.domain import (
    InvalidCredentials,
    InviteNotFound,
    Role,
    TooManyLoginAttempts,
    WrongPassword,
    check_invite,
    check_password,
    login_throttle,
    login_window,
    normalise_email,
    session_expiry,
    token_hash,
    valid_email,
)
from sauda_gateway.accounts.invites import Invite, InviteStore
from sauda_gateway.accounts.passwords import Passwords
from sauda_gateway.accounts.store import AccountStore, NewSession, User


@dataclass(frozen=True)
class Opened:
    """A session just opened: the token goes in the cookie, the rest in the answer."""

    token: str
    session: NewSession


async def create_user(
    business_id: UUID,
    email: str,
    password: str,
    role: Role,
    *,
    store: AccountStore,
    passwords: Passwords,
    now: datetime,
) -> User:
    user = User(
        user_id=clock.new_id(),
        business_id=business_id,
        email=valid_email(email),
        role=Role(role),
        password_hash=await passwords.hash(check_password(password)),
    )
    await store.create_user(user, now)
    return user


def _new_session(user: User, *, now: datetime, hours: float) -> Opened:
    token = secrets.token_urlsafe(32)
    return Opened(token, NewSession(token_hash(token), user, secrets.token_urlsafe(32), now,
                                    session_expiry(now, hours)))  # fmt: skip


async def login(
    email: str,
    password: str,
    address: str,
    *,
    store: AccountStore,
    passwords: Passwords,
    now: datetime,
    session_hours: float,
) -> Opened:
    """A new session, or InvalidCredentials (the same for an unknown email as a wrong password);
    TooManyLoginAttempts before any password is checked once the throttle says so."""
    email = normalise_email(email)
    window = login_window(now)
    account, from_address = await store.failures(email, address, window)
    throttle = login_throttle(account_failures=account, address_failures=from_address, now=now)
    if throttle is not None:
        raise TooManyLoginAttempts(throttle)
    user = await store.user_by_email(email)
    if user is None:
        await passwords.verify_nothing(password)
    if user is None or not await passwords.verify(user.password_hash, password):
        await store.record_failure(email, address, window)
        raise InvalidCredentials()
    if passwords.needs_rehash(user.password_hash):
        await store.set_hash(user.user_id, await passwords.hash(password))
    await store.forget_account_failures(email)
    opened = _new_session(user, now=now, hours=session_hours)
    await store.open_session(opened.session)
    return opened


async def invite_by_token(token: str, *, invites: InviteStore, now: datetime) -> Invite:
    """The invite a link's token names, while it can still be accepted; else why not."""
    invite = await invites.by_token(token_hash(token))
    if invite is None:
        raise InviteNotFound()
    check_invite(expires_at=invite.expires_at, used_at=invite.used_at, now=now)
    return invite


async def accept_invite(
    token: str,
    password: str,
    *,
    invites: InviteStore,
    passwords: Passwords,
    now: datetime,
    session_hours: float,
) -> Opened:
    """The invitee's user (the invite's email and role, their password) and their first
    session; the invite is used up."""
    invite = await invite_by_token(token, invites=invites, now=now)
    user = User(user_id=clock.new_id(), business_id=invite.business_id, email=invite.email,
                role=invite.role, password_hash=await passwords.hash(check_password(password)))  # fmt: skip
    opened = _new_session(user, now=now, hours=session_hours)
    if not await invites.accept(token_hash(token), opened.session, now):
        await invite_by_token(token, invites=invites, now=now)  # used or withdrawn meanwhile
        raise InviteNotFound()
    return opened


async def logout(token: str, *, store: AccountStore, now: datetime) -> None:
    await store.revoke(token_hash(token), now)


async def change_password(
    user_id: UUID,
    current_password: str,
    new_password: str,
    *,
    store: AccountStore,
    passwords: Passwords,
    now: datetime,
    session_hours: float,
) -> Opened:
    """The new password; every session of the user ends and this caller gets a fresh one."""
    check_password(new_password, field="new_password")
    user = await store.user(user_id)
    if user is None or not await passwords.verify(user.password_hash, current_password):
        raise WrongPassword()
    opened = _new_session(user, now=now, hours=session_hours)
    await store.change_password(user.user_id, await passwords.hash(new_password), now,
                                opened.session)  # fmt: skip
    return opened

"""Passwords as argon2id hashes (argon2-cffi's PasswordHasher, its recommended parameters).
Hashing is slow on purpose, so each call runs in a worker thread, off the event loop."""

import asyncio
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()  # argon2id

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        def check() -> bool:
            try:
                return self._hasher.verify(password_hash, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False

        return await asyncio.to_thread(check)

    def needs_rehash(self, password_hash: str) -> bool:
        """The hash was made with weaker parameters than today's: hash again at the next login."""
        return self._hasher.check_needs_rehash(password_hash)

    @cached_property
    def _dummy(self) -> str:
        return self._hasher.hash("not anyone's password")

    async def verify_nothing(self, password: str) -> None:
        """As long as a real check, for an unknown email: its answer must not come sooner."""
        await self.verify(self._dummy, password)

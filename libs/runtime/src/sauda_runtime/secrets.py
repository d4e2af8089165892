"""Secrets at rest (WhatsApp access tokens): Fernet (AES-128-CBC + HMAC-SHA256) under one key.

The key is `SAUDA_SECRET_KEY`, a Fernet key (`sauda secret-key` prints a new one). Several keys
may be given, comma-separated, newest first: new values are encrypted with the first, old ones
still decrypt, so a key can be rotated without a migration.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["InvalidToken", "SecretBox", "new_key"]


def new_key() -> str:
    return Fernet.generate_key().decode()


class SecretBox:
    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise ValueError(
                "SAUDA_SECRET_KEY is empty: set it to a Fernet key (`sauda secret-key`)"
            )
        self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])

    def seal(self, plain: str) -> bytes:
        return self._fernet.encrypt(plain.encode())

    def open(self, sealed: bytes) -> str:
        return self._fernet.decrypt(sealed).decode()

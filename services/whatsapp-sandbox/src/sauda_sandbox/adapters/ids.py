"""Random ids shaped like Meta's: numeric object ids, access tokens, message nonces."""

import secrets


class RandomIds:
    """The sandbox's source of new ids (tests may pass another)."""

    def digits(self, n: int) -> str:
        """An n-digit number that does not start with 0 (phone number, WABA, template ids)."""
        return str(secrets.randbelow(9) + 1) + "".join(
            str(secrets.randbelow(10)) for _ in range(n - 1)
        )

    def access_token(self) -> str:
        return "EAA" + secrets.token_urlsafe(48)

    def nonce(self) -> str:
        """The random part of a wamid."""
        return secrets.token_hex(9)

"""The headers of one attempt and both signature schemes.

Signing secrets are Standard Webhooks secrets, `whsec_` + base64(32 random bytes):
- `webhook-signature` (Standard Webhooks): HMAC-SHA256 keyed with the base64-decoded part, over
  `"{webhook-id}.{webhook-timestamp}.{body}"`, sent as `v1,<base64>`;
- `X-Sauda-Signature` (and its seed alias `X-Botaura-Signature`): `sha256=` + hex HMAC-SHA256
  keyed with the whole secret string as the merchant copied it (the seed's snippet), over the body.
A secret without the `whsec_` prefix is used as raw key bytes for both schemes.
During a rotation `webhook-signature` carries both secrets' signatures (space-separated, newest
first); `X-Sauda-Signature` carries the new secret's and `X-Sauda-Signature-Previous` the old
one's, so a receiver still holding the old secret keeps verifying for the 24-hour overlap.
"""

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence
from uuid import UUID


def standard_key(secret: str) -> bytes:
    """The HMAC key Standard Webhooks derives from a `whsec_` secret."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_") + "==", validate=False)
        except (binascii.Error, ValueError):
            pass
    return secret.encode()


def sauda_signature(secret: str, body: bytes) -> str:
    """`X-Sauda-Signature`: the seed's scheme, HMAC keyed with the secret string itself."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_signature(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(standard_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def request_headers(
    secrets: Sequence[str], *, msg_id: UUID, timestamp: int, body: bytes
) -> dict[str, str]:
    """Every header of one attempt; `secrets` newest first."""
    sauda = sauda_signature(secrets[0], body)
    previous = (
        {"X-Sauda-Signature-Previous": sauda_signature(secrets[1], body)}
        if len(secrets) > 1
        else {}
    )
    return {
        **previous,
        "Content-Type": "application/json",
        "User-Agent": "Sauda-Webhooks/1",
        "X-Sauda-Signature": sauda,
        "X-Botaura-Signature": sauda,
        "webhook-id": str(msg_id),
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            standard_signature(s, msg_id=str(msg_id), timestamp=timestamp, body=body)
            for s in secrets
        ),
    }

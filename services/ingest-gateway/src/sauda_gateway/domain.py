"""Pure gateway decisions: deterministic ids, request fingerprints, order numbers, key hashing."""

import hashlib
import json
from uuid import UUID, uuid5

from sauda_contracts.api import IngestRequest

# Fixed namespace: changing it would change every order id Sauda ever derived.
ORDER_NAMESPACE = UUID("5d8a4a5e-3c1f-4f7e-9b0a-7a2f6c1d9e10")


def order_id_for(business_id: UUID, idempotency_key: str) -> UUID:
    """The one id a business's idempotency key can ever name."""
    return uuid5(ORDER_NAMESPACE, f"{business_id}:key:{idempotency_key}")


def place_command_id(order_id: UUID) -> UUID:
    """A re-sent PlaceOrder is the very same command, so the ledger drops it."""
    return uuid5(order_id, "PlaceOrder")


def request_fingerprint(request: IngestRequest) -> str:
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def format_order_number(n: int) -> str:
    return f"ORD-{n:06d}"


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def order_sequence_name(business_id: UUID) -> str:
    return f"order_seq_{business_id.hex}"

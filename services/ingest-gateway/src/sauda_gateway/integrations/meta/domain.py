"""Refusals of a Meta webhook delivery."""

from sauda_gateway.domain import Invalid, Unauthenticated


class InvalidSignature(Unauthenticated, code="invalid_signature"): ...


class InvalidPayload(Invalid, code="invalid_payload"): ...

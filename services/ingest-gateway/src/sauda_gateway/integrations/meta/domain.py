"""Refusals of a Meta webhook delivery."""

from sauda_gateway.domain import DomainError


class InvalidSignature(DomainError):
    code = "invalid_signature"


class InvalidPayload(DomainError):
    code = "invalid_payload"

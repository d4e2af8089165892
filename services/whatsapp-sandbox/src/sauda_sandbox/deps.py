"""FastAPI dependencies shared by the sandbox routes."""

from typing import Annotated

from fastapi import Depends, Request

from sauda_sandbox.domain import VERSION_PATTERN, GraphError
from sauda_sandbox.handlers import Sandbox


def _sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def _bearer(request: Request) -> str | None:
    """The access token: `Authorization: Bearer …`, or Graph's `access_token` query parameter."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.query_params.get("access_token") or None


def _version(version: str, request: Request) -> str:
    if not VERSION_PATTERN.fullmatch(version):
        raise GraphError(2500, f"Unknown path components: {request.url.path}")
    return version


SandboxDep = Annotated[Sandbox, Depends(_sandbox)]
TokenDep = Annotated[str | None, Depends(_bearer)]
VersionDep = Annotated[str, Depends(_version)]

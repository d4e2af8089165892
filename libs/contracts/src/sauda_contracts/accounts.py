"""Bodies of the merchant's dashboard sign-in: login, the current session, a password change."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from sauda_contracts.envelope import Contract

Role = Literal["owner", "staff"]
Password = Annotated[
    str, StringConstraints(max_length=1024), Field(description="The user's password.")
]


class LoginRequest(Contract):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)]
    password: Password


class PasswordChange(Contract):
    current_password: Password
    new_password: Annotated[
        str, StringConstraints(max_length=1024), Field(description="10 to 128 characters.")
    ]


class SessionOut(Contract):
    user_id: UUID
    business_id: UUID
    email: str
    role: Role
    csrf_token: str = Field(
        description="Send it as the X-CSRF-Token header of every POST, PUT, PATCH and DELETE."
    )
    expires_at: datetime

"""Bodies of the merchant's accounts: sign-in (login, the current session, a password change),
the API keys and users an owner manages, invites, and the plan's hourly usage."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from sauda_contracts.api import NO_NUL
from sauda_contracts.envelope import Contract

Role = Literal["owner", "staff"]
UserRole = Annotated[
    Role,
    Field(description="owner: everything; staff: all but API keys, webhooks, users, WhatsApp."),
]
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


# --- API keys ---


class ApiKeyIn(Contract):
    name: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=80, pattern=NO_NUL),
        Field(description="What the key is for, e.g. `Shopify store` (1 to 80 characters)."),
    ]


class ApiKeyMade(Contract):
    """What a key's list and its creation both show of it."""

    key_id: UUID = Field(description="Names the key in DELETE /api/v1/api-keys/{key_id}.")
    name: str = Field(description="What the key is for; `Default key` for one made by the CLI.")
    prefix: str = Field(description="The key's first characters, to tell keys apart.")
    created_at: datetime = Field(description="When the key was made.")


class ApiKeyOut(ApiKeyMade):
    last_used_at: datetime | None = Field(
        description="When a request last came with the key (to about the minute); null: never."
    )
    revoked_at: datetime | None = Field(description="When it was revoked; null: it works.")


class ApiKeyList(Contract):
    api_keys: list[ApiKeyOut] = Field(description="Every key of the business, oldest first.")


class ApiKeyCreated(ApiKeyMade):
    api_key: str = Field(description="The key itself: shown in this answer only, never again.")


# --- users and invites ---

Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=320),
    Field(description="The person's email: their sign-in name."),
]


class UserOut(Contract):
    user_id: UUID = Field(description="Names the user in PATCH/DELETE /api/v1/users/{user_id}.")
    email: str = Field(description="Their sign-in name.")
    role: UserRole
    created_at: datetime = Field(description="When the user was made.")


class InviteOut(Contract):
    invite_id: UUID = Field(description="Names the invite in DELETE /api/v1/users/invites/{id}.")
    email: str = Field(description="Who is invited.")
    role: UserRole
    created_at: datetime = Field(description="When the invite was made.")
    expires_at: datetime = Field(description="After this the link opens nothing (7 days).")


class UserList(Contract):
    users: list[UserOut] = Field(description="The business's users, oldest first.")
    invites: list[InviteOut] = Field(description="Invites not yet accepted nor expired.")


class InviteIn(Contract):
    email: Email
    role: UserRole


class InviteCreated(InviteOut):
    invite_url: str = Field(
        description="The link to hand the invitee (shown once; its token is good for one use)."
    )


class RoleChange(Contract):
    role: UserRole


class InviteView(Contract):
    email: str = Field(description="Who is invited (the account's email once accepted).")
    role: UserRole
    business_name: str = Field(description="The business they are invited to.")


class InviteAccept(Contract):
    token: Annotated[
        str,
        StringConstraints(min_length=1, max_length=200),
        Field(description="The token after `#` in the invite link."),
    ]
    password: Annotated[
        str, StringConstraints(max_length=1024), Field(description="10 to 128 characters.")
    ]


# --- plan and usage ---


class UsageOut(Contract):
    plan: str = Field(description="The business's plan.")
    apis: list[str] = Field(description="The APIs the plan includes, e.g. `store_api`.")
    per_hour: int = Field(
        description="Requests allowed per hour (the plan's, or the business's own)."
    )
    used_this_hour: int = Field(
        description="Requests admitted this hour (those refused with 429 are not counted)."
    )
    resets_at: datetime = Field(description="When this hour's count starts again from zero.")

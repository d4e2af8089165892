"""The request shapes the sandbox's rules read, as read-only Protocols.

The API layer validates bodies with pydantic (`sauda_sandbox.api_models`) and its models satisfy
these structurally, so the rules stay free of any validation library. Members are properties so
that frozen models (and narrower `Literal` types) conform.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class Typed(Protocol):
    @property
    def type(self) -> str: ...


class MaybeText(Protocol):
    @property
    def text(self) -> str | None: ...


class SendParameterShape(Typed, MaybeText, Protocol):
    """One parameter of a template send component."""

    @property
    def payload(self) -> str | None: ...
    @property
    def parameter_name(self) -> str | None: ...
    @property
    def coupon_code(self) -> str | None: ...
    @property
    def currency(self) -> Mapping[str, Any] | None: ...
    @property
    def date_time(self) -> Mapping[str, Any] | None: ...


class SendComponentShape(Typed, Protocol):
    @property
    def sub_type(self) -> str | None: ...
    @property
    def index(self) -> int | str | None: ...
    @property
    def parameters(self) -> Sequence[SendParameterShape]: ...


class LanguageShape(Protocol):
    @property
    def code(self) -> str: ...


class TemplateSendShape(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def language(self) -> LanguageShape: ...
    @property
    def components(self) -> Sequence[SendComponentShape]: ...


class TextShape(Protocol):
    @property
    def text(self) -> str: ...


class HeaderShape(Typed, MaybeText, Protocol):
    pass


class ReplyShape(Protocol):
    """A reply button's id and title; a list row adds a description."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...


class ReplyButtonShape(Protocol):
    @property
    def reply(self) -> ReplyShape: ...


class RowShape(ReplyShape, Protocol):
    @property
    def description(self) -> str | None: ...


class SectionShape(Protocol):
    @property
    def title(self) -> str | None: ...
    @property
    def rows(self) -> Sequence[RowShape]: ...


class ActionShape(Protocol):
    @property
    def buttons(self) -> Sequence[ReplyButtonShape] | None: ...
    @property
    def button(self) -> str | None: ...
    @property
    def sections(self) -> Sequence[SectionShape] | None: ...


class InteractiveShape(Typed, Protocol):
    @property
    def header(self) -> HeaderShape | None: ...
    @property
    def body(self) -> TextShape: ...
    @property
    def footer(self) -> TextShape | None: ...
    @property
    def action(self) -> ActionShape: ...


class TextBodyShape(Protocol):
    @property
    def body(self) -> str: ...


class SendShape(Typed, Protocol):
    """`POST /{version}/{phone_number_id}/messages`; media objects are read by `type` name."""

    @property
    def to(self) -> str | None: ...
    @property
    def recipient(self) -> str | None: ...
    @property
    def text(self) -> TextBodyShape | None: ...
    @property
    def template(self) -> TemplateSendShape | None: ...
    @property
    def interactive(self) -> InteractiveShape | None: ...
    @property
    def biz_opaque_callback_data(self) -> str | None: ...


class DefinitionComponentShape(Typed, MaybeText, Protocol):
    """One component of a template definition (HEADER, BODY, FOOTER, BUTTONS)."""

    @property
    def buttons(self) -> Sequence[object] | None: ...

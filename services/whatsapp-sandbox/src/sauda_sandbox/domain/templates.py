"""Templates: the definition rules, rendering a send against its approved definition, pricing.

Definitions follow the fact sheet §4.1; a send names one by name and language (§1).
"""

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sauda_sandbox.domain.graph import GraphError
from sauda_sandbox.domain.messages import button_index
from sauda_sandbox.domain.shapes import (
    DefinitionComponentShape,
    SendParameterShape,
    TemplateSendShape,
)

TemplateStatus = Literal["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED"]
TEMPLATE_STATUSES: tuple[str, ...] = ("APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
TEXT_LIMITS = {"BODY": 1024, "HEADER": 60, "FOOTER": 60}


def check_definition(components: Sequence[DefinitionComponentShape]) -> None:
    """A definition's components: one BODY, each type once, texts within Meta's limits."""
    kinds = [c.type for c in components]
    if kinds.count("BODY") != 1:
        raise GraphError(100, "A template needs exactly one BODY component.")
    if len(set(kinds)) != len(kinds):
        raise GraphError(100, "Each component type may appear once.")
    for component in components:
        limit = TEXT_LIMITS.get(component.type)
        if component.type in ("BODY", "FOOTER") and not component.text:
            raise GraphError(131008, f"The {component.type} component needs text.")
        if limit is not None and component.text is not None and len(component.text) > limit:
            raise GraphError(100, f"{component.type} text may be at most {limit} characters.")
        if component.type == "BUTTONS" and not component.buttons:
            raise GraphError(131008, "The BUTTONS component needs buttons.")


def find_template(
    templates: Sequence[dict[str, Any]], name: str, language: str
) -> dict[str, Any] | None:
    """The definition registered under a name and language, if any."""
    return next((t for t in templates if t["name"] == name and t["language"] == language), None)


def shown(parameter: SendParameterShape) -> str:
    """How a send parameter reads in the rendered message; media and such show as `[type]`."""
    if parameter.text is not None:
        return parameter.text
    if parameter.currency is not None:
        return str(parameter.currency.get("fallback_value", ""))
    if parameter.date_time is not None:
        return str(parameter.date_time.get("fallback_value", ""))
    return parameter.payload or parameter.coupon_code or f"[{parameter.type}]"


def placeholders(text: str | None) -> list[str]:
    """The distinct placeholder names of a text in first-use order (`{{1}}` gives '1')."""
    seen: list[str] = []
    for name in PLACEHOLDER.findall(text or ""):
        if name not in seen:
            seen.append(name)
    return seen


def render(text: str, parameters: Sequence[SendParameterShape]) -> str:
    """Fill `{{1}}`… positionally, or `{{name}}` by parameter_name when the template is named."""
    named = {p.parameter_name: shown(p) for p in parameters if p.parameter_name}

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in named:
            return named[key]
        if key.isdigit() and 1 <= int(key) <= len(parameters):
            return shown(parameters[int(key) - 1])
        return match.group(0)

    return PLACEHOLDER.sub(fill, text)


def component_text(components: Sequence[Mapping[str, Any]], kind: str) -> str | None:
    for component in components:
        if component.get("type") == kind:
            text = component.get("text")
            return text if isinstance(text, str) else None
    return None


def quick_replies(components: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """(index, label) of the QUICK_REPLY buttons of a template definition."""
    for component in components:
        if component.get("type") == "BUTTONS":
            return [
                (i, str(b.get("text", "")))
                for i, b in enumerate(component.get("buttons") or [])
                if b.get("type") == "QUICK_REPLY"
            ]
    return []


@dataclass(frozen=True)
class RenderedTemplate:
    """What the shopper sees of a template send."""

    header: str | None
    body: str
    footer: str | None
    buttons: list[tuple[str, str]]  # (payload, label) of each quick reply


def check_template(template: Mapping[str, Any] | None, send: TemplateSendShape) -> RenderedTemplate:
    """A template send against the registry entry for its name+language (None: no such template)."""
    if template is None:
        raise GraphError(
            132001, f"template name ({send.name}) does not exist in {send.language.code}"
        )
    status = template["status"]
    if status == "PAUSED":
        raise GraphError(132015, f"Template {send.name} is paused due to low quality.")
    if status == "DISABLED":
        raise GraphError(132016, f"Template {send.name} has been disabled.")
    if status != "APPROVED":
        raise GraphError(
            132001,
            f"template name ({send.name}) is not approved in {send.language.code} (status {status})",
        )
    definition: list[Mapping[str, Any]] = template["components"]
    by_type: dict[str, list[SendParameterShape]] = {"header": [], "body": []}
    payloads: dict[int, str] = {}
    replies = dict(quick_replies(definition))
    for component in send.components:
        if component.type in by_type:
            by_type[component.type].extend(component.parameters)
        elif component.type == "button":
            index = button_index(component)
            assert index is not None  # check_shape refused the rest
            if component.sub_type == "quick_reply":
                if index not in replies:
                    raise GraphError(
                        131009, f"Template {send.name} has no quick reply button at index {index}."
                    )
                payload = next((p.payload for p in component.parameters if p.payload), None)
                if payload is not None:
                    payloads[index] = payload
    body_text = component_text(definition, "BODY") or ""
    header_text = component_text(definition, "HEADER")
    for kind, text in (("body", body_text), ("header", header_text)):
        expected = len(placeholders(text))
        got = len(by_type[kind])
        if expected != got:
            raise GraphError(
                132000,
                f"{kind} has {got} parameters but the template expects {expected}.",
            )
    return RenderedTemplate(
        header=render(header_text, by_type["header"]) if header_text else None,
        body=render(body_text, by_type["body"]),
        footer=component_text(definition, "FOOTER"),
        buttons=[(payloads.get(i, label), label) for i, label in sorted(replies.items())],
    )


def pricing_category(template_category: str | None) -> str:
    """Conversation/pricing category: the template's own (lower-case), `service` otherwise."""
    return template_category.lower() if template_category else "service"


@dataclass(frozen=True)
class Page:
    """One page of `GET /{waba_id}/message_templates`, with Graph's cursors."""

    items: list[dict[str, Any]]
    before: str | None
    after: str | None
    has_next: bool
    has_previous: bool
    summary: dict[str, Any] | None = None


def cursor(index: int) -> str:
    return base64.urlsafe_b64encode(str(index).encode()).decode().rstrip("=")


def uncursor(value: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode())
    except ValueError:
        raise GraphError(100, "Invalid paging cursor.") from None


@dataclass(frozen=True)
class TemplateQuery:
    """`GET /{waba_id}/message_templates`: filters, fields, a page's cursor, summary fields.

    `name`, `content` and `name_or_content` match substrings; `status`, `category`, `language`
    and `quality_score` take comma lists; every match ignores case."""

    filters: Mapping[str, str]
    fields: Sequence[str] | None
    limit: int
    after: str | None = None
    before: str | None = None
    summary: Sequence[str] = ()


SUMMARY_FIELDS = (
    "total_count",
    "message_template_count",
    "message_template_limit",
    "are_translations_complete",
)
TEMPLATE_LIMIT = 250  # Meta's default per WABA before it is raised


def matches(template: Mapping[str, Any], key: str, wanted: str) -> bool:
    """Does a template satisfy one filter of the listing?"""
    wanted = wanted.strip().lower()
    body = (component_text(template.get("components") or [], "BODY") or "").lower()
    name = str(template.get("name", "")).lower()
    if key == "name":
        return wanted in name
    if key == "content":
        return wanted in body
    if key == "name_or_content":
        return wanted in name or wanted in body
    if key == "quality_score":
        return True  # every sandbox template's quality is unknown, so no filter narrows it
    options = {o.strip() for o in wanted.split(",") if o.strip()}
    return str(template.get(key, "")).lower() in options


def summary_of(
    templates: Sequence[Mapping[str, Any]], matching: int, fields: Sequence[str]
) -> dict[str, Any]:
    """The `summary` object Meta adds for `summary=total_count,…` (unknown names ignored)."""
    known: dict[str, Any] = {
        "total_count": matching,
        "message_template_count": len(templates),
        "message_template_limit": TEMPLATE_LIMIT,
        "are_translations_complete": True,
    }
    return {name: known[name] for name in fields if name in known}


def page_of(templates: Sequence[dict[str, Any]], query: TemplateQuery) -> Page:
    """The templates matching every filter, a page at a time, `id` always kept."""
    fields = query.fields
    matching = [
        t for t in templates if all(matches(t, key, value) for key, value in query.filters.items())
    ]
    limit = max(1, min(query.limit, 1000))
    if query.after is not None:
        start = uncursor(query.after) + 1
    elif query.before is not None:
        start = max(0, uncursor(query.before) - limit)
    else:
        start = 0
    chosen = matching[start : start + limit]
    items = [
        {k: v for k, v in t.items() if fields is None or k in fields or k == "id"} for t in chosen
    ]
    return Page(
        items=items,
        before=cursor(start) if chosen else None,
        after=cursor(start + len(chosen) - 1) if chosen else None,
        has_next=start + len(chosen) < len(matching),
        has_previous=start > 0,
        summary=summary_of(templates, len(matching), query.summary) if query.summary else None,
    )

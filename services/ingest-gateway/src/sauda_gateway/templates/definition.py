"""A template definition checked as Meta checks one, pure: its name, language and category,
one BODY with text, a HEADER and FOOTER within their lengths, buttons, and variables {{1}},
{{2}}, … numbered from 1 without gaps. Each refusal names the field at fault."""

import re
from typing import Any

from pydantic import ValidationError

from sauda_contracts.template_admin import (
    TEMPLATE_NAME,
    TemplateCategory,
    TemplateComponent,
    TemplateCreateRequest,
    TemplateDefinition,
)
from sauda_gateway.domain import Conflict, Invalid
from sauda_gateway.templates.domain import language_of

_NAME = re.compile(TEMPLATE_NAME)
_VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
CATEGORIES = ", ".join(c.value for c in TemplateCategory)
LIMITS = {"HEADER": 60, "BODY": 1024, "FOOTER": 60}


class InvalidTemplateName(Invalid, code="invalid_template_name", field="name",
                          message="name: lower case letters, digits and underscores only "
                          "(at most 512), e.g. order_update"): ...  # fmt: skip


class InvalidCategory(Invalid, code="invalid_category", field="category",
                      message=f"category: one of {CATEGORIES}"): ...  # fmt: skip


class InvalidComponents(Invalid, code="invalid_components", field="components"): ...


class TemplateExists(Conflict, code="template_exists", field="name",
                     message="a template of this name and language exists (or is being "
                     "created): pick another name or language"): ...  # fmt: skip


def variables_of(text: str, field: str, *, most: int | None = None) -> list[int]:
    """The positional variables of a text, refused unless {{1}} … {{n}} without gaps."""
    found: list[int] = []
    for raw in _VARIABLE.findall(text):
        if not raw.isdigit():
            raise InvalidComponents(f"{field}: {{{{{raw[:20]}}}}} is not a variable; number "
                                    "them {{1}}, {{2}}, …", field=field)  # fmt: skip
        found.append(int(raw))
    if sorted(set(found)) != list(range(1, len(set(found)) + 1)):
        raise InvalidComponents(f"{field}: variables must be numbered from {{{{1}}}} without "
                                "gaps", field=field)  # fmt: skip
    if most is not None and len(found) > most:
        raise InvalidComponents(f"{field}: at most {most} variable(s) here", field=field)
    return found


def _component(raw: Any, i: int) -> TemplateComponent:
    field = f"components[{i}]"
    if not isinstance(raw, dict):
        raise InvalidComponents(f"{field}: an object with a type", field=field)
    kind = raw.get("type")
    shaped = {**raw, "type": kind.upper() if isinstance(kind, str) else kind}
    if isinstance(raw.get("format"), str):
        shaped["format"] = raw["format"].upper()
    try:
        component = TemplateComponent.model_validate(shaped)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        at = f"{field}.{where}" if where else field
        raise InvalidComponents(f"{at}: {first['msg']}", field=at) from None
    text, limit = component.text, LIMITS.get(component.type)
    if component.type == "BODY" and not (text and text.strip()):
        raise InvalidComponents(f"{field}.text: a BODY needs its text", field=f"{field}.text")
    if text is not None and limit is not None:
        if len(text) > limit:
            raise InvalidComponents(f"{field}.text: at most {limit} characters here",
                                    field=f"{field}.text")  # fmt: skip
        most = {"HEADER": 1, "FOOTER": 0}.get(component.type)
        variables_of(text, f"{field}.text", most=most)
    if component.type == "BUTTONS":
        buttons = component.buttons or ()
        if not buttons or any(not isinstance(b.get("type"), str) or not b.get("text")
                              or len(str(b["text"])) > 25 for b in buttons):  # fmt: skip
            raise InvalidComponents(f"{field}.buttons: 1 to 10 buttons, each with a type and a "
                                    "text of at most 25 characters", field=f"{field}.buttons")  # fmt: skip
    return component


def definition_of(request: TemplateCreateRequest) -> TemplateDefinition:
    """The request as Meta's definition, or the refusal Meta would give, by field."""
    name = request.name.strip()
    if not _NAME.match(name):
        raise InvalidTemplateName()
    language = language_of(request.language.strip())
    assert language is not None
    category = request.category.strip().upper()
    if category not in TemplateCategory.__members__:
        raise InvalidCategory(f"category: {request.category[:40]!r} is none of {CATEGORIES}")
    components = [_component(c, i) for i, c in enumerate(request.components)]
    kinds = [c.type for c in components]
    if kinds.count("BODY") != 1 or len(set(kinds)) != len(kinds):
        raise InvalidComponents("components: exactly one BODY (with text), and at most one "
                                "HEADER, FOOTER and BUTTONS")  # fmt: skip
    return TemplateDefinition(name=name, language=language,
                              category=TemplateCategory(category),
                              components=tuple(components))  # fmt: skip

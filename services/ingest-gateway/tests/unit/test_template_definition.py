"""A template definition is checked as Meta checks one: name, language, category, one BODY with
text, lengths, buttons and variables numbered {{1}}… without gaps; each refusal names its field."""

from typing import Any

import pytest

from sauda_contracts.template_admin import TemplateCategory, TemplateCreateRequest
from sauda_gateway.domain import DomainError
from sauda_gateway.templates.definition import definition_of

BODY = {"type": "body", "text": "Hi {{1}}, order {{2}} is on its way."}


def request(**fields: Any) -> TemplateCreateRequest:
    base: dict[str, Any] = {"name": "order_update", "language": "en", "category": "utility",
                            "components": [BODY]}  # fmt: skip
    return TemplateCreateRequest.model_validate(base | fields)


def refused(**fields: Any) -> tuple[str, str | None]:
    with pytest.raises(DomainError) as caught:
        definition_of(request(**fields))
    return caught.value.code, caught.value.field


def test_a_valid_definition_is_meta_shaped_with_upper_case_types_and_category() -> None:
    header = {"type": "header", "format": "text", "text": "Order {{1}}"}
    buttons = {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Track"}]}
    got = definition_of(request(components=[header, BODY, {"type": "FOOTER", "text": "Sauda"},
                                            buttons]))  # fmt: skip
    assert got.category is TemplateCategory.UTILITY
    assert [c.type for c in got.components] == ["HEADER", "BODY", "FOOTER", "BUTTONS"]
    assert got.components[0].format == "TEXT"
    assert got.model_dump(mode="json", exclude_none=True)["components"][1] == {
        "type": "BODY", "text": "Hi {{1}}, order {{2}} is on its way."
    }  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"name": "Order Update"}, ("invalid_template_name", "name")),
        ({"name": "order-update"}, ("invalid_template_name", "name")),
        ({"language": "english"}, ("invalid_language", "language")),
        ({"category": "TRANSACTIONAL"}, ("invalid_category", "category")),
        ({"components": [{"type": "FOOTER", "text": "x"}]}, ("invalid_components", "components")),
        ({"components": [BODY, BODY]}, ("invalid_components", "components")),
        ({"components": [{"type": "BODY", "text": "  "}]},
         ("invalid_components", "components[0].text")),
        ({"components": [{"type": "BODY", "text": "Hi {{2}}"}]},
         ("invalid_components", "components[0].text")),
        ({"components": [{"type": "BODY", "text": "Hi {{1}} {{3}}"}]},
         ("invalid_components", "components[0].text")),
        ({"components": [{"type": "BODY", "text": "Hi {{name}}"}]},
         ("invalid_components", "components[0].text")),
        ({"components": [{"type": "BODY", "text": "x" * 1025}]},
         ("invalid_components", "components[0].text")),
        ({"components": [{"type": "HEADER", "format": "TEXT", "text": "{{1}} {{2}}"}, BODY]},
         ("invalid_components", "components[0].text")),
        ({"components": [BODY, {"type": "FOOTER", "text": "Reply {{1}}"}]},
         ("invalid_components", "components[1].text")),
        ({"components": [BODY, {"type": "BUTTONS", "buttons": []}]},
         ("invalid_components", "components[1].buttons")),
        ({"components": [BODY, {"type": "BUTTONS",
                                "buttons": [{"type": "QUICK_REPLY", "text": "x" * 26}]}]},
         ("invalid_components", "components[1].buttons")),
        ({"components": [{"type": "CAROUSEL"}]}, ("invalid_components", "components[0].type")),
    ],
)  # fmt: skip
def test_what_meta_would_refuse_is_refused_with_its_field(
    fields: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert refused(**fields) == expected

"""The template list's filters: review states in any case, comma separated, each once; Meta's
language codes; anything else refused with its field."""

import pytest

from sauda_contracts.message_templates import TemplateStatus
from sauda_gateway.templates.domain import (
    InvalidLanguage,
    InvalidTemplateStatus,
    TemplateFilter,
    template_filter,
)


def test_states_are_read_in_any_case_each_once_and_languages_as_meta_spells_them() -> None:
    assert template_filter(None, None) == TemplateFilter()
    got = template_filter(" approved,REJECTED , approved", "en_US")
    assert got.statuses == (TemplateStatus.APPROVED, TemplateStatus.REJECTED)
    assert got.language == "en_US"
    assert template_filter("paused", "fil").language == "fil"


@pytest.mark.parametrize("status", ["", "APPROVED,", "maybe", "APPROVED;REJECTED"])
def test_a_state_meta_does_not_have_is_refused_on_status(status: str) -> None:
    with pytest.raises(InvalidTemplateStatus) as refused:
        template_filter(status, None)
    assert (refused.value.code, refused.value.field) == ("invalid_status", "status")


@pytest.mark.parametrize("language", ["", "EN", "english", "en-US", "en_us", "u"])
def test_a_language_code_meta_does_not_spell_so_is_refused_on_language(language: str) -> None:
    with pytest.raises(InvalidLanguage) as refused:
        template_filter(None, language)
    assert (refused.value.code, refused.value.field) == ("invalid_language", "language")

"""Wabotick-compatible template list: the document's `template/list` form and answer. Sauda's
gateway knows each template's review state (folded from the notifier's TemplateRecorded), not
its components, so the content fields the document shows are empty."""

from typing import Literal

from pydantic import BaseModel, Field

from sauda_contracts.wabotick import NUMBER_ID, WabotickForm


class TemplateListForm(WabotickForm):
    phone_number_id: str = NUMBER_ID
    limit: str | None = Field(default=None, max_length=7, description="Sauda: 1–100 (100).")
    offset: str | None = Field(default=None, max_length=9, description="Sauda: templates to skip.")


class WabotickTemplate(BaseModel):
    id: str = Field(
        description="Sauda: Meta's template id (or name:language before Meta gave one)."
    )
    template_id: str | None = Field(description="Meta's template id.")
    whatsapp_business_id: str = Field(description="The WABA the template is in.")
    template_name: str
    template_type: Literal["single"] = "single"
    locale: str = Field(description="Meta's language code.")
    category: str | None
    status: str = Field(description="Meta's review state in the document's case: Approved, "
                        "Pending, Rejected, ...")  # fmt: skip
    status_raw: str = Field(description="Sauda: Meta's own word, APPROVED, PENDING, ...")
    rejected_reason: str | None
    header_content: str = ""
    body_content: str = ""
    footer_content: str = ""
    button_content: str = "[]"
    updated_at: str | None = Field(description="YYYY-MM-DD HH:MM:SS, UTC.")
    system_template: Literal["0", "1"] = Field(description="1 for Sauda's own templates.")


class WabotickTemplateList(BaseModel):
    status: Literal["1"] = "1"
    message: list[WabotickTemplate]

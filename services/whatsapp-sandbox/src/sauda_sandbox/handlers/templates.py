"""Message templates: Graph's list and create, and the sandbox's review (a status change)."""

from dataclasses import dataclass
from typing import Any

from sauda_runtime.logging import get_logger
from sauda_sandbox.api_models import (
    TemplateCategoryChange,
    TemplateDefinition,
    TemplateStatusChange,
)
from sauda_sandbox.domain.graph import GraphError
from sauda_sandbox.domain.numbers import NotFound
from sauda_sandbox.domain.templates import Page, TemplateQuery, find_template, page_of
from sauda_sandbox.domain.webhooks import template_category_value, template_status_value
from sauda_sandbox.handlers.webhooks import Notifying

log = get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class Templates(Notifying):
    """Each WABA's template registry: list, create (PENDING), and review by the sandbox."""

    def list_templates(self, waba_id: str, query: TemplateQuery) -> Page:
        return page_of(self.store.templates.get(waba_id, []), query)

    def create_template(self, waba_id: str, definition: TemplateDefinition) -> dict[str, Any]:
        templates = self.store.templates.get(waba_id, [])
        if find_template(templates, definition.name, definition.language) is not None:
            raise GraphError(
                100,
                f"Content in this language already exists: a template named {definition.name} "
                f"exists in {definition.language}.",
                subcode=2388024,
            )
        template: dict[str, Any] = {
            "id": self.ids.digits(16),
            "name": definition.name,
            "language": definition.language,
            "status": "PENDING",
            "category": definition.category,
            "parameter_format": definition.parameter_format,
            "components": [c.model_dump(exclude_none=True) for c in definition.components],
        }
        self.store.templates.setdefault(waba_id, []).append(template)
        self.store.save()
        log.info("template_created", waba_id=waba_id, name=definition.name)
        return {"id": template["id"], "status": "PENDING", "category": definition.category}

    def _template(self, waba_id: str, name: str, language: str) -> dict[str, Any]:
        template = find_template(self.store.templates.get(waba_id, []), name, language)
        if waba_id not in self.store.wabas() or template is None:
            raise NotFound(f"no template {name} ({language}) in sandbox WABA {waba_id}")
        return template

    def set_template_status(self, waba_id: str, change: TemplateStatusChange) -> dict[str, Any]:
        """Meta's review, by hand: the new status, announced with its category and reason."""
        template = self._template(waba_id, change.name, change.language)
        info = (
            change.rejection_info.model_dump(exclude_none=True) if change.rejection_info else None
        )
        value = template_status_value(template, change.status, change.reason, info)
        template["status"] = change.status
        if change.status == "REJECTED":
            template["rejected_reason"] = value["reason"]
        else:
            template.pop("rejected_reason", None)
        self.store.save()
        self.webhooks.template_update(
            waba_id, self.store.numbers_of(waba_id), "message_template_status_update", value
        )
        log.info("template_status_set", waba_id=waba_id, name=change.name, status=change.status)
        return template

    def set_template_category(self, waba_id: str, change: TemplateCategoryChange) -> dict[str, Any]:
        """Meta recategorising a template, announced by `template_category_update`."""
        template = self._template(waba_id, change.name, change.language)
        previous = template["category"]
        template["category"] = change.category
        self.store.save()
        value = template_category_value(template, previous)
        self.webhooks.template_update(
            waba_id, self.store.numbers_of(waba_id), "template_category_update", value
        )
        log.info("template_category_set", waba_id=waba_id, name=change.name,
                 category=change.category)  # fmt: skip
        return template

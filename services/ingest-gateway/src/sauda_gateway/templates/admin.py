"""Template requests, the use cases: create a template at Meta (checked as Meta checks it
first), sync the list again, read how a request went. The notifier carries each out; the
answer is 202 with the request, whose outcome GET shows once the notifier has told it."""

from collections.abc import Callable
from typing import Any

from sauda_contracts.template_admin import (
    CreateTemplate,
    CreateTemplateBody,
    SyncTemplates,
    SyncTemplatesBody,
    TemplateCreateRequest,
)
from sauda_gateway import clock
from sauda_gateway.domain import Business, NotFound, parse_id
from sauda_gateway.merchant.accounts import WhatsAppAccount, WhatsAppAccounts
from sauda_gateway.merchant.domain import WhatsAppNotConnected
from sauda_gateway.templates.definition import definition_of
from sauda_gateway.templates.requests import TemplateRequests, outbound_row
from sauda_runtime.logging import get_logger

log = get_logger(__name__)


class TemplateRequestNotFound(NotFound, code="template_request_not_found",
                              message="no such template request", field="request_id"): ...  # fmt: skip


async def _account(business: Business, accounts: WhatsAppAccounts) -> WhatsAppAccount:
    account = await accounts.of_business(business.business_id)
    if account is None:
        raise WhatsAppNotConnected("no WhatsApp number is connected: connect one first")
    return account


async def create_template(
    request: TemplateCreateRequest, *, business: Business, correlation_id: str,
    accounts: WhatsAppAccounts, requests: TemplateRequests, wake_relay: Callable[[], None],
) -> dict[str, Any]:  # fmt: skip
    definition = definition_of(request)
    account = await _account(business, accounts)
    request_id = clock.new_id()
    command = CreateTemplate(**clock.fresh_envelope(business, correlation_id),
                             body=CreateTemplateBody(request_id=request_id,
                                                     definition=definition))  # fmt: skip
    row = await requests.record(
        request_id=request_id, business_id=business.business_id, kind="create",
        waba_id=account.waba_id, name=definition.name, language=definition.language,
        command=outbound_row(business.business_id, command.to_bytes()),
    )  # fmt: skip
    wake_relay()
    log.info("template_create_requested", request_id=str(request_id), template=definition.name,
             language=definition.language, correlation_id=correlation_id)  # fmt: skip
    return row


async def sync_templates(
    *, business: Business, correlation_id: str, accounts: WhatsAppAccounts,
    requests: TemplateRequests, wake_relay: Callable[[], None],
) -> dict[str, Any]:  # fmt: skip
    account = await _account(business, accounts)
    request_id = clock.new_id()
    command = SyncTemplates(**clock.fresh_envelope(business, correlation_id),
                            body=SyncTemplatesBody(request_id=request_id))  # fmt: skip
    row = await requests.record(
        request_id=request_id, business_id=business.business_id, kind="sync",
        waba_id=account.waba_id, name=None, language=None,
        command=outbound_row(business.business_id, command.to_bytes()),
    )  # fmt: skip
    wake_relay()
    log.info("template_sync_requested", request_id=str(request_id), correlation_id=correlation_id)
    return row


async def template_request(
    business: Business, raw_id: str, *, requests: TemplateRequests
) -> dict[str, Any]:
    found = await requests.get(business.business_id,
                               parse_id(raw_id, TemplateRequestNotFound))  # fmt: skip
    if found is None:
        raise TemplateRequestNotFound()
    return found

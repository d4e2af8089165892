"""Connecting a business to the WhatsApp sandbox: a new sandbox number, Sauda's templates
created on it and approved (as Meta would after review), and the account stored."""

from uuid import UUID

import httpx

from sauda_contracts import Language
from sauda_contracts.templates import TEMPLATES
from sauda_gateway.merchant.accounts import WhatsAppAccount, WhatsAppAccounts
from sauda_runtime.secrets import SecretBox

API_VERSION = "v21.0"


async def connect_sandbox_number(
    accounts: WhatsAppAccounts,
    business_id: UUID,
    *,
    sandbox_url: str,
    box: SecretBox,
    verified_name: str,
    admin_phone: str | None,
    language: Language,
) -> WhatsAppAccount:
    base = sandbox_url.rstrip("/")
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        created = await http.post("/sandbox/numbers", json={"verified_name": verified_name[:100]})
        created.raise_for_status()
        number = created.json()
        auth = {"Authorization": f"Bearer {number['access_token']}"}
        for template in TEMPLATES.values():
            for lang in Language:
                definition = template.definition(lang)
                made = await http.post(
                    f"/{API_VERSION}/{number['waba_id']}/message_templates",
                    json=definition,
                    headers=auth,
                )
                made.raise_for_status()
                approved = await http.post(
                    f"/sandbox/{number['waba_id']}/templates/status",
                    json={"name": definition["name"], "language": definition["language"],
                          "status": "APPROVED"},
                )  # fmt: skip
                approved.raise_for_status()
    return await accounts.connect(
        business_id,
        phone_number_id=number["phone_number_id"],
        waba_id=number["waba_id"],
        access_token=number["access_token"],
        box=box,
        graph_url=base,
        api_version=API_VERSION,
        display_phone_number=number.get("display_phone_number"),
        admin_phone=admin_phone,
        language=language.value,
        sandbox=True,
    )

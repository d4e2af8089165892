"""The owner's API keys: several per business, named, each shown once (only its hash is kept),
revocable. Staff are refused (owner_only); an API key has an owner's powers."""

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.accounts import ApiKeyCreated, ApiKeyIn, ApiKeyList
from sauda_gateway import clock
from sauda_gateway.accounts import manage
from sauda_gateway.api.deps import ApiKeysDep, ApiKeysOwnerDep, BusinessesDep
from sauda_gateway.api.responses import contract_response, refusals

api_keys = APIRouter(prefix="/api/v1/api-keys", tags=["API keys"])


@api_keys.get("", response_model=ApiKeyList, responses=refusals())
async def list_api_keys(business: ApiKeysOwnerDep, keys: ApiKeysDep) -> Response:
    """Every key of the business, revoked ones too (never a key itself: only its prefix)."""
    return contract_response(ApiKeyList, {"api_keys": await keys.of_business(business.business_id)})


@api_keys.post("", status_code=201, response_model=ApiKeyCreated, responses=refusals(409))
async def create_api_key(body: ApiKeyIn, business: ApiKeysOwnerDep, keys: ApiKeysDep) -> Response:
    """A new key: the key itself is in this answer and never shown again."""
    key, raw = await manage.create_api_key(business, body.name, keys=keys, now=clock.now())
    return contract_response(ApiKeyCreated, {**key, "api_key": raw}, 201)


@api_keys.delete("/{key_id}", status_code=204, responses=refusals(404))
async def revoke_api_key(
    key_id: str, business: ApiKeysOwnerDep, keys: ApiKeysDep, businesses: BusinessesDep
) -> Response:
    """Revoke the key: requests with it are refused from now on. Revoking it again is a 204."""
    await manage.revoke_api_key(business, key_id, keys=keys, businesses=businesses,
                                now=clock.now())  # fmt: skip
    return Response(status_code=204)

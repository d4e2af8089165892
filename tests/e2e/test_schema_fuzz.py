"""Schemathesis over the gateway's live OpenAPI: no 5xx, and every answer is the one declared.

Each operation gets valid and invalid requests (wrong types, missing fields, NUL characters,
huge numbers, unknown enum values, odd path ids). Every answer must be a non-5xx whose status,
content type and body the OpenAPI declares, and each invalid request must get a 4xx.
"""

import os
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import BaseSchema, Case, GenerationMode
from schemathesis.checks import CHECKS as REGISTERED
from schemathesis.checks import load_all_checks

# Per operation and generation mode: enough to reach each field's edges while the whole run
# stays well under a minute and a half on two cores. SAUDA_FUZZ_EXAMPLES=500 digs deeper.
MAX_EXAMPLES = int(os.environ.get("SAUDA_FUZZ_EXAMPLES", "40"))
load_all_checks()
# Every check schemathesis has (conformance, headers, methods, auth, resources after a delete…)
# but one: `positive_data_acceptance` holds that whatever the schema allows is accepted, and the
# API refuses with a 400 what JSON Schema cannot say (a phone number no country has, a date that
# is no date, an origin that is no origin). Making the schema say all of that is open work.
CHECKS = [
    c for c in REGISTERED.get_all() if getattr(c, "__name__", "") != "positive_data_acceptance"
]
SETTINGS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,  # the same cases every run, so a failure reproduces
    database=None,  # nothing written to .hypothesis/
    deadline=None,  # each case is a real HTTP round trip
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],  # no shrinking: too slow live
    suppress_health_check=list(hypothesis.HealthCheck),
    print_blob=False,
)
PHONE = "923001234567"


@pytest.fixture
async def fuzz_business(
    make_business: Callable[..., Awaitable[dict[str, str]]],
    client: httpx.AsyncClient,
    seed: Callable[..., dict[str, Any]],
) -> dict[str, str]:
    """A business whose plan has the Store API and whose hour no fuzz run can use up, with one
    order, so that generated status changes can find something to act on."""
    business = await make_business(plan="business", rate_limit=1_000_000_000)
    placed = await client.post(
        "/api/v1/events/ingest", json=seed(), headers={"X-API-Key": business["api_key"]}
    )
    assert placed.status_code in (201, 202), placed.text
    return {**business, "order_id": placed.json()["order_id"]}


@pytest.fixture
def api_schema(stack: Any) -> BaseSchema:
    config = schemathesis.Config.from_dict({"request-timeout": 30})
    return schemathesis.openapi.from_url(f"{stack.gateway_url}/openapi.json", config=config)


def plausible(case: Case, order_id: str) -> Case:
    """The generated case with a real phone number, round prices and an existing order.

    Generated strings are never phone numbers or order ids, and generated numbers rarely fit
    in 14 digits with 2 decimals: these let valid cases past those checks into the handlers.
    """
    params = case.path_parameters or {}
    if "phone" in params:
        params["phone"] = PHONE
    if "order_id" in params:
        params["order_id"] = order_id
    body = case.body
    if isinstance(body, dict):
        if isinstance(body.get("customer"), dict) and "phone" in body["customer"]:
            body["customer"]["phone"] = PHONE
        if body.get("customerPhone") is not None:
            body["customerPhone"] = PHONE
        if isinstance(body.get("currency"), str):
            body["currency"] = "PKR"  # generated codes are rarely ISO 4217 ones
        order = body.get("order", body)
        if isinstance(order, dict):
            for item in order.get("items") or ():
                if isinstance(item, dict) and "price" in item:
                    item["price"] = 1500
            if order.get("total") is not None:
                order["total"] = 3000
    return case


def fuzz(
    operation: Any, mode: GenerationMode, business: dict[str, str], seen: Counter[int]
) -> None:
    """Send MAX_EXAMPLES generated requests to one operation, counting the answers' statuses."""
    strategy = operation.as_strategy(generation_mode=mode)
    if mode is GenerationMode.POSITIVE:
        strategy = st.one_of(strategy, strategy.map(lambda c: plausible(c, business["order_id"])))
    headers = {"X-API-Key": business["api_key"]}

    @SETTINGS
    @hypothesis.given(case=strategy)
    def call(case: Case) -> None:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        seen[response.status_code] += 1

    call()


def test_every_operation_answers_as_its_schema_says(
    api_schema: BaseSchema, fuzz_business: dict[str, str]
) -> None:
    only = os.environ.get("SAUDA_FUZZ_ONLY", "")  # a part of an operation's label, to dig
    operations = [op for result in api_schema.get_all_operations()
                  if only in (op := result.ok()).label]  # fmt: skip
    statuses: dict[str, Counter[int]] = {op.label: Counter() for op in operations}
    failures: list[str] = []
    started = time.monotonic()
    for operation in operations:
        for mode in GenerationMode:
            try:
                fuzz(operation, mode, fuzz_business, statuses[operation.label])
            except hypothesis.errors.Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, operation.label  # nothing to get wrong
            except hypothesis.errors.Flaky as exc:
                # A case failed once and not when Hypothesis ran it again (a busy machine's
                # timing): its whole run again decides; what it saw is printed either way.
                print(f"\nflaky, run again: {operation.label} [{mode.value}]\n{_told(exc)}")
                try:
                    fuzz(operation, mode, fuzz_business, statuses[operation.label])
                except (Exception, BaseExceptionGroup) as again:
                    failures.append(f"{operation.label} [{mode.value}]\n{_told(again)}")
            # The first failing case of each operation and mode (checks raise exception groups).
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label} [{mode.value}]\n{_told(exc)}")
    took = time.monotonic() - started
    sent = sum(sum(seen.values()) for seen in statuses.values())
    print(f"\nschemathesis: {sent} requests to {len(operations)} operations in {took:.1f} s")
    for label, seen in statuses.items():
        print(f"  {label}: {dict(sorted(seen.items()))}")
    assert only or len(operations) >= 10, "the gateway's OpenAPI lost its routes"
    assert sent >= len(operations) * MAX_EXAMPLES // 2, "too few requests reached the gateway"
    # Meta's webhook is authenticated by its body's signature, which a fuzzer cannot forge: it
    # is fuzzed for 5xx and schema conformance only (signed deliveries: test_whatsapp_cod.py).
    signed = {"POST /webhooks/whatsapp"}
    # A dashboard session's own routes answer an API key 401 `not_signed_in` by design (with a
    # session: test_accounts_api.py).
    session_only = {"GET /api/v1/auth/session", "POST /api/v1/auth/logout",
                    "POST /api/v1/auth/password"}  # fmt: skip
    unheard = [
        label for label, seen in statuses.items()
        if seen and set(seen) <= {401} and label not in signed | session_only
    ]  # fmt: skip
    assert not unheard, f"the API key did not get these past authentication: {unheard}"
    assert not failures, f"{len(failures)} failing operation(s):\n\n" + "\n\n".join(failures)


def _told(exc: BaseException) -> str:
    """An exception with the ones grouped in it (a flaky case hides its first failure there)."""
    inner = getattr(exc, "exceptions", ())
    return "\n".join([str(exc), *(f"  - {type(e).__name__}: {_told(e)}" for e in inner)])


STATEFUL = hypothesis.settings(
    SETTINGS,
    max_examples=int(os.environ.get("SAUDA_FUZZ_SCENARIOS", "30")),
    stateful_step_count=6,
)


def test_chains_of_calls_answer_as_the_schema_says(
    api_schema: BaseSchema, fuzz_business: dict[str, str]
) -> None:
    """The stateful phase: schemathesis links the operations (what one returns, the next takes:
    a webhook endpoint created, then read, changed, tested, deleted…) and runs chains of them,
    every answer checked by every check."""
    headers = {"X-API-Key": fuzz_business["api_key"]}
    Machine = api_schema.as_state_machine()
    links = api_schema.statistic.transitions.total
    assert links > 1, "schemathesis found no operation whose answer feeds another"
    calls: Counter[str] = Counter()

    class Workflow(Machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            return {"headers": headers}

        def before_call(self, case: Case) -> None:
            plausible(case, fuzz_business["order_id"])

        def validate_response(self, response: Any, case: Case, **kwargs: Any) -> None:
            calls[case.operation.label] += 1
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Workflow.run(settings=STATEFUL)
    print(f"\nstateful: {links} links, {sum(calls.values())} calls over {len(calls)} operations")
    for label, n in sorted(calls.items()):
        print(f"  {label}: {n}")
    assert len(calls) >= 5, f"the chains reached too few operations: {dict(calls)}"

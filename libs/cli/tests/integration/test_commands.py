"""`sauda` as the operator runs it (a process of its own) on a real Postgres schema of its own:
what it prints, what it refuses, and that what it wrote is what the gateway then reads."""

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from uuid import UUID, uuid4

import asyncpg
import pytest
from cryptography.fernet import Fernet

from sauda_runtime.testing import required_env


@pytest.fixture
def env() -> Iterator[dict[str, str]]:
    """The CLI's environment: the test database, a schema no other test uses (dropped after)."""
    dsn = required_env("DATABASE_URL")
    schema = f"t_{uuid4().hex[:12]}"
    yield os.environ | {
        "DATABASE_URL": dsn,
        "GATEWAY_DB_SCHEMA": schema,
        "SAUDA_SECRET_KEY": Fernet.generate_key().decode(),
    }

    async def drop() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()

    asyncio.run(drop())


def sauda(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sauda_cli", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_a_created_business_gets_a_key_only_once_and_can_be_reused_by_name(env) -> None:
    created = sauda(env, "business", "create", "--name", "Ali Traders", "--plan", "pro")
    assert created.returncode == 0, created.stderr
    first = json.loads(created.stdout)
    assert set(first) == {"business_id", "api_key"}

    again = sauda(env, "business", "create", "--name", "Ali Traders", "--if-missing")
    assert again.returncode == 0, again.stderr
    second = json.loads(again.stdout)
    assert second["business_id"] == first["business_id"]
    assert second["api_key"] != first["api_key"]

    other = json.loads(sauda(env, "business", "create", "--name", "Ali Traders").stdout)
    assert other["business_id"] != first["business_id"]


def test_plans_are_data_a_new_plan_can_be_set_and_given_to_a_business(env) -> None:
    made = sauda(env, "plans", "set", "wholesale", "--requests-per-hour", "9000", "--rank", "7",
                 "--api", "store_api", "--api", "catalog")  # fmt: skip
    assert made.returncode == 0, made.stderr
    listed = [json.loads(line) for line in sauda(env, "plans", "list").stdout.splitlines()]
    wholesale = next(plan for plan in listed if plan["name"] == "wholesale")
    assert wholesale["requests_per_hour"] == 9000
    assert sorted(wholesale["apis"]) == ["catalog", "store_api"]
    assert {"free", "pro", "business"} <= {plan["name"] for plan in listed}

    business = json.loads(sauda(env, "business", "create", "--name", "B").stdout)["business_id"]
    moved = sauda(env, "business", "set-plan", business, "wholesale")
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout) == {"business_id": business, "plan": "wholesale"}
    limited = sauda(env, "business", "set-rate-limit", business, "50")
    assert json.loads(limited.stdout) == {"business_id": business, "rate_limit_per_hour": 50}


def test_refusals_name_what_was_wrong_and_change_nothing(env) -> None:
    unknown_plan = sauda(env, "business", "create", "--name", "C", "--plan", "gold")
    assert unknown_plan.returncode == 2
    assert "--plan" in unknown_plan.stderr and "business" in unknown_plan.stderr

    nobody = str(uuid4())
    for args in (["set-plan", nobody, "pro"], ["set-rate-limit", nobody, "5"]):
        refused = sauda(env, "business", *args)
        assert refused.returncode == 2
        assert "no such business" in refused.stderr
    not_an_id = sauda(env, "business", "set-plan", "shop-1", "pro")
    assert not_an_id.returncode == 2 and "UUID" in not_an_id.stderr
    assert sauda(env, "plans", "list").stdout.count("gold") == 0


def test_connecting_a_number_without_the_secret_key_is_refused_before_anything_is_stored(
    env, tmp_path
) -> None:
    business = json.loads(sauda(env, "business", "create", "--name", "D").stdout)["business_id"]
    keyless = env | {"SAUDA_SECRET_KEY": "", "SAUDA_STATE_DIR": str(tmp_path)}  # no make run
    refused = sauda(keyless, "business", "connect-whatsapp", business, "--phone-number-id", "1",
                    "--waba-id", "2", "--access-token", "t")  # fmt: skip
    assert refused.returncode == 2
    assert "SAUDA_SECRET_KEY" in refused.stderr

    connected = sauda(env, "business", "connect-whatsapp", business, "--phone-number-id", "1",
                      "--waba-id", "2", "--access-token", "t", "--admin-phone", "03001234567")  # fmt: skip
    assert connected.returncode == 0, connected.stderr
    account = json.loads(connected.stdout)
    assert account["business_id"] == business
    assert account["whatsapp_phone_number_id"] == "1"
    assert "t" not in account.values()  # the token is never printed back


def test_a_business_is_told_how_to_create_its_owner_and_the_owner_can_sign_in(env) -> None:
    created = sauda(env, "business", "create", "--name", "E")
    business = json.loads(created.stdout)["business_id"]  # stdout is the JSON alone
    assert f"sauda user create --business {business} --email you@shop.pk --role owner" in (
        created.stderr
    )
    made = sauda(env, "user", "create", "--business", business, "--email", " Owner@Shop.PK",
                 "--role", "owner", "--password-stdin", stdin="a long enough password\n")  # fmt: skip
    assert made.returncode == 0, made.stderr
    user = json.loads(made.stdout)
    assert set(user) == {"user_id", "business_id", "email", "role"}
    assert (user["business_id"], user["email"], user["role"]) == (
        business, "owner@shop.pk", "owner"
    )  # fmt: skip

    async def stored() -> tuple[str, str]:
        conn = await asyncpg.connect(env["DATABASE_URL"])
        try:
            row = await conn.fetchrow(
                f'SELECT role, password_hash FROM "{env["GATEWAY_DB_SCHEMA"]}".merchant_users'
            )
            return row["role"], row["password_hash"]
        finally:
            await conn.close()

    role, password_hash = asyncio.run(stored())
    assert role == "owner" and password_hash.startswith("$argon2id$")

    staff = sauda(env, "user", "create", "--business", business, "--email", "staff@shop.pk",
                  "--role", "staff", "--password-stdin", stdin="another long password\n")  # fmt: skip
    assert staff.returncode == 0, staff.stderr
    assert json.loads(staff.stdout)["role"] == "staff"


def test_user_refusals_name_the_option(env) -> None:
    business = json.loads(sauda(env, "business", "create", "--name", "F").stdout)["business_id"]

    def user(
        *args: str, password: str = "a long enough password"
    ) -> subprocess.CompletedProcess[str]:
        return sauda(env, "user", "create", "--password-stdin", *args, stdin=password + "\n")

    first = user("--business", business, "--email", "ali@shop.pk", "--role", "owner")
    assert first.returncode == 0, first.stderr
    again = user("--business", business, "--email", "ALI@shop.pk", "--role", "staff")
    assert again.returncode == 2
    assert "--email" in again.stderr and "exists" in again.stderr
    short = user("--business", business, "--email", "b@shop.pk", "--role", "owner",
                 password="short")  # fmt: skip
    assert short.returncode == 2 and "--password-stdin" in short.stderr and "10" in short.stderr
    unknown = user("--business", str(uuid4()), "--email", "c@shop.pk", "--role", "owner")
    assert unknown.returncode == 2
    assert "--business" in unknown.stderr and "no such business" in unknown.stderr
    not_an_email = user("--business", business, "--email", "nobody", "--role", "owner")
    assert not_an_email.returncode == 2 and "--email" in not_an_email.stderr
    no_role = user("--business", business, "--email", "d@shop.pk", "--role", "admin")
    assert no_role.returncode == 2 and "--role" in no_role.stderr


def test_an_invite_is_printed_with_its_link_and_listed_beside_the_users(env) -> None:
    business = json.loads(sauda(env, "business", "create", "--name", "G").stdout)["business_id"]
    owner = sauda(env, "user", "create", "--business", business, "--email", "owner@shop.pk",
                  "--role", "owner", "--password-stdin", stdin="a long enough password\n")  # fmt: skip
    assert owner.returncode == 0, owner.stderr
    public = env | {"GATEWAY_PUBLIC_URL": "https://sauda.example.pk"}
    invited = sauda(public, "user", "invite", "--business", business, "--email", "Staff@Shop.PK",
                    "--role", "staff")  # fmt: skip
    assert invited.returncode == 0, invited.stderr
    made = json.loads(invited.stdout)
    assert set(made) == {"invite_id", "email", "role", "created_at", "expires_at", "invite_url"}
    assert (made["email"], made["role"]) == ("staff@shop.pk", "staff")
    assert made["invite_url"].startswith("https://sauda.example.pk/app/invite#")
    assert len(made["invite_url"].split("#", 1)[1]) >= 40

    listed = sauda(env, "user", "list", "--business", business)
    assert listed.returncode == 0, listed.stderr
    team = json.loads(listed.stdout)
    assert [(u["email"], u["role"]) for u in team["users"]] == [("owner@shop.pk", "owner")]
    assert [i["invite_id"] for i in team["invites"]] == [made["invite_id"]]
    assert "invite_url" not in team["invites"][0]

    taken = sauda(env, "user", "invite", "--business", business, "--email", "OWNER@shop.pk",
                  "--role", "staff")  # fmt: skip
    assert taken.returncode == 2 and "--email" in taken.stderr and "exists" in taken.stderr
    not_an_email = sauda(env, "user", "invite", "--business", business, "--email", "nobody",
                         "--role", "staff")  # fmt: skip
    assert not_an_email.returncode == 2 and "--email" in not_an_email.stderr
    nobody = sauda(env, "user", "list", "--business", str(uuid4()))
    assert nobody.returncode == 2 and "no such business" in nobody.stderr


def test_a_second_shell_uses_the_secret_key_make_run_keeps_in_its_state_folder(
    env, tmp_path
) -> None:
    """`make run` exports SAUDA_SECRET_KEY to its services only; the README's `sauda business
    create … --whatsapp sandbox` from another shell finds the key in .state and says so."""
    key = Fernet.generate_key().decode()
    (tmp_path / "secret.key").write_text(key + "\n")
    second_shell = env | {"SAUDA_SECRET_KEY": "", "SAUDA_STATE_DIR": str(tmp_path)}
    business = json.loads(sauda(env, "business", "create", "--name", "E").stdout)["business_id"]

    connected = sauda(second_shell, "business", "connect-whatsapp", business,
                      "--phone-number-id", "7", "--waba-id", "8", "--access-token", "tok-1")  # fmt: skip
    assert connected.returncode == 0, connected.stderr
    said = " ".join(connected.stderr.split())
    assert f"read from make run's development secrets in {tmp_path}: SAUDA_SECRET_KEY" in said

    async def sealed_token() -> bytes:
        conn = await asyncpg.connect(env["DATABASE_URL"])
        try:
            return await conn.fetchval(
                f'SELECT access_token_enc FROM "{env["GATEWAY_DB_SCHEMA"]}".whatsapp_accounts '
                "WHERE business_id = $1",
                UUID(business),
            )
        finally:
            await conn.close()

    assert Fernet(key.encode()).decrypt(asyncio.run(sealed_token())) == b"tok-1"

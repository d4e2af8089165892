"""The operator's mistakes caught before anything is touched: each refusal names the option."""

import json

from cryptography.fernet import Fernet
from typer.testing import CliRunner

from sauda_cli.app import app
from sauda_contracts.registry import TOPIC_RECORDS

runner = CliRunner()


def test_secret_key_prints_a_key_that_encrypts_and_decrypts() -> None:
    result = runner.invoke(app, ["secret-key"])
    assert result.exit_code == 0
    box = Fernet(result.stdout.strip().encode())
    assert box.decrypt(box.encrypt(b"token")) == b"token"


def test_schemas_writes_one_readable_schema_per_record_type(tmp_path) -> None:
    result = runner.invoke(app, ["schemas", str(tmp_path)])
    assert result.exit_code == 0
    written = {p.name for p in tmp_path.glob("*.schema.json")}
    assert len(written) == len(result.stdout.split())
    for records in TOPIC_RECORDS.values():
        for record in records:
            assert f"{record.__name__}.schema.json" in written
    for path in tmp_path.glob("*.schema.json"):
        assert json.loads(path.read_text())["title"]


def test_an_unknown_whatsapp_mode_is_refused_naming_the_option() -> None:
    result = runner.invoke(app, ["business", "create", "--name", "X", "--whatsapp", "meta"])
    assert result.exit_code == 2
    assert "--whatsapp" in result.output and "sandbox" in result.output


def test_a_country_without_phone_numbers_is_refused() -> None:
    result = runner.invoke(app, ["business", "create", "--name", "X", "--country", "XX"])
    assert result.exit_code == 2
    assert "--country" in result.output


def test_a_negative_allowance_is_refused() -> None:
    result = runner.invoke(app, ["business", "create", "--name", "X", "--rate-limit", "-1"])
    assert result.exit_code == 2
    assert "--rate-limit" in result.output


def test_a_catalog_import_takes_what_the_api_takes() -> None:
    short = runner.invoke(app, ["catalog", "import", "a.pk", "--business", "x"])
    assert short.exit_code == 2
    assert "URL" in short.output
    currency = runner.invoke(
        app,
        ["catalog", "import", "https://shop.example", "--business", "x", "--currency", "rupees"],
    )
    assert currency.exit_code == 2
    assert "--currency" in currency.output


def test_every_group_lists_its_commands() -> None:
    for group, command in [("business", "create"), ("plans", "list"), ("topics", "create"),
                           ("replay", "orders-view"), ("catalog", "import")]:  # fmt: skip
        result = runner.invoke(app, [group, "--help"])
        assert result.exit_code == 0
        assert command in result.output


def test_a_prompted_password_is_asked_twice_hidden_and_a_short_one_refused() -> None:
    args = ["user", "create", "--business", "b", "--email", "a@shop.pk", "--role", "owner"]
    short = runner.invoke(app, args, input="short\nshort\n")
    assert short.exit_code == 2
    assert "Repeat for confirmation" in short.output and "short" not in short.stdout
    assert "password" in short.output and "10 to 128" in short.output
    differ = runner.invoke(app, args, input="first long password\nother long password\n" * 2)
    assert "do not match" in differ.output.lower() or "must match" in differ.output.lower()

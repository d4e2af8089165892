"""The house rules every service keeps, checked over the whole tree (no service can drift alone).

- Every domain module (`domain.py`, or any module of a `domain/` package) is pure: it imports
  only the standard library, `sauda_contracts` and other domain modules of its own package, and
  never asks the clock, a random source or a uuid4 for a value (they arrive as arguments).
- No source module is longer than a reader can take in: 450 lines (tests and migrations aside).
- Only the runtime's outbox relay publishes to Kafka (`send_and_wait` nowhere else).
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    p
    for top in ("services", "libs")
    for p in (ROOT / top).glob("*/src/**/*.py")
    if "tests" not in p.parts
)
MAX_LINES = 450
IMPURE_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "monotonic"),
    ("uuid", "uuid1"),
    ("uuid", "uuid4"),
}
IMPURE_NAMES = {"uuid4", "uuid1", "random", "randint", "choice", "token_hex", "urandom"}


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _package(path: Path) -> str:
    """The top-level package a source file belongs to (`sauda_notifier`)."""
    parts = path.relative_to(ROOT).parts
    return parts[parts.index("src") + 1]


def _is_domain(path: Path) -> bool:
    return path.name == "domain.py" or "domain" in path.parts[:-1]


DOMAIN_MODULES = [p for p in SOURCES if _is_domain(p)]


def _imports(tree: ast.AST) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                (alias.name, node.level if hasattr(node, "level") else 0) for alias in node.names
            ]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def _allowed(module: str, level: int, package: str) -> bool:
    if level > 0:  # relative: a sibling in the same domain package (checked as its own module)
        return True
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top == "sauda_contracts":
        return True
    return top == package and ".domain" in f".{module.removeprefix(package)}"


def _impure_calls(tree: ast.AST) -> list[str]:
    bad = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = func.value
            owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if (owner_name, func.attr) in IMPURE_CALLS or owner_name == "random":
                bad.append(f"{owner_name}.{func.attr}() at line {node.lineno}")
        elif isinstance(func, ast.Name) and func.id in IMPURE_NAMES:
            bad.append(f"{func.id}() at line {node.lineno}")
    return bad


def test_there_are_domain_modules_in_every_service() -> None:
    services = {_package(p) for p in DOMAIN_MODULES}
    assert {
        "sauda_gateway",
        "sauda_ledger",
        "sauda_conversation",
        "sauda_notifier",
        "sauda_webhooks",
        "sauda_sandbox",
    } <= services


@pytest.mark.parametrize("path", DOMAIN_MODULES, ids=_name)
def test_a_domain_module_imports_only_the_standard_library_and_the_contracts(path: Path) -> None:
    tree = ast.parse(path.read_text())
    package = _package(path)
    outside = [m for m, level in _imports(tree) if not _allowed(m, level, package)]
    assert outside == [], f"{_name(path)} imports {outside}"


@pytest.mark.parametrize("path", DOMAIN_MODULES, ids=_name)
def test_a_domain_module_never_asks_the_clock_or_chance(path: Path) -> None:
    assert _impure_calls(ast.parse(path.read_text())) == []


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_a_source_module_fits_a_reader(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{_name(path)} has {lines} lines: split it by concept"


# What may publish without an outbox: the relay itself, and the operator's re-drive of dead
# letters, which has no transaction to be atomic with (its records' ids come from the letter,
# so a re-drive repeated after a crash is done once by whoever receives it).
STRAIGHT_TO_KAFKA = {
    ROOT / "libs/runtime/src/sauda_runtime/outbox.py",
    ROOT / "libs/cli/src/sauda_cli/dlq.py",
}


def test_only_the_outbox_relay_publishes_straight_to_kafka() -> None:
    callers = [
        _name(p) for p in SOURCES if "send_and_wait" in p.read_text() and p not in STRAIGHT_TO_KAFKA
    ]
    assert callers == []


def test_the_rules_can_fail() -> None:
    """The checks above catch what they are for (a rule that cannot fail proves nothing)."""
    impure = ast.parse(
        "import httpx\nfrom datetime import datetime\nx = datetime.now()\ny = uuid4()"
    )
    assert [m for m, lvl in _imports(impure) if not _allowed(m, lvl, "sauda_x")] == ["httpx"]
    assert _impure_calls(impure) == ["datetime.now() at line 3", "uuid4() at line 4"]
    assert not _allowed("sauda_x.adapters.store", 0, "sauda_x")
    assert _allowed("sauda_x.domain.plans", 0, "sauda_x")

"""Is a record type's schema today still able to read every record of its released v1?

Topics are kept (orders.events.v1 forever) and replayed from offset 0, so today's code must
parse every record ever written under `.v1`. A change is compatible when every record valid
under the released schema is valid under today's: fields may be added (optional), widened
(a longer limit, another enum value, null allowed) or documented, never removed (records carry
them, and contracts forbid unknown fields), made required, or narrowed. Anything else needs a
new topic version (`.v2`). `narrowings(released, current)` lists what breaks, in words.
"""

import json
from pathlib import Path
from typing import Any

from sauda_contracts.patterns import SPACE

Schema = dict[str, Any]

RELEASED = Path(__file__).with_name("released")  # released/v1/<Type>.schema.json, committed


def released_schemas(version: str = "v1") -> dict[str, Schema]:
    """The schema of every record type as released under topic version `version`."""
    folder = RELEASED / version
    return {
        path.name.removesuffix(".schema.json"): json.loads(path.read_text())
        for path in sorted(folder.glob("*.schema.json"))
    }


def current_schemas() -> dict[str, Schema]:
    """Today's schema of every record type on any topic, by wire type name."""
    from sauda_contracts.registry import records_by_type

    return {name: model.model_json_schema() for name, model in records_by_type().items()}


def release_new(version: str = "v1") -> list[Path]:
    """Freeze the schema of each record type that has none released yet (a new type on a v1
    topic); a released schema is never rewritten, that is the point of keeping it."""
    folder = RELEASED / version
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in current_schemas().items():
        path = folder / f"{name}.schema.json"
        if not path.exists():
            path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
            written.append(path)
    return written


# keyword -> True when a bigger value accepts more ("maxLength": 40 -> 60 is a widening)
_BOUNDS = {
    "maxLength": True,
    "maxItems": True,
    "maximum": True,
    "exclusiveMaximum": True,
    "minLength": False,
    "minItems": False,
    "minimum": False,
    "exclusiveMinimum": False,
}
_SAME = ("pattern", "format")


class _Side:
    """One schema document, so `$ref`s resolve against its own `$defs`."""

    def __init__(self, document: Schema) -> None:
        self.defs: Schema = document.get("$defs", {})

    def resolve(self, schema: Schema) -> Schema:
        seen = 0
        while "$ref" in schema and seen < 50:
            schema = self.defs[schema["$ref"].rsplit("/", 1)[-1]]
            seen += 1
        return schema

    def branches(self, schema: Schema) -> list[Schema]:
        """The alternatives a value may match (an `anyOf` / `oneOf`, or just the schema)."""
        schema = self.resolve(schema)
        alternatives = schema.get("anyOf") or schema.get("oneOf")
        if alternatives:
            return [b for a in alternatives for b in self.branches(a)]
        return [schema]


def narrowings(released: Schema, current: Schema) -> list[str]:
    """Ways in which `current` refuses a record that `released` accepts; [] if none."""
    old, new = _Side(released), _Side(current)
    return _compare(old, released, new, current, "")


def _compare(old: _Side, a: Schema, new: _Side, b: Schema, at: str) -> list[str]:
    found: list[str] = []
    for branch in old.branches(a):
        options = new.branches(b)
        attempts: list[list[str]] = [_compare_one(old, branch, new, o, at) for o in options]
        if all(attempts):  # no branch of today's schema takes what this released branch took
            closest: list[str] = min(attempts, key=len)
            found += closest
    return found


def _types(schema: Schema) -> set[str]:
    kind = schema.get("type")
    if kind is None:
        return {"any"}
    return {kind} if isinstance(kind, str) else set(kind)


def _same(keyword: str, old: Any, new: Any) -> bool:
    """Equal, or (a pattern) the same once `\\s` is spelled out as the White_Space class that
    pydantic's engine always read it as (sauda_contracts.patterns)."""
    if old == new:
        return True
    return keyword == "pattern" and isinstance(old, str) and old.replace(r"\s", SPACE) == new


def _values(schema: Schema) -> list[Any] | None:
    """The only values a schema allows (`enum`, `const`), or None if not limited so."""
    if "enum" in schema:
        return list(schema["enum"])
    return [schema["const"]] if "const" in schema else None


def _takes(new_types: set[str], kind: str) -> bool:
    return "any" in new_types or kind in new_types or (kind == "integer" and "number" in new_types)


def _compare_one(old: _Side, a: Schema, new: _Side, b: Schema, at: str) -> list[str]:
    where = at or "the record"
    a, b = old.resolve(a), new.resolve(b)
    old_types, new_types = _types(a), _types(b)
    if not all(_takes(new_types, kind) for kind in old_types):
        return [f"{where}: type {sorted(old_types)} became {sorted(new_types)}"]
    found: list[str] = []
    if (allowed := _values(b)) is not None:
        if (had := _values(a)) is None:
            found.append(f"{where}: now limited to {allowed}")
        elif lost := [v for v in had if v not in allowed]:
            found.append(f"{where}: {lost} no longer allowed")
    for keyword in _SAME:
        if keyword in b and not _same(keyword, a.get(keyword), b[keyword]):
            found.append(f"{where}: {keyword} {a.get(keyword)!r} became {b[keyword]!r}")
    for keyword, bigger_is_wider in _BOUNDS.items():
        if keyword not in b:
            continue
        if keyword not in a:
            found.append(f"{where}: {keyword} {b[keyword]} added")
            continue
        narrower = b[keyword] < a[keyword] if bigger_is_wider else b[keyword] > a[keyword]
        if narrower:
            found.append(f"{where}: {keyword} {a.get(keyword)} became {b[keyword]}")
    found += _compare_objects(old, a, new, b, at)
    if "items" in a and "items" in b:
        found += _compare(old, a["items"], new, b["items"], f"{at}[]")
    return found


def _compare_objects(old: _Side, a: Schema, new: _Side, b: Schema, at: str) -> list[str]:
    old_props, new_props = a.get("properties", {}), b.get("properties", {})
    if not old_props and not new_props:
        return []
    found: list[str] = []
    for name, schema in old_props.items():
        if name not in new_props:
            if b.get("additionalProperties") is False:
                found.append(f"{at}.{name}: removed".lstrip("."))
            continue
        found += _compare(old, schema, new, new_props[name], f"{at}.{name}".lstrip("."))
    for name in sorted(set(b.get("required", ())) - set(a.get("required", ()))):
        found.append(f"{at}.{name}: now required".lstrip("."))
    return found

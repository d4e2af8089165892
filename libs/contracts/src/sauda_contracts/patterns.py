r"""Regular expressions that mean the same to every validator that reads them.

The contracts' patterns are published (JSON Schema in the AsyncAPI document and the OpenAPI)
and read by other engines: ECMA-262 in JavaScript, Python's `re` (the `jsonschema` library),
Rust's `regex` (pydantic, which validates them here). `\s` is not the same set in each: Python's
also holds \x1c-\x1f, ECMA's also \ufeff. So no pattern says `\s`; they use `SPACE`, which
spells out Unicode's White_Space, the set Rust's `\s` has always meant here (an email with a
\x1e in it was accepted by the gateway and refused by a Python consumer of the topic).
"""

# Unicode White_Space (what Rust's `\s` matches), as a character-class body.
SPACE = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"

EMAIL = rf"^[^@{SPACE}]+@[^@{SPACE}]+\.[^@{SPACE}]+$"
EMAIL_NO_NUL = rf"^[^@{SPACE}\x00]+@[^@{SPACE}\x00]+\.[^@{SPACE}\x00]+$"
HTTP_URL = rf"^https?://[^{SPACE}\x00]+$"
NO_SPACE = rf"^[^{SPACE}\x00]+$"
# A bearer token goes in an HTTP header: visible ASCII only (Meta's tokens are).
TOKEN = r"^[\x21-\x7e]+$"

"""The topics' AsyncAPI 3.0 document at /asyncapi.json, and the same as a page at /asyncapi:
every topic with its key, partitions, retention, who sends and who receives, and each record
type's schema. Made from the contracts (sauda_contracts.asyncapi), never written by hand."""

import json
from functools import cache
from html import escape
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse

from sauda_contracts.asyncapi import asyncapi_document
from sauda_gateway.api.deps import SettingsDep
from sauda_gateway.api.web import HEADERS

topics_doc = APIRouter(include_in_schema=False)

STYLE = """body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.35rem;
text-align:start;vertical-align:top}code,pre{font:13px ui-monospace,monospace}pre{overflow:auto;
background:#f6f6f6;padding:.5rem}h2{margin-top:2rem}"""


@cache
def _document(servers: str) -> dict[str, Any]:
    return asyncapi_document(servers=servers)


@topics_doc.get("/asyncapi.json")
async def asyncapi_json(settings: SettingsDep) -> JSONResponse:
    return JSONResponse(_document(settings.kafka_bootstrap_servers))


@topics_doc.get("/asyncapi")
async def asyncapi_page(settings: SettingsDep) -> HTMLResponse:
    page = render_page(_document(settings.kafka_bootstrap_servers))
    return HTMLResponse(page, headers={**HEADERS, "Content-Security-Policy": _csp()})


def _csp() -> str:
    return HEADERS["Content-Security-Policy"].replace(
        "style-src 'self'", "style-src 'unsafe-inline'"
    )


def _who(document: dict[str, Any], channel: str, action: str) -> str:
    services = [
        operation["tags"][0]["name"]
        for operation in document["operations"].values()
        if operation["action"] == action and operation["channel"]["$ref"].endswith(f"/{channel}")
    ]
    return ", ".join(services) or "—"


def _topics_table(document: dict[str, Any]) -> str:
    rows = []
    for cid, channel in document["channels"].items():
        kafka = channel["bindings"]["kafka"]
        retention = kafka["topicConfiguration"].get("retention.ms")
        kept = "forever" if retention == -1 else f"{retention / 86_400_000:g} days"
        messages = ", ".join(
            f'<a href="#{escape(name)}">{escape(name)}</a>' for name in channel["messages"]
        )
        rows.append(
            f"<tr><td><code>{escape(channel['address'])}</code></td>"
            f"<td>{escape(channel['description'])}</td><td>{kept}</td>"
            f"<td>{escape(_who(document, cid, 'send'))}</td>"
            f"<td>{escape(_who(document, cid, 'receive'))}</td><td>{messages}</td></tr>"
        )
    head = "<tr><th>topic</th><th>key</th><th>kept</th><th>sent by</th><th>received by</th>"
    return f"<table>{head}<th>messages</th></tr>{''.join(rows)}</table>"


def _messages(document: dict[str, Any]) -> str:
    schemas = document["components"]["schemas"]
    parts = []
    for name, message in document["components"]["messages"].items():
        schema_name = message["payload"]["$ref"].rsplit("/", 1)[-1]
        summary = f"<p>{escape(message['summary'])}</p>" if message.get("summary") else ""
        body = escape(json.dumps(schemas[schema_name], indent=2))
        parts.append(
            f'<h3 id="{escape(name)}">{escape(name)}</h3>{summary}'
            f"<details><summary>JSON Schema</summary><pre>{body}</pre></details>"
        )
    return "".join(parts)


def render_page(document: dict[str, Any]) -> str:
    info = document["info"]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(info['title'])}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(info['title'])}</h1><p>{escape(info['description'])}</p>"
        f'<p>AsyncAPI {escape(document["asyncapi"])}: <a href="/asyncapi.json">/asyncapi.json</a>'
        " (shared parts of the schemas are under <code>components.schemas</code>).</p>"
        f"<h2>Topics</h2>{_topics_table(document)}<h2>Messages</h2>{_messages(document)}"
        "</body></html>"
    )

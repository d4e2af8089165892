"""OpenTelemetry traces across HTTP → Kafka → HTTP: W3C trace context carried in outbox rows and
Kafka record headers, a span per consumer batch, and outgoing httpx calls as child spans.

Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or SAUDA_TRACING=1) is set: then `tracer()` is None and
every helper here returns at its first line — no span, no header, no exporter thread. On, spans
leave over OTLP HTTP/protobuf (the exporter reads the standard OTEL_EXPORTER_OTLP_* variables).
"""

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
from aiokafka import ConsumerRecord
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanProcessor
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode, Tracer, get_current_span
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

PROPAGATOR = TraceContextTextMapPropagator()  # W3C traceparent / tracestate, nothing else
CORRELATION = "sauda.correlation_id"
TRACE_HEADERS = ("traceparent", "tracestate")

_tracer: Tracer | None = None
_provider: TracerProvider | None = None


def tracing_wanted(env: Mapping[str, str] = os.environ) -> bool:
    """Whether the environment asks for traces: an OTLP endpoint, or SAUDA_TRACING set true."""
    flag = env.get("SAUDA_TRACING", "").strip().lower()
    if flag in ("0", "false", "no", "off"):
        return False
    return bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")) or flag in ("1", "true", "yes", "on")


def configure_tracing(
    service: str, *, exporter: SpanExporter | None = None, processor: SpanProcessor | None = None
) -> bool:
    """Start tracing for this process if the environment asks for it (or a test hands an
    exporter or processor); returns whether it is on. The provider is this module's own, not
    OpenTelemetry's global one, so libraries' own instrumentation stays off."""
    global _tracer, _provider
    if exporter is None and processor is None and not tracing_wanted():
        return False
    if processor is None:
        if exporter is None:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter()
        processor = BatchSpanProcessor(exporter)
    provider = TracerProvider(resource=Resource.create({"service.name": f"sauda-{service}"}))
    provider.add_span_processor(processor)
    _provider, _tracer = provider, provider.get_tracer("sauda")
    return True


def stop_tracing() -> None:
    """Flush what is left and turn tracing off (at shutdown, and between tests)."""
    global _tracer, _provider
    if _provider is not None:
        _provider.shutdown()
    _provider, _tracer = None, None


def tracer() -> Tracer | None:
    return _tracer


def current_headers() -> dict[str, str] | None:
    """The current span's W3C context as headers (for an outbox row), or None when tracing is
    off or no span is active."""
    if _tracer is None or not get_current_span().get_span_context().is_valid:
        return None
    carrier: dict[str, str] = {}
    PROPAGATOR.inject(carrier)
    return carrier or None


def kafka_headers(stored: Mapping[str, str] | None) -> list[tuple[str, bytes]] | None:
    """An outbox row's stored context as Kafka record headers (None: the record gets none)."""
    if not stored:
        return None
    return [(k, str(v).encode()) for k, v in stored.items() if k in TRACE_HEADERS]


def record_context(record: ConsumerRecord) -> Context | None:
    """The producer's context a record carries in its headers, if any."""
    carrier = {
        k: v.decode("latin-1")
        for k, v in (record.headers or ())
        if k in TRACE_HEADERS and isinstance(v, bytes)
    }
    if "traceparent" not in carrier:
        return None
    ctx = PROPAGATOR.extract(carrier)
    return ctx if get_current_span(ctx).get_span_context().is_valid else None


@contextmanager
def batch_span(
    service: str, consumer: str, group: str | None, records: Sequence[ConsumerRecord]
) -> Iterator[Span | None]:
    """A consumer span around one batch: a child of the first record's producer context (in a
    batch of one, the common case, that is the record's own trace), linked to every other
    traced record. Nothing at all when tracing is off."""
    if _tracer is None:
        yield None
        return
    contexts = [c for c in map(record_context, records) if c is not None]
    parent = contexts[0] if contexts else None
    links = [Link(get_current_span(c).get_span_context()) for c in contexts[1:]]
    topics = sorted({r.topic for r in records})
    attributes: dict[str, Any] = {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": ",".join(topics),
        "messaging.batch.message_count": len(records),
        "sauda.service": service,
        "sauda.consumer": consumer,
    }
    if group:
        attributes["messaging.consumer.group.name"] = group
    with _tracer.start_as_current_span(
        f"{consumer} process", context=parent, kind=SpanKind.CONSUMER, links=links,
        attributes=attributes,
    ) as span:  # fmt: skip
        yield span


def note_correlation(span: Span | None, items: Sequence[object]) -> None:
    """The correlation ids of a batch's parsed records on its span (the first, and how many
    distinct ones)."""
    if span is None:
        return
    ids = list(dict.fromkeys(str(c) for i in items if (c := getattr(i, "correlation_id", None))))
    if ids:
        span.set_attribute(CORRELATION, ids[0])
        if len(ids) > 1:
            span.set_attribute("sauda.correlation_ids", ids[:20])


@contextmanager
def server_span(scope: Mapping[str, Any]) -> Iterator[Span | None]:
    """A server span for one HTTP request, a child of the caller's traceparent if it sent one."""
    if _tracer is None:
        yield None
        return
    carrier = {
        k.decode("latin-1"): v.decode("latin-1")
        for k, v in scope.get("headers", ())
        if k.decode("latin-1") in TRACE_HEADERS
    }
    parent = PROPAGATOR.extract(carrier) if carrier else None
    method = str(scope.get("method", ""))
    with _tracer.start_as_current_span(
        method, context=parent, kind=SpanKind.SERVER,
        attributes={"http.request.method": method, "url.path": str(scope.get("path", ""))},
    ) as span:  # fmt: skip
        yield span


def finish_server_span(
    span: Span | None, route: str, status: int, correlation_id: str | None
) -> None:
    if span is None:
        return
    span.update_name(f"{span.attributes.get('http.request.method', '')} {route}".strip())  # type: ignore[attr-defined]
    span.set_attribute("http.route", route)
    span.set_attribute("http.response.status_code", status)
    if correlation_id:
        span.set_attribute(CORRELATION, correlation_id)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))


class TracedTransport(httpx.AsyncBaseTransport):
    """An httpx transport whose every request is a client span, its context sent on as
    `traceparent`; a plain pass-through while tracing is off."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if _tracer is None:
            return await self._inner.handle_async_request(request)
        attributes = {
            "http.request.method": request.method,
            "server.address": request.url.host,
            "url.path": request.url.path,  # Graph paths name numbers, never shoppers
        }
        with _tracer.start_as_current_span(
            request.method, kind=SpanKind.CLIENT, attributes=attributes
        ) as span:
            carrier: dict[str, str] = {}
            PROPAGATOR.inject(carrier)
            for key, value in carrier.items():
                request.headers[key] = value
            response = await self._inner.handle_async_request(request)
            span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= 500:
                span.set_status(Status(StatusCode.ERROR))
            return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def traced_transport(**kwargs: Any) -> TracedTransport:
    """`httpx.AsyncHTTPTransport(**kwargs)` whose requests are traced when tracing is on."""
    return TracedTransport(httpx.AsyncHTTPTransport(**kwargs))

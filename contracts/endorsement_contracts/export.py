"""Generate the JSON Schemas and the AsyncAPI 3 document from the models (`python -m endorsement_contracts.export`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .base import IntegrationEvent
from .cloudevents import CONTENT_TYPE
from .events import ALL_EVENTS, SEALED_PATTERN
from .topics import ALL_TOPICS, Topic

PACKAGE_DIR = Path(__file__).parent
SCHEMA_DIR = PACKAGE_DIR / "schemas"
ASYNCAPI_PATH = PACKAGE_DIR / "asyncapi.json"

SEALED_FIELDS = (
    "Sealed fields: no record of the internal `.v2` topics holds readable personal data. Each personal value is a "
    f"token matching `{SEALED_PATTERN}`: `pd1.<base64url subject>.<base64url nonce and ciphertext>`, sealed by the "
    "producing service under the person's data key (the subject is `account:<account id>` or "
    "`rater:<tenant>:<hmac>`). A schema field with that pattern is sealed. Consumers open tokens with the "
    "producer's `POST /internal/unseal` (service identity required) and keep the text sealed under their own keys; "
    "after the person's erasure a token opens to null. The `.v1` topics that carry the same events in plaintext "
    "(applications, reviews, accounts) are deprecated: the migration (docs/erasure.md, slice 9) deletes them.")


def schema_file_name(event: type[IntegrationEvent]) -> str:
    return f"{event.event_type}.v{event.version}.schema.json"


def message_id(event: type[IntegrationEvent]) -> str:
    """The event's AsyncAPI message id: the bare name for v1 (references to it stay valid), `<name>.v<n>` after."""
    return event.event_type if event.version == 1 else event.type_name()


def json_schema(event: type[IntegrationEvent]) -> dict[str, Any]:
    schema = event.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:endorsement:contracts:{event.event_type}:v{event.version}"
    schema["x-cloudevents-type"] = event.type_name()
    schema["x-kafka-topic"] = event.topic
    schema["x-kafka-key"] = event.key_field
    return schema


def asyncapi() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic in ALL_TOPICS:
        on_topic = [message_id(e) for e in ALL_EVENTS if e.topic == topic.name]
        channel_messages = {m: {"$ref": f"#/components/messages/{m}"} for m in on_topic}
        channels[topic.name] = {
            "address": topic.name,
            "description": _channel_description(topic),
            "messages": channel_messages,
            "bindings": {"kafka": {"partitions": topic.partitions, "bindingVersion": "0.5.0"}},
        }
        if topic.replaced_by:
            channels[topic.name]["x-replaced-by"] = topic.replaced_by
        if channel_messages:
            operations[f"receive-{topic.name}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{topic.name}"},
                "messages": [{"$ref": f"#/channels/{topic.name}/messages/{m}"} for m in channel_messages],
            }
    replaced = {t.name: t.replaced_by for t in ALL_TOPICS if t.replaced_by}
    for event in ALL_EVENTS:
        messages[message_id(event)] = {
            "name": event.event_type,
            "title": f"{event.event_type} v{event.version}",
            "summary": (event.__doc__ or "").strip(),
            "contentType": CONTENT_TYPE,
            "headers": _cloudevents_headers(event),
            "payload": {"$ref": f"./schemas/{schema_file_name(event)}"},
            "bindings": {"kafka": {"key": {"type": "string", "description": f"`{event.key_field}`"}}},
        }
        if event.topic in replaced:
            messages[message_id(event)]["description"] = (
                f"Deprecated: its sealed twin `{event.event_type}.v2` on `{replaced[event.topic]}` replaces it. "
                "Consumers move to v2; the migration (docs/erasure.md, slice 9) deletes the v1 topic.")
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Endorsement platform integration events",
            "version": "1.1.0",
            "description": "CloudEvents 1.0 in Kafka binary mode (`ce_*` headers); key = aggregate id. Delivery is "
                           "at least once: a record may arrive again (republished after a publisher's crash or "
                           "a broker outage, or redelivered after a rebalance) with the same `ce_id`, so "
                           "consumers deduplicate by `ce_id`. Order holds per key, not across keys.\n\n"
                           + SEALED_FIELDS,
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def _channel_description(topic: Topic) -> str:
    if not topic.replaced_by:
        return topic.description
    return (f"{topic.description} Deprecated: `{topic.replaced_by}` carries the same events with personal fields "
            "sealed; the migration (docs/erasure.md, slice 9) deletes this topic.")


def _cloudevents_headers(event: type[IntegrationEvent]) -> dict[str, Any]:
    def header(description: str, const: str | None = None) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "description": description}
        if const is not None:
            schema["const"] = const
        return schema

    return {
        "type": "object",
        "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"],
        "properties": {
            "ce_specversion": header("CloudEvents spec version", "1.0"),
            "ce_id": header("Event id, derived from the stored event: identical on every republication and "
                            "redelivery, so consumers deduplicate on it (delivery is at least once)"),
            "ce_source": header("URI reference of the producing service"),
            "ce_type": header("Event name and version", event.type_name()),
            "ce_time": header("RFC 3339 time of the fact"),
            "ce_subject": header("Aggregate id (same as the key)"),
            "ce_tenant": header("Association slug"),
            "ce_traceparent": header("W3C traceparent of the publisher (CloudEvents distributed-tracing "
                                     "extension); optional"),
            "ce_tracestate": header("W3C tracestate accompanying ce_traceparent; optional"),
            "content-type": header("Data content type", CONTENT_TYPE),
        },
    }


def rendered() -> dict[Path, str]:
    """Every generated file and its exact content."""
    files = {SCHEMA_DIR / schema_file_name(e): _dump(json_schema(e)) for e in ALL_EVENTS}
    files[ASYNCAPI_PATH] = _dump(asyncapi())
    return files


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for path, content in rendered().items():
        path.write_text(content, encoding="utf-8")
        print(f"wrote {path.relative_to(PACKAGE_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

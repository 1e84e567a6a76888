"""Generate the JSON Schemas and the AsyncAPI 3 document from the models (`python -m endorsement_contracts.export`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .base import IntegrationEvent
from .cloudevents import CONTENT_TYPE
from .events import ALL_EVENTS
from .topics import ALL_TOPICS

PACKAGE_DIR = Path(__file__).parent
SCHEMA_DIR = PACKAGE_DIR / "schemas"
ASYNCAPI_PATH = PACKAGE_DIR / "asyncapi.json"


def schema_file_name(event: type[IntegrationEvent]) -> str:
    return f"{event.event_type}.v{event.version}.schema.json"


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
        channel_messages = {
            e.event_type: {"$ref": f"#/components/messages/{e.event_type}"} for e in ALL_EVENTS if e.topic == topic.name
        }
        channels[topic.name] = {
            "address": topic.name,
            "description": topic.description,
            "messages": channel_messages,
            "bindings": {"kafka": {"partitions": topic.partitions, "bindingVersion": "0.5.0"}},
        }
        if channel_messages:
            operations[f"receive-{topic.name}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{topic.name}"},
                "messages": [{"$ref": f"#/channels/{topic.name}/messages/{m}"} for m in channel_messages],
            }
    for event in ALL_EVENTS:
        messages[event.event_type] = {
            "name": event.event_type,
            "title": f"{event.event_type} v{event.version}",
            "summary": (event.__doc__ or "").strip(),
            "contentType": CONTENT_TYPE,
            "headers": _cloudevents_headers(event),
            "payload": {"$ref": f"./schemas/{schema_file_name(event)}"},
            "bindings": {"kafka": {"key": {"type": "string", "description": f"`{event.key_field}`"}}},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Endorsement platform integration events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0 in Kafka binary mode (`ce_*` headers); key = aggregate id.",
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


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
            "ce_id": header("Event id; identical on redelivery, so consumers deduplicate on it"),
            "ce_source": header("URI reference of the producing service"),
            "ce_type": header("Event name and version", event.type_name()),
            "ce_time": header("RFC 3339 time of the fact"),
            "ce_subject": header("Aggregate id (same as the key)"),
            "ce_tenant": header("Association slug"),
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

"""A partner event as a CloudEvents 1.0 JSON document (structured content mode), for webhook bodies.

The attributes match the Kafka records' `ce_*` headers (same `id`, so a partner that reads both
deduplicates across them); `sequence` (CloudEvents sequence extension) orders a subscription's deliveries.
"""

from __future__ import annotations

import json
from datetime import UTC
from uuid import UUID

from endorsement_contracts import IntegrationEvent

MEDIA_TYPE = "application/cloudevents+json"


def structured_event(event: IntegrationEvent, *, event_id: UUID | str, source: str, sequence: int) -> bytes:
    document = {
        "specversion": "1.0",
        "id": str(event_id),
        "source": source,
        "type": event.type_name(),
        "time": event.occurred_at.astimezone(UTC).isoformat(),
        "subject": event.key,
        "tenant": event.tenant,
        "sequence": f"{sequence:020d}",
        "datacontenttype": "application/json",
        "data": json.loads(event.model_dump_json()),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

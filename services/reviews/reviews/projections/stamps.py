"""When a stored event happened (every stored event of this service is an aggregate event with a timestamp)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol


def timestamp_of(event: DomainEventProtocol[UUID]) -> datetime:
    stamped: Any = event
    at: datetime = stamped.timestamp
    return at

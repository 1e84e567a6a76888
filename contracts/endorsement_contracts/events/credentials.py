"""Events the credentials service publishes on the partner topic `endorsement.credentials.v1`."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from pydantic import Field

from ..base import IntegrationEvent
from ..topics import CREDENTIALS
from .common import CATEGORY_PATTERN, CategoryCode


class CredentialIssued(IntegrationEvent):
    """A signed credential was issued; partners receive the whole signed credential."""

    event_type: ClassVar[str] = "CredentialIssued"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = CREDENTIALS.name
    key_field: ClassVar[str] = "credential_id"

    credential_id: UUID
    endorsement_id: UUID
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    valid_from: date
    valid_until: date
    verification_url: str
    credential: dict[str, Any] = Field(description="The signed OpenBadgeCredential (VC Data Model 2.0).")


EVENTS: tuple[type[IntegrationEvent], ...] = (CredentialIssued,)

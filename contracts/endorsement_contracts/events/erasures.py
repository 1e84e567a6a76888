"""The erasure ledger on `endorsement.erasures.v1` (internal; ids only, never personal data).

The gateway publishes `PersonErased` when an erasure request may run (not held). Every service that keeps data
about the subject destroys the subject's data key, scrubs its read models and answers `ErasureCompleted`; the
gateway marks the request done when every service has answered. Both are keyed by the subject, so one subject's
erasure and any later one stay in order. See docs/erasure.md.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from ..base import IntegrationEvent
from ..topics import ERASURES

SUBJECT_PATTERN = r"^(account:[0-9a-f-]{36}|rater:[a-z][a-z0-9-]{1,39}:[0-9a-f]{64})$"
"""`account:<account uuid>` or `rater:<tenant>:<hex HMAC-SHA256 of the lower-cased email>` (docs/erasure.md)."""

ErasingService = Literal["gateway", "applications", "reviews", "credentials", "notifications", "portal"]
"""The services that answer a `PersonErased` (the portal's answer is the gateway's deletion of its sessions)."""

ERASING_SERVICES: tuple[ErasingService, ...] = (
    "gateway", "applications", "reviews", "credentials", "notifications", "portal")


class _ErasureEvent(IntegrationEvent):
    topic: ClassVar[str] = ERASURES.name
    key_field: ClassVar[str] = "subject"

    erasure_id: UUID = Field(description="The erasure request in the gateway's ledger.")
    subject: str = Field(pattern=SUBJECT_PATTERN, max_length=200,
                         description="Whose data key to destroy: an id that identifies the person but holds nothing "
                                     "readable about them.")


class PersonErased(_ErasureEvent):
    """An erasure request may run: destroy the subject's key, scrub the read models, then answer."""

    event_type: ClassVar[str] = "PersonErased"
    version: ClassVar[int] = 1


class ErasureCompleted(_ErasureEvent):
    """One service has erased the subject (idempotent: a replayed `PersonErased` gets the same answer again)."""

    event_type: ClassVar[str] = "ErasureCompleted"
    version: ClassVar[int] = 1

    service: ErasingService


class ErasureDue(IntegrationEvent):
    """A retention period ran out (docs/erasure.md, "Legal holds and retention"): the gateway files an erasure of
    the subject as `system`, once per subject, `held` under a hold, never for a staff account. Published by reviews
    when a holder's last endorsement ended more than the tenant's `register_retention_years` ago; the `ce_id` is a
    uuid5 of the subject, so a repeated sweep sends the same record."""

    event_type: ClassVar[str] = "ErasureDue"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = ERASURES.name
    key_field: ClassVar[str] = "subject"

    subject: str = Field(pattern=r"^account:[0-9a-f-]{36}$", max_length=200,
                         description="The holder's account, as the register names them.")
    reason: Literal["register_retention"] = Field(
        description="Which retention rule ran out: `register_retention` (an ended endorsement's register entry).")
    ended_on: date = Field(description="When the holder's last endorsement ended (lapsed or revoked), in the "
                                       "association's time zone.")
    retention_years: int = Field(ge=1, le=100, description="The tenant's `register_retention_years` then in force.")


EVENTS: tuple[type[IntegrationEvent], ...] = (PersonErased, ErasureCompleted, ErasureDue)

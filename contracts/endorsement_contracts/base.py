"""The base of every integration event: versioned, tenant-scoped, keyed by its aggregate."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

TenantSlug = str


class IntegrationEvent(BaseModel):
    """A public, versioned fact published by one service. Additive changes only within a version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    version: ClassVar[int]
    topic: ClassVar[str]
    key_field: ClassVar[str]

    tenant: TenantSlug = Field(pattern=r"^[a-z][a-z0-9-]{1,39}$", description="Association (tenant) slug.")
    occurred_at: AwareDatetime

    @property
    def key(self) -> str:
        """The Kafka record key: the id of the aggregate this event is about."""
        return str(getattr(self, self.key_field))

    @classmethod
    def type_name(cls) -> str:
        """CloudEvents `type`: the event name and its major version, e.g. `ApplicationSubmitted.v1`."""
        return f"{cls.event_type}.v{cls.version}"


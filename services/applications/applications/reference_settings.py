"""Reference settings (environment): the rater links' key and public URL, link lifetime and reminders."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .domain.reference_data import ReferencePolicy
from .reference_links import MIN_KEY_BYTES, ReferenceLinks


class ReferenceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    public_base_url: str = Field(default="http://localhost:8000",
                                 description="Where the gateway is reachable from outside: the rater links' base.")
    reference_link_key: SecretStr = Field(
        description=f"Secret (at least {MIN_KEY_BYTES} characters) the rater links' tokens are derived from; "
        "changing it breaks the links already sent.")
    reference_link_days: int = Field(default=30, ge=1, le=365, description="How long a rater link works.")
    reference_reminder_after_days: float = Field(
        default=7, gt=0, le=365, description="A rater who has not answered this long after the last email is "
        "reminded, with a new link.")
    reference_max_reminders: int = Field(default=2, ge=0, le=9,
                                         description="Reminders after each email the applicant sends.")
    reference_reminder_sweep_seconds: float = Field(default=3600, gt=0,
                                                    description="How often the reminder sweep runs.")

    @field_validator("reference_link_key")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value().encode()) < MIN_KEY_BYTES:
            raise ValueError(f"REFERENCE_LINK_KEY needs at least {MIN_KEY_BYTES} characters (e.g. 64 hex digits)")
        return value

    def reference_links(self) -> ReferenceLinks:
        return ReferenceLinks(self.reference_link_key.get_secret_value().encode(), self.public_base_url)

    def reference_policy(self) -> ReferencePolicy:
        return ReferencePolicy(link_lifetime=timedelta(days=self.reference_link_days),
                               remind_after=timedelta(days=self.reference_reminder_after_days),
                               max_reminders=self.reference_max_reminders)

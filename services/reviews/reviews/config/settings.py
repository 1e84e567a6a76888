"""Settings from the environment; they fail fast."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, field_validator, model_validator
from servicekit.clock import MOVABLE_ENVIRONMENTS
from servicekit.settings import MissingRaterIndexKeyError, ServiceSettings
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, parse_rater_index_key

from .pseudonym_keys import (
    FINGERPRINT_KEY,
    REVIEWER_SUBJECT_KEY,
    MissingPseudonymKeys,
    PseudonymKeys,
    parse_pseudonym_key,
)

SERVICE_NAME = "reviews"
SCHEMA = "reviews"
EVENT_SOURCE = "/services/reviews"
CONSUMER_GROUP = "reviews"


class ReviewsSettings(ServiceSettings):
    port: int = 8002
    reviews_consumer_group: str = Field(default=CONSUMER_GROUP, min_length=1,
                                        description="Kafka consumer group; tests use their own.")
    reviews_config_dir: str | None = Field(
        default=None, description="Directory of review data files (default: `reviews` next to TENANTS_DIR)."
    )
    lapse_sweep_seconds: float = Field(default=300.0, gt=0, description="How often lapsed endorsements are sought.")
    retention_sweep_seconds: float = Field(
        default=86_400.0, gt=0, description="How often holders whose register retention ran out are sought "
        "(`erasure.register_retention_years` in the tenant files; docs/erasure.md, 'Legal holds and retention').")
    fingerprint_key: SecretStr | None = Field(
        default=None, description="The key of the conflict-of-interest fingerprints, 32 bytes in base64; never "
        "changes once a case is stored (`config.pseudonym_keys`). Required outside development and tests, which "
        "derive it from PERSONAL_DATA_MASTER_KEY when it is unset; set with REVIEWER_SUBJECT_KEY.")
    reviewer_subject_key: SecretStr | None = Field(
        default=None, description="The key of the `reviewer:<tenant>:<hmac>` subjects reviewers' values on the v2 "
        "topic were sealed under before RATER_INDEX_KEY's address subjects, 32 bytes in base64; kept so that an "
        "erasure of a reviewer's address also reaches those (`reviewer_subjects.py`). Required like FINGERPRINT_KEY, "
        "and set with it.")
    rater_index_key: SecretStr | None = Field(
        default=None, description="32 bytes in base64: the HMAC key of the address subjects "
        "(`rater:<tenant>:<hex HMAC>`) reviewers and scorers are sealed under, the SAME value as the gateway's, the "
        "applications' and the notifications service's. Required outside ENVIRONMENT development/test, which use "
        "the fixed `servicekit.subjects.DEVELOPMENT_RATER_INDEX_KEY`.")
    competencies_file: str | None = Field(
        default=None, description="The Competency Guidelines® ids (default: `rulesets/competencies.yaml` next to "
        "TENANTS_DIR, i.e. config/rulesets/competencies.yaml), for reviewers' checklists."
    )

    @field_validator("rater_index_key")
    @classmethod
    def _rater_index_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_rater_index_key(value.get_secret_value())  # ValueError names the fault, never the value
        return value

    def rater_index_key_bytes(self) -> bytes:
        """The address subjects' HMAC key; called at start-up, where a missing key outside development/test must
        fail."""
        if self.rater_index_key is not None:
            return parse_rater_index_key(self.rater_index_key.get_secret_value())
        if self.environment.strip().lower() not in MOVABLE_ENVIRONMENTS:
            raise MissingRaterIndexKeyError(
                f"RATER_INDEX_KEY is required with ENVIRONMENT {self.environment!r}: the same 32 bytes in base64 as "
                "the gateway's, the applications' and the notifications service's")
        return DEVELOPMENT_RATER_INDEX_KEY

    @model_validator(mode="after")
    def _pseudonym_keys_parse(self) -> Self:
        if (self.fingerprint_key is None) != (self.reviewer_subject_key is None):
            raise ValueError(f"set {FINGERPRINT_KEY} and {REVIEWER_SUBJECT_KEY} together (`python -m reviews "
                             "fingerprint-key` prints both)")
        self.pinned_pseudonym_keys()
        return self

    def pinned_pseudonym_keys(self) -> PseudonymKeys | None:
        """FINGERPRINT_KEY and REVIEWER_SUBJECT_KEY as set; None when they are not."""
        if self.fingerprint_key is None or self.reviewer_subject_key is None:
            return None
        return PseudonymKeys(parse_pseudonym_key(self.fingerprint_key.get_secret_value(), FINGERPRINT_KEY),
                             parse_pseudonym_key(self.reviewer_subject_key.get_secret_value(), REVIEWER_SUBJECT_KEY))

    def pseudonym_keys(self) -> PseudonymKeys:
        """The keys in use; call it at start-up, where missing keys outside development and tests must fail (a key
        derived from the master key would stop matching at the master key's next rotation)."""
        pinned = self.pinned_pseudonym_keys()
        if pinned is not None:
            return pinned
        if self.environment.strip().lower() not in MOVABLE_ENVIRONMENTS:
            raise MissingPseudonymKeys(
                f"{FINGERPRINT_KEY} and {REVIEWER_SUBJECT_KEY} are required with ENVIRONMENT {self.environment!r}: "
                "a new deployment sets each to 32 random bytes in base64 (`openssl rand -base64 32`); an existing "
                "one pins the keys it derived so far, printed by `python -m reviews fingerprint-key`")
        return self.derived_pseudonym_keys()

    def derived_pseudonym_keys(self) -> PseudonymKeys:
        """The keys derived from the current master key, as before they were settings of their own."""
        return PseudonymKeys.derived_from(self.master_key())

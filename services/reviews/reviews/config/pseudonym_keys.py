"""The keys of this service's keyed pseudonyms, kept apart from the personal-data master key so that the master key
can rotate (docs/erasure.md, "Master key rotation") without changing any pseudonym already stored or published.

- `FINGERPRINT_KEY`: the conflict-of-interest fingerprints (`domain.personal.keyed_fingerprint`): a case keeps its
  applicant's address, employer and related people only as these, so the key must never change once a case is stored.
- `REVIEWER_SUBJECT_KEY`: the `reviewer:<tenant>:<hmac>` subjects reviewers' values on the v2 topic were sealed under
  before this version (now they are sealed under RATER_INDEX_KEY's address subjects, which erasure requests name).
  Still needed: at start-up the service pairs each assigned reviewer's address subject with that older subject
  (`reviewer_subjects.py`), so that erasing the address also destroys the older key.

Each is 32 bytes in base64, required outside development and tests (like PERSONAL_DATA_MASTER_KEY), and set both
or neither. Before these settings existed both keys were derived from the master key, and development and tests
still derive them so (`PseudonymKeys.derived_from`); `python -m reviews fingerprint-key` prints the values in use,
so an existing deployment pins them before it rotates its master key (services/reviews/README.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from servicekit.shredding import parse_master_key

FINGERPRINT_KEY_LABEL = b"reviews/conflict-of-interest-fingerprints/v1"
REVIEWER_SUBJECT_KEY_LABEL = b"reviews/reviewer-subjects/v1"
FINGERPRINT_KEY = "FINGERPRINT_KEY"
REVIEWER_SUBJECT_KEY = "REVIEWER_SUBJECT_KEY"


class MissingPseudonymKeys(RuntimeError):
    """FINGERPRINT_KEY and REVIEWER_SUBJECT_KEY are unset where no key derived from the master key may stand in."""


def parse_pseudonym_key(text: str, setting: str) -> bytes:
    """A pseudonym key from settings: 32 bytes in base64; a fault names the setting, never the value."""
    try:
        return parse_master_key(text)
    except ValueError:
        raise ValueError(f"{setting} must be 32 bytes in base64 (`openssl rand -base64 32`)") from None


def derive(master_key: bytes, label: bytes) -> bytes:
    return hmac.new(master_key, label, hashlib.sha256).digest()


@dataclass(frozen=True)
class PseudonymKeys:
    fingerprint: bytes
    """The conflict-of-interest fingerprints' key."""
    reviewer_subjects: bytes
    """The key of the `reviewer:` subjects of before (`reviewer_subjects.legacy_reviewer_subject`)."""

    @classmethod
    def derived_from(cls, master_key: bytes) -> PseudonymKeys:
        """The keys as every deployment derived them before they were settings of their own."""
        return cls(derive(master_key, FINGERPRINT_KEY_LABEL), derive(master_key, REVIEWER_SUBJECT_KEY_LABEL))

    def as_settings(self) -> dict[str, str]:
        """The settings that pin these keys, by environment variable name."""
        return {FINGERPRINT_KEY: base64.b64encode(self.fingerprint).decode("ascii"),
                REVIEWER_SUBJECT_KEY: base64.b64encode(self.reviewer_subjects).decode("ascii")}

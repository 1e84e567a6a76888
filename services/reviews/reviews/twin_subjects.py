"""Whose key seals each personal value of this service's v2 events (contracts/README.md, "Sealed v2 events").

The relay publishes every reviews event twice while consumers move to v2 (docs/erasure.md, slice 7b): the v1 event,
then its sealed twin on `endorsement.reviews.v2` under the same `ce_id` (`servicekit.sealed_twins.TwinSealer`). This
module is the `SubjectPolicy` it seals with, following the contracts README's per-field table:

- the applicant, holder or examinee (`applicant`), and what staff wrote to or about them (an information request's
  `items` and `message`, a deferral's `reasons` and `recommendations`, a denial's `reasons`):
  `account:<applicant account id>`, the subject this service already seals them under in its event store;
- a revocation's `reason`: the holder's account, read from the endorsement (the event names no holder);
- `reviewer_email` and `reviewer_name`: the reviewer, by address: `reviewer:<tenant>:<hex HMAC-SHA256(key,
  lower(email))>`, the key being REVIEWER_SUBJECT_KEY (`config.pseudonym_keys`, which a master key rotation leaves
  as it is). Reviews assigns reviewers from the roster by address and does not know their accounts, so their
  subject cannot be `account:<id>` yet, and no erasure request names a reviewer's address subject: erasing a
  reviewer's account does not reach these tokens. That gap stays until reviews learns staff account ids (a
  `reviewer_account_id`, added additively, then `account:<id>`).

A field the policy does not know is a programming error (a new sealed field in the contract): it raises, so the
relay stops and retries rather than publishing a value under the wrong person's key.
"""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID

from endorsement_contracts import IntegrationEvent, Person
from endorsement_contracts.events import EndorsementRevoked, ReviewerAssigned, ReviewerReleased
from servicekit.sealed_twins import FieldPath
from servicekit.subjects import account_subject

from .application import Reviews
from .domain import Endorsement

REVIEWER_FIELDS = frozenset({"reviewer_email", "reviewer_name"})
APPLICANT_TEXT_FIELDS = frozenset({"applicant", "items", "message", "reasons", "recommendations"})
"""Sealed under the applicant (holder, examinee): their own name and email, and staff's words to or about them."""
HOLDER_TEXT_FIELDS = frozenset({"reason"})
"""Sealed under the endorsement's holder: `EndorsementRevoked.reason`."""


def reviewer_subject(tenant: str, email: str, index_key: bytes) -> str:
    """A reviewer known only by address: `reviewer:<tenant>:<hex HMAC-SHA256(index_key, lower(email))>`."""
    digest = hmac.new(index_key, email.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()
    return f"reviewer:{tenant}:{digest}"


class UnknownSealedField(LookupError):
    """A sealed field of a v2 event that this policy names no subject for."""


class ReviewsSubjects:
    """The relay's `SubjectPolicy`: the subject of the value at `path` of a v1 reviews event (module docstring)."""

    def __init__(self, app: Reviews, reviewer_index_key: bytes) -> None:
        self.app = app
        self.reviewer_index_key = reviewer_index_key

    def __call__(self, event: IntegrationEvent, path: FieldPath) -> str:
        field = path[0] if path else None
        if field in REVIEWER_FIELDS and isinstance(event, ReviewerAssigned | ReviewerReleased):
            return reviewer_subject(event.tenant, str(event.reviewer_email), self.reviewer_index_key)
        applicant = getattr(event, "applicant", None)
        if field in APPLICANT_TEXT_FIELDS and isinstance(applicant, Person):
            return account_subject(applicant.account_id)
        if field in HOLDER_TEXT_FIELDS and isinstance(event, EndorsementRevoked):
            return account_subject(self._holder(event.endorsement_id))
        raise UnknownSealedField(f"no subject for {type(event).__name__}.{'.'.join(map(str, path))}")

    def _holder(self, endorsement_id: UUID) -> UUID:
        endorsement: object = self.app.repository.get(endorsement_id)
        if not isinstance(endorsement, Endorsement):
            raise UnknownSealedField(f"{endorsement_id} is not an endorsement")
        return endorsement.holder.account_id

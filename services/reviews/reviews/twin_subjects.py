"""Whose key seals each personal value of this service's v2 events (contracts/README.md, "Sealed v2 events").

The relay publishes every reviews event twice while consumers move to v2 (docs/erasure.md, slice 7b): the v1 event,
then its sealed twin on `endorsement.reviews.v2` under the same `ce_id` (`servicekit.sealed_twins.TwinSealer`). This
module is the `SubjectPolicy` it seals with, following the contracts README's per-field table:

- the applicant, holder or examinee (`applicant`), and what staff wrote to or about them (an information request's
  `items` and `message`, a deferral's `reasons` and `recommendations`, a denial's `reasons`):
  `account:<applicant account id>`, the subject this service already seals them under in its event store;
- a revocation's `reason`: the holder's account, read from the endorsement (the event names no holder);
- `reviewer_email` and `reviewer_name`: the reviewer, by address: `rater:<tenant>:<hex HMAC-SHA256(RATER_INDEX_KEY,
  lower(email))>` (`servicekit.subjects`), the subject the event store seals them under too, and the one the
  gateway files when an erasure request names that address. Reviews assigns reviewers from the roster by address
  and does not know their accounts; erasing a reviewer's account does not reach these tokens, erasing the address
  does. Before this version they were sealed under `reviewer:<tenant>:<hmac>` (REVIEWER_SUBJECT_KEY); an erasure of
  the address destroys that key too (`reviewer_subjects.py`).

A field the policy does not know is a programming error (a new sealed field in the contract): it raises, so the
relay stops and retries rather than publishing a value under the wrong person's key.
"""

from __future__ import annotations

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


class UnknownSealedField(LookupError):
    """A sealed field of a v2 event that this policy names no subject for."""


class ReviewsSubjects:
    """The relay's `SubjectPolicy`: the subject of the value at `path` of a v1 reviews event (module docstring)."""

    def __init__(self, app: Reviews) -> None:
        self.app = app

    def __call__(self, event: IntegrationEvent, path: FieldPath) -> str:
        field = path[0] if path else None
        if field in REVIEWER_FIELDS and isinstance(event, ReviewerAssigned | ReviewerReleased):
            return self.app.address_subject(event.tenant, str(event.reviewer_email))
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

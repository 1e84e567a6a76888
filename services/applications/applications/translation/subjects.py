"""Whose key seals each value of an applications event's sealed v2 twin (docs/erasure.md, slice 7b).

The relay publishes every event twice while consumers move to `endorsement.applications.v2`: the v1 event, then
its twin with every `Sealed` field sealed by this service's own keys (`servicekit.sealed_twins.TwinSealer`), under
the subject the contracts README's table names for the field:

- a rater's `name` and `email` (`rater`) and their `form_url`: the rater, `rater:<tenant>:<hmac>`, the same subject
  the stored `RaterNamed` seals them under (read from the stored reference, so an erased rater's placeholder
  values still go to that rater's destroyed key and open to null);
- everything else (the applicant's name and email, `details`, requirement details, a decline reason, a void
  detail, a withdrawal reason): the applicant, `account:<account id>`, because it is part of their file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from uuid import UUID

from endorsement_contracts import IntegrationEvent
from endorsement_contracts.events import Person
from servicekit.sealed_twins import FieldPath
from servicekit.subjects import account_subject

from ..domain import Application

RATER_FIELDS = frozenset({"rater", "form_url"})
"""Top-level fields of applications events sealed under the rater; every other sealed field is the applicant's."""
CACHED = 4096
"""Subjects remembered per relay: a reference's rater and an application's applicant never change."""

LoadApplication = Callable[[UUID], Application]
RaterSubject = Callable[[str, str], str]
"""(tenant, email) -> the rater's subject id (`ApplicationsService.rater_subject`)."""


class TwinSubjects:
    """The `SubjectPolicy` of the applications relay: `(v1 event, field path) -> subject`."""

    def __init__(self, load: LoadApplication, rater_subject: RaterSubject) -> None:
        self.load = load
        self.rater_subject = rater_subject
        self._stored_rater = functools.lru_cache(maxsize=CACHED)(self._rater_of_reference)
        self._stored_applicant = functools.lru_cache(maxsize=CACHED)(self._applicant_of_application)

    def __call__(self, event: IntegrationEvent, path: FieldPath) -> str:
        if path and path[0] in RATER_FIELDS:
            return self.rater(event)
        return self.applicant(event)

    def applicant(self, event: IntegrationEvent) -> str:
        applicant = getattr(event, "applicant", None)
        if isinstance(applicant, Person):
            return account_subject(applicant.account_id)
        return self._stored_applicant(_application_id(event))  # ReferenceVoided names no applicant

    def rater(self, event: IntegrationEvent) -> str:
        reference_id: UUID = getattr(event, "reference_id")  # noqa: B009 (every event with a rater names one)
        stored = self._stored_rater(_application_id(event), reference_id)
        if stored is not None:
            return stored
        rater = getattr(event, "rater")  # noqa: B009
        return self.rater_subject(event.tenant, str(rater.email))  # a rater named before sealing had no subject

    def _rater_of_reference(self, application_id: UUID, reference_id: UUID) -> str | None:
        reference = self.load(application_id).references.get(reference_id)
        return None if reference is None else reference.rater.subject

    def _applicant_of_application(self, application_id: UUID) -> str:
        return self.load(application_id).applicant.subject


def _application_id(event: IntegrationEvent) -> UUID:
    application_id: UUID = getattr(event, "application_id")  # noqa: B009 (every applications event names one)
    return application_id

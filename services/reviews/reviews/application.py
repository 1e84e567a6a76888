"""The reviews service's application: the event store (`ReviewStore`) with its use cases, one object per concern.

Each use case class in `use_cases/` receives the store (`IntakeCases(store)`), as applications' do. `Reviews`
builds them once, so that every caller (routes, the consumer, the sweeps, tests) reaches them the same way:
`reviews.intake.case_for(...)`, `reviews.decisions.approve(...)`. What only reads or saves (`get_case`,
`case_file`, `save`, ...) stays on the store itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY

from .domain.personal import Fingerprint
from .store import CaseFile, EndorsementFile, LegacySubjects, PersonalDataKeys, ReviewStore
from .use_cases.decisions import DecisionCases
from .use_cases.endorsements import EndorsementCases
from .use_cases.erasure import ErasureCases
from .use_cases.examinations import ExaminationCases
from .use_cases.intake import IntakeCases, Submission
from .use_cases.retention import RetentionCases
from .use_cases.reviewing import ReviewingCases

__all__ = ["CaseFile", "EndorsementFile", "Reviews", "Submission"]


class Reviews(ReviewStore):
    """Load an aggregate, ask it to act, save what it decided (with the aggregates it created, atomically): the
    store's arguments, then one attribute per concern."""

    def __init__(self, env: Mapping[str, str] | None = None, *, keys: PersonalDataKeys,
                 fingerprint: Fingerprint, rater_index_key: bytes = DEVELOPMENT_RATER_INDEX_KEY,
                 legacy_subjects: LegacySubjects | None = None) -> None:
        super().__init__(env, keys=keys, fingerprint=fingerprint, rater_index_key=rater_index_key,
                         legacy_subjects=legacy_subjects)
        self.intake = IntakeCases(self)
        """Cases opened from submissions, completeness, information requests, withdrawals."""
        self.reviewing = ReviewingCases(self)
        """Reviewer assignment and the reviewers' own work."""
        self.decisions = DecisionCases(self)
        """The coordinator's decisions (renewal and reinstatement cases through `RegisterCases`)."""
        self.examinations = ExaminationCases(self)
        """Examinations: registration, accommodations, results, blind scoring, feedback."""
        self.endorsements = EndorsementCases(self)
        """The register: renewals, revocation, reinstatement, the lapse sweep's lapses."""
        self.retention = RetentionCases(self)
        """Register retention: the retention sweep's `ErasureDue` decisions."""
        self.erasure = ErasureCases(self)
        """`PersonErased`: the subject's key destroyed, their endorsements surrendered, the erasure recorded."""

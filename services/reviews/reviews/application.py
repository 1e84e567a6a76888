"""The reviews service's application: the event store with every use case (see `use_cases/`)."""

from __future__ import annotations

from .store import CaseFile, EndorsementFile
from .use_cases.decisions import DecisionUseCases
from .use_cases.endorsements import EndorsementUseCases
from .use_cases.erasure import ErasureUseCases
from .use_cases.examinations import ExaminationUseCases
from .use_cases.intake import IntakeUseCases, Submission
from .use_cases.retention import RetentionUseCases
from .use_cases.reviewing import ReviewingUseCases

__all__ = ["CaseFile", "EndorsementFile", "Reviews", "Submission"]


class Reviews(IntakeUseCases, ReviewingUseCases, DecisionUseCases, EndorsementUseCases, ExaminationUseCases,
              ErasureUseCases, RetentionUseCases):
    """Load an aggregate, ask it to act, save what it decided (with the aggregates it created, atomically)."""

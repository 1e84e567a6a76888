"""Every stored event of a review case after it opens, by concern; each records who and when, and applies itself.

Guards live in the case's commands (case.py and its mixins); an event only records and applies what was decided.
"""

from .events_decisions import ApprovedAsEmerging, ApprovedForExam, Deferred, Denied, ExamScored
from .events_intake import (
    CompletenessPassed,
    InformationReceived,
    InformationRequested,
    ReturnedIncomplete,
    Withdrawn,
)
from .events_review import (
    AssignmentAnswered,
    RecommendationSubmitted,
    ReviewConcluded,
    ReviewerAssigned,
    ReviewerWithdrawn,
)

__all__ = [
    "ApprovedAsEmerging",
    "ApprovedForExam",
    "AssignmentAnswered",
    "CompletenessPassed",
    "Deferred",
    "Denied",
    "ExamScored",
    "InformationReceived",
    "InformationRequested",
    "RecommendationSubmitted",
    "ReturnedIncomplete",
    "ReviewConcluded",
    "ReviewerAssigned",
    "ReviewerWithdrawn",
    "Withdrawn",
]

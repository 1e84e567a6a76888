"""Read models of the reviews service, kept by servicekit's projection runner."""

from .assignments import AssignmentRow, list_assignments, workloads
from .endorsements import (
    EndorsementQuery,
    EndorsementRow,
    EndorsementsProjection,
    due_to_lapse,
    held_by,
    list_endorsements,
)
from .reports import (
    DecisionCount,
    ReviewReportsProjection,
    StateDurations,
    StateStay,
    case_time_in_state,
    decisions,
    time_in_state,
)
from .review_cases import CaseQuery, CaseRow, ReviewCasesProjection, find_latest_case_id, list_cases

__all__ = [
    "AssignmentRow",
    "CaseQuery",
    "CaseRow",
    "DecisionCount",
    "EndorsementQuery",
    "EndorsementRow",
    "EndorsementsProjection",
    "ReviewCasesProjection",
    "ReviewReportsProjection",
    "StateDurations",
    "StateStay",
    "case_time_in_state",
    "decisions",
    "due_to_lapse",
    "find_latest_case_id",
    "held_by",
    "list_assignments",
    "list_cases",
    "list_endorsements",
    "time_in_state",
    "workloads",
]

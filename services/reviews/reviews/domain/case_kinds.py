"""What a review case is about: an application, a renewal, or a reinstatement; and what each kind admits.

Renewals are decided by the coordinator alone (the administrator checks the hours and membership, domain §5.1),
go to no reviewer and no exam, and are not held for a review cycle (their own window and removal date govern them).
A reinstatement is reviewed like an application, without the exam (a passed exam is not retaken, §5.3).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class CaseKind(StrEnum):
    INITIAL = "initial"
    RENEWAL = "renewal"
    REINSTATEMENT = "reinstatement"


class Work(StrEnum):
    """Work on a case that its kind, or its review cycle, may rule out."""

    ASSIGN_REVIEWER = "assign a reviewer"
    DECIDE = "decide"
    APPROVE_FOR_EXAM = "approve for the exam"
    APPROVE_AS_EMERGING = "approve as emerging"
    DEFER = "defer"
    DENY = "deny"


NOT_FOR_KIND: Mapping[CaseKind, frozenset[Work]] = MappingProxyType({
    CaseKind.INITIAL: frozenset(),
    CaseKind.RENEWAL: frozenset({Work.ASSIGN_REVIEWER, Work.APPROVE_FOR_EXAM, Work.APPROVE_AS_EMERGING, Work.DEFER,
                                 Work.DENY}),
    CaseKind.REINSTATEMENT: frozenset({Work.APPROVE_FOR_EXAM, Work.APPROVE_AS_EMERGING}),
})

CYCLED_KINDS = frozenset({CaseKind.INITIAL, CaseKind.REINSTATEMENT})
"""Kinds held for the association's review cycle; renewals are taken as they come."""

REGISTER_KINDS = frozenset({CaseKind.RENEWAL, CaseKind.REINSTATEMENT})
"""Kinds about an existing register entry (their approval changes it instead of granting a new one)."""

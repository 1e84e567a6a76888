"""Reviewers, and who may review whom: eligibility (category rank, trained, active) and conflicts of interest."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import ReviewerConflicted, ReviewerNotEligible
from .policy import ReviewPolicy


def normalised_email(email: str) -> str:
    return email.strip().lower()


def normalised_employer(employer: str | None) -> str | None:
    cleaned = " ".join((employer or "").split()).casefold()
    return cleaned or None


@dataclass(frozen=True)
class Reviewer:
    """A volunteer reviewer on an association's roster, identified by the email of their gateway account."""

    email: str
    name: str
    category: str
    """The category the reviewer is endorsed in."""
    trained: bool = True
    active: bool = True
    employer: str | None = None
    declared_conflicts: frozenset[str] = frozenset()
    """Emails of people the reviewer declared they must not review."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "email", normalised_email(self.email))
        object.__setattr__(self, "declared_conflicts", frozenset(normalised_email(e) for e in self.declared_conflicts))


@dataclass(frozen=True)
class Relations:
    """People close to the applicant, as the application names them: none of them may review it."""

    applicant_email: str
    employer: str | None = None
    related_emails: frozenset[str] = field(default_factory=frozenset)
    """The applicant's raters, reflective-supervision provider and supervisor."""


def check_eligible(reviewer: Reviewer, category: str, policy: ReviewPolicy) -> None:
    """Refuse a reviewer who is inactive, untrained, or endorsed below the applicant's category."""
    if not reviewer.active:
        raise ReviewerNotEligible(f"{reviewer.email} is not an active reviewer")
    if not reviewer.trained:
        raise ReviewerNotEligible(f"{reviewer.email} has not completed reviewer training")
    own, needed = policy.rank(reviewer.category), policy.rank(category)
    if own is None or needed is None or own < needed:
        raise ReviewerNotEligible(
            f"{reviewer.email} is endorsed as {reviewer.category}; reviewing {category} needs that category or higher"
        )


def conflict_of(reviewer: Reviewer, relations: Relations) -> str | None:
    """Why the reviewer may not review this applicant, or None when nothing stands in the way."""
    applicant = normalised_email(relations.applicant_email)
    if reviewer.email == applicant:
        return "the reviewer is the applicant"
    if reviewer.email in {normalised_email(e) for e in relations.related_emails}:
        return "the reviewer is a rater, the reflective-supervision provider or the supervisor of the applicant"
    employer = normalised_employer(reviewer.employer)
    if employer is not None and employer == normalised_employer(relations.employer):
        return "the reviewer works for the applicant's employer"
    if applicant in reviewer.declared_conflicts:
        return "the reviewer declared a conflict of interest with the applicant"
    return None


def check_unconflicted(reviewer: Reviewer, relations: Relations) -> None:
    reason = conflict_of(reviewer, relations)
    if reason is not None:
        raise ReviewerConflicted(f"{reviewer.email} may not review this application: {reason}")

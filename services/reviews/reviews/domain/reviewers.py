"""Reviewers, and who may review whom: eligibility (category rank, trained, active) and conflicts of interest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import ReviewerConflicted, ReviewerNotEligible
from .personal import Fingerprint, RosterMember
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
    subject: str | None = None
    """The keyed subject of the address in the association, which the service sets before assigning (the roster
    read from the data files has none: the key is the service's)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "email", normalised_email(self.email))
        object.__setattr__(self, "declared_conflicts", frozenset(normalised_email(e) for e in self.declared_conflicts))

    def as_member(self) -> RosterMember:
        """How an assignment names them; only once the service set their subject."""
        if self.subject is None:
            raise ValueError(f"{self.email}'s subject is not set: the service identifies roster members first")
        return RosterMember(self.subject, self.email, self.name)


def email_fingerprint(fingerprint: Fingerprint, email: str) -> str:
    return fingerprint("email:" + normalised_email(email))


def employer_fingerprint(fingerprint: Fingerprint, employer: str | None) -> str | None:
    cleaned = normalised_employer(employer)
    return None if cleaned is None else fingerprint("employer:" + cleaned)


@dataclass(frozen=True)
class Relations:
    """People close to the applicant, as the application names them: none of them may review it.

    Kept as keyed fingerprints (`personal.Fingerprint`), never as addresses or names, so the conflict rules work
    the same before and after the applicant's erasure and nothing readable about these people is stored. Cases
    stored before fingerprints hold the plain texts (`fingerprinted` False) until they are compared."""

    applicant: str | None
    """The applicant's email address; None only for an erased case stored before fingerprints."""
    employer: str | None = None
    related: frozenset[str] = field(default_factory=frozenset)
    """The applicant's raters, reflective-supervision provider and supervisor."""
    fingerprinted: bool = True

    @classmethod
    def of(cls, fingerprint: Fingerprint, applicant_email: str | None, employer: str | None = None,
           related_emails: Iterable[str] = ()) -> Relations:
        return cls(applicant=None if applicant_email is None else email_fingerprint(fingerprint, applicant_email),
                   employer=employer_fingerprint(fingerprint, employer),
                   related=frozenset(email_fingerprint(fingerprint, e) for e in related_emails if e.strip()))

    @classmethod
    def unfingerprinted(cls, applicant_email: str | None, employer: str | None,
                        related_emails: Iterable[str]) -> Relations:
        """The plain texts of a case stored before fingerprints (its upcast event)."""
        return cls(applicant_email, employer, frozenset(related_emails), fingerprinted=False)

    def fingerprinted_with(self, fingerprint: Fingerprint) -> Relations:
        if self.fingerprinted:
            return self
        return Relations.of(fingerprint, self.applicant, self.employer, self.related)


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


def conflict_of(reviewer: Reviewer, relations: Relations, fingerprint: Fingerprint) -> str | None:
    """Why the reviewer may not review this applicant, or None when nothing stands in the way. The roster's
    plain addresses are fingerprinted with the key the case's relations were, and only fingerprints compared."""
    relations = relations.fingerprinted_with(fingerprint)
    own = email_fingerprint(fingerprint, reviewer.email)
    if relations.applicant is not None and own == relations.applicant:
        return "the reviewer is the applicant"
    if own in relations.related:
        return "the reviewer is a rater, the reflective-supervision provider or the supervisor of the applicant"
    employer = employer_fingerprint(fingerprint, reviewer.employer)
    if employer is not None and employer == relations.employer:
        return "the reviewer works for the applicant's employer"
    declared = {email_fingerprint(fingerprint, email) for email in reviewer.declared_conflicts}
    if relations.applicant is not None and relations.applicant in declared:
        return "the reviewer declared a conflict of interest with the applicant"
    return None


def check_unconflicted(reviewer: Reviewer, relations: Relations, fingerprint: Fingerprint) -> None:
    reason = conflict_of(reviewer, relations, fingerprint)
    if reason is not None:
        raise ReviewerConflicted(f"{reviewer.email} may not review this application: {reason}")

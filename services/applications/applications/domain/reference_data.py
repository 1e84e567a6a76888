"""References: who rates the applicant, the link they answer through, the form they fill in, and the result.

A reference is part of the Application aggregate (see `references.py`); these are its values, read by the
aggregate, the requirement checker and the ports. Times are timezone-aware; `completed_on` is the
association's local date.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Literal
from uuid import UUID

from .competencies import CompetencyFramework
from .rules import NOT_ENOUGH_INFORMATION, RaterRole, RatingOption, ReferenceRule, ReferenceSlot

ENDORSEMENT_LEVELS: Mapping[str, int] = MappingProxyType({
    "IFA": 1, "ECFA": 1,
    "IFS": 2, "ECFS": 2,
    "IFRS": 3, "ECFRS": 3, "IMHS": 3, "ECMHS": 3,
    "IMHM-C": 4, "IMHM-P": 4, "IMHM-R/F": 4, "ECMHM-C": 4, "ECMHM-P": 4, "ECMHM-R/F": 4,
})
"""Network-wide categories and their former levels I-IV (domain §2.1), for "endorsed at X or higher".
IMH-E and ECMH-E categories of one level count alike; the new IFRS/ECFRS are placed with IMHS (level 3) as the
reviews service ranks them [assumption]."""


def endorsement_level(category: str | None) -> int:
    """0 when not endorsed (or endorsed in a category no level is known for)."""
    return ENDORSEMENT_LEVELS.get(category or "", 0)


def endorsed_at_or_above(category: str | None, needed: str) -> bool:
    return endorsement_level(category) >= endorsement_level(needed) > 0


def hash_secret(secret: str) -> str:
    """What the aggregate stores of a link's secret: its SHA-256, never the secret itself."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ReferenceStatus(StrEnum):
    REQUESTED = "requested"
    COMPLETED = "completed"
    VOIDED = "voided"


class Vetting(StrEnum):
    """The coordinator's vetting of a rater who is not endorsed at the slot's level (domain §3.4)."""

    NOT_REQUIRED = "not_required"
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class VoidReason(StrEnum):
    NOT_ENOUGH_INFORMATION = "not_enough_information"
    WITHDRAWN = "withdrawn"
    VETTING_REFUSED = "vetting_refused"
    DECLINED = "declined"
    """The rater declined through their link."""


@dataclass(frozen=True)
class RaterIdentity:
    """Who a rater is, as `RaterNamed` stores it: sealed under the rater's own subject
    (`rater:<tenant>:<keyed hash of the address>`), so erasing the rater hides who they are while the reference
    still counts. `subject` is None only for raters named before sealing."""

    subject: str | None
    name: str | None
    email: str | None


@dataclass(frozen=True)
class Rater:
    name: str | None
    """None (like `email`) once the rater is erased."""
    email: str | None
    kind: RaterRole
    endorsed_category: str | None = None
    """The category the rater is endorsed in, as the applicant states it (reviewers confirm it)."""
    relationship: str | None = None
    language: str | None = None
    """The language of the rater's email and form (`en`, `es`), when the applicant chose one."""
    subject: str | None = None
    """The rater's subject id: a keyed hash of their lower-cased address, given by the use case that names them
    (the domain holds no key). Two raters with one subject are one person."""

    @property
    def identity(self) -> RaterIdentity:
        return RaterIdentity(self.subject, self.name, self.email)

    @property
    def erased(self) -> bool:
        return self.name is None and self.email is None

    @property
    def shown_name(self) -> str:
        """The name, or `erased` once the rater is erased (for messages and reason params)."""
        return ERASED if self.name is None else self.name

    def same_person(self, other: Rater) -> bool:
        """By subject (a keyed hash of the address, so it holds after an erasure); raters named before sealing
        have none and compare by address."""
        if self.subject is not None and other.subject is not None:
            return self.subject == other.subject
        return self.email is not None and other.email is not None and self.email.casefold() == other.email.casefold()


RATER_LANGUAGES = ("en", "es")
ERASED = "erased"
"""What messages say in place of an erased person's name."""
ReferenceState = Literal["sent", "reminded", "completed", "void", "declined"]


@dataclass(frozen=True)
class LinkRequest:
    """One email with a link; a new one (re-send or reminder) replaces the link of the one before."""

    number: int
    secret_hash: str
    requested_at: datetime
    expires_at: datetime
    reminder: bool = False

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(hash_secret(secret), self.secret_hash)


@dataclass(frozen=True)
class Answer:
    """The rater's completed form."""

    request_number: int
    answered_at: datetime
    completed_on: date
    ratings: Mapping[str, str]
    """Form item id -> rating value (or `not_enough_information`)."""
    comments: str | None
    not_enough_information: int


@dataclass(frozen=True)
class Reference:
    id: UUID
    slot: int
    """1-based, as in the rule set's list of slots."""
    rater: Rater
    waived: bool
    """The applicant waived the right to see the reference's contents."""
    named_at: datetime
    request: LinkRequest
    vetting: Vetting = Vetting.NOT_REQUIRED
    vetting_reason: str | None = None
    reminders_sent: int = 0
    """Reminders since the applicant's last request."""
    requests_made: int = 1
    answer: Answer | None = None
    void_reason: VoidReason | None = None
    void_detail: str | None = None

    @property
    def status(self) -> ReferenceStatus:
        if self.void_reason is not None:
            return ReferenceStatus.VOIDED
        return ReferenceStatus.REQUESTED if self.answer is None else ReferenceStatus.COMPLETED

    @property
    def state(self) -> ReferenceState:
        """For people: sent, reminded (the last email was a reminder), completed, declined or void."""
        if self.void_reason is VoidReason.DECLINED:
            return "declined"
        if self.void_reason is not None:
            return "void"
        if self.answer is not None:
            return "completed"
        return "reminded" if self.request.reminder else "sent"

    @property
    def active(self) -> bool:
        """Holds its slot: requested or completed, not voided."""
        return self.void_reason is None

    def valid_until(self, rule: ReferenceRule) -> date | None:
        """The last day the completed reference counts for a submission (completion day + 12 months - 1 day)."""
        if self.answer is None:
            return None
        return self.answer.completed_on + timedelta(days=rule.valid_for_days - 1)


@dataclass(frozen=True)
class FormItem:
    id: str
    domain: str
    name: str


@dataclass(frozen=True)
class ReferenceForm:
    """What the rater rates: one item per knowledge/skill area of the rule set's rated domains."""

    items: tuple[FormItem, ...]
    scale: tuple[RatingOption, ...]
    """The rule set's scale, then `not_enough_information`."""
    max_not_enough_information: int
    valid_for_days: int = 365
    item_ids: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "item_ids", frozenset(i.id for i in self.items))

    @classmethod
    def of(cls, rule: ReferenceRule, framework: CompetencyFramework) -> ReferenceForm:
        items: list[FormItem] = []
        for domain in rule.rated_domains:
            areas = [a for a in framework.areas.values() if a.domain == domain]
            if areas:
                items.extend(FormItem(a.id, domain, a.name) for a in areas)
            elif domain in framework.domains:  # a domain with no areas listed is rated as a whole
                items.append(FormItem(domain, domain, framework.domains[domain]))
        return cls(tuple(items), (*rule.rating_scale, NOT_ENOUGH_INFORMATION), rule.max_not_enough_information,
                   rule.valid_for_days)

    @property
    def values(self) -> frozenset[str]:
        return frozenset(option.value for option in self.scale)


@dataclass(frozen=True)
class ReferencePolicy:
    """How links and reminders work (service settings, not association rules)."""

    link_lifetime: timedelta = timedelta(days=30)
    remind_after: timedelta = timedelta(days=7)
    """A reminder (with a new link) goes out when the rater has not answered this long after the last email."""
    max_reminders: int = 2
    """Reminders after each request of the applicant's."""


def vetting_for(rule: ReferenceRule, slot: ReferenceSlot, rater: Rater) -> Vetting | None:
    """What a rater needs to rate in a slot: nothing (`NOT_REQUIRED`), a coordinator's vetting (`PENDING`), or
    None when the slot takes only raters endorsed at its level and this one is not."""
    needed = slot.endorsed_at_or_above
    if needed is None or endorsed_at_or_above(rater.endorsed_category, needed):
        return Vetting.NOT_REQUIRED
    if not slot.vetting_allowed:
        return None
    return Vetting.PENDING if rule.non_endorsed_rater_requires_vetting else Vetting.NOT_REQUIRED

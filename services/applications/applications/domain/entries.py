"""What an applicant enters on the application's tabs: value objects and their vocabularies.

An entry's free texts (`PERSONAL_TEXTS`: employer, role, institution, titles, provider names) are personal: events
store them sealed under the applicant's subject (`PersonalEntry`). Once the applicant is erased they decode as None,
so they are typed `str | None`; new entries always have them (`entry_checks`), and no rule reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID


class Tab(StrEnum):
    """The tabs that hold lists of entries (added, changed and removed one by one)."""

    EDUCATION = "education"
    WORK = "work"
    TRAINING = "training"
    RSC = "rsc"


class EducationKind(StrEnum):
    DEGREE = "degree"
    CDA = "cda"
    """Child Development Associate credential."""
    LICENCE = "licence"
    """A professional mental-health licence."""


class DegreeLevel(StrEnum):
    ASSOCIATE = "associate"
    BACHELOR = "bachelor"
    MASTER = "master"
    DOCTORATE = "doctorate"

    @property
    def rank(self) -> int:
        return list(DegreeLevel).index(self)


class AgeBand(StrEnum):
    """The ages of the children the work was about."""

    INFANT_TODDLER = "0-3"
    EARLY_CHILDHOOD = "3-6"
    BOTH = "0-6"

    def covers(self, band: AgeBand) -> bool:
        return self is band or self is AgeBand.BOTH


class WorkActivity(StrEnum):
    """What a period of work consisted of; one entry may name several."""

    DIRECT_SERVICE = "direct_service"
    """Promotion/prevention work with infants or young children and their families."""
    INFANT_PARENT_INTERVENTION = "infant_parent_intervention"
    """Relationship-focused IMH services with both the child and the parent (intervention/treatment)."""
    RSC_PROVISION = "rsc_provision"
    """Providing reflective supervision/consultation."""
    LEADERSHIP = "leadership"
    POLICY_ADMINISTRATION = "policy_administration"
    TEACHING_RESEARCH = "teaching_research"


class RscFormat(StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"


class AttestationKind(StrEnum):
    CODE_OF_ETHICS = "code_of_ethics"
    ENDORSEMENT_AGREEMENT = "endorsement_agreement"


class FeeKind(StrEnum):
    REGISTRATION = "registration"
    PROCESSING = "processing"
    RENEWAL = "renewal"
    """The yearly renewal fee (the late fee after the due date), on renewal applications."""


@dataclass(frozen=True)
class EducationEntry:
    kind: EducationKind
    institution: str | None
    """The school, the CDA council or the licensing board."""
    year: int
    level: DegreeLevel | None = None
    """Degrees only."""
    field: str | None = None
    """Subject of a degree, or the licence held."""
    related_field: bool = False
    """The applicant says the field relates to infant/early-childhood development or mental health."""
    transcript_document_id: UUID | None = None


@dataclass(frozen=True)
class WorkEntry:
    employer: str | None
    role: str | None
    start: date
    end: date | None
    """None while the job continues."""
    paid: bool
    supervised: bool
    families_served: int
    age_band: AgeBand
    activities: tuple[WorkActivity, ...]
    specialized_training: bool = False
    """A volunteer role that included specialized training (CASA, doula, Child Life…)."""


@dataclass(frozen=True)
class TrainingEntry:
    title: str | None
    provider: str | None
    completed_on: date
    hours: Decimal
    competencies: tuple[str, ...]
    """Competency domain / knowledge-area ids (`config/rulesets/competencies.yaml`)."""
    dei_hours: Decimal = Decimal(0)
    """Hours of the training on diversity, equity and inclusion (part of `hours`)."""
    rsc_provision_hours: Decimal = Decimal(0)
    """Hours of the training on providing RSC (part of `hours`)."""


@dataclass(frozen=True)
class RscEntry:
    """Reflective supervision/consultation the applicant received from one provider over one period."""

    provider_name: str | None
    provider_category: str
    """The provider's endorsement category code, e.g. `IMHS`."""
    hours: Decimal
    start: date
    end: date
    format: RscFormat
    provider_addons: tuple[str, ...] = ()
    """The provider's endorsement add-ons, e.g. `ERS`."""
    provider_emerging: bool = False
    """The provider's endorsement (or add-on) is at Emerging status."""
    hours_about_providing_rsc: Decimal = Decimal(0)
    """Hours (part of `hours`) about the RSC the applicant provides to others."""


Entry = EducationEntry | WorkEntry | TrainingEntry | RscEntry

PERSONAL_TEXTS: dict[type, tuple[str, ...]] = {
    EducationEntry: ("institution", "field"),
    WorkEntry: ("employer", "role"),
    TrainingEntry: ("title", "provider"),
    RscEntry: ("provider_name",),
}
"""The free texts of each kind of entry, sealed in events (None once the applicant is erased)."""


@dataclass(frozen=True)
class PersonalEntry:
    """An entry as `EntryAdded`/`EntryReplaced` store it: its `PERSONAL_TEXTS` sealed under the applicant's
    `subject` (None only in events stored before sealing)."""

    subject: str | None
    entry: Entry


TAB_OF: dict[type, Tab] = {EducationEntry: Tab.EDUCATION, WorkEntry: Tab.WORK, TrainingEntry: Tab.TRAINING,
                           RscEntry: Tab.RSC}


@dataclass(frozen=True)
class Membership:
    association: str
    expires_on: date
    member_id: str | None = None
    """Sealed in events (see `RECORD_TEXTS`)."""
    individual: bool = True
    """Individual (not organisational) membership, as endorsement needs."""
    other_association: bool = False
    """Membership of another IMH association than the one applied to."""


@dataclass(frozen=True)
class FeePayment:
    kind: FeeKind
    amount_cents: int
    reference: str | None
    """The payment's receipt or transaction reference (None once the applicant is erased)."""
    paid_on: date


RECORD_TEXTS: dict[type, tuple[str, ...]] = {Membership: ("member_id",), FeePayment: ("reference",)}
"""The identifying texts of a membership and a fee payment, sealed in events (None once the applicant is erased):
a member number or a receipt reference finds the person in another organisation's records."""


@dataclass(frozen=True)
class PersonalRecord:
    """A membership or a fee payment as `MembershipRecorded`/`FeeRecorded` store it: its `RECORD_TEXTS` sealed
    under the applicant's `subject`."""

    subject: str | None
    record: Membership | FeePayment


@dataclass(frozen=True)
class Attestation:
    kind: AttestationKind
    attested_at: datetime

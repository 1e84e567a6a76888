"""Request and response bodies of the application's tabs. Requests are strict: unknown fields are refused."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, StrictBool, StringConstraints

from ..domain import (
    AgeBand,
    Attestation,
    AttestationKind,
    DegreeLevel,
    EducationEntry,
    EducationKind,
    FeeKind,
    FeePayment,
    Membership,
    RscEntry,
    RscFormat,
    TrainingEntry,
    WorkActivity,
    WorkEntry,
)
from ..domain.entry_checks import MAX_ADDONS, MAX_FAMILIES, MAX_FEE_CENTS, MAX_REFERENCE, MAX_TAGS, MAX_TEXT

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT)] | None
def _written_date(value: object) -> object:
    """Dates are `YYYY-MM-DD` strings: numbers (timestamps) are refused rather than guessed at."""
    if isinstance(value, str) or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    raise ValueError("write dates as YYYY-MM-DD")


Day = Annotated[date, BeforeValidator(_written_date)]
AsNumber = PlainSerializer(float, return_type=float, when_used="json")
Hours = Annotated[Decimal, Field(gt=0, le=1000, decimal_places=2, description="Clock hours, e.g. 1.5."), AsNumber]
PartHours = Annotated[Decimal, Field(ge=0, le=1000, decimal_places=2), AsNumber]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z/\-]{1,15}$")]
CompetencyId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$")]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EducationIn(_Request):
    kind: EducationKind
    institution: Text = Field(description="School, CDA council or licensing board.")
    year: int = Field(ge=1950, le=2100)
    level: DegreeLevel | None = Field(default=None, description="Degrees only: associate, bachelor, master, doctorate.")
    field: OptionalText = Field(default=None, description="Subject of a degree, or the licence held.")
    related_field: StrictBool = False
    transcript_document_id: UUID | None = None

    def entry(self) -> EducationEntry:
        return EducationEntry(**self.model_dump())


class WorkIn(_Request):
    employer: Text
    role: Text
    start: Day
    end: Day | None = Field(default=None, description="Leave out while the job continues.")
    paid: StrictBool
    supervised: StrictBool
    families_served: int = Field(ge=0, le=MAX_FAMILIES)
    age_band: AgeBand
    activities: list[WorkActivity] = Field(min_length=1, max_length=len(WorkActivity))
    specialized_training: StrictBool = False

    def entry(self) -> WorkEntry:
        return WorkEntry(**{**self.model_dump(), "activities": tuple(self.activities)})


class TrainingIn(_Request):
    title: Text
    provider: Text
    completed_on: Day
    hours: Hours
    competencies: list[CompetencyId] = Field(default_factory=list, max_length=MAX_TAGS,
                                             description="Competency domain or knowledge-area ids.")
    dei_hours: PartHours = Decimal(0)
    rsc_provision_hours: PartHours = Decimal(0)

    def entry(self) -> TrainingEntry:
        return TrainingEntry(**{**self.model_dump(), "competencies": tuple(self.competencies)})


class RscIn(_Request):
    provider_name: Text
    provider_category: Code = Field(description="The provider's endorsement category, e.g. IMHS.")
    provider_addons: list[Code] = Field(default_factory=list, max_length=MAX_ADDONS, examples=[["ERS"]])
    provider_emerging: StrictBool = False
    hours: Hours
    start: Day
    end: Day
    format: RscFormat
    hours_about_providing_rsc: PartHours = Decimal(0)

    def entry(self) -> RscEntry:
        return RscEntry(**{**self.model_dump(), "provider_addons": tuple(self.provider_addons)})


class MembershipIn(_Request):
    association: Text
    expires_on: Day
    member_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_REFERENCE)] | None = None
    individual: StrictBool = True
    other_association: StrictBool = Field(default=False, description="A member of another IMH association.")

    def membership(self) -> Membership:
        return Membership(**self.model_dump())


class FeeIn(_Request):
    amount_cents: int = Field(ge=1, le=MAX_FEE_CENTS, description="Amount paid, in cents (USD 20.00 = 2000).")
    reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REFERENCE)]
    paid_on: Day

    def fee(self, kind: FeeKind) -> FeePayment:
        return FeePayment(kind=kind, **self.model_dump())


ErasedText = str | None
"""An entry's free text as answered: null once the applicant is erased (the entry itself still counts)."""


class EducationOut(EducationIn):
    id: UUID
    institution: ErasedText  # type: ignore[assignment]


class WorkOut(WorkIn):
    id: UUID
    employer: ErasedText  # type: ignore[assignment]
    role: ErasedText  # type: ignore[assignment]


class TrainingOut(TrainingIn):
    id: UUID
    title: ErasedText  # type: ignore[assignment]
    provider: ErasedText  # type: ignore[assignment]


class RscOut(RscIn):
    id: UUID
    provider_name: ErasedText  # type: ignore[assignment]


class MembershipOut(BaseModel):
    association: str
    expires_on: date
    member_id: str | None
    individual: bool
    other_association: bool


class AttestationOut(BaseModel):
    kind: AttestationKind
    attested_at: datetime

    @classmethod
    def of(cls, attestation: Attestation) -> AttestationOut:
        return cls(kind=attestation.kind, attested_at=attestation.attested_at)


class FeeOut(BaseModel):
    kind: FeeKind
    amount_cents: int
    reference: ErasedText = Field(description="The receipt or transaction reference; null once the applicant is "
                                  "erased.")
    paid_on: date

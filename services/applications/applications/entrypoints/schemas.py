"""HTTP request and response bodies. Requests are strict: unknown fields are refused."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictBool, StringConstraints

from ..domain import Application, Status, Tab
from ..domain.model import MAX_COUNTY, MAX_NAME, MAX_PHONE, MAX_STATEMENT, MAX_WITHDRAWAL_REASON
from ..domain.renewals import ApplicationKind
from .document_schemas import DocumentOut, RegistrationOut
from .outcome_schemas import ReviewOut
from .renewal_schemas import RenewalOut
from .tab_schemas import AttestationOut, EducationOut, FeeOut, MembershipOut, RscOut, TrainingOut, WorkOut


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StartApplication(_Request):
    category: str = Field(min_length=1, max_length=16, description="A category code the association offers.",
                          examples=["IFS"])


class DetailsPatch(_Request):
    """Only the fields present change; `null` clears a text field."""

    phone: Annotated[str, StringConstraints(max_length=MAX_PHONE, pattern=r"^[0-9+().\- ]*$")] | None = None
    county: Annotated[str, StringConstraints(max_length=MAX_COUNTY)] | None = None
    statement: Annotated[str, StringConstraints(max_length=MAX_STATEMENT)] | None = Field(
        default=None, description="The applicant's summary of their work (at most 4000 characters)."
    )
    ethics_attested: StrictBool = Field(
        default=False, description="Shorthand: true signs both the Code of Ethics and the Endorsement Agreement "
        "(see /attestations), false withdraws both."
    )

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class Withdrawal(_Request):
    reason: str = Field(min_length=1, max_length=MAX_WITHDRAWAL_REASON)


class ApplicantIdentity(BaseModel):
    """The applicant's name and email from the gateway's token; checked so every submission can be published."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME)]
    email: EmailStr


class ApplicantOut(BaseModel):
    account_id: UUID
    name: str | None = Field(description="null once the applicant is erased")
    email: str | None = Field(description="null once the applicant is erased")


class DetailsOut(BaseModel):
    phone: str | None
    county: str | None
    statement: str | None
    ethics_attested: bool


class UnmetRequirementOut(BaseModel):
    code: str
    message: str
    field: str = Field(description="The tab where it is fixed.")


class ReportLineOut(BaseModel):
    """One requirement as recorded at submission (and published to reviewers)."""

    code: str
    tab: str
    met: bool
    detail: str | None = Field(description="What was found; null once the applicant is erased.")


class ApplicationOut(BaseModel):
    """An application as its event store knows it right now, every tab included."""

    id: UUID
    tenant: str
    applicant: ApplicantOut
    category: str
    category_name: str
    kind: ApplicationKind = Field(description="`initial`, `renewal` or `reinstatement`.")
    status: Status
    submission_number: int
    details: DetailsOut
    membership: MembershipOut | None
    education: list[EducationOut]
    work: list[WorkOut]
    training: list[TrainingOut]
    rsc: list[RscOut]
    attestations: list[AttestationOut]
    fees: list[FeeOut]
    registration: RegistrationOut
    documents: list[DocumentOut]
    review: ReviewOut = Field(description="What the review asked or decided (returned, deferred, exam, decision), "
                              "and the review cycle of the latest submission's case (`cycle`).")
    renewal: RenewalOut | None = Field(description="What a renewal or reinstatement is for; null when initial.")
    unmet_requirements: list[UnmetRequirementOut] = Field(
        description="A draft: what the rules in force today still need (see /requirements for progress). "
                    "Submitted: empty.")
    rule_set_version: str | None
    exam_required: bool | None
    requirement_report: list[ReportLineOut] = Field(description="As recorded at submission; empty before.")
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    withdrawal_reason: str | None
    version: int

    @classmethod
    def of(cls, application: Application, unmet: Sequence[UnmetRequirementOut] = (),
           now: datetime | None = None) -> ApplicationOut:
        """`now` (default: the wall clock) tells whether the review cycle still waits."""
        a, d, m = application.applicant, application.details, application.membership
        return cls(
            id=application.id,
            tenant=application.tenant,
            applicant=ApplicantOut(account_id=a.account_id, name=a.name, email=a.email),
            category=application.category,
            category_name=application.category_name,
            status=application.status,
            submission_number=application.submission_number,
            details=DetailsOut(phone=d.phone, county=d.county, statement=d.statement,
                               ethics_attested=d.ethics_attested),
            membership=MembershipOut(**vars(m)) if m else None,
            education=[EducationOut(id=i, **vars(e)) for i, e in application.entries(Tab.EDUCATION).items()],
            work=[WorkOut(id=i, **vars(e)) for i, e in application.entries(Tab.WORK).items()],
            training=[TrainingOut(id=i, **vars(e)) for i, e in application.entries(Tab.TRAINING).items()],
            rsc=[RscOut(id=i, **vars(e)) for i, e in application.entries(Tab.RSC).items()],
            attestations=[AttestationOut.of(x) for x in application.attestations.values()],
            fees=[FeeOut(**vars(f)) for f in application.fees.values()],
            registration=RegistrationOut.of(application),
            documents=[DocumentOut.of(application.id, d) for d in application.documents.values()],
            review=ReviewOut.of(application, now or datetime.now(UTC)),
            kind=application.kind,
            renewal=RenewalOut.of(application),
            unmet_requirements=list(unmet),
            rule_set_version=application.rule_set_version,
            exam_required=application.exam_required,
            requirement_report=[ReportLineOut(**line) for line in application.requirement_report],
            created_at=application.created_on,
            updated_at=application.modified_on,
            submitted_at=application.submitted_at,
            withdrawal_reason=application.withdrawal_reason,
            version=application.version,
        )


class ApplicantSummary(BaseModel):
    account_id: UUID
    name: str


class ApplicationSummary(BaseModel):
    """A row of a listing (from the read model)."""

    id: UUID
    tenant: str
    applicant: ApplicantSummary
    category: str
    status: Status
    submission_number: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> ApplicationSummary:
        return cls(
            applicant=ApplicantSummary(account_id=row["applicant_account_id"], name=row["applicant_name"]),
            **{k: row[k] for k in ("id", "tenant", "category", "status", "submission_number", "created_at",
                                   "updated_at", "submitted_at")},
        )


class ApplicationPage(BaseModel):
    items: list[ApplicationSummary]
    total: int
    limit: int
    offset: int


class ProblemOut(BaseModel):
    """RFC 9457 problem details, as every refusal is answered (media type `application/problem+json`)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str = Field(description="Stable, machine-readable reason, e.g. `REQUIREMENTS_NOT_MET`.")
    errors: list[dict[str, Any]] | None = Field(default=None, description="Each unmet requirement or invalid field.")


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the refusals a route can give (401 for every route)."""
    return {status: {"model": ProblemOut, "content": {"application/problem+json": {}}}
            for status in sorted({401, *statuses})}

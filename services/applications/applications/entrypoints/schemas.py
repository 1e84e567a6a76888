"""HTTP request and response bodies. Requests are strict: unknown fields are refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictBool, StringConstraints

from ..domain import Application, Status
from ..domain.model import MAX_COUNTY, MAX_NAME, MAX_PHONE, MAX_STATEMENT, MAX_WITHDRAWAL_REASON


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
        default=False, description="Agrees to the Code of Ethics and signs the Endorsement Agreement."
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
    name: str
    email: str


class DetailsOut(BaseModel):
    phone: str | None
    county: str | None
    statement: str | None
    ethics_attested: bool


class UnmetRequirementOut(BaseModel):
    code: str
    message: str
    field: str


class ApplicationOut(BaseModel):
    """An application as its event store knows it right now."""

    id: UUID
    tenant: str
    applicant: ApplicantOut
    category: str
    category_name: str
    status: Status
    submission_number: int
    details: DetailsOut
    unmet_requirements: list[UnmetRequirementOut]
    rule_set_version: str | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    withdrawal_reason: str | None
    version: int

    @classmethod
    def of(cls, application: Application) -> ApplicationOut:
        a, d = application.applicant, application.details
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
            unmet_requirements=[UnmetRequirementOut(code=u.code, message=u.message, field=u.field)
                                for u in application.unmet_requirements()],
            rule_set_version=application.rule_set_version,
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

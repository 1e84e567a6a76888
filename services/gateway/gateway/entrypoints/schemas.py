"""Request and response bodies of the gateway's own routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from ..application.health import HealthReport
from ..domain.accounts import Account, normalise_email
from ..tenants import Tenant

TenantSlug = Annotated[str, StringConstraints(min_length=1, max_length=100), Field(examples=["itmhca"])]
Email = Annotated[EmailStr, AfterValidator(normalise_email)]
Password = Annotated[str, StringConstraints(max_length=1024), Field(description="At least 12 characters.")]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Language = Annotated[Literal["en", "es"], Field(description="Language of pages and emails.")]
LinkToken = Annotated[str, StringConstraints(min_length=1, max_length=200),
                      Field(description="The last part of the emailed link.")]


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenant: TenantSlug
    email: Email
    name: PersonName
    password: Password
    language: Language | None = Field(default=None, description=(
        "Language of pages and emails; default: the best of Accept-Language, else the association's default."))


class EmailVerificationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: LinkToken


class PasswordResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenant: TenantSlug
    email: Email


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: LinkToken
    new_password: Password


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: Password
    new_password: Password


class ProfileChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: PersonName | None = None
    language: Language | None = None


class AcceptedOut(BaseModel):
    detail: str


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenant: TenantSlug
    email: Email
    password: Password


class AccountOut(BaseModel):
    id: UUID
    tenant: str
    email: str
    name: str
    roles: list[str]
    created_at: datetime
    language: str
    email_verified: bool

    @classmethod
    def of(cls, account: Account) -> AccountOut:
        return cls(id=account.id, tenant=account.tenant, email=account.email, name=account.name,
                   roles=sorted(account.roles), created_at=account.created_at, language=account.language,
                   email_verified=account.email_verified)


class TenantOut(BaseModel):
    """An association's public profile."""

    slug: str
    name: str
    short_name: str | None
    timezone: str
    languages: list[str]
    default_language: str
    categories: dict[str, str] = Field(description="Category code -> display name.")
    contact_email: str | None
    website: str | None

    @classmethod
    def of(cls, tenant: Tenant) -> TenantOut:
        return cls(slug=tenant.slug, name=tenant.name, short_name=tenant.short_name, timezone=tenant.timezone,
                   languages=list(tenant.languages), default_language=tenant.default_language,
                   categories=dict(tenant.categories), contact_email=tenant.contact_email, website=tenant.website)


class LoginOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime
    account: AccountOut


class ReplicaCheckOut(BaseModel):
    status: Literal["ok", "failing"]
    detail: str


class CheckOut(BaseModel):
    status: Literal["ok", "failing"]
    detail: str
    replicas: list[ReplicaCheckOut] = Field(
        default_factory=list, description="Each replica of a service, in configured order; the service is ok when "
        "at least one is. Empty for the gateway's own check.")


class OutboxOut(BaseModel):
    pending: int = Field(description="Account events not yet acknowledged by the broker.")
    oldest_pending_seconds: float | None


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    services: dict[str, CheckOut]
    outbox: OutboxOut | None = None

    @classmethod
    def of(cls, report: HealthReport) -> HealthOut:
        outbox = None if report.outbox is None else OutboxOut(
            pending=report.outbox.pending, oldest_pending_seconds=report.outbox.oldest_pending_seconds)
        return cls(
            status="ok" if report.healthy else "degraded",
            services={name: CheckOut.model_validate(check, from_attributes=True)
                      for name, check in report.checks.items()},
            outbox=outbox,
        )


class ProblemOut(BaseModel):
    """RFC 9457 problem details, as every refusal is reported."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str

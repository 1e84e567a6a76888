"""Request and response bodies of the gateway's own routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from ..application.health import HealthReport
from ..domain.accounts import Account, normalise_email

TenantSlug = Annotated[str, StringConstraints(min_length=1, max_length=100), Field(examples=["itmhca"])]
Email = Annotated[EmailStr, AfterValidator(normalise_email)]
Password = Annotated[str, StringConstraints(max_length=1024), Field(description="At least 12 characters.")]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenant: TenantSlug
    email: Email
    name: PersonName
    password: Password


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

    @classmethod
    def of(cls, account: Account) -> AccountOut:
        return cls(id=account.id, tenant=account.tenant, email=account.email, name=account.name,
                   roles=sorted(account.roles), created_at=account.created_at)


class LoginOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime
    account: AccountOut


class CheckOut(BaseModel):
    status: Literal["ok", "failing"]
    detail: str


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    services: dict[str, CheckOut]

    @classmethod
    def of(cls, report: HealthReport) -> HealthOut:
        return cls(
            status="ok" if report.healthy else "degraded",
            services={name: CheckOut.model_validate(check, from_attributes=True)
                      for name, check in report.checks.items()},
        )


class ProblemOut(BaseModel):
    """RFC 9457 problem details, as every refusal is reported."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str

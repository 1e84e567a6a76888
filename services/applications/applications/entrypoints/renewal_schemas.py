"""Bodies of the holdings, renewal and reinstatement routes, and the `renewal` part of `ApplicationOut`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from ..domain import Application
from ..domain.holdings import MAX_REASON, Holding, HoldingStatus
from ..domain.renewals import ApplicationKind, RenewalDates


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StartForEndorsement(_Request):
    endorsement_id: UUID = Field(description="The endorsement to renew or reinstate (see GET /applications/holdings).")


class InactiveRequest(_Request):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=MAX_REASON)] = Field(
        description="Why (e.g. illness, job change, move, family leave)."
    )


class RscProvisionIn(_Request):
    provides_rsc: StrictBool = Field(
        description="The holder provides reflective supervision/consultation to others "
        "(then part of the renewal hours must be about providing it)."
    )


class RenewalOut(BaseModel):
    """What a renewal or reinstatement is for (absent on initial applications)."""

    endorsement_id: UUID
    renewal_year: int | None = Field(description="Renewals: the year whose renewal this is.")
    lapsed_on: date | None = Field(description="Reinstatements: when the endorsement lapsed.")
    provides_rsc: bool | None = Field(description="The holder's declaration; null until declared.")

    @classmethod
    def of(cls, application: Application) -> RenewalOut | None:
        if application.kind is ApplicationKind.INITIAL or application.endorsement_id is None:
            return None
        return cls(
            endorsement_id=application.endorsement_id,
            renewal_year=application.renewal_year,
            lapsed_on=application.lapsed_on,
            provides_rsc=application.provides_rsc,
        )


class HolderOut(BaseModel):
    account_id: UUID
    name: str | None = Field(description="null once the holder is erased")
    email: str | None = Field(description="null once the holder is erased")


class HoldingChangeOut(BaseModel):
    on: date
    what: str
    status: HoldingStatus
    detail: str


class StartedOut(BaseModel):
    application_id: UUID
    kind: ApplicationKind
    renewal_year: int | None


class RenewalWindowOut(BaseModel):
    """The renewal now due, under the rules in force today."""

    year: int
    opens: date | None = Field(description="Null: it may be started at any time before the removal date.")
    due: date = Field(description="After this day the late fee is due.")
    removal: date = Field(description="Not renewed by this day, the endorsement lapses.")


class HoldingOut(BaseModel):
    endorsement_id: UUID
    tenant: str
    holder: HolderOut
    category: str
    category_name: str
    application_id: UUID = Field(description="The application the endorsement was granted on.")
    status: HoldingStatus
    effective_date: date
    renewal_date: date
    removal_date: date | None
    lapsed_on: date | None
    inactive_reason: str | None
    renewal_window: RenewalWindowOut | None
    started: list[StartedOut] = Field(description="Renewal and reinstatement applications started for it.")
    history: list[HoldingChangeOut]
    version: int

    @classmethod
    def of(cls, holding: Holding, window: RenewalDates | None) -> HoldingOut:
        h = holding.holder
        return cls(
            endorsement_id=holding.id,
            tenant=holding.tenant,
            holder=HolderOut(account_id=h.account_id, name=h.name, email=h.email),
            category=holding.category,
            category_name=holding.category_name,
            application_id=holding.application_id,
            status=holding.status,
            effective_date=holding.effective_date,
            renewal_date=holding.renewal_date,
            removal_date=holding.removal_date,
            lapsed_on=holding.lapsed_on,
            inactive_reason=holding.inactive_reason,
            renewal_window=RenewalWindowOut(
                year=window.year, opens=window.opens, due=window.due, removal=window.removal
            )
            if window
            else None,
            started=[
                StartedOut(application_id=s.application_id, kind=s.kind, renewal_year=s.renewal_year)
                for s in holding.started
            ],
            history=[HoldingChangeOut(**vars(change)) for change in holding.history],
            version=holding.version,
        )


class HoldingSummary(BaseModel):
    """A row of the holdings listing (from the read model)."""

    endorsement_id: UUID
    tenant: str
    holder: HolderOut
    category: str
    category_name: str
    status: HoldingStatus
    effective_date: date
    renewal_date: date
    removal_date: date | None
    lapsed_on: date | None
    history: list[HoldingChangeOut]
    updated_at: datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> HoldingSummary:
        return cls(
            holder=HolderOut(account_id=row["holder_account_id"], name=row["holder_name"], email=row["holder_email"]),
            history=[HoldingChangeOut(**line) for line in row["history"]],
            **{
                k: row[k]
                for k in (
                    "endorsement_id",
                    "tenant",
                    "category",
                    "category_name",
                    "status",
                    "effective_date",
                    "renewal_date",
                    "removal_date",
                    "lapsed_on",
                    "updated_at",
                )
            },
        )


class HoldingPage(BaseModel):
    items: list[HoldingSummary]
    total: int
    limit: int
    offset: int

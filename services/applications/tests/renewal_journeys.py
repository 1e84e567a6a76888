"""Renewals and reinstatements as test journeys: the reviews service's endorsement events, and the least evidence
a renewal (or reinstatement) needs, entered through the use cases.

`renewal_entries(on)` is one year's ITMHCA minimums (15 training hours incl. 1 DEI and 3 on providing RSC, 12 RSC
hours from an IMHM-C provider, current membership) dated shortly before `on`, so they lie in the renewal period.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from applications.application import ApplicationsService
from applications.domain import (
    Actor,
    Application,
    AttestationKind,
    FeeKind,
    FeePayment,
    Membership,
    RscEntry,
    RscFormat,
    TrainingEntry,
)
from applications.use_cases.holdings import HoldingCases
from endorsement_contracts import EndorsementGranted, Envelope, IntegrationEvent, Person
from endorsement_contracts.events import EndorsementLapsed, RenewalApproved
from reference_builders import complete_references
from rule_builders import TAG

REVIEWS_SOURCE = "/services/reviews"


def envelope(event: IntegrationEvent) -> Envelope:
    return Envelope(id=str(uuid4()), source=REVIEWS_SOURCE, type=event.type_name(), time=event.occurred_at, event=event)


def granted(
    holder: Actor,
    *,
    application_id: UUID | None = None,
    category: str = "IFS",
    category_name: str = "Infant Family Specialist",
    effective: date = date(2025, 6, 1),
    renewal_date: date = date(2026, 12, 15),
    name: str = "Dana Reyes",
    email: str = "dana@example.org",
) -> EndorsementGranted:
    return EndorsementGranted(
        tenant=holder.tenant,
        occurred_at=datetime.combine(effective, datetime.min.time(), UTC),
        endorsement_id=uuid4(),
        review_case_id=uuid4(),
        application_id=application_id or uuid4(),
        applicant=Person(account_id=holder.account_id, name=name, email=email),
        category=category,
        category_name=category_name,
        effective_date=effective,
        renewal_date=renewal_date,
        granted_by=uuid4(),
    )


def lapsed(
    endorsement_id: UUID, tenant: str = "itmhca", category: str = "IFS", on: date = date(2027, 2, 2)
) -> EndorsementLapsed:
    return EndorsementLapsed(
        tenant=tenant,
        occurred_at=datetime.combine(on, datetime.min.time(), UTC),
        endorsement_id=endorsement_id,
        category=category,
        lapsed_on=on,
        reason="the renewal due 2026-12-15 was not completed by 2027-02-01",
    )


def renewal_approved(
    endorsement_id: UUID, renewal_id: UUID, tenant: str = "itmhca", category: str = "IFS", on: date = date(2026, 11, 20)
) -> RenewalApproved:
    return RenewalApproved(
        tenant=tenant,
        occurred_at=datetime.combine(on, datetime.min.time(), UTC),
        endorsement_id=endorsement_id,
        renewal_id=renewal_id,
        category=category,
        renewed_on=on,
        renewal_date=date(on.year + 1, 12, 15),
        approved_by=uuid4(),
    )


def renewal_entries(on: date) -> tuple[TrainingEntry, RscEntry, Membership]:
    return (
        TrainingEntry(
            "Relationship-based practice",
            "ITMHCA",
            on - timedelta(days=30),
            Decimal(15),
            (TAG,),
            Decimal(1),
            Decimal(3),
        ),
        RscEntry(
            "Rita Moreno",
            "IMHM-C",
            Decimal(12),
            on - timedelta(days=200),
            on - timedelta(days=10),
            RscFormat.INDIVIDUAL,
        ),
        Membership("ITMHCA", on + timedelta(days=365), "AZ-1001"),
    )


def complete_renewal(
    service: ApplicationsService,
    actor: Actor,
    application_id: UUID,
    fee_cents: int = 2500,
    fee_kind: FeeKind = FeeKind.RENEWAL,
) -> Application:
    """Enter one year's minimums, sign both attestations, declare RSC provision and record the fee."""
    today = service.local_date(actor.tenant)
    training, rsc, membership = renewal_entries(today)
    service.add_entry(application_id, actor, training)
    service.add_entry(application_id, actor, rsc)
    service.record_membership(application_id, actor, membership)
    for kind in AttestationKind:
        service.attest(application_id, actor, kind)
    HoldingCases(service).declare_rsc_provision(application_id, actor, True)
    service.record_fee(application_id, actor, FeePayment(fee_kind, fee_cents, "RN-1001", today))
    return service.get(application_id, actor)


def complete_reinstatement(service: ApplicationsService, actor: Actor, application_id: UUID) -> Application:
    """The renewal minimums of the last 12 months, 3 references answered now, the IFS processing fee ($100)."""
    complete_renewal(service, actor, application_id, fee_cents=10000, fee_kind=FeeKind.PROCESSING)
    return complete_references(service, actor, application_id)

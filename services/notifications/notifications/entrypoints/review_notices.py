"""Emails caused by events of the reviews service (`endorsement.reviews.v2`, read in the v1 shape): event -> Notice.

Case events name the applicant; endorsement events after the grant (renewal, lapse, reinstatement,
revocation), exam registrations and exam results name nobody, so their notices go to the `Contact` learnt earlier.
"""

from __future__ import annotations

from endorsement_contracts.events.reviews import (
    ApplicationDeferred,
    ApprovedForExam,
    EndorsementDenied,
    EndorsementGranted,
    EndorsementLapsed,
    EndorsementReinstated,
    EndorsementRevoked,
    ExamRegistered,
    ExamScored,
    InformationRequested,
    RenewalApproved,
    ReviewerAssigned,
)

from ..config import Tenant
from ..domain import Contact, Recipient
from ..notices import Notice
from ..templates import Links, Phrase, Value
from ..templates import kinds as k
from .application_notices import preferred_language


def reviewer_assigned(event: ReviewerAssigned, tenant: Tenant, links: Links) -> Notice | list[Notice]:
    """The reviewer hears a case awaits them: the category and the case link only (reviews may be blind); an erased
    reviewer (address opened to None) nothing."""
    reviewer_email: str | None = event.reviewer_email
    if reviewer_email is None:
        return []
    return Notice(
        kind=k.REVIEW_ASSIGNED,
        about=event.review_case_id,
        occurrence=f"{event.slot}/{reviewer_email.lower()}",
        tenant=tenant,
        recipient=Recipient(address=event.reviewer_email, name=event.reviewer_name),
        values={
            "reviewer_name": event.reviewer_name,
            "category_name": tenant.category_name(event.category),
            "slot": str(event.slot),
            "case_url": links.review_case(event.review_case_id),
        },
    )


def information_requested(event: InformationRequested, tenant: Tenant, links: Links) -> Notice:
    """The applicant hears what to add or change, the message, and where to resubmit."""
    return Notice(
        kind=k.INFORMATION_REQUESTED,
        about=event.application_id,
        occurrence=f"{event.review_case_id}/{event.submission_number}",
        tenant=tenant,
        recipient=Recipient(address=event.applicant.email, name=event.applicant.name),
        language=preferred_language(event.applicant),
        account_id=event.applicant.account_id,
        values={
            "applicant_name": event.applicant.name,
            "category_name": tenant.category_name(event.category),
            "stage": Phrase(f"information.{event.stage}"),
            "items": event.items,
            "message": event.message or Phrase("no_message"),
            "application_url": links.task_list(event.application_id),
        },
    )


def application_deferred(event: ApplicationDeferred, tenant: Tenant, links: Links) -> Notice:
    """The applicant hears why, what is recommended, and from when they may ask for a new review."""
    return Notice(
        kind=k.APPLICATION_DEFERRED,
        about=event.application_id,
        occurrence=f"{event.review_case_id}/{event.earliest_rereview_on}",
        tenant=tenant,
        recipient=Recipient(address=event.applicant.email, name=event.applicant.name),
        language=preferred_language(event.applicant),
        account_id=event.applicant.account_id,
        values={
            "applicant_name": event.applicant.name,
            "category_name": tenant.category_name(event.category),
            "reasons": event.reasons,
            "recommendations": event.recommendations,
            "earliest_rereview_on": event.earliest_rereview_on,
            "application_url": links.task_list(event.application_id),
        },
    )


def approved_for_exam(event: ApprovedForExam, tenant: Tenant, links: Links) -> Notice:
    return Notice(
        kind=k.APPROVED_FOR_EXAM,
        about=event.application_id,
        occurrence=event.review_case_id,
        tenant=tenant,
        recipient=Recipient(address=event.applicant.email, name=event.applicant.name),
        language=preferred_language(event.applicant),
        account_id=event.applicant.account_id,
        values={
            "applicant_name": event.applicant.name,
            "category_name": event.category_name,
            "application_url": links.task_list(event.application_id),
        },
    )


def exam_registered(event: ExamRegistered, contact: Contact, tenant: Tenant, links: Links) -> Notice:
    """The examinee hears the sitting's date, the parts they take, and what to expect and have ready (generic: the
    event carries no time or place; the coordinator sends those)."""
    return Notice(
        kind=k.EXAM_REGISTERED,
        about=event.application_id,
        occurrence=f"{event.attempt}/{event.sitting.isoformat()}",
        tenant=tenant,
        recipient=contact.recipient,
        language=contact.language,
        account_id=contact.account_id,
        values={
            "applicant_name": contact.recipient.name,
            "category_name": tenant.category_name(event.category),
            "sitting": event.sitting,
            "parts": Phrase("exam.parts." + "-".join(str(part) for part in sorted(set(event.parts)))),
            "registered_by": Phrase(f"exam.registered_by.{event.registered_by_role}"),
            "accommodations": Phrase(
                "exam.accommodations.requested" if event.accommodations_requested else "exam.accommodations.none"
            ),
            "application_url": links.task_list(event.application_id),
        },
    )


def exam_scored(event: ExamScored, contact: Contact, tenant: Tenant, links: Links) -> Notice:
    """The examinee hears whether they passed and, if not, from when they may retake (no part scores)."""
    values: dict[str, Value] = {
        "applicant_name": contact.recipient.name,
        "category_name": tenant.category_name(event.category),
        "taken_on": event.taken_on,
    }
    if not event.passed:
        values["retake_eligible_on"] = event.retake_eligible_on or Phrase("exam.retake_ask")
    return Notice(
        kind=k.EXAM_PASSED if event.passed else k.EXAM_NOT_PASSED,
        id_kind="exam-scored",
        about=event.application_id,
        occurrence=event.attempt,
        tenant=tenant,
        recipient=contact.recipient,
        language=contact.language,
        account_id=contact.account_id,
        values=values,
    )


def endorsement_denied(event: EndorsementDenied, tenant: Tenant, links: Links) -> Notice:
    return Notice(
        kind=k.ENDORSEMENT_DENIED,
        about=event.application_id,
        occurrence=event.review_case_id,
        tenant=tenant,
        recipient=Recipient(address=event.applicant.email, name=event.applicant.name),
        language=preferred_language(event.applicant),
        account_id=event.applicant.account_id,
        values={
            "applicant_name": event.applicant.name,
            "category_name": tenant.category_name(event.category),
            "reasons": event.reasons,
        },
    )


def endorsement_granted(event: EndorsementGranted, tenant: Tenant, links: Links) -> Notice:
    """The applicant hears they are endorsed, from when, and when renewal is due."""
    return Notice(
        kind=k.ENDORSEMENT_GRANTED,
        about=event.application_id,
        occurrence=event.endorsement_id,
        tenant=tenant,
        recipient=Recipient(address=event.applicant.email, name=event.applicant.name),
        language=preferred_language(event.applicant),
        account_id=event.applicant.account_id,
        values={
            "applicant_name": event.applicant.name,
            "category_name": event.category_name,
            "effective_date": event.effective_date,
            "renewal_date": event.renewal_date,
            "endorsement_url": links.endorsement(event.endorsement_id),
        },
    )


def renewal_approved(event: RenewalApproved, holder: Contact, tenant: Tenant, links: Links) -> Notice:
    return _to_holder(
        holder,
        tenant,
        k.RENEWAL_APPROVED,
        event.endorsement_id,
        event.renewal_id,
        {
            "category_name": tenant.category_name(event.category),
            "renewed_on": event.renewed_on,
            "renewal_date": event.renewal_date,
            "endorsement_url": links.endorsement(event.endorsement_id),
        },
    )


def endorsement_lapsed(event: EndorsementLapsed, holder: Contact, tenant: Tenant, links: Links) -> Notice:
    return _to_holder(
        holder,
        tenant,
        k.ENDORSEMENT_LAPSED,
        event.endorsement_id,
        event.lapsed_on,
        {
            "category_name": tenant.category_name(event.category),
            "lapsed_on": event.lapsed_on,
            "reason": event.reason,
            "endorsement_url": links.endorsement(event.endorsement_id),
        },
    )


def endorsement_reinstated(event: EndorsementReinstated, holder: Contact, tenant: Tenant, links: Links) -> Notice:
    return _to_holder(
        holder,
        tenant,
        k.ENDORSEMENT_REINSTATED,
        event.endorsement_id,
        event.reinstatement_id,
        {
            "category_name": tenant.category_name(event.category),
            "reinstated_on": event.reinstated_on,
            "renewal_date": event.renewal_date,
            "endorsement_url": links.endorsement(event.endorsement_id),
        },
    )


def endorsement_revoked(event: EndorsementRevoked, holder: Contact, tenant: Tenant, links: Links) -> Notice:
    return _to_holder(
        holder,
        tenant,
        k.ENDORSEMENT_REVOKED,
        event.endorsement_id,
        "revoked",
        {
            "category_name": tenant.category_name(event.category),
            "revoked_on": event.revoked_on,
            "reason": event.reason,
        },
    )


def _to_holder(
    holder: Contact, tenant: Tenant, kind: str, endorsement_id: object, occurrence: object, values: dict[str, Value]
) -> Notice:
    return Notice(
        kind=kind,
        about=endorsement_id,
        occurrence=occurrence,
        tenant=tenant,
        recipient=holder.recipient,
        language=holder.language,
        account_id=holder.account_id,
        values={"holder_name": holder.recipient.name, **values},
    )

"""An applicant's file with a marker in every personal value sealed since the first slice of erasure: a membership's
member id, a fee's payment reference, what the review wrote (a return's items and message, a deferral's reasons and
recommendations, a denial's reasons), a rater's draft comments, a coordinator's vetting reason and a withdrawal
reason; and the reasons of a holding (the holder's words asking for inactive status, a lapse's and a revocation's
reasons). Built through the use cases (and, for the review's outcomes, the aggregate commands the consumer calls), so
every value is stored as the service stores it.

The first application (IFS) is returned, deferred and denied; the second (IFA), with the draft and the refused rater,
is withdrawn by the applicant. A reviewer was granted the first and released. An IFS endorsement (`holding`) is
held, made inactive by the holder, lapsed, then revoked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from uuid import UUID, uuid4

from applications.application import ApplicationsService
from applications.domain import Actor, Applicant, Application, FeeKind, FeePayment, Membership
from applications.domain.reference_drafts import ReferenceDraft, draft_id
from applications.use_cases.holdings import HoldingCases
from applications.use_cases.references import ReferenceCases
from journeys import complete_through_use_cases
from reference_builders import link_token, raters, ratings

COORDINATOR = Actor(uuid4(), "itmhca", frozenset({"coordinator"}))


@dataclass(frozen=True)
class PersonalFile:
    actor: Actor
    applicant: Applicant
    decided: UUID
    """Returned, deferred, then denied."""
    withdrawn: UUID
    """With a rater's draft (`draft_reference`) and a refused rater (`vetted_reference`); withdrawn."""
    draft_reference: UUID
    vetted_reference: UUID
    holding: UUID
    """An endorsement made inactive, lapsed and revoked."""
    markers: dict[str, str]
    """What each value holds, by its name: `member_id`, `fee_reference`, `items`, `message`, `reasons`,
    `recommendations`, `denial`, `draft`, `vetting`, `withdrawal`, `inactive`, `lapse`, `revocation`; and
    `reviewer`, the address of a reviewer granted access to the first application and released (stored as its keyed
    subject only)."""


def a_personal_file(app: ApplicationsService, tag: str, name: str = "Zelda Quixmarker") -> PersonalFile:
    account = uuid4()
    actor = Actor(account, "itmhca", frozenset({"applicant"}))
    applicant = Applicant(account, name, f"zq-{tag}@example.org")
    markers = {value: f"{value.replace('_', '')}marker-{tag}" for value in (
        "member_id", "fee_reference", "items", "message", "reasons", "recommendations", "denial", "draft", "vetting",
        "withdrawal", "inactive", "lapse", "revocation")}
    markers["reviewer"] = f"rvmarker-{tag}@itmhca.example"
    decided = _decided(app, actor, applicant, markers)
    withdrawn, draft_reference, vetted_reference = _withdrawn(app, actor, applicant, markers)
    holding = _holding(app, actor, applicant, decided, markers)
    return PersonalFile(actor, applicant, decided, withdrawn, draft_reference, vetted_reference, holding, markers)


def _decided(app: ApplicationsService, actor: Actor, applicant: Applicant, markers: dict[str, str]) -> UUID:
    application_id = app.start(actor, applicant, "IFS").id
    application = complete_through_use_cases(app, actor, application_id)
    today = app.local_date("itmhca")
    membership = application.membership or Membership("ITMHCA", today + timedelta(days=365))
    app.record_membership(application_id, actor, replace(membership, member_id=markers["member_id"]))
    fee = next(iter(application.fees.values()), None) or FeePayment(FeeKind.PROCESSING, 100, "", today)
    app.record_fee(application_id, actor, replace(fee, reference=markers["fee_reference"]))
    app.submit(application_id, actor)
    first_case, second_case = uuid4(), uuid4()
    reviewer = app.rater_subject("itmhca", markers["reviewer"])  # as the consumer stores an assignment
    _outcome(app, application_id, lambda a: a.grant_reviewer_access(
        review_case_id=first_case, reviewer=reviewer, slot=1, assigned_at=app.clock()))
    _outcome(app, application_id, lambda a: a.end_reviewer_access(
        review_case_id=first_case, reviewer=reviewer, reason="declined", released_at=app.clock()))
    _outcome(app, application_id, lambda a: a.return_for_information(
        review_case_id=first_case, submission_number=1, stage="review", items=[f"Item {markers['items']}"],
        message=f"Message {markers['message']}", requested_at=app.clock()))
    app.submit(application_id, actor)
    _outcome(app, application_id, lambda a: a.defer(
        review_case_id=first_case, reasons=[f"Reason {markers['reasons']}"],
        recommendations=[f"Advice {markers['recommendations']}"], earliest_rereview_on=today,
        deferred_at=app.clock()))
    app.submit(application_id, actor)
    _outcome(app, application_id, lambda a: a.deny(
        review_case_id=second_case, reasons=[f"Reason {markers['denial']}"], denied_at=app.clock()))
    return application_id


def _withdrawn(app: ApplicationsService, actor: Actor, applicant: Applicant,
               markers: dict[str, str]) -> tuple[UUID, UUID, UUID]:
    application_id = app.start(actor, applicant, "IFA").id
    application = app.get(application_id, actor)
    rule = app.rules_on(application, app.local_date("itmhca")).references
    first, second = raters(rule)[:2]
    references = ReferenceCases(app)
    application, draft_reference = references.name_rater(application_id, actor, 1, first, waived=False)
    some = dict(list(ratings(rule).items())[:2])
    references.save_reference_draft(link_token(app, application, draft_reference), some, f"Draft {markers['draft']}")
    unendorsed = replace(second, endorsed_category=None, email="unendorsed@example.org")
    application, vetted_reference = references.name_rater(application_id, actor, 2, unendorsed, waived=False)
    references.vet_rater(application_id, COORDINATOR, vetted_reference, approved=False,
                         reason=f"Reason {markers['vetting']}")
    app.withdraw(application_id, actor, f"Withdrawn {markers['withdrawal']}")
    return application_id, draft_reference, vetted_reference


def _holding(app: ApplicationsService, actor: Actor, applicant: Applicant, granted_for: UUID,
             markers: dict[str, str]) -> UUID:
    """An endorsement as the consumer follows it from the reviews service, and the holder's request in between."""
    holdings, endorsement_id, today = HoldingCases(app), uuid4(), app.local_date("itmhca")
    app.commit(*holdings.holding_granted("itmhca", endorsement_id, applicant, "IFS", "Infant Family Specialist",
                                         granted_for, today, date(today.year + 1, 12, 31)))
    holdings.request_inactive(actor, endorsement_id, f"Inactive {markers['inactive']}")
    app.commit(*holdings.holding_lapsed("itmhca", endorsement_id, today, f"Lapse {markers['lapse']}"))
    app.commit(*holdings.holding_revoked("itmhca", endorsement_id, today, f"Revocation {markers['revocation']}"))
    return endorsement_id


def _outcome(app: ApplicationsService, application_id: UUID, apply: Callable[[Application], object]) -> None:
    """A review outcome as the consumer applies it: on the loaded aggregate, saved."""
    application = app.outcome_target("itmhca", application_id)
    apply(application)
    app.commit(application)


def draft_comments(app: ApplicationsService, reference_id: UUID) -> str | None:
    draft = app.find(ReferenceDraft, draft_id(reference_id))
    assert draft is not None
    return draft.comments

"""The references tab (applicant, coordinator, the application's reviewers) and the rater's form (no account: the
link's token is the only credential, so those two routes take no identity; the gateway forwards `/references/*`
unauthenticated)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from ..application import ApplicationsService
from ..domain import Actor, Application
from ..domain.reference_data import Rater, ReferenceStatus
from .dependencies import CurrentActor, References, Service, Written, etag
from .reference_schemas import (
    DeclineIn,
    DraftOut,
    Language,
    NameRaterIn,
    RaterAnswerIn,
    RaterDeclinedOut,
    RaterDraftIn,
    RaterDraftOut,
    RaterFormOut,
    RaterReceiptOut,
    ReferencesOut,
    VettingIn,
    WaiverIn,
)
from .schemas import problems

router = APIRouter(prefix="/applications/{application_id}/references", tags=["references"])
rater_router = APIRouter(prefix="/references", tags=["rater form"])
CHANGE = problems(403, 404, 409, 412, 422)
LINK = {**problems(404, 409, 410, 422)}
LINK.pop(401)
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
"""The token is in the URL: keep the page out of caches and out of other sites' Referer headers."""


def references_out(service: ApplicationsService, application: Application, actor: Actor) -> ReferencesOut:
    rules = service.rules_on(application, service.local_date(application.tenant)).references
    return ReferencesOut.of(application, rules, full=actor.sees_waived_answers(application))


@router.get("", response_model=ReferencesOut, responses=problems(404, 409, 422))
def list_references(application_id: UUID, actor: CurrentActor, service: Service,
                    response: Response) -> ReferencesOut:
    """The slots the rules ask for and every reference named (voided ones too). Waived references' answers are
    shown to coordinators and the application's reviewers, never to the applicant. `ETag`: the application's."""
    application = service.get(application_id, actor)
    response.headers["ETag"] = etag(application)
    return references_out(service, application, actor)


@router.post("", status_code=201, response_model=ReferencesOut, responses=CHANGE)
def name_rater(application_id: UUID, body: NameRaterIn, actor: CurrentActor, references: References, service: Service,
               written: Written) -> ReferencesOut:
    """Name a rater for a slot; they get an email with a single-use link (never shown here)."""
    rater = Rater(body.name, str(body.email), body.kind, body.endorsed_category, body.relationship, body.language)
    with written.expecting():
        application, reference_id = references.name_rater(application_id, actor, body.slot, rater,
                                                       waived=body.waived, replaces=body.replaces)
    written.response.headers["Location"] = f"/applications/{application_id}/references/{reference_id}"
    return references_out(service, written.tag(application), actor)


@router.post("/{reference_id}/resend", response_model=ReferencesOut, responses=CHANGE)
def resend(application_id: UUID, reference_id: UUID, actor: CurrentActor, references: References, service: Service,
           written: Written) -> ReferencesOut:
    """Email the rater a new link (the earlier one stops working)."""
    return references_out(service, written(lambda: references.resend_reference(application_id, actor, reference_id)),
                          actor)


@router.put("/{reference_id}/waiver", response_model=ReferencesOut, responses=CHANGE)
def choose_waiver(application_id: UUID, reference_id: UUID, body: WaiverIn, actor: CurrentActor,
                  references: References, service: Service, written: Written) -> ReferencesOut:
    """Waive (or not) the right to see the reference, until the rater answers."""
    return references_out(service, written(lambda: references.choose_waiver(application_id, actor, reference_id,
                                                                         body.waived)), actor)


@router.delete("/{reference_id}", response_model=ReferencesOut, responses=CHANGE)
def withdraw(application_id: UUID, reference_id: UUID, actor: CurrentActor, references: References, service: Service,
             written: Written) -> ReferencesOut:
    """Withdraw a reference: it is voided (reason `withdrawn`) and its slot is free for another rater."""
    return references_out(service, written(lambda: references.withdraw_reference(application_id, actor,
                                                                              reference_id)), actor)


@router.post("/{reference_id}/vetting", response_model=ReferencesOut, responses=CHANGE)
def vet(application_id: UUID, reference_id: UUID, body: VettingIn, actor: CurrentActor, references: References,
        service: Service, written: Written) -> ReferencesOut:
    """Record the coordinator's vetting of a rater not endorsed at the slot's level; refusing voids the reference."""
    application = written(lambda: references.vet_rater(application_id, actor, reference_id, approved=body.approved,
                                                    reason=body.reason))
    return references_out(service, application, actor)


@rater_router.get("/{token}", response_model=RaterFormOut, responses=LINK)
def open_form(token: str, references: References, response: Response, lang: Language | None = None) -> RaterFormOut:
    """The rater's form, in `lang` (else the rater's language, else English), with their saved draft: 404
    `REFERENCE_LINK_INVALID` for any link that is not the latest genuine one, 410 `REFERENCE_LINK_USED` once
    answered, 410 `REFERENCE_LINK_DECLINED` once declined, 410 `REFERENCE_LINK_EXPIRED` after its expiry."""
    response.headers.update(PRIVATE)
    visit = references.open_reference(token)
    return RaterFormOut.of(visit.application, visit.reference, visit.form, references.store.competencies, lang,
                           visit.draft)


@rater_router.put("/{token}/draft", response_model=RaterDraftOut, responses=LINK)
def save_draft(token: str, body: RaterDraftIn, references: References, response: Response) -> RaterDraftOut:
    """Keep the rater's unfinished answers (any items); the link stays usable until submitted or expired."""
    response.headers.update(PRIVATE)
    visit = references.save_reference_draft(token, body.ratings, body.comments)
    assert visit.draft is not None
    return RaterDraftOut(draft=DraftOut.of(visit.draft))


@rater_router.post("/{token}/decline", response_model=RaterDeclinedOut, responses=LINK)
def decline(token: str, body: DeclineIn, references: References, response: Response) -> RaterDeclinedOut:
    """Decline to give the reference: it no longer counts and the applicant is told to ask someone else; the
    link is then spent (410 `REFERENCE_LINK_DECLINED`)."""
    response.headers.update(PRIVATE)
    references.decline_reference(token, body.reason)
    return RaterDeclinedOut(message="Thank you for letting us know: the applicant will ask someone else.")


@rater_router.post("/{token}", response_model=RaterReceiptOut, responses=LINK)
def answer_form(token: str, body: RaterAnswerIn, references: References, response: Response) -> RaterReceiptOut:
    """Submit the ratings (every item, `not_enough_information` allowed) and comments; the link is then spent."""
    response.headers.update(PRIVATE)
    visit = references.answer_reference(token, body.ratings, body.comments)
    answer = visit.reference.answer
    assert answer is not None
    counted = visit.reference.status is ReferenceStatus.COMPLETED
    message = ("Thank you: the reference is complete." if counted else
               f"Thank you. With {answer.not_enough_information} items you could not rate, the reference cannot "
               "count; the applicant will ask someone else.")
    return RaterReceiptOut(status=visit.reference.status.value, completed_on=answer.completed_on, message=message)

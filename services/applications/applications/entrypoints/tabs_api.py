"""The application's tabs and its requirement report. Only the applicant changes a tab, and only while editable."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from ..domain import AttestationKind, Entry, FeeKind, Tab
from .dependencies import CurrentActor, Service, Written, application_out
from .report_schemas import RequirementReportOut
from .schemas import ApplicationOut, problems
from .tab_schemas import EducationIn, FeeIn, MembershipIn, RscIn, TrainingIn, WorkIn

router = APIRouter(prefix="/applications/{application_id}", tags=["application tabs"])
CHANGE = problems(403, 404, 409, 412, 422)


@router.get("/requirements", response_model=RequirementReportOut, responses=problems(404, 409, 422))
def get_requirements(application_id: UUID, actor: CurrentActor, service: Service,
                     on: Annotated[date | None, Query(ge=date(1950, 1, 1), le=date(2100, 12, 31))] = None,
                     ) -> RequirementReportOut:
    """Each requirement met or not, with progress and reasons, under the rules in force on `on` (by default
    today for a draft, the submission date otherwise)."""
    application = service.get(application_id, actor)
    return RequirementReportOut.of(str(application.id), service.requirements(application, on))


@router.put("/membership", response_model=ApplicationOut, responses=CHANGE)
def put_membership(application_id: UUID, body: MembershipIn, actor: CurrentActor, service: Service,
                   written: Written) -> ApplicationOut:
    return application_out(service, written(lambda: service.record_membership(application_id, actor,
                                                                                body.membership())))


def _add(service: Service, actor: CurrentActor, application_id: UUID, entry: Entry, tab: Tab,
         written: Written) -> ApplicationOut:
    with written.expecting():
        application, entry_id = service.add_entry(application_id, actor, entry)
    written.response.headers["Location"] = f"/applications/{application_id}/{tab.value}/{entry_id}"
    return application_out(service, written.tag(application))


def _replace(service: Service, actor: CurrentActor, application_id: UUID, entry_id: UUID, entry: Entry,
             written: Written) -> ApplicationOut:
    return application_out(service, written(lambda: service.replace_entry(application_id, actor, entry_id, entry)))


def _remove(service: Service, actor: CurrentActor, application_id: UUID, tab: Tab, entry_id: UUID,
            written: Written) -> ApplicationOut:
    return application_out(service, written(lambda: service.remove_entry(application_id, actor, tab, entry_id)))


@router.post("/education", status_code=201, response_model=ApplicationOut, responses=CHANGE)
def add_education(application_id: UUID, body: EducationIn, actor: CurrentActor, service: Service,
                  written: Written) -> ApplicationOut:
    """Add a degree, CDA or licence; the new entry's URL is in `Location`."""
    return _add(service, actor, application_id, body.entry(), Tab.EDUCATION, written)


@router.put("/education/{entry_id}", response_model=ApplicationOut, responses=CHANGE)
def replace_education(application_id: UUID, entry_id: UUID, body: EducationIn, actor: CurrentActor,
                      service: Service, written: Written) -> ApplicationOut:
    return _replace(service, actor, application_id, entry_id, body.entry(), written)


@router.delete("/education/{entry_id}", response_model=ApplicationOut, responses=CHANGE)
def remove_education(application_id: UUID, entry_id: UUID, actor: CurrentActor, service: Service,
                written: Written) -> ApplicationOut:
    return _remove(service, actor, application_id, Tab.EDUCATION, entry_id, written)


@router.post("/work", status_code=201, response_model=ApplicationOut, responses=CHANGE)
def add_work(application_id: UUID, body: WorkIn, actor: CurrentActor, service: Service,
             written: Written) -> ApplicationOut:
    return _add(service, actor, application_id, body.entry(), Tab.WORK, written)


@router.put("/work/{entry_id}", response_model=ApplicationOut, responses=CHANGE)
def replace_work(application_id: UUID, entry_id: UUID, body: WorkIn, actor: CurrentActor,
                 service: Service, written: Written) -> ApplicationOut:
    return _replace(service, actor, application_id, entry_id, body.entry(), written)


@router.delete("/work/{entry_id}", response_model=ApplicationOut, responses=CHANGE)
def remove_work(application_id: UUID, entry_id: UUID, actor: CurrentActor, service: Service,
                written: Written) -> ApplicationOut:
    return _remove(service, actor, application_id, Tab.WORK, entry_id, written)


@router.post("/training", status_code=201, response_model=ApplicationOut, responses=CHANGE)
def add_training(application_id: UUID, body: TrainingIn, actor: CurrentActor, service: Service,
                 written: Written) -> ApplicationOut:
    return _add(service, actor, application_id, body.entry(), Tab.TRAINING, written)


@router.put("/training/{entry_id}", response_model=ApplicationOut, responses=CHANGE)
def replace_training(application_id: UUID, entry_id: UUID, body: TrainingIn, actor: CurrentActor,
                     service: Service, written: Written) -> ApplicationOut:
    return _replace(service, actor, application_id, entry_id, body.entry(), written)


@router.delete("/training/{entry_id}", response_model=ApplicationOut, responses=CHANGE)
def remove_training(application_id: UUID, entry_id: UUID, actor: CurrentActor, service: Service,
                written: Written) -> ApplicationOut:
    return _remove(service, actor, application_id, Tab.TRAINING, entry_id, written)


@router.post("/rsc", status_code=201, response_model=ApplicationOut, responses=CHANGE)
def add_rsc(application_id: UUID, body: RscIn, actor: CurrentActor, service: Service,
            written: Written) -> ApplicationOut:
    """Add a period of reflective supervision/consultation received from one provider."""
    return _add(service, actor, application_id, body.entry(), Tab.RSC, written)


@router.put("/rsc/{entry_id}", response_model=ApplicationOut, responses=CHANGE)
def replace_rsc(application_id: UUID, entry_id: UUID, body: RscIn, actor: CurrentActor,
                service: Service, written: Written) -> ApplicationOut:
    return _replace(service, actor, application_id, entry_id, body.entry(), written)


@router.delete("/rsc/{entry_id}", response_model=ApplicationOut, responses=CHANGE)
def remove_rsc(application_id: UUID, entry_id: UUID, actor: CurrentActor, service: Service,
                written: Written) -> ApplicationOut:
    return _remove(service, actor, application_id, Tab.RSC, entry_id, written)


@router.put("/attestations/{kind}", response_model=ApplicationOut, responses=CHANGE)
def sign_attestation(application_id: UUID, kind: AttestationKind, actor: CurrentActor, service: Service,
                     written: Written) -> ApplicationOut:
    """Sign the Code of Ethics (`code_of_ethics`) or the Endorsement Agreement (`endorsement_agreement`) now."""
    return application_out(service, written(lambda: service.attest(application_id, actor, kind)))


@router.delete("/attestations/{kind}", response_model=ApplicationOut, responses=CHANGE)
def withdraw_attestation(application_id: UUID, kind: AttestationKind, actor: CurrentActor, service: Service,
                         written: Written) -> ApplicationOut:
    return application_out(service, written(lambda: service.withdraw_attestation(application_id, actor, kind)))


@router.put("/fees/{kind}", response_model=ApplicationOut, responses=CHANGE)
def record_fee(application_id: UUID, kind: FeeKind, body: FeeIn, actor: CurrentActor, service: Service,
               written: Written) -> ApplicationOut:
    """Record the `registration` or `processing` fee paid (amount and payment reference)."""
    return application_out(service, written(lambda: service.record_fee(application_id, actor, body.fee(kind))))

"""Registration: the applicant registers (registration fee recorded); a coordinator of the association accepts."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from .dependencies import CurrentActor, Service, Written, application_out
from .schemas import ApplicationOut, problems

router = APIRouter(prefix="/applications/{application_id}", tags=["registration"])


@router.post("/register", response_model=ApplicationOut, responses=problems(403, 404, 409, 412, 422))
def register(application_id: UUID, actor: CurrentActor, service: Service, written: Written) -> ApplicationOut:
    """Register the draft (owner) once the registration fee is recorded, where the category's rules require
    registration; a coordinator then accepts it, and only then can the application be submitted."""
    return application_out(service, written(lambda: service.register(application_id, actor)))


@router.post("/registration/accept", response_model=ApplicationOut, responses=problems(403, 404, 409, 412, 422))
def accept_registration(application_id: UUID, actor: CurrentActor, service: Service,
                        written: Written) -> ApplicationOut:
    """Accept a registration after checking membership and payment (coordinators of the association)."""
    return application_out(service, written(lambda: service.accept_registration(application_id, actor)))

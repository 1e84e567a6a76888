"""`GET /applications/{id}/timeline`: the applicant's status timeline, from the `application_timeline` read model."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..domain import Status
from ..projections.timeline import timeline_of
from .dependencies import CurrentActor, Pool, Service
from .schemas import problems

router = APIRouter(prefix="/applications", tags=["timeline"])


class TimelineEntryOut(BaseModel):
    at: datetime
    kind: str = Field(
        description="`started`, `registered`, `registration_accepted`, `reference_requested`, "
        "`reference_completed`, `reference_voided`, `reference_declined`, `submitted`, `review_opened` (the review "
        "cycle: `cycle_id`, `opens_at`, `deadline`, `waiting` when received; none on rolling intake), `returned`, "
        "`resubmitted`, `deferred`, `approved_for_exam`, `exam_result`, `endorsed`, `denied`, `withdrawn`."
    )
    status: Status = Field(description="The application's status after this entry.")
    summary: str = Field(description="What happened, for the applicant.")
    details: dict[str, Any] = Field(
        description="The entry's facts, e.g. `items`, `reasons`, `earliest_rereview_on`, `submission_number`."
    )


class TimelineOut(BaseModel):
    application_id: UUID
    items: list[TimelineEntryOut] = Field(description="Oldest first. The read model may lag a moment behind.")


@router.get("/{application_id}/timeline", response_model=TimelineOut, responses=problems(404, 422))
async def get_timeline(application_id: UUID, actor: CurrentActor, service: Service, pool: Pool) -> TimelineOut:
    """The owner and the association's coordinators see it; anyone else gets 404."""
    await run_in_threadpool(service.get, application_id, actor)  # the event store decides who may see it
    rows = await timeline_of(pool, application_id)
    return TimelineOut(application_id=application_id, items=[TimelineEntryOut(**row) for row in rows])

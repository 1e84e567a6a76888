"""Coordinator reports from the read models: time cases spend in each state, and decisions per category and cycle."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..projections import DecisionCount, StateDurations, decisions, time_in_state
from .dependencies import ClockDep, Coordinator, PoolDep
from .schemas import CATEGORY_CODE, CYCLE_ID

router = APIRouter(prefix="/reviews/reports", tags=["reports"])

CycleId = Annotated[str, StringConstraints(pattern=CYCLE_ID)]


class TimeInStateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cycle: CycleId | None = None
    category: Annotated[str, StringConstraints(pattern=CATEGORY_CODE)] | None = None


class DecisionParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cycle: CycleId | None = None


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 2)


def _days(seconds: float) -> float:
    return round(seconds / 86400, 2)


class StateDurationsOut(BaseModel):
    state: str
    stays: int = Field(description="Stays in the state (a case that returns to a state stays again).")
    current: int = Field(description="Stays not ended yet; they count up to now.")
    median_hours: float
    p90_hours: float
    max_hours: float
    median_days: float
    p90_days: float
    max_days: float

    @classmethod
    def of(cls, d: StateDurations) -> StateDurationsOut:
        return cls(state=d.state, stays=d.stays, current=d.current, median_hours=_hours(d.median_seconds),
                   p90_hours=_hours(d.p90_seconds), max_hours=_hours(d.max_seconds),
                   median_days=_days(d.median_seconds), p90_days=_days(d.p90_seconds), max_days=_days(d.max_seconds))


class TimeInStateOut(BaseModel):
    cycle: str | None
    category: str | None
    states: list[StateDurationsOut]


class DecisionCountOut(BaseModel):
    cycle: str | None = Field(description="None: cases on rolling intake.")
    category: str
    kind: str
    outcome: str
    count: int

    @classmethod
    def of(cls, d: DecisionCount) -> DecisionCountOut:
        return cls(cycle=d.cycle, category=d.category, kind=d.kind, outcome=d.outcome, count=d.count)


class DecisionsOut(BaseModel):
    cycle: str | None
    items: list[DecisionCountOut]
    total: int


@router.get("/time-in-state", response_model=TimeInStateOut)
async def get_time_in_state(coordinator: Coordinator, pool: PoolDep, clock: ClockDep,
                            params: Annotated[TimeInStateParams, Query()]) -> TimeInStateOut:
    """Per state (and `waiting` for a cycle to open): stays, and their median, 90th percentile and longest
    duration; stays still under way count up to now."""
    rows = await time_in_state(pool, coordinator.tenant, clock(), cycle=params.cycle, category=params.category)
    return TimeInStateOut(cycle=params.cycle, category=params.category, states=[StateDurationsOut.of(r) for r in rows])


@router.get("/decisions", response_model=DecisionsOut)
async def get_decisions(coordinator: Coordinator, pool: PoolDep,
                        params: Annotated[DecisionParams, Query()]) -> DecisionsOut:
    """Decisions per cycle, category, kind of case and outcome (`approved`, `approved_emerging`,
    `approved_for_exam`, `deferred`, `denied`)."""
    rows = await decisions(pool, coordinator.tenant, cycle=params.cycle)
    return DecisionsOut(cycle=params.cycle, items=[DecisionCountOut.of(r) for r in rows],
                        total=sum(r.count for r in rows))

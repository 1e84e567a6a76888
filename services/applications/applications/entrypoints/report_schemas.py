"""The requirement report as the API shows it."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from ..domain import RequirementReport, RequirementResult


class ProgressOut(BaseModel):
    have: float
    need: float
    unit: str = Field(description="`hours`, `days`, `families` or `cents`.")


class ReasonOut(BaseModel):
    code: str = Field(description="Stable reason code, e.g. `RSC_HOURS_SHORT`.")
    message: str
    params: dict[str, str | int | float] = Field(
        default_factory=dict, description="The numbers, dates (ISO) and names the message mentions, e.g. "
        '`{"have": 12, "need": 24, "window_months": 24}`, to phrase it in another language.')


class RequirementOut(BaseModel):
    code: str = Field(description="Stable requirement code, e.g. `RSC_HOURS`.")
    tab: str
    met: bool
    detail: str
    progress: ProgressOut | None
    reasons: list[ReasonOut]

    @classmethod
    def of(cls, result: RequirementResult) -> RequirementOut:
        p = result.progress
        return cls(code=result.code, tab=result.tab, met=result.met, detail=result.detail,
                   progress=ProgressOut(have=float(p.have), need=float(p.need), unit=p.unit) if p else None,
                   reasons=[ReasonOut(code=r.code, message=r.message, params=dict(r.params)) for r in result.reasons])


class RequirementReportOut(BaseModel):
    application_id: str
    rule_set_version: str = Field(description="`<tenant>/<category>/<effective_from>` of the rules applied.")
    on: date = Field(description="The date the rules and the entries were judged on.")
    all_met: bool
    exam_required: bool = Field(description="Whether the category needs the written exam after approval.")
    requirements: list[RequirementOut]
    not_checked: list[str] = Field(description="Parts of the rules reviewers still check by hand (for now).")

    @classmethod
    def of(cls, application_id: str, report: RequirementReport) -> RequirementReportOut:
        return cls(application_id=application_id, rule_set_version=report.rule_set_version, on=report.on,
                   all_met=report.all_met, exam_required=report.exam_required,
                   requirements=[RequirementOut.of(r) for r in report.results], not_checked=list(report.not_checked))

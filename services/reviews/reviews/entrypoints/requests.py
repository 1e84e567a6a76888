"""HTTP request bodies. Each refuses unknown fields; the domain applies the rules on their content."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator

from ..domain import MAX_DESIGNATION_LENGTH, ChecklistItem, RecommendationKind

Item = Annotated[str, StringConstraints(max_length=1000)]
Items = Annotated[list[Item], Field(max_length=50)]
Message = Annotated[str, StringConstraints(max_length=4000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApproveRequest(_Body):
    """Approve the case; every field is optional."""

    designation: Annotated[str, StringConstraints(max_length=MAX_DESIGNATION_LENGTH)] | None = Field(
        default=None, description="A short qualifier of the endorsement, e.g. a specialisation; blank means none."
    )
    effective_date: date | None = Field(
        default=None, description="Defaults to today in the association's timezone; never in the future."
    )
    emerging: bool = Field(default=False, description="Endorse as emerging (categories whose rules allow it).")


class CompletenessRequest(_Body):
    outcome: Literal["complete", "incomplete"]
    items: Items = Field(default_factory=list, description="What is missing (required when incomplete).")
    message: Message | None = None

    @model_validator(mode="after")
    def _items_only_when_incomplete(self) -> CompletenessRequest:
        if self.outcome == "complete" and (self.items or self.message):
            raise ValueError("a complete application takes no items or message")
        return self


class InformationRequest(_Body):
    items: Items = Field(min_length=1, description="What the applicant must add or change.")
    message: Message | None = None


class DeferRequest(_Body):
    reasons: Items = Field(min_length=1)
    recommendations: Items = Field(default_factory=list, description="Recommended training and RSC.")
    earliest_rereview_on: date


class DenyRequest(_Body):
    reasons: Items = Field(min_length=1)


class ExamResultRequest(_Body):
    taken_on: date
    part1_percent: int | None = Field(default=None, ge=0, le=100, description="Multiple choice, percent correct.")
    part2_passed: bool | None = Field(default=None, description="Vignettes, as reconciled by the two scorers.")


class AssignReviewerRequest(_Body):
    email: EmailStr


class WithdrawReviewerRequest(_Body):
    email: EmailStr
    reason: Message | None = None


class DeclineRequest(_Body):
    reason: Message | None = None


class ChecklistTick(_Body):
    """One knowledge/skill area (or a whole domain) of `config/rulesets/competencies.yaml`, met or not."""

    area: Annotated[str, StringConstraints(max_length=64)]
    met: bool
    section: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        default=None, description="The application section the tick is about, e.g. `training`; none: overall."
    )
    note: Item | None = None

    def item(self) -> ChecklistItem:
        return ChecklistItem(area=self.area, met=self.met, section=self.section, note=self.note)


class RecommendationRequest(_Body):
    recommendation: RecommendationKind
    comments_for_applicant: Message | None = None
    private_notes: Message | None = None
    domains_met: Annotated[list[Annotated[str, StringConstraints(max_length=60)]], Field(max_length=8)] = Field(
        default_factory=list, description="Competency domain ids the reviewer checked off."
    )
    checklist: Annotated[list[ChecklistTick], Field(max_length=400)] = Field(
        default_factory=list, description="The competency checklist: areas met or not, per section, with notes."
    )


class RenewalApproveRequest(_Body):
    renewal_year: int | None = Field(default=None, ge=2000, le=2200,
                                     description="The year of the due date being renewed; defaults to the current.")


class RevokeRequest(_Body):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class ReinstateRequest(_Body):
    application_id: UUID | None = Field(default=None, description="The approved reinstatement application.")

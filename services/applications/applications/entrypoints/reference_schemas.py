"""Bodies of the references tab and of the rater's form. Requests are strict: unknown fields are refused.

Waived references show the applicant their status only: answers (ratings, comments, how many items had not
enough information) appear for coordinators, or for the applicant when the reference is not waived.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictBool, StringConstraints

from ..domain import Application, CompetencyFramework
from ..domain.reference_data import Reference, ReferenceForm, VoidReason
from ..domain.reference_drafts import ReferenceDraft
from ..domain.references import (
    MAX_COMMENTS,
    MAX_DECLINE_REASON,
    MAX_RATER_NAME,
    MAX_RELATIONSHIP,
    MAX_VETTING_REASON,
)
from ..domain.rules import RaterRole, ReferenceRule

CategoryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z/\-]{1,15}$")]
ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
RatingValue = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
WITHHELD = "the applicant waived the right to see this reference"
Language = Literal["en", "es"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NameRaterIn(_Request):
    slot: int = Field(ge=1, le=10, description="The rule set's reference slot (1-based; see `rules.slots`).")
    name: Annotated[str, StringConstraints(min_length=1, max_length=MAX_RATER_NAME)]
    email: EmailStr = Field(description="Preferably a personal address: employers' mail servers often block ours.")
    kind: RaterRole = Field(description="One of the slot's rater kinds.")
    endorsed_category: CategoryCode | None = Field(
        default=None, description="The category the rater is endorsed in, if any (e.g. IMHM-C).")
    relationship: Annotated[str, StringConstraints(max_length=MAX_RELATIONSHIP)] | None = Field(
        default=None, description="How the rater knows the applicant (raters should have known them a year).")
    waived: StrictBool = Field(description="Waive the right to see the reference's contents.")
    replaces: UUID | None = Field(default=None, description="A reference to withdraw in the same step.")
    language: Language | None = Field(default=None, description="The language of the rater's email and form.")


class WaiverIn(_Request):
    waived: StrictBool


class VettingIn(_Request):
    approved: StrictBool
    reason: Annotated[str, StringConstraints(max_length=MAX_VETTING_REASON)] | None = Field(
        default=None, description="Required when the rater is not accepted.")


class RaterAnswerIn(_Request):
    ratings: dict[ItemId, RatingValue] = Field(
        max_length=200, description="Every item of the form -> a value of its scale (`not_enough_information` too).")
    comments: Annotated[str, StringConstraints(max_length=MAX_COMMENTS)] | None = None


class RaterDraftIn(_Request):
    ratings: dict[ItemId, RatingValue] = Field(default_factory=dict, max_length=200,
                                               description="Any items of the form rated so far.")
    comments: Annotated[str, StringConstraints(max_length=MAX_COMMENTS)] | None = None


class DeclineIn(_Request):
    reason: Annotated[str, StringConstraints(max_length=MAX_DECLINE_REASON)] | None = Field(
        default=None, description="Why, in the rater's words (optional).")


class RaterOut(BaseModel):
    name: str | None = Field(description="null once the rater is erased")
    email: str | None = Field(description="null once the rater is erased")
    kind: RaterRole
    endorsed_category: str | None
    relationship: str | None
    language: str | None


class LinkOut(BaseModel):
    number: int = Field(description="1 for the first email; each re-send or reminder adds one.")
    requested_at: datetime
    expires_at: datetime
    reminder: bool


class AnswerOut(BaseModel):
    completed_at: datetime
    ratings: dict[str, str]
    comments: str | None
    not_enough_information: int


class ReferenceOut(BaseModel):
    id: UUID
    slot: int
    status: str = Field(description="requested, completed or voided")
    state: Literal["sent", "reminded", "completed", "void", "declined"] = Field(
        description="For people: sent, reminded (the last email was a reminder), completed, void, or declined by "
        "the rater (name another rater for the slot).")
    rater: RaterOut
    waived: bool
    vetting: str = Field(description="not_required, pending, approved or refused")
    vetting_reason: str | None
    named_at: datetime
    link: LinkOut
    reminders_sent: int
    completed_on: date | None
    valid_until: date | None = Field(description="The last day the completed reference counts (rules of today).")
    void_reason: VoidReason | None
    void_detail: str | None
    answer: AnswerOut | None = Field(description="Absent for the applicant when the reference is waived.")

    @classmethod
    def of(cls, reference: Reference, rule: ReferenceRule, *, full: bool) -> ReferenceOut:
        shown = full or not reference.waived
        answer = reference.answer
        rater = reference.rater
        request = reference.request
        detail = reference.void_detail
        if not shown and reference.void_reason in (VoidReason.NOT_ENOUGH_INFORMATION, VoidReason.DECLINED):
            detail = WITHHELD
        return cls(
            id=reference.id, slot=reference.slot, status=reference.status.value, state=reference.state,
            rater=RaterOut(name=rater.name, email=rater.email, kind=rater.kind,
                           endorsed_category=rater.endorsed_category, relationship=rater.relationship,
                           language=rater.language),
            waived=reference.waived, vetting=reference.vetting.value, vetting_reason=reference.vetting_reason,
            named_at=reference.named_at,
            link=LinkOut(number=request.number, requested_at=request.requested_at, expires_at=request.expires_at,
                         reminder=request.reminder),
            reminders_sent=reference.reminders_sent,
            completed_on=answer.completed_on if answer else None,
            valid_until=reference.valid_until(rule) if reference.active else None,
            void_reason=reference.void_reason, void_detail=detail,
            answer=AnswerOut(completed_at=answer.answered_at, ratings=dict(answer.ratings), comments=answer.comments,
                             not_enough_information=answer.not_enough_information) if answer and shown else None,
        )


class SlotOut(BaseModel):
    slot: int
    raters: list[RaterRole]
    endorsed_at_or_above: str | None
    vetting_allowed: bool


class ReferenceRulesOut(BaseModel):
    slots: list[SlotOut]
    at_least_one_endorsed_at_or_above: str | None
    max_not_enough_information: int
    valid_for_months: int


class ReferencesOut(BaseModel):
    application_id: UUID
    rules: ReferenceRulesOut = Field(description="The reference rules in force today.")
    items: list[ReferenceOut]

    @classmethod
    def of(cls, application: Application, rule: ReferenceRule, *, full: bool) -> ReferencesOut:
        slots = [SlotOut(slot=n, raters=list(s.raters), endorsed_at_or_above=s.endorsed_at_or_above,
                         vetting_allowed=s.vetting_allowed) for n, s in enumerate(rule.slots, start=1)]
        return cls(
            application_id=application.id,
            rules=ReferenceRulesOut(slots=slots,
                                    at_least_one_endorsed_at_or_above=rule.at_least_one_endorsed_at_or_above,
                                    max_not_enough_information=rule.max_not_enough_information,
                                    valid_for_months=rule.valid_for_months),
            items=[ReferenceOut.of(r, rule, full=full) for r in application.reference_list()],
        )


class ItemOut(BaseModel):
    id: str
    domain: str
    name: str


class ScaleOut(BaseModel):
    value: str
    label: str


class RaterFormOut(BaseModel):
    """What the rater sees: whom they rate, for what, and the form (no account needed; the link is single-use)."""

    applicant_name: str | None
    """null once the applicant is erased (their application is then withdrawn: the form takes no answer)."""
    category: str
    category_name: str
    rater_name: str | None
    rater_kind: RaterRole
    waived: bool = Field(description="Whether the applicant waived the right to see this reference.")
    expires_at: datetime
    items: list[ItemOut]
    scale: list[ScaleOut]
    max_not_enough_information: int = Field(
        description="More 'not enough information' answers than this and the reference does not count.")
    language: Language = Field(description="The language of `items` and `scale`: `lang`, else the rater's.")
    rater_language: Language | None = Field(description="The language the applicant chose for the rater.")
    draft: DraftOut | None = Field(default=None, description="The rater's saved, unfinished answers.")

    @classmethod
    def of(cls, application: Application, reference: Reference, form: ReferenceForm,
           competencies: CompetencyFramework, language: Language | None = None,
           draft: ReferenceDraft | None = None) -> RaterFormOut:
        rater_language: Language | None = "es" if reference.rater.language == "es" else (
            "en" if reference.rater.language == "en" else None)
        shown: Language = language or rater_language or "en"

        def name(item_id: str, english: str) -> str:
            known = item_id in competencies.domains or item_id in competencies.areas
            return competencies.name_of(item_id, shown) if known else english

        return cls(applicant_name=application.applicant.name, category=application.category,
                   category_name=application.category_name, rater_name=reference.rater.name,
                   rater_kind=reference.rater.kind, waived=reference.waived, expires_at=reference.request.expires_at,
                   items=[ItemOut(id=i.id, domain=i.domain, name=name(i.id, i.name)) for i in form.items],
                   scale=[ScaleOut(value=o.value, label=o.label_in(shown)) for o in form.scale],
                   max_not_enough_information=form.max_not_enough_information, language=shown,
                   rater_language=rater_language,
                   draft=DraftOut.of(draft) if draft is not None and draft.saved_at is not None else None)


class DraftOut(BaseModel):
    ratings: dict[str, str]
    comments: str | None
    saved_at: datetime

    @classmethod
    def of(cls, draft: ReferenceDraft) -> DraftOut:
        assert draft.saved_at is not None
        return cls(ratings=dict(draft.ratings), comments=draft.comments, saved_at=draft.saved_at)


class RaterDraftOut(BaseModel):
    status: Literal["saved"] = "saved"
    draft: DraftOut


class RaterDeclinedOut(BaseModel):
    status: Literal["declined"] = "declined"
    message: str


class RaterReceiptOut(BaseModel):
    status: str = Field(description="completed, or voided when too many items had not enough information")
    completed_on: date
    message: str

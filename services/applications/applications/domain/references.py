"""The references tab, mixed into the Application aggregate: raters per slot, their links, answers and vetting.

Domain §3.4: the applicant names each rater (name, email, kind); the rater gets a single-use, expiring link and
rates the applicant on the form's items; 6 or more "not enough information" answers (more than the rule set's
`max_not_enough_information`) void the reference; a reference counts for 12 months after completion; the
applicant chooses per reference whether to waive seeing it; a coordinator vets raters who are not endorsed at
the slot's level. Commands check first and then trigger one event each (`reference_events.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from .errors import NotEditable
from .reference_data import (
    ENDORSEMENT_LEVELS,
    RATER_LANGUAGES,
    Rater,
    Reference,
    ReferenceForm,
    ReferencePolicy,
    ReferenceStatus,
    Vetting,
    VoidReason,
    vetting_for,
)
from .reference_errors import (
    DuplicateRater,
    InvalidRater,
    InvalidRatings,
    InvalidVetting,
    RaterKindNotAllowed,
    RaterNotEligible,
    ReferenceLinkDeclined,
    ReferenceLinkExpired,
    ReferenceLinkInvalid,
    ReferenceLinkUsed,
    ReferenceNotFound,
    ReferenceNotPending,
    ReferenceVoided,
    ResendLimitReached,
    SlotTaken,
    TooManyReferences,
    UnknownSlot,
    VettingNotPending,
)
from .reference_events import (
    RaterNamed,
    RaterVetted,
    ReferenceAnswered,
    ReferenceDeclined,
    ReferenceRequestedAgain,
    ReferenceWithdrawn,
    WaiverChosen,
)
from .rules import NOT_ENOUGH_INFORMATION, ReferenceRule
from .values import PersonalText

if TYPE_CHECKING:
    from .values import Applicant

MAX_RATER_NAME = 200
MAX_RATER_EMAIL = 320
MAX_RELATIONSHIP = 500
MAX_COMMENTS = 4000
MAX_VETTING_REASON = 1000
MAX_DECLINE_REASON = 1000
MAX_REFERENCES = 30
"""Every reference ever named on one application, voided ones included."""
MAX_REQUESTS = 10
"""Emails per reference (first request, re-sends and reminders): a bound on mail to one rater."""

IssueLink = Callable[[UUID, int], str]
"""(reference id, request number) -> the SHA-256 of that request's link secret."""


class References:
    """Mixed into Application."""

    if TYPE_CHECKING:
        id: UUID
        tenant: str
        applicant: Applicant
        references: dict[UUID, Reference]

        def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None: ...

        def _ensure_editable(self) -> None: ...

    # Applicant commands --------------------------------------------------------------------------

    def name_rater(self, reference_id: UUID, slot: int, rater: Rater, *, waived: bool, rules: ReferenceRule,
                   at: datetime, issue: IssueLink, policy: ReferencePolicy, replaces: UUID | None = None) -> None:
        """Ask `rater` for the reference of `slot` (1-based); with `replaces`, withdraw that reference first."""
        self._ensure_editable()
        _ensure_aware(at)
        if reference_id in self.references:
            raise ValueError(f"reference id {reference_id} is already used")
        if len(self.references) >= MAX_REFERENCES:
            raise TooManyReferences(f"an application may name at most {MAX_REFERENCES} raters in all")
        replaced = self._active(replaces) if replaces is not None else None
        rater = self._checked_rater(rater, ignore=replaces)
        if not 1 <= slot <= len(rules.slots):
            raise UnknownSlot(f"the rules have {len(rules.slots)} reference slot(s); there is no slot {slot}")
        rule_slot = rules.slots[slot - 1]
        if rater.kind not in rule_slot.raters:
            raise RaterKindNotAllowed(f"slot {slot} takes a rater who is one of: "
                                      f"{', '.join(k.value for k in rule_slot.raters)}")
        vetting = vetting_for(rules, rule_slot, rater)
        if vetting is None:
            raise RaterNotEligible(f"slot {slot} needs a rater endorsed {rule_slot.endorsed_at_or_above} or higher")
        taken = [r for r in self.references.values() if r.active and r.slot == slot and r.id != replaces]
        if taken:
            raise SlotTaken(f"slot {slot} already has a reference from {taken[0].rater.shown_name}; "
                            "replace or withdraw it")
        if replaced is not None:
            self.trigger_event(ReferenceWithdrawn, tenant=self.tenant, reference_id=replaced.id, at=at,
                               replaced_by=reference_id)
        self.trigger_event(RaterNamed, tenant=self.tenant, reference_id=reference_id, at=at, slot=slot,
                           rater=rater.identity, rater_kind=rater.kind.value,
                           endorsed_category=rater.endorsed_category, relationship=rater.relationship,
                           waived=waived, vetting=vetting.value, secret_hash=issue(reference_id, 1),
                           expires_at=at + policy.link_lifetime, rater_language=rater.language)

    def resend_reference(self, reference_id: UUID, at: datetime, issue: IssueLink, policy: ReferencePolicy) -> None:
        """Email the rater again with a new link; the earlier link stops working."""
        self._ensure_editable()
        _ensure_aware(at)
        reference = self._pending(reference_id)
        if reference.requests_made >= MAX_REQUESTS:
            raise ResendLimitReached(f"{reference.rater.shown_name} was emailed {MAX_REQUESTS} times; "
                                     "name another rater")
        self._request_again(reference, at, issue, policy, reminder=False)

    def choose_waiver(self, reference_id: UUID, waived: bool, at: datetime) -> None:
        """Waive (or keep) the right to see the reference, until the rater answers."""
        self._ensure_editable()
        reference = self._pending(reference_id)
        if reference.waived != waived:
            self.trigger_event(WaiverChosen, tenant=self.tenant, reference_id=reference_id, at=at, waived=waived)

    def withdraw_reference(self, reference_id: UUID, at: datetime) -> None:
        """The reference no longer counts and its slot is free (its link stops working)."""
        self._ensure_editable()
        reference = self._active(reference_id)
        self.trigger_event(ReferenceWithdrawn, tenant=self.tenant, reference_id=reference.id, at=at,
                           replaced_by=None)

    # Coordinator and background commands ---------------------------------------------------------------------

    def vet_rater(self, reference_id: UUID, *, approved: bool, reason: str | None, by: UUID, at: datetime) -> None:
        """Record the coordinator's vetting decision (after a call with the rater); refusing voids the reference."""
        reference = self.reference(reference_id)
        if reference.vetting is not Vetting.PENDING or not reference.active:
            raise VettingNotPending(f"the rater of reference {reference_id} is not waiting for vetting")
        reason = (reason or "").strip() or None
        if reason is not None and len(reason) > MAX_VETTING_REASON:
            raise InvalidVetting(f"the reason is longer than {MAX_VETTING_REASON} characters")
        if not approved and reason is None:
            raise InvalidVetting("say why the rater is not accepted")
        self.trigger_event(RaterVetted, tenant=self.tenant, reference_id=reference_id, at=at, approved=approved,
                           why=PersonalText(self.applicant.subject, reason), by=by)

    def remind_if_due(self, reference_id: UUID, at: datetime, issue: IssueLink, policy: ReferencePolicy) -> bool:
        """Send a reminder (with a new link) when the rater has not answered for `policy.remind_after`."""
        reference = self.references.get(reference_id)
        if reference is None or reference.status is not ReferenceStatus.REQUESTED:
            return False
        try:
            self._ensure_editable()
        except NotEditable:
            return False
        if reference.rater.erased:
            return False  # nobody to remind: the rater was erased
        due = at - reference.request.requested_at >= policy.remind_after
        if not due or reference.reminders_sent >= policy.max_reminders or reference.requests_made >= MAX_REQUESTS:
            return False
        self._request_again(reference, at, issue, policy, reminder=True)
        return True

    # The rater's link -----------------------------------------------------------------------------------------

    def reference_by_link(self, reference_id: UUID, request_number: int, secret: str, at: datetime) -> Reference:
        """The reference a link opens, if the link is the latest one, genuine, unanswered and unexpired."""
        reference = self.references.get(reference_id)
        if reference is None or reference.request.number != request_number or not reference.request.matches(secret):
            raise ReferenceLinkInvalid("this reference link is not valid")
        if reference.answer is not None:
            raise ReferenceLinkUsed("this reference was already submitted; a link works once")
        if reference.void_reason is VoidReason.DECLINED:
            raise ReferenceLinkDeclined("you declined to give this reference; the link no longer works")
        if not reference.active:
            raise ReferenceLinkInvalid("this reference link is not valid")
        if at >= reference.request.expires_at:
            raise ReferenceLinkExpired("this reference link has expired; the applicant can send a new one")
        return reference

    def answer_reference(self, reference_id: UUID, request_number: int, secret: str, *, ratings: Mapping[str, str],
                         comments: str | None, form: ReferenceForm, at: datetime, on: date) -> Reference:
        """The rater submits the form through their link (`on`: the association's date of `at`)."""
        self.reference_by_link(reference_id, request_number, secret, at)
        self._ensure_editable()
        ratings = _checked_ratings(ratings, form)
        comments = (comments or "").strip() or None
        if comments is not None and len(comments) > MAX_COMMENTS:
            raise InvalidRatings(f"the comments are longer than {MAX_COMMENTS} characters")
        unknown = sum(1 for value in ratings.values() if value == NOT_ENOUGH_INFORMATION.value)
        self.trigger_event(ReferenceAnswered, tenant=self.tenant, reference_id=reference_id, at=at,
                           request_number=request_number, completed_on=on,
                           valid_until=on + timedelta(days=form.valid_for_days - 1), ratings=ratings,
                           comments=PersonalText(self.applicant.subject, comments),
                           not_enough_information=unknown, counted=unknown <= form.max_not_enough_information)
        return self.references[reference_id]

    def decline_reference(self, reference_id: UUID, request_number: int, secret: str, *, reason: str | None,
                          at: datetime) -> Reference:
        """The rater declines through their link: the reference is void (`declined`), the link spent."""
        self.reference_by_link(reference_id, request_number, secret, at)
        self._ensure_editable()
        reason = (reason or "").strip() or None
        if reason is not None and len(reason) > MAX_DECLINE_REASON:
            raise InvalidRatings(f"the reason is longer than {MAX_DECLINE_REASON} characters")
        self.trigger_event(ReferenceDeclined, tenant=self.tenant, reference_id=reference_id, at=at,
                           request_number=request_number, reason=PersonalText(self.applicant.subject, reason))
        return self.references[reference_id]

    def check_draft(self, ratings: Mapping[str, str], comments: str | None, form: ReferenceForm) -> dict[str, str]:
        """A rater's unfinished answers: only items of the form, only values of its scale (any may be missing).
        Refused, as an answer would be, once the application can no longer take one (withdrawn, e.g. on its
        applicant's erasure, whose key then seals nothing more)."""
        self._ensure_editable()
        unknown = sorted(ratings.keys() - form.item_ids)
        if unknown:
            raise InvalidRatings(f"not items of this form: {', '.join(unknown[:10])}")
        wrong = sorted(item for item, value in ratings.items() if value not in form.values)
        if wrong:
            raise InvalidRatings(f"ratings must be one of {', '.join(o.value for o in form.scale)}; not for: "
                                 f"{', '.join(wrong[:10])}")
        if comments is not None and len(comments) > MAX_COMMENTS:
            raise InvalidRatings(f"the comments are longer than {MAX_COMMENTS} characters")
        return {item.id: ratings[item.id] for item in form.items if item.id in ratings}

    # Queries ----------------------------------------------------------------------------------------------------

    def reference(self, reference_id: UUID) -> Reference:
        try:
            return self.references[reference_id]
        except KeyError:
            raise ReferenceNotFound(f"no reference {reference_id}") from None

    def reference_list(self) -> tuple[Reference, ...]:
        """Every reference by slot, oldest first within a slot."""
        return tuple(sorted(self.references.values(), key=lambda r: (r.slot, r.named_at)))

    def rater_emails(self) -> tuple[str, ...]:
        """The raters of the references that hold a slot (for conflict-of-interest checks in review); an erased
        rater's address is gone."""
        return tuple(r.rater.email for r in self.reference_list() if r.active and r.rater.email is not None)

    # Helpers ----------------------------------------------------------------------------------------------------

    def _active(self, reference_id: UUID) -> Reference:
        reference = self.reference(reference_id)
        if not reference.active:
            raise ReferenceVoided(f"reference {reference_id} was voided ({reference.void_reason})")
        return reference

    def _pending(self, reference_id: UUID) -> Reference:
        reference = self.reference(reference_id)
        if reference.status is not ReferenceStatus.REQUESTED:
            raise ReferenceNotPending(f"reference {reference_id} is {reference.status}, no longer waiting for the "
                                      "rater")
        return reference

    def _request_again(self, reference: Reference, at: datetime, issue: IssueLink, policy: ReferencePolicy, *,
                       reminder: bool) -> None:
        number = reference.request.number + 1
        self.trigger_event(ReferenceRequestedAgain, tenant=self.tenant, reference_id=reference.id, at=at,
                           request_number=number, reminder=reminder, secret_hash=issue(reference.id, number),
                           expires_at=at + policy.link_lifetime)

    def _checked_rater(self, rater: Rater, ignore: UUID | None) -> Rater:
        name = (rater.name or "").strip()
        email = (rater.email or "").strip()
        relationship = (rater.relationship or "").strip() or None
        if not name or len(name) > MAX_RATER_NAME:
            raise InvalidRater(f"the rater's name must have 1 to {MAX_RATER_NAME} characters")
        if not _looks_like_email(email):
            raise InvalidRater("the rater's email address is not valid")
        if relationship is not None and len(relationship) > MAX_RELATIONSHIP:
            raise InvalidRater(f"the relationship is longer than {MAX_RELATIONSHIP} characters")
        if rater.language is not None and rater.language not in RATER_LANGUAGES:
            raise InvalidRater(f"the rater's language must be one of {', '.join(RATER_LANGUAGES)}")
        if rater.endorsed_category is not None and rater.endorsed_category not in ENDORSEMENT_LEVELS:
            raise InvalidRater(f"{rater.endorsed_category!r} is not an endorsement category")
        if self.applicant.email is not None and email.casefold() == self.applicant.email.casefold():
            raise InvalidRater("applicants cannot rate themselves")
        checked = Rater(name, email, rater.kind, rater.endorsed_category, relationship, rater.language,
                        rater.subject)
        # one person by subject (a keyed hash of the address), so an erased rater still counts as named
        if any(r.active and r.id != ignore and r.rater.same_person(checked) for r in self.references.values()):
            raise DuplicateRater(f"{email} already rates this application; each reference needs another person")
        return checked


def _checked_ratings(ratings: Mapping[str, str], form: ReferenceForm) -> dict[str, str]:
    missing = sorted(form.item_ids - ratings.keys())
    unknown = sorted(ratings.keys() - form.item_ids)
    if unknown:
        raise InvalidRatings(f"not items of this form: {', '.join(unknown[:10])}")
    if missing:
        raise InvalidRatings(f"rate every item (choose 'not enough information' where it applies); missing: "
                             f"{', '.join(missing[:10])}")
    wrong = sorted(item for item, value in ratings.items() if value not in form.values)
    if wrong:
        raise InvalidRatings(f"ratings must be one of {', '.join(o.value for o in form.scale)}; not for: "
                             f"{', '.join(wrong[:10])}")
    return {item.id: ratings[item.id] for item in form.items}


def _looks_like_email(email: str) -> bool:
    local, at, domain = email.rpartition("@")
    return (bool(at) and bool(local) and "." in domain.strip(".") and len(email) <= MAX_RATER_EMAIL
            and not any(c.isspace() for c in email) and "@" not in domain)


def _ensure_aware(at: datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")

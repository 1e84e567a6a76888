"""Given/when/then tests of the references tab on the Application aggregate: naming raters per slot, the rater's
single-use expiring link (reuse, expiry, forgery, superseded links), the "not enough information" void rule,
waivers, vetting, reminders and replacing a rater. Every refusal records nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from applications.domain import Applicant, Application, CategoryOffer
from applications.domain.errors import DomainError, NotEditable
from applications.domain.reference_data import (
    Rater,
    ReferencePolicy,
    ReferenceStatus,
    Vetting,
    VoidReason,
    hash_secret,
)
from applications.domain.reference_errors import (
    DuplicateRater,
    InvalidRater,
    InvalidRatings,
    InvalidVetting,
    RaterKindNotAllowed,
    RaterNotEligible,
    ReferenceLinkExpired,
    ReferenceLinkInvalid,
    ReferenceLinkUsed,
    ReferenceNotPending,
    ReferenceVoided,
    ResendLimitReached,
    SlotTaken,
    UnknownSlot,
    VettingNotPending,
)
from applications.domain.references import MAX_REQUESTS
from applications.domain.rules import RaterRole, ReferenceSlot
from reference_builders import form, ratings, secret_of
from rule_builders import context, fill, satisfying, shipped

OFFER = CategoryOffer({"IFS": "Infant Family Specialist", "IFA": "Infant Family Associate"})
NOW = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)
IFS = shipped("IFS", TODAY)
IFA = shipped("IFA", TODAY)
POLICY = ReferencePolicy(link_lifetime=timedelta(days=30), remind_after=timedelta(days=7), max_reminders=2)
SUPERVISOR = Rater("Sam Ortiz", "sam@example.org", RaterRole.SUPERVISOR, relationship="my supervisor since 2022")
PROVIDER = Rater("Rita Moreno", "rita@example.org", RaterRole.RSC_PROVIDER, "IMHM-C")
COLLEAGUE = Rater("Lee Park", "lee@example.org", RaterRole.COLLEAGUE)
COORDINATOR = uuid4()


def issue(reference_id: UUID, number: int) -> str:
    return hash_secret(secret_of(reference_id, number))


def a_draft(category: str = "IFS") -> Application:
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), category, OFFER)
    application.collect_events()
    return application


def named(application: Application, rater: Rater = SUPERVISOR, slot: int = 1, *, waived: bool = False,
          at: datetime = NOW, category_rules: Any = IFS, replaces: UUID | None = None) -> UUID:
    reference_id = uuid4()
    application.name_rater(reference_id, slot, rater, waived=waived, rules=category_rules.references, at=at,
                           issue=issue, policy=POLICY, replaces=replaces)
    return reference_id


def answered(application: Application, reference_id: UUID, *, unknown: int = 0, number: int = 1,
             at: datetime = NOW + timedelta(days=2), rules: Any = IFS) -> None:
    application.answer_reference(reference_id, number, secret_of(reference_id, number),
                                 ratings=ratings(rules.references, unknown), comments="  Warm and reflective.  ",
                                 form=form(rules.references), at=at, on=at.date())


def event_names(application: Application) -> list[str]:
    return [type(e).__name__ for e in application.collect_events()]


def refused(application: Application, command: Callable[[], object], error: type[DomainError]) -> DomainError:
    """The command is refused with `error`, and nothing is recorded."""
    application.collect_events()
    with pytest.raises(error) as caught:
        command()
    assert event_names(application) == []
    return caught.value


# naming raters ------------------------------------------------------------------------------------------------


def test_naming_a_rater_asks_them_through_a_link_that_expires() -> None:
    application = a_draft()

    reference_id = named(application, SUPERVISOR, slot=1, waived=True)

    assert event_names(application) == ["RaterNamed"]
    reference = application.reference(reference_id)
    assert (reference.slot, reference.rater, reference.waived) == (1, SUPERVISOR, True)
    assert reference.status is ReferenceStatus.REQUESTED
    assert reference.vetting is Vetting.NOT_REQUIRED
    assert reference.request.number == 1
    assert reference.request.expires_at == NOW + timedelta(days=30)
    assert reference.request.secret_hash == hash_secret(secret_of(reference_id, 1))
    assert secret_of(reference_id, 1) not in repr(reference)  # only the hash is kept


@pytest.mark.parametrize(("slot", "rater", "error"), [
    (2, SUPERVISOR, RaterKindNotAllowed),  # slot 2 takes the RSC provider only
    (1, COLLEAGUE, RaterKindNotAllowed),
    (4, SUPERVISOR, UnknownSlot),
    (0, SUPERVISOR, UnknownSlot),
    (1, replace(SUPERVISOR, email="dana@example.org"), InvalidRater),  # the applicant
    (1, replace(SUPERVISOR, email="not-an-email"), InvalidRater),
    (1, replace(SUPERVISOR, name="  "), InvalidRater),
    (1, replace(SUPERVISOR, endorsed_category="LEVEL-9"), InvalidRater),
    (1, replace(SUPERVISOR, relationship="x" * 501), InvalidRater),
])
def test_a_rater_must_fit_the_slot_the_rules_describe(slot: int, rater: Rater, error: type[DomainError]) -> None:
    application = a_draft()

    refused(application, lambda: named(application, rater, slot), error)


def test_each_slot_holds_one_reference_and_each_rater_rates_once() -> None:
    application = a_draft()
    named(application, SUPERVISOR, 1)

    refused(application, lambda: named(application, replace(SUPERVISOR, email="other@example.org"), 1), SlotTaken)
    refused(application, lambda: named(application, replace(SUPERVISOR, email="SAM@example.org"), 3), DuplicateRater)
    named(application, PROVIDER, 2)
    named(application, COLLEAGUE, 3)
    assert [r.slot for r in application.reference_list()] == [1, 2, 3]


def test_a_rater_below_the_slots_endorsement_needs_vetting_where_the_rules_allow_it() -> None:
    application = a_draft("IFA")  # IFA slot 2: endorsed IFS or higher, or vetted

    endorsed = named(application, Rater("Ann Lee", "ann@example.org", RaterRole.ENDORSED_OR_VETTED, "IMHS"), 2,
                     category_rules=IFA)
    application.withdraw_reference(endorsed, NOW)
    unendorsed = named(application, Rater("Bo Diaz", "bo@example.org", RaterRole.ENDORSED_OR_VETTED, "IFA"), 2,
                       category_rules=IFA)

    assert application.reference(endorsed).vetting is Vetting.NOT_REQUIRED
    assert application.reference(unendorsed).vetting is Vetting.PENDING


def test_where_the_slot_takes_no_vetted_raters_an_unendorsed_rater_is_refused() -> None:
    strict = replace(IFA, references=replace(IFA.references, slots=(
        IFA.references.slots[0], ReferenceSlot((RaterRole.ENDORSED_OR_VETTED,), "IFS", vetting_allowed=False))))
    application = a_draft("IFA")
    rater = Rater("Bo Diaz", "bo@example.org", RaterRole.ENDORSED_OR_VETTED)

    refused(application, lambda: named(application, rater, 2, category_rules=strict), RaterNotEligible)


def test_replacing_a_rater_voids_the_old_reference_and_frees_its_slot_in_one_step() -> None:
    application = a_draft()
    first = named(application, SUPERVISOR, 1)
    application.collect_events()

    second = named(application, replace(SUPERVISOR, name="Sam Ortiz", email="sam.home@example.org"), 1,
                   replaces=first)

    assert event_names(application) == ["ReferenceWithdrawn", "RaterNamed"]
    old = application.reference(first)
    assert (old.status, old.void_reason) == (ReferenceStatus.VOIDED, VoidReason.WITHDRAWN)
    assert application.reference(second).status is ReferenceStatus.REQUESTED
    with pytest.raises(ReferenceLinkInvalid):
        application.reference_by_link(first, 1, secret_of(first, 1), NOW)
    refused(application, lambda: application.withdraw_reference(first, NOW), ReferenceVoided)


def test_references_change_only_while_the_application_is_editable() -> None:
    application = a_draft()
    fill(application, satisfying(IFS, TODAY), context(TODAY), NOW, IFS)
    application.submit(IFS, NOW, TODAY)
    [reference, *_] = application.reference_list()

    refused(application, lambda: named(application, replace(SUPERVISOR, email="x@example.org"), 1), NotEditable)
    refused(application, lambda: application.withdraw_reference(reference.id, NOW), NotEditable)


# the rater's link ---------------------------------------------------------------------------------------------


def test_a_link_opens_the_reference_until_the_moment_it_expires() -> None:
    application = a_draft()
    reference_id = named(application)
    expires = NOW + timedelta(days=30)

    opened = application.reference_by_link(reference_id, 1, secret_of(reference_id, 1), expires - timedelta(seconds=1))

    assert opened.id == reference_id
    with pytest.raises(ReferenceLinkExpired):
        application.reference_by_link(reference_id, 1, secret_of(reference_id, 1), expires)
    refused(application, lambda: answered(application, reference_id, at=expires), ReferenceLinkExpired)


@pytest.mark.parametrize("forgery", [
    lambda rid: (rid, 1, secret_of(rid, 1) + "x"),  # another secret
    lambda rid: (rid, 1, ""),
    lambda rid: (rid, 2, secret_of(rid, 2)),  # a request that was never made
    lambda rid: (uuid4(), 1, secret_of(rid, 1)),  # another reference
])
def test_a_forged_link_opens_nothing_and_says_only_that_it_is_invalid(
        forgery: Callable[[UUID], tuple[UUID, int, str]]) -> None:
    application = a_draft()
    reference_id = named(application)
    target, number, secret = forgery(reference_id)

    error = refused(application, lambda: application.answer_reference(
        target, number, secret, ratings=ratings(IFS.references), comments=None, form=form(IFS.references), at=NOW,
        on=TODAY), ReferenceLinkInvalid)

    assert error.code == "REFERENCE_LINK_INVALID"
    assert error.message == "this reference link is not valid"


def test_a_link_works_once() -> None:
    application = a_draft()
    reference_id = named(application)
    answered(application, reference_id)
    application.collect_events()

    error = refused(application, lambda: answered(application, reference_id), ReferenceLinkUsed)

    assert error.code == "REFERENCE_LINK_USED"
    with pytest.raises(ReferenceLinkUsed):
        application.reference_by_link(reference_id, 1, secret_of(reference_id, 1), NOW)


def test_a_resent_link_replaces_the_earlier_one() -> None:
    application = a_draft()
    reference_id = named(application)
    application.collect_events()

    application.resend_reference(reference_id, NOW + timedelta(days=40), issue, POLICY)

    assert event_names(application) == ["ReferenceRequestedAgain"]
    request = application.reference(reference_id).request
    assert (request.number, request.reminder, request.expires_at) == (2, False, NOW + timedelta(days=70))
    with pytest.raises(ReferenceLinkInvalid):  # superseded, not merely expired
        application.reference_by_link(reference_id, 1, secret_of(reference_id, 1), NOW + timedelta(days=40))
    answered(application, reference_id, number=2, at=NOW + timedelta(days=41))
    assert application.reference(reference_id).status is ReferenceStatus.COMPLETED


def test_an_answered_or_voided_reference_is_not_sent_again_and_mail_per_rater_is_bounded() -> None:
    application = a_draft()
    done = named(application)
    answered(application, done)
    refused(application, lambda: application.resend_reference(done, NOW, issue, POLICY), ReferenceNotPending)

    pending = named(application, PROVIDER, 2)
    for _ in range(MAX_REQUESTS - 1):
        application.resend_reference(pending, NOW, issue, POLICY)
    refused(application, lambda: application.resend_reference(pending, NOW, issue, POLICY), ResendLimitReached)


# the answer ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("unknown", "status", "void_reason"), [
    (0, ReferenceStatus.COMPLETED, None),
    (5, ReferenceStatus.COMPLETED, None),
    (6, ReferenceStatus.VOIDED, VoidReason.NOT_ENOUGH_INFORMATION),
    (19, ReferenceStatus.VOIDED, VoidReason.NOT_ENOUGH_INFORMATION),
])
def test_six_or_more_not_enough_information_answers_void_the_reference(
        unknown: int, status: ReferenceStatus, void_reason: VoidReason | None) -> None:
    application = a_draft()
    reference_id = named(application)

    answered(application, reference_id, unknown=unknown)

    reference = application.reference(reference_id)
    assert (reference.status, reference.void_reason) == (status, void_reason)
    assert reference.answer is not None
    assert reference.answer.not_enough_information == unknown
    assert reference.answer.completed_on == (NOW + timedelta(days=2)).date()
    assert reference.answer.comments == "Warm and reflective."
    assert event_names(application)[-1] == "ReferenceAnswered"


def test_after_a_void_the_applicant_names_another_rater_for_the_slot() -> None:
    application = a_draft()
    voided = named(application)
    answered(application, voided, unknown=6)

    replacement = named(application, replace(SUPERVISOR, email="new@example.org"), 1)

    assert [r.id for r in application.reference_list() if r.active] == [replacement]


@pytest.mark.parametrize("change", [
    lambda r: {k: v for k, v in list(r.items())[1:]},  # an item left out
    lambda r: {**r, "tf_statistics": "agree"},  # an item of another form
    lambda r: {**r, next(iter(r)): "brilliant"},  # off the scale
])
def test_the_answer_rates_every_item_of_the_form_on_its_scale(
        change: Callable[[dict[str, str]], dict[str, str]]) -> None:
    application = a_draft()
    reference_id = named(application)

    refused(application, lambda: application.answer_reference(
        reference_id, 1, secret_of(reference_id, 1), ratings=change(ratings(IFS.references)), comments=None,
        form=form(IFS.references), at=NOW, on=TODAY), InvalidRatings)
    assert application.reference(reference_id).status is ReferenceStatus.REQUESTED


# waiver ---------------------------------------------------------------------------------------------------------


def test_the_waiver_can_change_until_the_rater_answers() -> None:
    application = a_draft()
    reference_id = named(application, waived=False)

    application.choose_waiver(reference_id, True, NOW)
    application.choose_waiver(reference_id, True, NOW)  # no change, no event
    assert event_names(application) == ["RaterNamed", "WaiverChosen"]
    answered(application, reference_id)

    assert application.reference(reference_id).waived is True
    refused(application, lambda: application.choose_waiver(reference_id, False, NOW), ReferenceNotPending)


# vetting --------------------------------------------------------------------------------------------------------


def unvetted(application: Application) -> UUID:
    return named(application, Rater("Bo Diaz", "bo@example.org", RaterRole.ENDORSED_OR_VETTED), 2,
                 category_rules=IFA)


def test_the_coordinator_approves_a_rater_after_vetting() -> None:
    application = a_draft("IFA")
    reference_id = unvetted(application)
    application.collect_events()

    application.vet_rater(reference_id, approved=True, reason=None, by=COORDINATOR, at=NOW)

    assert event_names(application) == ["RaterVetted"]
    assert application.reference(reference_id).vetting is Vetting.APPROVED
    refused(application, lambda: application.vet_rater(reference_id, approved=False, reason="no", by=COORDINATOR,
                                                       at=NOW), VettingNotPending)


def test_refusing_a_rater_voids_the_reference_and_needs_a_reason() -> None:
    application = a_draft("IFA")
    reference_id = unvetted(application)
    refused(application, lambda: application.vet_rater(reference_id, approved=False, reason="  ", by=COORDINATOR,
                                                       at=NOW), InvalidVetting)

    application.vet_rater(reference_id, approved=False, reason="Does not know the Guidelines", by=COORDINATOR, at=NOW)

    reference = application.reference(reference_id)
    assert (reference.status, reference.void_reason, reference.void_detail) == (
        ReferenceStatus.VOIDED, VoidReason.VETTING_REFUSED, "Does not know the Guidelines")
    with pytest.raises(ReferenceLinkInvalid):
        application.reference_by_link(reference_id, 1, secret_of(reference_id, 1), NOW)


def test_a_rater_who_needs_no_vetting_cannot_be_vetted() -> None:
    application = a_draft()
    reference_id = named(application)

    refused(application, lambda: application.vet_rater(reference_id, approved=True, reason=None, by=COORDINATOR,
                                                       at=NOW), VettingNotPending)


# reminders ------------------------------------------------------------------------------------------------------


def test_a_silent_rater_is_reminded_with_a_new_link_at_most_twice_per_request() -> None:
    application = a_draft()
    reference_id = named(application)
    application.collect_events()
    week = timedelta(days=7)

    early = application.remind_if_due(reference_id, NOW + week - timedelta(seconds=1), issue, POLICY)
    first = application.remind_if_due(reference_id, NOW + week, issue, POLICY)
    again_at_once = application.remind_if_due(reference_id, NOW + week, issue, POLICY)
    second = application.remind_if_due(reference_id, NOW + 2 * week, issue, POLICY)
    third = application.remind_if_due(reference_id, NOW + 3 * week, issue, POLICY)

    assert (early, first, again_at_once, second, third) == (False, True, False, True, False)
    assert event_names(application) == ["ReferenceRequestedAgain"] * 2
    reference = application.reference(reference_id)
    assert (reference.request.number, reference.request.reminder, reference.reminders_sent) == (3, True, 2)
    with pytest.raises(ReferenceLinkInvalid):
        application.reference_by_link(reference_id, 2, secret_of(reference_id, 2), NOW + 2 * week)

    application.resend_reference(reference_id, NOW + 3 * week, issue, POLICY)  # the applicant asks again
    assert application.reference(reference_id).reminders_sent == 0
    assert application.remind_if_due(reference_id, NOW + 4 * week, issue, POLICY) is True


def test_no_reminder_goes_to_a_rater_who_answered_or_whose_reference_was_withdrawn() -> None:
    application = a_draft()
    done, gone = named(application), named(application, PROVIDER, 2)
    answered(application, done)
    application.withdraw_reference(gone, NOW)
    application.collect_events()

    later = NOW + timedelta(days=30)
    assert application.remind_if_due(done, later, issue, POLICY) is False
    assert application.remind_if_due(gone, later, issue, POLICY) is False
    assert application.remind_if_due(uuid4(), later, issue, POLICY) is False
    assert event_names(application) == []


# replay ---------------------------------------------------------------------------------------------------------


def test_the_references_replay_from_their_events() -> None:
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA", OFFER)
    first, second = named(application, SUPERVISOR, 1, category_rules=IFA), unvetted(application)
    application.vet_rater(second, approved=True, reason="Long-time home visiting trainer", by=COORDINATOR, at=NOW)
    answered(application, first, rules=IFA)
    application.resend_reference(second, NOW, issue, POLICY)
    application.choose_waiver(second, True, NOW)

    replayed: Any = None
    for event in application.collect_events():
        replayed = event.mutate(replayed)

    assert isinstance(replayed, Application)
    assert replayed.references == application.references
    assert replayed.rater_emails() == ("sam@example.org", "bo@example.org")

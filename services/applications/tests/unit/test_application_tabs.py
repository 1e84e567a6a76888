"""Given/when/then tests of the tabs: entries added, replaced and removed as events, each checked on the way in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from applications.domain import (
    AgeBand,
    Applicant,
    Application,
    AttestationKind,
    CategoryOffer,
    DegreeLevel,
    EducationEntry,
    EducationKind,
    Entry,
    FeeKind,
    FeePayment,
    Membership,
    RscEntry,
    RscFormat,
    Tab,
    TrainingEntry,
    WorkActivity,
    WorkEntry,
)
from applications.domain.entries import PersonalEntry
from applications.domain.errors import (
    EntryNotFound,
    InvalidDates,
    InvalidEntry,
    InvalidFee,
    InvalidMembership,
    NotEditable,
    TooManyEntries,
    UnknownCompetency,
)
from applications.domain.model import MAX_ENTRIES_PER_TAB
from rule_builders import context, fill, satisfying, shipped

TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
CONTEXT = context(TODAY)
OFFER = CategoryOffer({"IFS": "Infant Family Specialist"})

DEGREE = EducationEntry(EducationKind.DEGREE, " Arizona State University ", 2015, DegreeLevel.BACHELOR, "Psychology")
JOB = WorkEntry("Early Head Start", "Home visitor", date(2020, 1, 6), None, paid=True, supervised=True,
                families_served=14, age_band=AgeBand.INFANT_TODDLER, activities=(WorkActivity.DIRECT_SERVICE,))
TRAINING = TrainingEntry("Attachment and loss", "ITMHCA", date(2025, 5, 2), Decimal("6.5"),
                         ("tf_attachment_trauma_loss", "reflection"), dei_hours=Decimal(1))
RSC = RscEntry("Rita Moreno", "IFRS", Decimal(24), date(2024, 3, 1), date(2025, 2, 28), RscFormat.GROUP)


def a_draft() -> Application:
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFS", OFFER)
    application.collect_events()
    return application


def events_of(application: Application) -> list[tuple[str, dict[str, object]]]:
    return [(type(e).__name__, {k: v for k, v in vars(e).items()
                                if k not in ("originator_id", "originator_version", "timestamp")})
            for e in application.collect_events()]


@pytest.mark.parametrize(("entry", "tab"), [(DEGREE, Tab.EDUCATION), (JOB, Tab.WORK), (TRAINING, Tab.TRAINING),
                                            (RSC, Tab.RSC)])
def test_an_entry_is_added_to_its_tab_as_one_event(entry: Entry, tab: Tab) -> None:
    application = a_draft()
    entry_id = uuid4()

    application.add_entry(entry_id, entry, CONTEXT)

    stored = application.entries(tab)[entry_id]
    assert list(application.entries(tab)) == [entry_id]
    sealed_under_the_applicant = PersonalEntry(application.applicant.subject, stored)
    assert events_of(application) == [("EntryAdded", {"tenant": "itmhca", "tab": tab.value, "entry_id": entry_id,
                                                      "entry": sealed_under_the_applicant})]
    assert all(not application.entries(other) for other in Tab if other is not tab)


def test_text_is_stored_trimmed() -> None:
    application = a_draft()
    entry_id = uuid4()

    application.add_entry(entry_id, DEGREE, CONTEXT)

    assert application.entries(Tab.EDUCATION)[entry_id].institution == "Arizona State University"


def test_an_entry_is_replaced_and_removed() -> None:
    application = a_draft()
    entry_id = uuid4()
    application.add_entry(entry_id, TRAINING, CONTEXT)
    application.collect_events()

    application.replace_entry(entry_id, replace(TRAINING, hours=Decimal(7)), CONTEXT)
    application.replace_entry(entry_id, replace(TRAINING, hours=Decimal(7)), CONTEXT)  # unchanged: no event
    assert application.entries(Tab.TRAINING)[entry_id].hours == 7
    application.remove_entry(Tab.TRAINING, entry_id)

    assert application.entries(Tab.TRAINING) == {}
    assert [name for name, _ in events_of(application)] == ["EntryReplaced", "EntryRemoved"]


def test_an_unknown_entry_cannot_be_replaced_or_removed() -> None:
    application = a_draft()
    entry_id = uuid4()
    application.add_entry(entry_id, TRAINING, CONTEXT)

    with pytest.raises(EntryNotFound) as refused:
        application.replace_entry(entry_id, DEGREE, CONTEXT)  # it is a training, not an education entry
    with pytest.raises(EntryNotFound):
        application.remove_entry(Tab.RSC, uuid4())

    assert refused.value.code == "ENTRY_NOT_FOUND"


def test_a_tab_holds_a_bounded_number_of_entries() -> None:
    application = a_draft()
    for _ in range(MAX_ENTRIES_PER_TAB):
        application.add_entry(uuid4(), TRAINING, CONTEXT)

    with pytest.raises(TooManyEntries):
        application.add_entry(uuid4(), TRAINING, CONTEXT)


@pytest.mark.parametrize(("entry", "error"), [
    (replace(DEGREE, level=None), InvalidEntry),
    (replace(DEGREE, kind=EducationKind.CDA), InvalidEntry),
    (replace(DEGREE, year=2027), InvalidDates),
    (replace(DEGREE, year=1949), InvalidDates),
    (replace(DEGREE, institution="  "), InvalidEntry),
    (replace(DEGREE, field="f" * 201), InvalidEntry),
    (replace(JOB, start=TODAY + timedelta(days=1)), InvalidDates),
    (replace(JOB, end=date(2019, 12, 31)), InvalidDates),
    (replace(JOB, end=TODAY + timedelta(days=1)), InvalidDates),
    (replace(JOB, families_served=-1), InvalidEntry),
    (replace(JOB, activities=()), InvalidEntry),
    (replace(JOB, activities=(WorkActivity.LEADERSHIP, WorkActivity.LEADERSHIP)), InvalidEntry),
    (replace(TRAINING, hours=Decimal(0)), InvalidEntry),
    (replace(TRAINING, hours=Decimal("1000.5")), InvalidEntry),
    (replace(TRAINING, hours=Decimal("1.005")), InvalidEntry),
    (replace(TRAINING, dei_hours=Decimal(7)), InvalidEntry),
    (replace(TRAINING, completed_on=TODAY + timedelta(days=1)), InvalidDates),
    (replace(TRAINING, competencies=("reflection", "reflection")), InvalidEntry),
    (replace(TRAINING, competencies=("astrology",)), UnknownCompetency),
    (replace(RSC, end=date(2024, 2, 1)), InvalidDates),
    (replace(RSC, hours_about_providing_rsc=Decimal(25)), InvalidEntry),
    (replace(RSC, provider_category="imhs"), InvalidEntry),
    (replace(RSC, provider_addons=("ers",)), InvalidEntry),
    (replace(RSC, provider_name=""), InvalidEntry),
])
def test_an_invalid_entry_is_refused_and_nothing_recorded(entry: Entry, error: type[Exception]) -> None:
    application = a_draft()

    with pytest.raises(error):
        application.add_entry(uuid4(), entry, CONTEXT)

    assert events_of(application) == []


def test_training_and_rsc_of_today_are_accepted() -> None:
    application = a_draft()

    application.add_entry(uuid4(), replace(TRAINING, completed_on=TODAY), CONTEXT)
    application.add_entry(uuid4(), replace(RSC, end=TODAY), CONTEXT)

    assert len(events_of(application)) == 2


def test_membership_is_recorded_checked_and_replaced() -> None:
    application = a_draft()
    membership = Membership(" ITMHCA ", date(2026, 12, 31), " 1234 ")

    application.record_membership(membership)
    application.record_membership(Membership("ITMHCA", date(2026, 12, 31), "1234"))  # the same: no event

    assert application.membership == Membership("ITMHCA", date(2026, 12, 31), "1234")
    assert [name for name, _ in events_of(application)] == ["MembershipRecorded"]
    with pytest.raises(InvalidMembership):
        application.record_membership(replace(membership, association=""))


def test_a_fee_is_recorded_and_recording_it_again_replaces_it() -> None:
    application = a_draft()
    fee = FeePayment(FeeKind.REGISTRATION, 2000, " ch_123 ", TODAY)

    application.record_fee(fee, TODAY)
    application.record_fee(replace(fee, amount_cents=2500, reference="ch_124"), TODAY)

    assert application.fees[FeeKind.REGISTRATION] == replace(fee, amount_cents=2500, reference="ch_124")
    assert [name for name, _ in events_of(application)] == ["FeeRecorded", "FeeRecorded"]


@pytest.mark.parametrize("fee", [FeePayment(FeeKind.PROCESSING, 0, "x", TODAY),
                                 FeePayment(FeeKind.PROCESSING, 100, " ", TODAY),
                                 FeePayment(FeeKind.PROCESSING, 100, "x", TODAY + timedelta(days=1))])
def test_an_invalid_fee_is_refused(fee: FeePayment) -> None:
    with pytest.raises((InvalidFee, InvalidDates)):
        a_draft().record_fee(fee, TODAY)


def test_attestations_are_signed_once_with_their_time_and_can_be_withdrawn() -> None:
    application = a_draft()

    application.attest(AttestationKind.CODE_OF_ETHICS, NOW)
    application.attest(AttestationKind.CODE_OF_ETHICS, NOW + timedelta(hours=1))

    assert application.attestations[AttestationKind.CODE_OF_ETHICS].attested_at == NOW
    application.withdraw_attestation(AttestationKind.CODE_OF_ETHICS)
    application.withdraw_attestation(AttestationKind.CODE_OF_ETHICS)
    assert [name for name, _ in events_of(application)] == ["Attested", "AttestationWithdrawn"]


def test_a_submitted_application_takes_no_more_changes() -> None:
    rules = shipped("IFS", TODAY)
    application = a_draft()
    fill(application, satisfying(rules, TODAY), CONTEXT, NOW, rules)
    application.submit(rules, NOW, TODAY)
    application.collect_events()
    entry_id = next(iter(application.entries(Tab.TRAINING)))

    for change in (lambda: application.add_entry(uuid4(), TRAINING, CONTEXT),
                   lambda: application.replace_entry(entry_id, TRAINING, CONTEXT),
                   lambda: application.remove_entry(Tab.TRAINING, entry_id),
                   lambda: application.record_membership(Membership("ITMHCA", TODAY)),
                   lambda: application.attest(AttestationKind.CODE_OF_ETHICS, NOW),
                   lambda: application.withdraw_attestation(AttestationKind.CODE_OF_ETHICS),
                   lambda: application.record_fee(FeePayment(FeeKind.PROCESSING, 1, "x", TODAY), TODAY)):
        with pytest.raises(NotEditable):
            change()

    assert events_of(application) == []

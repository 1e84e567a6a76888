"""Given/when/then for reviewer access: the assigned reviewer reads the application until released, decided or
withdrawn; each review event applies once in whatever order its copies come; nobody else gains anything."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from applications.application import ApplicationsService
from applications.config import load_tenants
from applications.domain import Actor, Applicant, Application, CategoryOffer
from applications.domain.access import ListingScope
from applications.domain.errors import ApplicationNotFound, NotTheApplicant, RoleRequired
from applications.rulesets import load_rule_book
from rule_builders import context, fill, satisfying, shipped
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, rater_subject

CONFIG = Path(__file__).resolve().parents[4] / "config"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)
IFA = shipped("IFA", TODAY)
CASE, LATER_CASE = uuid4(), uuid4()
MIA = "mia.mentor@itmhca.example"
SAM = "sam.specialist@itmhca.example"


def subject(email: str, tenant: str = "itmhca") -> str:
    """How a reviewer is stored and matched: the keyed subject of their address (the service's, in tests)."""
    return rater_subject(tenant, email, DEVELOPMENT_RATER_INDEX_KEY)


def a_submitted(*, saving: bool = False) -> Application:
    """Submitted; its events so far are kept only when it is to be saved."""
    offer = CategoryOffer({"IFA": "Infant Family Associate"})
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA", offer)
    fill(application, satisfying(IFA, TODAY), context(TODAY), NOW, IFA)
    application.submit(IFA, NOW, TODAY)
    if not saving:
        application.collect_events()
    return application


def assign(application: Application, email: str = MIA, *, case: UUID = CASE, hours: int = 1) -> bool:
    return application.grant_reviewer_access(
        review_case_id=case, reviewer=subject(email), slot=1, assigned_at=NOW + timedelta(hours=hours)
    )


def release(
    application: Application, email: str = MIA, *, case: UUID = CASE, hours: int = 2, reason: str = "declined"
) -> bool:
    return application.end_reviewer_access(
        review_case_id=case, reviewer=subject(email), reason=reason, released_at=NOW + timedelta(hours=hours)
    )


def new_events(application: Application) -> list[str]:
    return [type(e).__name__ for e in application.collect_events()]


def reviewer(email: str = MIA, *roles: str, tenant: str = "itmhca") -> Actor:
    return Actor(uuid4(), tenant, frozenset(roles or {"reviewer"}), email=email,
                 address_subject=subject(email, tenant))


# The aggregate -------------------------------------------------------------------------------------------------


def test_an_assignment_grants_read_access_once_however_often_it_arrives() -> None:
    # given a submitted application
    application = a_submitted()
    # when the reviewer's assignment arrives, then a copy of it
    assert assign(application, "  Mia.Mentor@ITMHCA.example ")
    assert not assign(application, MIA)
    # then one grant is recorded, for the subject of the reviewer's address whatever its case
    assert new_events(application) == ["ReviewerAccessGranted"]
    assert application.reviewers_with_access == {subject(MIA)}
    assert application.reviewer_may_read(subject("MIA.MENTOR@itmhca.example"))
    assert application.reviewer_grants == {subject(MIA): CASE}
    assert not application.reviewer_may_read(subject(SAM))


def test_a_release_ends_access_and_late_copies_change_nothing_after_a_new_assignment() -> None:
    # given a reviewer who declined and was then asked again
    application = a_submitted()
    assign(application, hours=1)
    assert release(application, hours=2)
    assert not application.reviewer_may_read(subject(MIA))
    assert assign(application, hours=3)
    assert new_events(application) == ["ReviewerAccessGranted", "ReviewerAccessEnded", "ReviewerAccessGranted"]
    # when copies of the first assignment and of the release arrive again (a republished batch)
    assert not assign(application, hours=1)
    assert not release(application, hours=2)
    # then nothing changes: the reviewer still reads the application under the latest assignment
    assert new_events(application) == []
    assert application.reviewer_may_read(subject(MIA))


def test_a_release_ends_only_its_own_cases_grant_and_a_release_without_grant_records_nothing() -> None:
    # given a reviewer of a case, released when it closed, and assigned again to the next submission's case
    application = a_submitted()
    assign(application, case=CASE, hours=1)
    assign(application, case=LATER_CASE, hours=5)
    application.collect_events()
    # when a release of the earlier case arrives (late), and one of a reviewer who was never granted
    assert not release(application, case=CASE, hours=3, reason="case_closed")
    assert not release(application, SAM, reason="withdrawn")
    # then the later grant stands and nothing is recorded
    assert new_events(application) == []
    assert application.reviewer_grants == {subject(MIA): LATER_CASE}


@pytest.mark.parametrize(
    "settle",
    [
        lambda a: a.endorse(
            review_case_id=CASE,
            endorsement_id=uuid4(),
            effective_date=TODAY,
            renewal_date=date(2027, 1, 15),
            emerging_until=None,
            endorsed_at=NOW + timedelta(days=3),
        ),
        lambda a: a.deny(review_case_id=CASE, reasons=["Not a resident"], denied_at=NOW + timedelta(days=3)),
        lambda a: a.withdraw("Moving abroad"),
    ],
    ids=["endorsed", "denied", "withdrawn"],
)
def test_a_decided_or_withdrawn_application_gives_no_reviewer_access_and_takes_no_grant(settle: Any) -> None:
    # given an application with two reviewers
    application = a_submitted()
    assign(application, MIA)
    assign(application, SAM, hours=2)
    # when it is decided or withdrawn
    settle(application)
    application.collect_events()
    # then neither reviewer may read it any more, and a late assignment records nothing
    assert application.reviewers_with_access == frozenset()
    assert not application.reviewer_may_read(subject(MIA))
    assert not assign(application, "late@itmhca.example", hours=9)
    assert new_events(application) == []
    assert not reviewer(SAM).may_view(application)


@pytest.fixture
def service() -> Iterator[ApplicationsService]:
    itmhca = load_tenants(CONFIG / "tenants").get("itmhca")
    assert itmhca is not None
    rules, competencies = load_rule_book(CONFIG / "rulesets", {"itmhca": itmhca.categories.keys()})
    app = ApplicationsService(
        load_tenants(CONFIG / "tenants"), rules, competencies, env={"PERSISTENCE_MODULE": "eventsourcing.popo"}
    )
    yield app
    app.close()


def test_access_is_rebuilt_from_the_stored_events(service: ApplicationsService) -> None:
    # given grants and a release, saved
    application = a_submitted(saving=True)
    assign(application, MIA)
    assign(application, SAM, hours=2)
    release(application, SAM, hours=3, reason="withdrawn")
    service.save(application)
    # when the application is loaded again
    stored = service.outcome_target("itmhca", application.id)
    # then it has the same reviewers and remembers the events it applied
    assert stored.reviewer_grants == {subject(MIA): CASE}
    assert stored.handled_reviewer_events == application.handled_reviewer_events
    assert not assign(stored, SAM, hours=2)


# Who may do what -----------------------------------------------------------------------------------------------


def test_the_assigned_reviewer_reads_everything_and_changes_nothing() -> None:
    application = a_submitted()
    assign(application)
    mia = reviewer("Mia.Mentor@itmhca.example")

    mia.ensure_may_view(application)
    assert mia.sees_waived_answers(application)
    with pytest.raises(NotTheApplicant):
        mia.ensure_owner(application)
    with pytest.raises(RoleRequired):
        mia.ensure_coordinator_of(application)


@pytest.mark.parametrize(
    "actor",
    [
        reviewer(SAM),  # another reviewer of the association
        reviewer(MIA, "scorer"),  # the same email as an exam scorer: that role grants nothing
        reviewer(MIA, "applicant"),  # the same email without the reviewer role
        reviewer(MIA, tenant="lakes-aimh"),  # the reviewer's email in another association
        Actor(uuid4(), "itmhca", frozenset({"reviewer"})),  # a reviewer whose email the gateway did not vouch for
    ],
    ids=["other reviewer", "scorer", "applicant role", "other tenant", "no email"],
)
def test_anyone_else_is_told_the_application_does_not_exist(actor: Actor) -> None:
    application = a_submitted()
    assign(application)

    assert not actor.may_view(application)
    with pytest.raises(ApplicationNotFound):
        actor.ensure_owner(application)
    assert not actor.sees_waived_answers(application)


def test_a_released_reviewer_no_longer_sees_the_application() -> None:
    application = a_submitted()
    assign(application)
    release(application)

    with pytest.raises(ApplicationNotFound):
        reviewer().ensure_may_view(application)


def test_the_applicant_never_sees_waived_answers_even_if_named_as_reviewer() -> None:
    application = a_submitted()
    assign(application, str(application.applicant.email))
    applicant = Actor(
        application.applicant.account_id,
        "itmhca",
        frozenset({"applicant", "reviewer"}),
        email=application.applicant.email,
        address_subject=subject(str(application.applicant.email)),
    )

    applicant.ensure_owner(application)
    assert not applicant.sees_waived_answers(application)
    assert Actor(uuid4(), "itmhca", frozenset({"coordinator"})).sees_waived_answers(application)


def test_a_listing_shows_a_reviewer_what_they_review_and_refuses_a_scorer() -> None:
    me = uuid4()
    mia = subject(MIA)
    assert Actor(me, "itmhca", frozenset({"coordinator", "reviewer"}), email=MIA,
                 address_subject=mia).applications_scope() == ListingScope()
    assert Actor(me, "itmhca", frozenset({"applicant"}), email=MIA,
                 address_subject=mia).applications_scope() == ListingScope(me, None)
    assert Actor(me, "itmhca", frozenset({"reviewer"}), email=" Mia.Mentor@itmhca.example",
                 address_subject=subject(" Mia.Mentor@itmhca.example")).applications_scope() == ListingScope(None, mia)
    assert Actor(me, "itmhca", frozenset({"applicant", "reviewer"}), email=MIA,
                 address_subject=mia).applications_scope() == ListingScope(me, mia)
    with pytest.raises(RoleRequired):
        Actor(me, "itmhca", frozenset({"scorer"}), email=MIA).applications_scope()

"""Who may see and change an application."""

from __future__ import annotations

from uuid import uuid4

import pytest
from applications.domain import Actor, Applicant, Application, CategoryOffer
from applications.domain.errors import ApplicationNotFound, NotTheApplicant, RoleRequired

OFFER = CategoryOffer({"IFA": "Infant Family Associate"})


def an_application(tenant: str = "itmhca") -> Application:
    return Application.start(tenant, Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA", OFFER)


def owner_of(application: Application) -> Actor:
    return Actor(application.applicant.account_id, application.tenant, frozenset({"applicant"}))


def test_the_applicant_may_view_and_change_their_application() -> None:
    application = an_application()
    owner = owner_of(application)

    owner.ensure_may_view(application)
    owner.ensure_owner(application)


def test_a_coordinator_of_the_same_tenant_may_view_but_not_change() -> None:
    application = an_application()
    coordinator = Actor(uuid4(), "itmhca", frozenset({"coordinator"}))

    coordinator.ensure_may_view(application)
    with pytest.raises(NotTheApplicant):
        coordinator.ensure_owner(application)


@pytest.mark.parametrize("actor", [
    Actor(uuid4(), "itmhca", frozenset({"applicant"})),
    Actor(uuid4(), "other-aimh", frozenset({"coordinator"})),
])
def test_others_are_told_it_does_not_exist(actor: Actor) -> None:
    application = an_application()

    with pytest.raises(ApplicationNotFound):
        actor.ensure_may_view(application)
    with pytest.raises(ApplicationNotFound):
        actor.ensure_owner(application)


def test_the_same_account_in_another_tenant_sees_nothing() -> None:
    application = an_application()
    elsewhere = Actor(application.applicant.account_id, "other-aimh", frozenset({"applicant", "coordinator"}))

    assert not elsewhere.may_view(application)


def test_listing_scope_is_the_tenant_for_coordinators_and_own_for_applicants() -> None:
    me = uuid4()

    assert Actor(me, "itmhca", frozenset({"coordinator", "applicant"})).listing_scope() is None
    assert Actor(me, "itmhca", frozenset({"applicant"})).listing_scope() == me
    with pytest.raises(RoleRequired):
        Actor(me, "itmhca", frozenset({"reviewer"})).listing_scope()


def test_only_applicants_start_applications() -> None:
    Actor(uuid4(), "itmhca", frozenset({"applicant"})).ensure_applicant()
    with pytest.raises(RoleRequired):
        Actor(uuid4(), "itmhca", frozenset({"coordinator"})).ensure_applicant()

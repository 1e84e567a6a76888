"""Use cases on PostgreSQL: a lost race runs again on the fresh state; one lost every time is a 409-family refusal
that writes nothing (`servicekit.concurrency`)."""

from __future__ import annotations

from uuid import uuid4

import pytest
from applications.application import ON_CONFLICT, expecting
from applications.bootstrap import open_service
from applications.config import ApplicationsSettings
from applications.domain import Actor, Applicant, Application, Tab
from applications.domain.errors import ApplicationChanged, ConcurrentChange
from journeys import complete_through_use_cases


def test_a_change_based_on_a_stale_read_is_refused_and_writes_nothing(settings: ApplicationsSettings,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Every read this writer makes is stale (another writer always saves first): each attempt is refused whole,
    and after the policy's attempts the writer gets the refusal."""
    app = open_service(settings)
    try:
        account = uuid4()
        dana = Actor(account, "itmhca", frozenset({"applicant"}))
        application_id = app.start(dana, Applicant(account, "Dana Reyes", "dana@example.org"), "IFA").id
        read_by_first_request: Application = app.repository.get(application_id)
        app.update_details(application_id, dana, {"county": "Pima"})  # a second request saves first
        written = app.recorder.max_notification_id()
        loads: list[int] = []

        def stale_read(_: object) -> Application:
            loads.append(read_by_first_request.version)
            stale: Application = app.repository.get(application_id, version=read_by_first_request.version)
            return stale

        monkeypatch.setattr(app, "load", stale_read)
        with pytest.raises(ConcurrentChange) as refused:
            app.update_details(application_id, dana, {"county": "Yuma"})
        monkeypatch.undo()

        assert refused.value.code == "CONCURRENT_CHANGE"
        assert app.recorder.max_notification_id() == written
        assert app.get(application_id, dana).details.county == "Pima"
        assert len(loads) == ON_CONFLICT.attempts
    finally:
        app.close()


def test_a_change_that_met_another_writer_runs_again_on_the_fresh_state(settings: ApplicationsSettings,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_service(settings)
    try:
        account = uuid4()
        dana = Actor(account, "itmhca", frozenset({"applicant"}))
        application_id = app.start(dana, Applicant(account, "Dana Reyes", "dana@example.org"), "IFA").id
        read_by_first_request: Application = app.repository.get(application_id)
        app.update_details(application_id, dana, {"county": "Pima"})  # a second request saves first
        fresh_load = app.load
        reads = iter([read_by_first_request])
        monkeypatch.setattr(app, "load", lambda application: next(reads, None) or fresh_load(application))

        changed = app.update_details(application_id, dana, {"phone": "555-0100"})
        monkeypatch.undo()

        assert (changed.version, changed.details.county, changed.details.phone) == (3, "Pima", "555-0100")
        stored = app.get(application_id, dana)
        assert (stored.version, stored.details.county, stored.details.phone) == (3, "Pima", "555-0100")
    finally:
        app.close()


def test_a_write_pinned_to_a_version_is_refused_on_the_retry_not_made_on_the_fresh_state(
        settings: ApplicationsSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    """`If-Match` (`expecting`): the fresh state has another version, so the retry answers 412 and writes nothing."""
    app = open_service(settings)
    try:
        account = uuid4()
        dana = Actor(account, "itmhca", frozenset({"applicant"}))
        application_id = app.start(dana, Applicant(account, "Dana Reyes", "dana@example.org"), "IFA").id
        read_by_first_request: Application = app.repository.get(application_id)
        app.update_details(application_id, dana, {"county": "Pima"})  # a second request saves first
        written = app.recorder.max_notification_id()
        fresh_load = app.load
        reads = iter([read_by_first_request])
        monkeypatch.setattr(app, "load", lambda application: next(reads, None) or fresh_load(application))

        with expecting(frozenset({read_by_first_request.version})), pytest.raises(ApplicationChanged) as refused:
            app.update_details(application_id, dana, {"county": "Yuma"})
        monkeypatch.undo()

        assert refused.value.code == "APPLICATION_CHANGED"
        assert app.recorder.max_notification_id() == written
        assert app.get(application_id, dana).details.county == "Pima"
    finally:
        app.close()


def test_applications_survive_a_restart_of_the_service(settings: ApplicationsSettings) -> None:
    account = uuid4()
    dana = Actor(account, "itmhca", frozenset({"applicant"}))
    first = open_service(settings)
    try:
        application_id = first.start(dana, Applicant(account, "Dana Reyes", "dana@example.org"), "IFS").id
        entered = complete_through_use_cases(first, dana, application_id)
        first.submit(application_id, dana)
    finally:
        first.close()

    second = open_service(settings)
    try:
        reloaded = second.get(application_id, dana)
    finally:
        second.close()

    assert (reloaded.status, reloaded.submission_number, reloaded.category_name) == (
        "submitted", 1, "Infant Family Specialist")
    assert reloaded.applicant == Applicant(account, "Dana Reyes", "dana@example.org")
    for tab in Tab:
        assert dict(reloaded.entries(tab)) == dict(entered.entries(tab))
    assert (reloaded.membership, reloaded.attestations, reloaded.fees) == (
        entered.membership, entered.attestations, entered.fees)
    assert reloaded.rule_set_version is not None and reloaded.rule_set_version.startswith("itmhca/IFS/")
    assert reloaded.requirement_report and all(line["met"] for line in reloaded.requirement_report)

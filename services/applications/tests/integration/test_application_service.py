"""Use cases on PostgreSQL: a lost race is a 409-family refusal that writes nothing."""

from __future__ import annotations

from uuid import uuid4

import pytest
from applications.bootstrap import open_service
from applications.config import ApplicationsSettings
from applications.domain import Actor, Applicant, Application, Tab
from applications.domain.errors import ConcurrentChange
from journeys import complete_through_use_cases


def test_a_change_based_on_a_stale_read_is_refused_and_writes_nothing(settings: ApplicationsSettings,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_service(settings)
    try:
        account = uuid4()
        dana = Actor(account, "itmhca", frozenset({"applicant"}))
        application_id = app.start(dana, Applicant(account, "Dana Reyes", "dana@example.org"), "IFA").id
        read_by_first_request: Application = app.repository.get(application_id)
        app.update_details(application_id, dana, {"county": "Pima"})  # a second request saves first
        written = app.recorder.max_notification_id()

        monkeypatch.setattr(app, "load", lambda _: read_by_first_request)
        with pytest.raises(ConcurrentChange) as refused:
            app.update_details(application_id, dana, {"county": "Yuma"})
        monkeypatch.undo()

        assert refused.value.code == "CONCURRENT_CHANGE"
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

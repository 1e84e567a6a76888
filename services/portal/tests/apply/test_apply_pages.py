"""The applicant's pages against a fake gateway (httpx MockTransport): task list statuses, the checker in
Spanish, a stale form keeping what was typed, and an upload over the limit refused before it is sent."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from portal.bootstrap import build
from portal.config import PortalSettings
from portal.pages.apply.phrasing import Phraser
from portal.pages.apply.tasks import TaskStatus, section_status
from portal.sessions import MemorySessionStore, PortalSession
from portal.web import i18n

APP_ID = "0b6f1f9e-0000-4000-8000-000000000001"


def application(**changes: Any) -> dict[str, Any]:
    app: dict[str, Any] = {
        "id": APP_ID, "tenant": "itmhca", "category": "IFS", "category_name": "Infant Family Specialist",
        "kind": "initial", "status": "draft", "submission_number": 0,
        "details": {"phone": None, "county": None, "statement": None, "ethics_attested": False},
        "membership": None, "education": [], "work": [], "rsc": [], "attestations": [], "fees": [],
        "training": [{"id": "t1", "title": "Foundations", "provider": "ITMHCA", "completed_on": "2024-01-10",
                      "hours": 18.0, "competencies": ["theoretical_foundations"], "dei_hours": 0,
                      "rsc_provision_hours": 0}],
        "documents": [], "registration": {"registered_at": None, "accepted_at": None, "accepted_by": None},
        "review": {"in_response_to": None, "information_request": None, "deferral": None, "exam_results": [],
                   "endorsement": None, "denial_reasons": [], "decided_at": None},
        "renewal": None, "unmet_requirements": [], "version": 7,
        "created_at": "2024-01-01T10:00:00Z", "updated_at": "2024-01-01T10:00:00Z", "submitted_at": None,
    }
    app.update(changes)
    return app


REPORT = {
    "application_id": APP_ID, "rule_set_version": "itmhca/IFS/2025-01-01", "on": "2025-03-01", "all_met": False,
    "exam_required": False, "not_checked": [],
    "requirements": [
        {"code": "TRAINING_HOURS", "tab": "training", "met": False, "detail": "18 of 30 hours",
         "progress": {"have": 18, "need": 30, "unit": "hours"},
         "reasons": [{"code": "TRAINING_HOURS_SHORT", "message": "18 of 30 hours of training"}]},
        {"code": "MEMBERSHIP", "tab": "membership", "met": False, "detail": "no membership", "progress": None,
         "reasons": [{"code": "MEMBERSHIP_MISSING", "message": "record your membership"}]},
        {"code": "EDUCATION", "tab": "education", "met": False, "detail": "", "progress": None,
         "reasons": [{"code": "SOMETHING_NEW", "message": "a brand new reason"}]},
        {"code": "ATTESTATION_CODE_OF_ETHICS", "tab": "attestations", "met": True, "detail": "signed",
         "progress": None, "reasons": []},
    ],
}


class FakeGateway:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, str], bytes]] = []
        self.stale = False

    def __call__(self, request: httpx.Request) -> httpx.Response:  # noqa: PLR0911 - one answer per route
        body = request.read()
        self.calls.append((request.method, request.url.path, dict(request.headers), body))
        path = request.url.path
        if path == "/tenants":
            return httpx.Response(200, json={"items": [{"slug": "itmhca"}]})
        if path == "/tenants/itmhca/profile":
            return httpx.Response(200, json={"slug": "itmhca", "name": "ITMHCA", "timezone": "America/Phoenix",
                                             "languages": ["en", "es"],
                                             "categories": {"IFS": "Infant Family Specialist"}})
        if path == "/applications/catalogue":
            return httpx.Response(404, json={"code": "NOT_FOUND", "status": 404})
        if path == f"/applications/{APP_ID}" and request.method == "GET":
            return httpx.Response(200, json=application())
        if path == f"/applications/{APP_ID}/requirements":
            return httpx.Response(200, json=REPORT)
        if path == "/applications" and request.method == "GET":
            return httpx.Response(200, json={"items": [application()], "total": 1, "limit": 100, "offset": 0})
        if path == f"/applications/{APP_ID}/references":
            return httpx.Response(200, json={"rules": {"slots": []}, "items": []})
        if path == f"/applications/{APP_ID}/training" and request.method == "POST":
            if self.stale:
                return httpx.Response(412, json={"status": 412, "code": "APPLICATION_CHANGED", "title": "Changed",
                                                 "detail": "someone else changed it"})
            return httpx.Response(201, json=application(version=8))
        return httpx.Response(404, json={"status": 404, "code": "NOT_FOUND", "detail": path})


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def client(gateway: FakeGateway) -> TestClient:
    settings = PortalSettings(database_url="postgresql://x@localhost/x", environment="test",
                              portal_session_key="k3y-for-tests-0123456789-abcdefghijkl", portal_tenant="itmhca")
    store = MemorySessionStore()
    session = PortalSession(id="sid-applicant", csrf_token="csrf-1", expires_at=datetime.now(UTC) + timedelta(hours=1),
                            access_token="token-1", account={"email": "zoe@example.org", "name": "Zoë",
                                                             "email_verified": True, "language": "en"})
    asyncio.run(store.save(session))
    app = build(settings, store=store, transport=httpx.MockTransport(gateway))
    test_client = TestClient(app)
    test_client.__enter__()
    test_client.cookies.set("portal_session", "sid-applicant")
    return test_client


def test_task_list_statuses_from_the_report_and_entries() -> None:
    app = application()
    requirements = REPORT["requirements"]
    assert section_status(app, "training", requirements) is TaskStatus.IN_PROGRESS
    assert section_status(app, "membership", requirements) is TaskStatus.NOT_STARTED
    assert section_status(app, "attestations", requirements) is TaskStatus.COMPLETED
    assert section_status(app, "documents", requirements) is TaskStatus.NOT_STARTED


def test_task_list_page_shows_each_section_with_its_status(client: TestClient) -> None:
    page = client.get(f"/apply/{APP_ID}")
    assert page.status_code == 200
    assert "In progress" in page.text and "Not started" in page.text and "Completed" in page.text
    assert "18 of 30 training hours" in page.text


def test_checker_in_spanish_uses_params_and_falls_back_to_the_api_message() -> None:
    i18n.load_catalogs()
    token = i18n.current_language.set("es")
    try:
        lines = Phraser(i18n.gettext, "es").report(APP_ID, REPORT)
    finally:
        i18n.current_language.reset(token)
    training = lines[0]
    assert training.progress_text == "18 de 30 horas de formación"
    assert training.reasons[0].text == "Tiene 18 de las 30 horas de formación necesarias."
    assert training.fix_path == f"/apply/{APP_ID}/training"
    assert lines[1].reasons[0].text == "Registre su membresía en la asociación."
    assert lines[2].reasons[0].text == "A brand new reason."  # no sentence for it: the API's words
    assert not lines[2].reasons[0].translated


def test_a_stale_form_says_so_and_keeps_what_was_typed(client: TestClient, gateway: FakeGateway) -> None:
    gateway.stale = True
    page = client.post(f"/apply/{APP_ID}/training", data={
        "csrf_token": "csrf-1", "version": "6", "title": "Attachment and loss", "provider": "Zero to Three",
        "completed_on": "2024-02-01", "hours": "12.5", "action": "add"})
    assert page.status_code == 412
    assert "Someone else changed this application" in page.text
    assert 'value="Attachment and loss"' in page.text and 'value="12.5"' in page.text
    sent = [c for c in gateway.calls if c[0] == "POST" and c[1].endswith("/training")]
    assert sent[0][2]["if-match"] == '"6"'
    assert json.loads(sent[0][3])["hours"] == 12.5
    assert 'name="version" value="7"' in page.text  # the current version: saving again is deliberate


def test_an_upload_over_the_limit_is_refused_before_it_is_sent(client: TestClient, gateway: FakeGateway) -> None:
    big = b"%PDF-" + b"0" * (10 * 1024 * 1024)
    page = client.post(f"/apply/{APP_ID}/documents", data={"csrf_token": "csrf-1", "kind": "cv"},
                       files={"file": ("cv.pdf", big, "application/pdf")})
    assert page.status_code == 413
    assert "too large" in page.text
    assert not [c for c in gateway.calls if c[0] == "POST" and c[1].endswith("/documents")]


@pytest.mark.parametrize("path", ["/dashboard", "/apply", f"/apply/{APP_ID}/requirements", f"/apply/{APP_ID}/details",
                                  f"/apply/{APP_ID}/training", f"/apply/{APP_ID}/work", f"/apply/{APP_ID}/education",
                                  f"/apply/{APP_ID}/rsc", f"/apply/{APP_ID}/membership", f"/apply/{APP_ID}/fees",
                                  f"/apply/{APP_ID}/attestations", f"/apply/{APP_ID}/documents",
                                  f"/apply/{APP_ID}/references", f"/apply/{APP_ID}/check",
                                  f"/apply/{APP_ID}/withdraw", "/renew"])
def test_every_applicant_page_renders(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200, page.text[:500]
    assert "<h1" in page.text


def test_submit_is_disabled_with_the_reasons_listed(client: TestClient) -> None:
    page = client.get(f"/apply/{APP_ID}/check")
    assert "disabled" in page.text and "You cannot submit yet" in page.text
    assert "Record your membership of the association." in page.text

"""The review cycle on the dashboard and the task list, against a fake gateway (httpx MockTransport): "Review cycle
2026-Q4: intake closes …" or "Waiting for the review cycle that opens on …", in the association's time zone, in
English and Spanish; nothing on rolling intake or once the case is closed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from portal.bootstrap import build
from portal.config import PortalSettings
from portal.pages.apply.tasks import review_cycle
from portal.sessions import MemorySessionStore, PortalSession

APP_ID = "0b6f1f9e-0000-4000-8000-0000000000c1"
OPEN = {"cycle_id": "2026-Q4", "opens_at": "2026-10-01T00:00:00-07:00", "deadline": "2026-11-15T17:00:00-07:00",
        "waiting": False}
WAITING = {"cycle_id": "2027-Q1", "opens_at": "2027-01-01T00:00:00-07:00", "deadline": "2027-02-15T17:00:00-07:00",
           "waiting": True}


def application(status: str, cycle: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": APP_ID, "tenant": "itmhca", "category": "IFS", "category_name": "Infant Family Specialist",
        "kind": "initial", "status": status, "submission_number": 1,
        "details": {"phone": None, "county": None, "statement": None, "ethics_attested": True},
        "membership": None, "education": [], "work": [], "rsc": [], "training": [], "attestations": [], "fees": [],
        "documents": [], "registration": {"registered_at": None, "accepted_at": None, "accepted_by": None},
        "review": {"in_response_to": None, "deferral": None, "exam_results": [], "endorsement": None,
                   "information_request": {"stage": "completeness", "items": ["Upload the RSC log"], "message": None,
                                           "requested_at": "2026-10-20T16:00:00Z"} if status == "returned" else None,
                   "denial_reasons": [], "decided_at": None, "cycle": cycle},
        "renewal": None, "unmet_requirements": [], "version": 9,
        "created_at": "2026-09-01T10:00:00Z", "updated_at": "2026-10-02T10:00:00Z",
        "submitted_at": "2026-09-30T22:00:00Z",
    }


def gateway(app: dict[str, Any]) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:  # noqa: PLR0911 - one answer per route
        path = request.url.path
        if path == "/tenants":
            return httpx.Response(200, json={"items": [{"slug": "itmhca"}]})
        if path == "/tenants/itmhca/profile":
            return httpx.Response(200, json={"slug": "itmhca", "name": "ITMHCA", "timezone": "America/Phoenix",
                                             "languages": ["en", "es"],
                                             "categories": {"IFS": "Infant Family Specialist"}})
        if path == "/applications":
            return httpx.Response(200, json={"items": [app], "total": 1, "limit": 100, "offset": 0})
        if path == f"/applications/{APP_ID}":
            return httpx.Response(200, json=app)
        if path == f"/applications/{APP_ID}/requirements":
            return httpx.Response(200, json={"application_id": APP_ID, "all_met": True, "requirements": [],
                                             "rule_set_version": "v", "exam_required": False, "not_checked": []})
        if path == f"/applications/{APP_ID}/references":
            return httpx.Response(200, json={"rules": {"slots": []}, "items": []})
        if path.startswith("/applications/holdings"):
            return httpx.Response(200, json={"items": []})
        return httpx.Response(404, json={"status": 404, "code": "NOT_FOUND", "detail": path})

    return answer


def client_for(app: dict[str, Any], language: str = "en") -> TestClient:
    settings = PortalSettings(database_url="postgresql://x@localhost/x", environment="test",
                              portal_session_key="k3y-for-tests-0123456789-abcdefghijkl", portal_tenant="itmhca")
    store = MemorySessionStore()
    session = PortalSession(id="sid-cycle", csrf_token="csrf-1", expires_at=datetime.now(UTC) + timedelta(hours=1),
                            access_token="token-1", account={"email": "zoe@example.org", "name": "Zoë",
                                                             "email_verified": True, "language": language})
    asyncio.run(store.save(session))
    client = TestClient(build(settings, store=store, transport=httpx.MockTransport(gateway(app))))
    client.__enter__()
    client.cookies.set("portal_session", "sid-cycle")
    return client


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Review cycle 2026-Q4: intake closes November 15, 2026 at 5:00 PM MST."),
    ("es", "Ciclo de revisión 2026-Q4: la recepción de solicitudes cierra el 15 de noviembre de 2026 a las 17:00 "
           "(MST)."),
])
def test_the_dashboard_shows_the_open_cycle_and_its_deadline(language: str, expected: str) -> None:
    page = client_for(application("submitted", OPEN), language).get("/dashboard")
    assert page.status_code == 200, page.text[:500]
    assert expected in page.text


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Waiting for the review cycle that opens on January 1, 2027."),
    ("es", "En espera del ciclo de revisión que comienza el 1 de enero de 2027."),
])
def test_the_dashboard_and_task_list_say_what_a_waiting_case_waits_for(language: str, expected: str) -> None:
    client = client_for(application("returned", WAITING), language)
    assert expected in client.get("/dashboard").text
    task_list = client.get(f"/apply/{APP_ID}")
    assert task_list.status_code == 200, task_list.text[:500]
    assert expected in task_list.text


def test_the_task_list_shows_a_returned_cases_cycle() -> None:
    page = client_for(application("returned", OPEN)).get(f"/apply/{APP_ID}")
    assert "Review cycle 2026-Q4: intake closes November 15, 2026 at 5:00 PM MST." in page.text


@pytest.mark.parametrize(("status", "cycle"), [("submitted", None), ("deferred", OPEN), ("draft", None)])
def test_no_cycle_on_rolling_intake_before_a_case_or_once_it_is_closed(status: str, cycle: Any) -> None:
    app = application(status, cycle)
    assert review_cycle(app) is None
    page = client_for(app).get("/dashboard")
    assert page.status_code == 200
    assert "review-cycle" not in page.text

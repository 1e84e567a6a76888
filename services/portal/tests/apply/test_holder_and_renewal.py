"""A holder's pages against a fake gateway (httpx MockTransport): the dashboard's dates and what is next, the
endorsement page (credential, PDF, LinkedIn, registry), inactive status with its confirmation, renewal and
reinstatement starts, a renewal's RSC declaration, and the rater form's language."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from portal.bootstrap import build
from portal.config import PortalSettings
from portal.sessions import MemorySessionStore, PortalSession

END_ID = "e0000000-0000-4000-8000-00000000000e"
CRED_ID = "c0000000-0000-4000-8000-00000000000c"
RENEWAL_ID = "a0000000-0000-4000-8000-0000000000a2"
INITIAL_ID = "a0000000-0000-4000-8000-0000000000a1"
TOKEN = "rater-token-123"
Handler = Callable[[httpx.Request], httpx.Response]


def holding(**changes: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "endorsement_id": END_ID, "tenant": "itmhca", "category": "IFS", "category_name": "Infant Family Specialist",
        "holder": {"account_id": "a1", "name": "Zoë", "email": "zoe@example.org"}, "application_id": INITIAL_ID,
        "status": "active", "effective_date": "2026-03-02", "renewal_date": "2027-12-15",
        "removal_date": "2028-02-01", "lapsed_on": None, "inactive_reason": None,
        "renewal_window": {"year": 2027, "opens": "2027-10-01", "due": "2027-12-15", "removal": "2028-02-01"},
        "started": [], "history": [], "version": 2,
    }
    found.update(changes)
    return found


def application(**changes: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": INITIAL_ID, "tenant": "itmhca", "category": "IFS", "category_name": "Infant Family Specialist",
        "kind": "initial", "status": "endorsed", "registration": {"registered_at": "2026-01-05T17:00:00Z",
                                                                  "accepted_at": "2026-01-07T17:00:00Z"},
        "review": {"deferral": None, "decided_at": "2026-03-02T17:00:00Z"}, "renewal": None, "version": 9,
        "created_at": "2026-01-02T17:00:00Z", "submitted_at": "2026-02-01T17:00:00Z",
    }
    found.update(changes)
    return found


CREDENTIAL = {"id": CRED_ID, "endorsement_id": END_ID, "category": "IFS", "category_name": "Infant Family Specialist",
              "status": "active", "valid_from": "2026-03-02", "valid_until": "2027-12-15",
              "verification_url": f"http://portal.test/credentials/{CRED_ID}",
              "certificate_url": f"http://portal.test/credentials/{CRED_ID}/certificate.pdf",
              "registry": {"listed": False, "city": None, "county": None}}


class FakeGateway:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], Handler] = {}
        self.on("GET", "/tenants", lambda r: httpx.Response(200, json={"items": [{"slug": "itmhca"}]}))
        self.on("GET", "/tenants/itmhca/profile", lambda r: httpx.Response(200, json={
            "slug": "itmhca", "name": "ITMHCA", "timezone": "America/Phoenix", "languages": ["en", "es"],
            "categories": {"IFS": "Infant Family Specialist"}}))
        self.on("GET", "/applications", lambda r: httpx.Response(200, json={"items": [application()], "total": 1}))
        self.on("GET", f"/applications/{INITIAL_ID}", lambda r: httpx.Response(200, json=application()))
        self.on("GET", "/applications/holdings", lambda r: httpx.Response(200, json={"items": [holding()]}))
        self.on("GET", f"/applications/holdings/{END_ID}", lambda r: httpx.Response(200, json=holding()))
        self.on("GET", "/credentials/mine", lambda r: httpx.Response(200, json={"items": [CREDENTIAL]}))

    def on(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        handler = self.routes.get((request.method, request.url.path))
        if handler is None:
            return httpx.Response(404, json={"status": 404, "code": "NOT_FOUND", "detail": request.url.path})
        return handler(request)

    def sent(self, method: str, path: str) -> list[Any]:
        return [json.loads(r.content or b"null") for r in self.requests if r.method == method and r.url.path == path]


def problem(status: int, code: str, detail: str = "") -> httpx.Response:
    return httpx.Response(status, json={"status": status, "code": code, "title": code, "detail": detail or code},
                          headers={"content-type": "application/problem+json"})


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


def _client(gateway: FakeGateway, signed_in: bool) -> TestClient:
    settings = PortalSettings(database_url="postgresql://x@localhost/x", environment="test",
                              portal_session_key="k3y-for-tests-0123456789-abcdefghijkl", portal_tenant="itmhca")
    store = MemorySessionStore()
    session = PortalSession(id="sid-holder", csrf_token="csrf-1", expires_at=datetime.now(UTC) + timedelta(hours=1),
                            access_token="token-1" if signed_in else None,
                            account={"email": "zoe@example.org", "name": "Zoë", "email_verified": True,
                                     "language": "en"} if signed_in else None)
    asyncio.run(store.save(session))
    test_client = TestClient(build(settings, store=store, transport=httpx.MockTransport(gateway)),
                             follow_redirects=False)
    test_client.cookies.set("portal_session", "sid-holder")
    return test_client


@pytest.fixture
def client(gateway: FakeGateway) -> Iterator[TestClient]:
    with _client(gateway, signed_in=True) as test_client:
        yield test_client


def test_dashboard_shows_the_dates_that_matter_and_what_is_next(client: TestClient) -> None:
    page = client.get("/dashboard")
    assert page.status_code == 200, page.text[:400]
    text = page.text
    for shown in ("Registered", "January 5, 2026", "Registration accepted", "January 7, 2026", "Decided",
                  "Renewal opens", "October 1, 2027", "December 15, 2027", "Late fee applies after",
                  "February 1, 2028"):
        assert shown in text, shown
    assert ("Renew between October 1, 2027 and December 15, 2027. After December 15, 2027 the late fee applies. "
            "If it is not renewed by February 1, 2028, the endorsement lapses.") in text
    assert f'href="/renew/{END_ID}"' in text


def test_dashboard_sends_an_open_renewal_back_to_its_task_list(client: TestClient, gateway: FakeGateway) -> None:
    renewal = application(id=RENEWAL_ID, kind="renewal", status="draft", submitted_at=None,
                          registration={"registered_at": None, "accepted_at": None}, review={"decided_at": None},
                          renewal={"endorsement_id": END_ID, "renewal_year": 2027, "lapsed_on": None,
                                   "provides_rsc": None})
    gateway.on("GET", "/applications", lambda r: httpx.Response(200, json={"items": [application(), renewal]}))
    gateway.on("GET", f"/applications/{RENEWAL_ID}", lambda r: httpx.Response(200, json=renewal))
    gateway.on("GET", f"/applications/holdings/{END_ID}", lambda r: httpx.Response(200, json=holding(
        started=[{"application_id": RENEWAL_ID, "kind": "renewal", "renewal_year": 2027}])))
    text = client.get("/dashboard").text
    assert "Renewal 2027" in text
    assert "Finish your renewal and submit it." in text and f'href="/apply/{RENEWAL_ID}"' in text


def test_a_lapsed_endorsement_offers_reinstatement(client: TestClient, gateway: FakeGateway) -> None:
    lapsed = holding(status="lapsed", lapsed_on="2028-02-02", renewal_window=None)
    gateway.on("GET", "/applications/holdings", lambda r: httpx.Response(200, json={"items": [lapsed]}))
    gateway.on("GET", f"/applications/holdings/{END_ID}", lambda r: httpx.Response(200, json=lapsed))
    dashboard = client.get("/dashboard").text
    assert "Your endorsement lapsed on February 2, 2028. You can apply to reinstate it." in dashboard
    gateway.on("POST", "/applications/reinstatements", lambda r: httpx.Response(201, json=application(
        id=RENEWAL_ID, kind="reinstatement", status="draft")))
    page = client.get(f"/renew/{END_ID}")
    assert "Start the reinstatement" in page.text
    started = client.post(f"/renew/{END_ID}", data={"csrf_token": "csrf-1"})
    assert started.status_code == 303 and started.headers["location"] == f"/apply/{RENEWAL_ID}"
    assert gateway.sent("POST", "/applications/reinstatements") == [{"endorsement_id": END_ID}]


def test_starting_a_renewal_opens_its_task_list(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/applications/renewals", lambda r: httpx.Response(201, json=application(
        id=RENEWAL_ID, kind="renewal", status="draft")))
    listed = client.get("/renew")
    assert listed.status_code == 200 and f'href="/renew/{END_ID}"' in listed.text
    page = client.get(f"/renew/{END_ID}")
    assert page.status_code == 200 and "Start the renewal" in page.text
    assert "A renewal submitted after December 15, 2027 pays the late fee." in page.text
    started = client.post(f"/renew/{END_ID}", data={"csrf_token": "csrf-1"})
    assert started.status_code == 303 and started.headers["location"] == f"/apply/{RENEWAL_ID}"
    assert gateway.sent("POST", "/applications/renewals") == [{"endorsement_id": END_ID}]


def test_a_renewal_not_open_yet_is_explained(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/applications/renewals", lambda r: problem(409, "RENEWAL_NOT_OPEN", "opens 2027-10-01"))
    page = client.post(f"/renew/{END_ID}", data={"csrf_token": "csrf-1"})
    assert page.status_code == 409
    assert "Your renewal cannot be started today" in page.text and "There is a problem" in page.text


def test_a_renewal_already_open_leads_to_it(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/applications/renewals", lambda r: problem(409, "RENEWAL_ALREADY_OPEN"))
    gateway.on("GET", f"/applications/holdings/{END_ID}", lambda r: httpx.Response(200, json=holding(
        started=[{"application_id": RENEWAL_ID, "kind": "renewal", "renewal_year": 2027}])))
    page = client.post(f"/renew/{END_ID}", data={"csrf_token": "csrf-1"})
    assert page.status_code == 303 and page.headers["location"] == f"/apply/{RENEWAL_ID}"


def test_a_renewal_declares_whether_the_holder_provides_rsc(client: TestClient, gateway: FakeGateway) -> None:
    renewal = application(id=RENEWAL_ID, kind="renewal", status="draft", renewal={
        "endorsement_id": END_ID, "renewal_year": 2027, "lapsed_on": None, "provides_rsc": None})
    gateway.on("GET", f"/applications/{RENEWAL_ID}", lambda r: httpx.Response(200, json=renewal))
    gateway.on("PUT", f"/applications/{RENEWAL_ID}/rsc-provision",
               lambda r: httpx.Response(200, json=renewal))
    page = client.get(f"/apply/{RENEWAL_ID}/renewal")
    assert page.status_code == 200 and "Do you provide reflective supervision/consultation?" in page.text
    missing = client.post(f"/apply/{RENEWAL_ID}/renewal", data={"csrf_token": "csrf-1"})
    assert missing.status_code == 422 and 'href="#provides_rsc"' in missing.text
    saved = client.post(f"/apply/{RENEWAL_ID}/renewal", data={"csrf_token": "csrf-1", "provides_rsc": "no"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/apply/{RENEWAL_ID}"
    assert gateway.sent("PUT", f"/applications/{RENEWAL_ID}/rsc-provision") == [{"provides_rsc": False}]


def test_the_endorsement_page_links_the_credential_pdf_and_linkedin(client: TestClient) -> None:
    page = client.get(f"/endorsements/{END_ID}")
    assert page.status_code == 200, page.text[:400]
    assert f'href="/credentials/{CRED_ID}"' in page.text
    assert f'href="{CREDENTIAL["certificate_url"]}"' in page.text
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in page.text
    assert "issueYear=2026" in page.text and "expirationYear=2027" in page.text
    assert f'href="/endorsements/{END_ID}/inactive"' in page.text


def test_opting_into_the_registry_sends_the_city_and_county(client: TestClient, gateway: FakeGateway) -> None:
    path = f"/credentials/{CRED_ID}/registry-listing"
    gateway.on("PUT", path, lambda r: httpx.Response(200, json={"listed": True}))
    answer = client.post(f"/endorsements/{END_ID}/registry", data={
        "csrf_token": "csrf-1", "listed": "yes", "city": " Tucson ", "county": ""})
    assert answer.status_code == 303
    assert gateway.sent("PUT", path) == [{"listed": True, "city": "Tucson"}]
    assert "You are listed in the public registry." in client.get(f"/endorsements/{END_ID}").text
    client.post(f"/endorsements/{END_ID}/registry", data={"csrf_token": "csrf-1", "listed": "no", "city": "Tucson"})
    assert gateway.sent("PUT", path)[-1] == {"listed": False}


def test_a_registry_refusal_is_shown_on_the_page(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("PUT", f"/credentials/{CRED_ID}/registry-listing",
               lambda r: problem(403, "NOT_CREDENTIAL_HOLDER", "not yours"))
    page = client.post(f"/endorsements/{END_ID}/registry", data={"csrf_token": "csrf-1", "listed": "yes"})
    assert page.status_code == 403 and "not yours" in page.text and 'value="yes" checked' in page.text


def test_inactive_status_has_a_confirmation_step_and_page(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", f"/applications/holdings/{END_ID}/inactive",
               lambda r: httpx.Response(200, json=holding(status="inactive")))
    form = client.get(f"/endorsements/{END_ID}/inactive")
    assert form.status_code == 200 and "Yes, ask for inactive status" in form.text
    empty = client.post(f"/endorsements/{END_ID}/inactive", data={"csrf_token": "csrf-1", "reason": " "})
    assert empty.status_code == 422 and 'href="#reason"' in empty.text
    done = client.post(f"/endorsements/{END_ID}/inactive", data={"csrf_token": "csrf-1", "reason": "Family leave"})
    assert done.status_code == 303 and done.headers["location"] == f"/endorsements/{END_ID}/inactive/requested"
    assert gateway.sent("POST", f"/applications/holdings/{END_ID}/inactive") == [{"reason": "Family leave"}]
    confirmation = client.get(done.headers["location"])
    assert "Your request for inactive status is recorded" in confirmation.text
    assert "You can still renew it: the renewal is due on December 15, 2027." in confirmation.text


def test_inactive_refused_when_not_active(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", f"/applications/holdings/{END_ID}/inactive", lambda r: problem(409, "ENDORSEMENT_NOT_ACTIVE"))
    page = client.post(f"/endorsements/{END_ID}/inactive", data={"csrf_token": "csrf-1", "reason": "Leave"})
    assert page.status_code == 409 and "Only an active endorsement can be made inactive." in page.text


# --- the rater's language ------------------------------------------------------------------------------------

def rater_form(language: str, rater_language: str | None) -> dict[str, Any]:
    return {"applicant_name": "Zoë", "category": "IFS", "language": language, "rater_language": rater_language,
            "items": [{"id": "i1", "name": "Item" if language == "en" else "Ítem", "domain": "d"}],
            "scale": [{"value": 1, "label": "1"}], "draft": None}


@pytest.fixture
def rater_client(gateway: FakeGateway) -> Iterator[TestClient]:
    def answer(request: httpx.Request) -> httpx.Response:
        asked = request.url.params.get("lang")
        return httpx.Response(200, json=rater_form(asked or "es", "es"))

    gateway.on("GET", f"/references/{TOKEN}", answer)
    with _client(gateway, signed_in=False) as test_client:
        yield test_client


def test_the_rater_form_uses_the_raters_language_over_the_browsers(rater_client: TestClient,
                                                                    gateway: FakeGateway) -> None:
    page = rater_client.get(f"/rate/{TOKEN}", headers={"accept-language": "en-US,en;q=0.9"})
    assert page.status_code == 200, page.text[:400]
    assert '<html lang="es"' in page.text
    assert 'name="lang" value="es"' in page.text
    asked = [r.url.params.get("lang") for r in gateway.requests if r.url.path == f"/references/{TOKEN}"]
    assert asked == [None]


def test_the_links_lang_and_the_switch_win_over_the_raters_language(rater_client: TestClient,
                                                                      gateway: FakeGateway) -> None:
    page = rater_client.get(f"/rate/{TOKEN}?lang=en")
    assert '<html lang="en"' in page.text
    switched = rater_client.post("/language", data={"csrf_token": "csrf-1", "language": "en",
                                                      "next": f"/rate/{TOKEN}?lang=es"})
    assert switched.status_code == 303
    after = rater_client.get(switched.headers["location"])
    assert '<html lang="en"' in after.text and 'name="lang" value="en"' in after.text


def test_a_renewals_task_list_has_the_rsc_declaration(client: TestClient, gateway: FakeGateway) -> None:
    renewal = application(id=RENEWAL_ID, kind="renewal", status="draft", renewal={
        "endorsement_id": END_ID, "renewal_year": 2027, "lapsed_on": None, "provides_rsc": None},
        details={}, training=[], rsc=[], documents=[], attestations=[], fees=[], membership=None)
    report = {"application_id": RENEWAL_ID, "all_met": False, "requirements": [
        {"code": "RSC_PROVISION_DECLARED", "tab": "renewal", "met": False, "detail": "not yet declared",
         "progress": None, "reasons": [{"code": "RSC_PROVISION_NOT_DECLARED", "message": "say whether you provide"}]}]}
    gateway.on("GET", f"/applications/{RENEWAL_ID}", lambda r: httpx.Response(200, json=renewal))
    gateway.on("GET", f"/applications/{RENEWAL_ID}/requirements", lambda r: httpx.Response(200, json=report))
    gateway.on("GET", f"/applications/{RENEWAL_ID}/references", lambda r: httpx.Response(200, json={"items": []}))
    page = client.get(f"/apply/{RENEWAL_ID}")
    assert page.status_code == 200, page.text[:400]
    assert f'href="/apply/{RENEWAL_ID}/renewal"' in page.text
    assert "Providing reflective supervision/consultation" in page.text

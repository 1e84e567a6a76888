"""The public routes on a running service (real PostgreSQL): page, PDF, opt-in and registry search."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from credentials.domain.credential import Credential
from credentials.entrypoints.consumer import grant_from
from pypdf import PdfReader
from servicekit.identity import Identity, issue_token

from ..integration.conftest import TENANT, Running, eventually, grant

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PROBLEM = "application/problem+json"


def issue(running: Running, **changes: Any) -> Credential:
    credential = running.service.app.issue(grant_from(grant(**changes)))  # type: ignore[attr-defined]
    assert credential is not None
    running.service.app.save(credential)
    return credential


def holder_token(running: Running, credential: Credential, *, tenant: str = TENANT) -> str:
    identity = Identity(credential.holder_account_id, tenant, frozenset({"applicant"}), "holder@example.org", "H")
    return issue_token(identity, running.gateway_private_key)


async def in_read_model(running: Running, credential: Credential) -> None:
    async def present() -> bool:
        async with running.service.api.state.pool.acquire() as conn:
            return bool(await conn.fetchval("SELECT 1 FROM credentials WHERE id = $1", credential.id))

    await eventually(present, 10)


async def list_holder(running: Running, credential: Credential, **body: Any) -> Any:
    return await running.client.put(f"/credentials/{credential.id}/registry-listing", json={"listed": True, **body},
                                    headers={"authorization": f"Bearer {holder_token(running, credential)}"})


async def test_browsers_get_the_page_and_every_other_client_the_signed_credential(running_service: Running) -> None:
    credential = issue(running_service, name="Zoë Ñúñez 山田")
    url = f"/credentials/{credential.id}"

    page = await running_service.client.get(url, headers={"accept": BROWSER})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Zoë Ñúñez 山田" in page.text and "<svg" in page.text and "Add to LinkedIn profile" in page.text
    assert "form-action 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"

    for accept in (None, "application/json", "application/ld+json", "text/html;q=0.5, application/json"):
        answer = await running_service.client.get(url, headers={"accept": accept} if accept else {})
        assert answer.status_code == 200 and answer.json() == credential.document, accept


async def test_the_certificate_is_a_pdf_of_the_credential(running_service: Running) -> None:
    credential = issue(running_service, name="Renée O'Connor")

    answer = await running_service.client.get(f"/credentials/{credential.id}/certificate.pdf")

    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == f'inline; filename="endorsement-{credential.id}.pdf"'
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    assert "Renée O'Connor" in text and credential.verification_url in text


async def test_the_page_reports_a_status_the_read_model_records(running_service: Running) -> None:
    credential = issue(running_service)
    await in_read_model(running_service, credential)
    async with running_service.service.api.state.pool.acquire() as conn:  # as a suspension will record it
        await conn.execute("UPDATE credentials SET status = 'suspended' WHERE id = $1", credential.id)

    page = await running_service.client.get(f"/credentials/{credential.id}", headers={"accept": "text/html"})

    assert "Status: <strong>Suspended</strong>" in page.text
    assert "Public read model:</strong> Suspended" in page.text


async def test_only_the_holder_lists_their_credential(running_service: Running) -> None:
    credential = issue(running_service)
    url = f"/credentials/{credential.id}/registry-listing"
    stranger = issue(running_service)

    refusals = [
        ({}, 401, "MISSING_IDENTITY"),
        ({"authorization": f"Bearer {holder_token(running_service, stranger)}"}, 403, "NOT_CREDENTIAL_HOLDER"),
        ({"authorization": f"Bearer {holder_token(running_service, credential, tenant='itmhca')}"}, 403,
         "NOT_CREDENTIAL_HOLDER"),
    ]
    for headers, status, code in refusals:
        answer = await running_service.client.put(url, json={"listed": True}, headers=headers)
        assert (answer.status_code, answer.json()["code"]) == (status, code)

    mine = {"authorization": f"Bearer {holder_token(running_service, credential)}"}
    for body in ({"listed": "yes"}, {"listed": True, "extra": 1}, {"listed": True, "city": "x" * 101},
                 {"listed": True, "county": "Pi\x07ma"}, {"city": "Tucson"}):
        answer = await running_service.client.put(url, json=body, headers=mine)
        assert (answer.status_code, answer.json()["code"]) == (422, "VALIDATION_FAILED"), body

    assert (await running_service.client.get(url, headers=mine)).json() == {
        "credential_id": str(credential.id), "listed": False}
    answer = await running_service.client.put(url, json={"listed": True, "city": " Tucson ", "county": "Pima"},
                                              headers=mine)
    assert answer.status_code == 200
    assert {"listed": True, "city": "Tucson", "county": "Pima"}.items() <= answer.json().items()
    assert (await running_service.client.get(url, headers=mine)).json() == answer.json()


async def test_the_registry_finds_opted_in_holders_without_regard_to_case_or_accents(
    running_service: Running,
) -> None:
    tag = f"t{uuid.uuid4().hex[:8]}"
    zoe = issue(running_service, name=f"Zoë Núñez {tag}")
    ana = issue(running_service, name=f"Ána Ñandú {tag}", category="IFA")
    hidden = issue(running_service, name=f"Zoe Hidden {tag}")
    gone = issue(running_service, name=f"Zoe Gone {tag}")
    long_ago = datetime.now(UTC).date() - timedelta(days=800)
    lapsed = issue(running_service, name=f"Old Timer {tag}", effective=long_ago, renewal=long_ago + timedelta(days=365))
    for credential in (zoe, ana, hidden, gone, lapsed):
        await in_read_model(running_service, credential)
    assert (await list_holder(running_service, zoe, city="Tucson", county="Pima")).status_code == 200
    assert (await list_holder(running_service, ana, city="Phoenix", county="Maricopa")).status_code == 200
    assert (await list_holder(running_service, gone)).status_code == 200
    assert (await list_holder(running_service, lapsed)).status_code == 200
    unlist = await running_service.client.put(
        f"/credentials/{gone.id}/registry-listing", json={"listed": False},
        headers={"authorization": f"Bearer {holder_token(running_service, gone)}"})
    assert unlist.json()["listed"] is False

    async def names(**query: Any) -> list[str]:
        answer = await running_service.client.get(f"/registry/{TENANT}", params={"q": tag, **query})
        assert answer.status_code == 200, answer.text
        return [item["name"] for item in answer.json()["items"]]

    assert await names() == [f"Ána Ñandú {tag}", f"Old Timer {tag}", f"Zoë Núñez {tag}"]
    assert await names(q=f"ZOE nunez {tag}") == [f"Zoë Núñez {tag}"]
    assert await names(category="IFA") == [f"Ána Ñandú {tag}"]
    assert await names(city="tucson") == [f"Zoë Núñez {tag}"]
    assert await names(county="MARICOPA") == [f"Ána Ñandú {tag}"]
    assert await names(status="expired") == [f"Old Timer {tag}"]
    assert await names(status="active", category="", city="") == [f"Ána Ñandú {tag}", f"Zoë Núñez {tag}"]

    answer = await running_service.client.get(f"/registry/{TENANT}", params={"q": tag, "limit": 2, "offset": 2})
    page = answer.json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 2)
    [item] = page["items"]
    assert item == {
        "name": f"Zoë Núñez {tag}", "category": "IFS", "category_name": "Infant Family Specialist",
        "designation": None, "status": "active", "city": "Tucson", "county": "Pima",
        "valid_until": zoe.renewal_date.isoformat(), "verification_url": zoe.verification_url,
    }


async def test_the_registry_has_a_page_for_people(running_service: Running) -> None:
    tag = f"t{uuid.uuid4().hex[:8]}"
    holder = issue(running_service, name=f"<i>Zoë</i> {tag}")
    await in_read_model(running_service, holder)
    await list_holder(running_service, holder, city="Tucson")

    answer = await running_service.client.get(f"/registry/{TENANT}", params={"q": tag, "status": ""},
                                              headers={"accept": BROWSER})

    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert "form-action 'self'" in answer.headers["content-security-policy"]
    assert f"&lt;i&gt;Zoë&lt;/i&gt; {tag}</a>" in answer.text and "<i>" not in answer.text
    assert f'href="{holder.verification_url}?lang=en"' in answer.text
    assert "Listed holders: 1 to 1 of 1" in answer.text


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        (f"/registry/{TENANT}?status=lapsed", 422, "VALIDATION_FAILED"),
        (f"/registry/{TENANT}?category=NOPE", 422, "VALIDATION_FAILED"),
        (f"/registry/{TENANT}?limit=0", 422, "VALIDATION_FAILED"),
        (f"/registry/{TENANT}?limit=101", 422, "VALIDATION_FAILED"),
        (f"/registry/{TENANT}?offset=-1", 422, "VALIDATION_FAILED"),
        (f"/registry/{TENANT}?q={'x' * 101}", 422, "VALIDATION_FAILED"),
    ],
)
async def test_bad_registry_queries_are_refused(running_service: Running, path: str, status: int, code: str) -> None:
    answer = await running_service.client.get(path)
    assert (answer.status_code, answer.headers["content-type"], answer.json()["code"]) == (status, PROBLEM, code)

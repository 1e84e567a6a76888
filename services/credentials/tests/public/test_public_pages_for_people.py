"""The public pages on a running service, as people meet them: the issuer by name, every date an Arizona
calendar day in one format, English or Spanish, friendly 404 pages for people (problems for programs), the
certificate's dates, and the holder's own credentials with their registry choice."""

from __future__ import annotations

import io
import re
import uuid
from datetime import date

import pytest
from pypdf import PdfReader

from ..integration.conftest import TENANT, Running
from .test_public_routes import BROWSER, PROBLEM, holder_token, in_read_model, issue, list_holder

ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")
MOMENT = r"\w+ \d{1,2}, \d{4} at \d{1,2}:\d{2} [AP]M MST"  # "December 6, 2026 at 9:28 PM MST"


@pytest.mark.parametrize("path", ["/credentials/{missing}", "/credentials/not-a-uuid",
                                  "/credentials/{missing}/certificate.pdf", "/credentials/not-a-uuid/certificate.pdf"])
async def test_unknown_credentials_are_a_friendly_page_for_people_and_a_problem_for_programs(
    running_service: Running, path: str
) -> None:
    url = path.format(missing=uuid.uuid4())

    page = await running_service.client.get(url, headers={"accept": BROWSER})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "We could not find this credential" in page.text and 'href="/verify"' in page.text
    assert "ask the person for their credential file" in page.text
    assert "unsafe-inline" not in page.headers["content-security-policy"]

    spanish = await running_service.client.get(url, headers={"accept": BROWSER, "accept-language": "es-MX,es"})
    assert spanish.status_code == 404 and "No pudimos encontrar esta credencial" in spanish.text
    by_parameter = await running_service.client.get(url, params={"lang": "es"}, headers={"accept": BROWSER})
    assert '<html lang="es">' in by_parameter.text

    for accept in (None, "application/json", "application/pdf"):
        answer = await running_service.client.get(url, headers={"accept": accept} if accept else {})
        assert answer.status_code == 404 and answer.headers["content-type"] == PROBLEM, accept
        assert answer.json()["code"] == "CREDENTIAL_NOT_FOUND"


async def test_the_page_names_the_issuer_and_shows_arizona_dates_in_the_chosen_language(
    running_service: Running,
) -> None:
    credential = issue(running_service, effective=date(2026, 3, 1), renewal=date(2027, 12, 15))
    url = f"/credentials/{credential.id}"
    assert credential.document["validUntil"].startswith("2027-12-16T07:00:00")  # midnight after 15 Dec in Phoenix

    page = await running_service.client.get(url, headers={"accept": BROWSER})
    assert page.status_code == 200
    assert "<dt>Issued by</dt><dd>Infant Toddler Mental Health Coalition of Arizona</dd>" in page.text
    assert "<dd>December 15, 2027 (the last day it is valid)</dd>" in page.text
    assert "through December 15, 2027" in page.text and "2027-12-16" not in page.text
    assert not ISO_INSTANT.search(page.text)
    assert page.text.count(credential.document["issuer"]["id"]) == 1  # once, under "Technical details"
    assert re.search(f"Checked {MOMENT}", page.text)
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert "Accept-Language" in page.headers["vary"]

    by_parameter = await running_service.client.get(url, params={"lang": "es"},
                                                    headers={"accept": BROWSER, "accept-language": "en"})
    by_header = await running_service.client.get(url, headers={"accept": BROWSER, "accept-language": "es-AR,es;q=0.9"})
    for spanish in (by_parameter, by_header):
        assert '<html lang="es">' in spanish.text and "15 de diciembre de 2027 (último día de validez)" in spanish.text
        assert "Otorgada por" in spanish.text and 'href="?lang=en"' in spanish.text
        assert not ISO_INSTANT.search(spanish.text)
    english = await running_service.client.get(url, params={"lang": "en"},
                                               headers={"accept": BROWSER, "accept-language": "es"})
    assert '<html lang="en">' in english.text


async def test_the_certificate_has_the_pages_dates_and_speaks_spanish_when_asked(running_service: Running) -> None:
    credential = issue(running_service, effective=date(2026, 3, 1), renewal=date(2027, 12, 15))
    url = f"/credentials/{credential.id}/certificate.pdf"

    english = " ".join(PdfReader(io.BytesIO((await running_service.client.get(url)).content))
                       .pages[0].extract_text().split())
    assert "Awarded March 1, 2026 · valid from March 1, 2026 through December 15, 2027" in english
    assert re.search(rf"produced \({MOMENT}\)", english)
    assert "Issuer: Infant Toddler Mental Health Coalition of Arizona (did:web:" in english
    assert not ISO_INSTANT.search(english) and "2027-12-1" not in english

    answer = await running_service.client.get(url, params={"lang": "es"})
    assert answer.headers["content-language"] == "es"
    spanish = " ".join(PdfReader(io.BytesIO(answer.content)).pages[0].extract_text().split())
    assert ("Otorgada el 1 de marzo de 2026 · válida desde el 1 de marzo de 2026 hasta el 15 de diciembre de 2027"
            in spanish)
    assert re.search(r"Estado cuando se generó este certificado "
                     r"\(\d{1,2} de \w+ de \d{4} a las \d{2}:\d{2} \(MST\)\)", spanish)


async def test_a_revoked_credential_keeps_its_page_and_says_so(running_service: Running) -> None:
    credential = issue(running_service)
    await in_read_model(running_service, credential)
    async with running_service.service.api.state.pool.acquire() as conn:  # as a revocation records it
        await conn.execute("UPDATE credentials SET status = 'revoked' WHERE id = $1", credential.id)

    page = await running_service.client.get(f"/credentials/{credential.id}", headers={"accept": BROWSER})
    spanish = await running_service.client.get(f"/credentials/{credential.id}?lang=es", headers={"accept": BROWSER})

    assert page.status_code == 200 and "Status: <strong>Revoked</strong>" in page.text
    assert "Estado: <strong>Revocado</strong>" in spanish.text


async def test_the_registry_page_in_both_languages(running_service: Running) -> None:
    tag = f"t{uuid.uuid4().hex[:8]}"
    holder = issue(running_service, name=f"Zoë {tag}", renewal=date(2030, 12, 15))
    await in_read_model(running_service, holder)
    await list_holder(running_service, holder, city="Tucson")

    english = await running_service.client.get(f"/registry/{TENANT}", params={"q": tag},
                                               headers={"accept": BROWSER, "accept-language": "en"})
    assert "<td data-label=\"Valid through\">December 15, 2030</td>" in english.text
    assert "unsafe-inline" not in english.headers["content-security-policy"]

    for params, accept_language in (({"q": tag, "lang": "es"}, "en"), ({"q": tag}, "es-ES,es;q=0.9")):
        spanish = await running_service.client.get(f"/registry/{TENANT}", params=params,
                                                   headers={"accept": BROWSER, "accept-language": accept_language})
        assert '<html lang="es">' in spanish.text and "Registro de acreditaciones" in spanish.text
        assert "Titulares en el registro: 1 a 1 de 1" in spanish.text and ">Vigente<" in spanish.text
        assert "15 de diciembre de 2030" in spanish.text
        assert '<input type="hidden" name="lang" value="es">' in spanish.text
        assert f'href="{holder.verification_url}?lang=es"' in spanish.text
        assert f"q={tag}" in spanish.text and "lang=en" in spanish.text  # the language switch keeps the search


async def test_an_unknown_registry_is_a_page_for_people_and_a_problem_for_programs(running_service: Running) -> None:
    page = await running_service.client.get("/registry/nowhere", headers={"accept": BROWSER})
    assert page.status_code == 404 and "We could not find this association" in page.text
    answer = await running_service.client.get("/registry/nowhere")
    assert (answer.status_code, answer.headers["content-type"]) == (404, PROBLEM)
    assert answer.json()["code"] == "TENANT_NOT_FOUND"


async def test_the_holder_sees_their_credentials_and_sets_their_listing(running_service: Running) -> None:
    credential = issue(running_service)
    other = issue(running_service)
    await in_read_model(running_service, credential)
    await in_read_model(running_service, other)
    mine = {"authorization": f"Bearer {holder_token(running_service, credential)}"}

    assert (await running_service.client.get("/credentials/mine")).json()["code"] == "MISSING_IDENTITY"
    answer = await running_service.client.get("/credentials/mine", headers=mine)
    assert answer.status_code == 200, answer.text
    assert answer.json()["items"] == [{
        "id": str(credential.id), "endorsement_id": str(credential.endorsement_id), "category": credential.category,
        "category_name": "Infant Family Specialist",
        "status": "active", "valid_from": credential.effective_date.isoformat(),
        "valid_until": credential.renewal_date.isoformat(), "verification_url": credential.verification_url,
        "certificate_url": f"{credential.verification_url}/certificate.pdf",
        "registry": {"listed": False, "city": None, "county": None},
    }]

    put = await running_service.client.put(f"/credentials/{credential.id}/registry",
                                           json={"listed": True, "city": "Tucson"}, headers=mine)
    assert put.status_code == 200 and put.json()["listed"] is True
    [item] = (await running_service.client.get("/credentials/mine", headers=mine)).json()["items"]
    assert item["registry"] == {"listed": True, "city": "Tucson", "county": None}
    stranger = await running_service.client.put(
        f"/credentials/{credential.id}/registry", json={"listed": False},
        headers={"authorization": f"Bearer {holder_token(running_service, other)}"})
    assert (stranger.status_code, stranger.json()["code"]) == (403, "NOT_CREDENTIAL_HOLDER")


async def test_rows_projected_before_the_holder_column_are_filled_in(running_service: Running) -> None:
    credential = issue(running_service)
    await in_read_model(running_service, credential)
    async with running_service.service.api.state.pool.acquire() as conn:
        await conn.execute("UPDATE credentials SET holder_account_id = NULL WHERE id = $1", credential.id)

    answer = await running_service.client.get(
        "/credentials/mine", headers={"authorization": f"Bearer {holder_token(running_service, credential)}"})

    assert [item["id"] for item in answer.json()["items"]] == [str(credential.id)]

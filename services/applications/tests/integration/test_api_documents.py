"""Documents over HTTP on real PostgreSQL: upload limits and types, exact bytes and checksum back, damage detected,
and only the owner and the association's coordinators can read them."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import psycopg
from applications.config import DEFAULT_MAX_BYTES
from document_samples import docx, expanding_docx, gif, jpeg, padded_pdf, pdf, png
from journeys import assert_problem

if TYPE_CHECKING:
    from conftest import Person, Running

PDF = "application/pdf"


async def a_draft(running: Running, who: Person, category: str = "IFS") -> str:
    created = await running.http.post("/applications", json={"category": category}, headers=who.headers)
    assert created.status_code == 201, created.text
    application_id: str = created.json()["id"]
    return application_id


async def upload(running: Running, who: Person, application_id: str, content: bytes, *, kind: str = "transcript",
                 filename: str = "transcript.pdf", media_type: str = PDF) -> Any:
    return await running.http.post(f"/applications/{application_id}/documents", headers=who.headers,
                                   data={"kind": kind}, files={"file": (filename, content, media_type)})


def stored_rows(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM applications.sealed_documents").fetchone()
        return int(row[0]) if row else 0


def events_written(running: Running) -> int:
    return int(running.service.app.recorder.max_notification_id() or 0)


async def test_an_uploaded_document_comes_back_byte_for_byte_with_its_checksum(
        running: Running, person: Callable[..., Person], database_url: str) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    content = pdf("Arizona State University, official transcript")

    created = await upload(running, dana, application_id, content, filename="ASU transcript (final).pdf")

    assert created.status_code == 201, created.text
    document = created.json()
    sha256 = hashlib.sha256(content).hexdigest()
    assert created.headers["location"] == f"/applications/{application_id}/documents/{document['id']}"
    assert (document["kind"], document["filename"], document["media_type"], document["size"], document["sha256"]) == (
        "transcript", "ASU transcript (final).pdf", PDF, len(content), sha256)
    downloaded = await running.http.get(document["href"], headers=dana.headers)
    assert downloaded.status_code == 200
    assert downloaded.content == content
    assert hashlib.sha256(downloaded.content).hexdigest() == sha256
    assert downloaded.headers["content-type"] == PDF
    assert downloaded.headers["etag"] == f'"{sha256}"'
    assert downloaded.headers["x-content-type-options"] == "nosniff"
    assert downloaded.headers["content-disposition"] == (
        "attachment; filename=\"ASU transcript (final).pdf\"; filename*=UTF-8''ASU%20transcript%20%28final%29.pdf")
    unchanged = await running.http.get(document["href"], headers={**dana.headers, "if-none-match": f'"{sha256}"'})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    listed = (await running.http.get(f"/applications/{application_id}/documents", headers=dana.headers)).json()
    assert listed == {"items": [document]}
    state = (await running.http.get(f"/applications/{application_id}", headers=dana.headers)).json()
    assert state["documents"] == [document]
    assert stored_rows(database_url) == 1


async def test_every_allowed_type_is_accepted_and_typed_by_its_content(running: Running,
                                                                        person: Callable[..., Person]) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    samples = [("cv.docx", docx(), "application/octet-stream",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
               ("certificate.png", png(), "image/png", "image/png"),
               ("licence.jpg", jpeg(), "image/jpeg", "image/jpeg")]

    for filename, content, declared, detected in samples:
        answer = await upload(running, dana, application_id, content, kind="other", filename=filename,
                              media_type=declared)
        assert answer.status_code == 201, answer.text
        assert answer.json()["media_type"] == detected
        back = await running.http.get(answer.json()["href"], headers=dana.headers)
        assert (back.content, back.headers["content-type"]) == (content, detected)


async def test_a_document_one_byte_over_the_limit_is_refused_and_nothing_is_stored(
        running: Running, person: Callable[..., Person], database_url: str) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    before = events_written(running)

    too_large = await upload(running, dana, application_id, padded_pdf(DEFAULT_MAX_BYTES + 1))

    async def streamed_without_length() -> AsyncIterator[bytes]:
        boundary = b"--limit"
        yield boundary + b'\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncv\r\n'
        yield boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n'
        for _ in range(11):
            yield b"%PDF-" + b"x" * (1024 * 1024)

    chunked = await running.http.post(f"/applications/{application_id}/documents", content=streamed_without_length(),
                                      headers={**dana.headers, "content-type": "multipart/form-data; boundary=limit"})
    for answer in (too_large, chunked):
        body = assert_problem(answer, 413, "DOCUMENT_TOO_LARGE")
        assert str(DEFAULT_MAX_BYTES) in body["detail"]
    assert stored_rows(database_url) == 0
    assert events_written(running) == before
    just_fits = await upload(running, dana, application_id, padded_pdf(DEFAULT_MAX_BYTES))
    assert just_fits.status_code == 201, just_fits.text
    assert just_fits.json()["size"] == DEFAULT_MAX_BYTES


async def test_wrong_or_mislabelled_types_are_refused_and_nothing_is_stored(
        running: Running, person: Callable[..., Person], database_url: str) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    before = events_written(running)

    refused = [await upload(running, dana, application_id, gif(), filename="photo.gif", media_type="image/gif"),
               await upload(running, dana, application_id, b"#!/bin/sh\necho hi", filename="transcript.pdf"),
               await upload(running, dana, application_id, png(), filename="transcript.pdf", media_type=PDF)]

    for answer in refused:
        assert_problem(answer, 415, "UNSUPPORTED_DOCUMENT_TYPE")
    assert stored_rows(database_url) == 0
    assert events_written(running) == before
    bad_kind = await upload(running, dana, application_id, pdf(), kind="diploma")
    assert_problem(bad_kind, 422, "VALIDATION_FAILED")
    not_a_form = await running.http.post(f"/applications/{application_id}/documents", headers=dana.headers,
                                         json={"kind": "cv"})
    assert_problem(not_a_form, 422, "VALIDATION_FAILED")


async def test_dangerous_names_macros_and_zip_bombs_are_refused_and_nothing_is_stored(
        running: Running, person: Callable[..., Person], database_url: str) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    before = events_written(running)
    word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    bomb = expanding_docx(60 * 1024 * 1024)  # about 60 KB that inflate to 60 MiB

    for filename in ("run.bat", "cv.hta", "cv.pdf.exe"):
        answer = await upload(running, dana, application_id, pdf(), filename=filename)
        assert ".pdf" in assert_problem(answer, 422, "DOCUMENT_EXTENSION_NOT_ALLOWED")["detail"]
    macros = await upload(running, dana, application_id, docx(parts={"word/vbaproject.BIN": b"\x00" * 16}),
                          filename="cv.docx", media_type=word)
    assert_problem(macros, 422, "DOCUMENT_ACTIVE_CONTENT")
    assert_problem(await upload(running, dana, application_id, bomb, filename="cv.docx", media_type=word), 422,
                   "DOCUMENT_EXPANDS_TOO_MUCH")

    assert stored_rows(database_url) == 0
    assert events_written(running) == before
    unnamed = await upload(running, dana, application_id, pdf(), filename="transcript")
    assert unnamed.status_code == 201, unnamed.text
    assert unnamed.json()["filename"] == "transcript.pdf"
    served = await running.http.get(unnamed.json()["href"], headers=dana.headers)
    assert served.headers["content-disposition"] == (
        "attachment; filename=\"transcript.pdf\"; filename*=UTF-8''transcript.pdf")


async def test_damaged_stored_bytes_are_detected_and_never_served(
        running: Running, person: Callable[..., Person], database_url: str) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    document = (await upload(running, dana, application_id, pdf("to be damaged"))).json()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE applications.sealed_documents SET content = overlay(content placing '\\x00'::bytea"
                     " from octet_length(content) - 20) WHERE sha256 = %s", (document["sha256"],))

    damaged = await running.http.get(document["href"], headers=dana.headers)

    assert_problem(damaged, 500, "DOCUMENT_CORRUPTED")
    again = await upload(running, dana, application_id, pdf("another"))
    assert again.status_code == 201  # the store keeps working; the damaged copy is reported, not served


async def test_only_the_owner_and_the_associations_coordinators_may_read_a_document(
        running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    document = (await upload(running, dana, application_id, pdf())).json()
    coordinator = person("itmhca", "coordinator")

    by_coordinator = await running.http.get(document["href"], headers=coordinator.headers)
    assert (by_coordinator.status_code, by_coordinator.content) == (200, pdf())
    for outsider in (person(), person("lakes-aimh", "coordinator")):
        assert_problem(await running.http.get(document["href"], headers=outsider.headers), 404,
                       "APPLICATION_NOT_FOUND")
        assert_problem(await running.http.get(f"/applications/{application_id}/documents",
                                              headers=outsider.headers), 404, "APPLICATION_NOT_FOUND")
        assert_problem(await upload(running, outsider, application_id, pdf()), 404, "APPLICATION_NOT_FOUND")
    assert_problem(await upload(running, coordinator, application_id, png(), filename="x.png",
                                media_type="image/png"), 403, "NOT_THE_APPLICANT")
    assert_problem(await running.http.delete(document["href"], headers=coordinator.headers), 403,
                   "NOT_THE_APPLICANT")
    anonymous = await running.http.post(f"/applications/{application_id}/documents", data={"kind": "cv"},
                                        files={"file": ("cv.pdf", pdf(), PDF)})
    assert_problem(anonymous, 401, "MISSING_IDENTITY")
    missing = f"/applications/{application_id}/documents/{uuid4()}"
    assert_problem(await running.http.get(missing, headers=dana.headers), 404, "DOCUMENT_NOT_FOUND")


async def test_a_transcript_is_linked_from_its_education_entry_and_removable_once_unlinked(
        running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    url = f"/applications/{application_id}"
    transcript = (await upload(running, dana, application_id, pdf())).json()
    degree = {"kind": "degree", "level": "bachelor", "field": "Child development",
              "institution": "Arizona State University", "year": date.today().year - 6}

    unknown = await running.http.post(f"{url}/education", headers=dana.headers,
                                      json={**degree, "transcript_document_id": str(uuid4())})
    assert_problem(unknown, 422, "UNKNOWN_DOCUMENT")
    linked = await running.http.post(f"{url}/education", headers=dana.headers,
                                     json={**degree, "transcript_document_id": transcript["id"]})
    assert linked.status_code == 201, linked.text
    assert_problem(await running.http.delete(transcript["href"], headers=dana.headers), 409, "DOCUMENT_IN_USE")
    assert (await running.http.put(linked.headers["location"], headers=dana.headers, json=degree)).status_code == 200

    removed = await running.http.delete(transcript["href"], headers=dana.headers)

    assert removed.status_code == 204
    assert (await running.http.get(f"{url}/documents", headers=dana.headers)).json() == {"items": []}
    assert_problem(await running.http.get(transcript["href"], headers=dana.headers), 404, "DOCUMENT_NOT_FOUND")


async def test_documents_change_only_while_the_application_is_editable(running: Running,
                                                                        person: Callable[..., Person]) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    document = (await upload(running, dana, application_id, pdf())).json()
    withdrawn = await running.http.post(f"/applications/{application_id}/withdraw", headers=dana.headers,
                                        json={"reason": "Moved"})
    assert withdrawn.status_code == 200

    assert_problem(await upload(running, dana, application_id, png(), filename="p.png", media_type="image/png"),
                   409, "NOT_EDITABLE")
    assert_problem(await running.http.delete(document["href"], headers=dana.headers), 409, "NOT_EDITABLE")
    assert (await running.http.get(document["href"], headers=dana.headers)).content == pdf()


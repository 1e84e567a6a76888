"""Given/when/then tests of the documents tab on the Application aggregate (metadata only; bytes are stored apart)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from applications.domain import (
    Applicant,
    Application,
    CategoryOffer,
    DegreeLevel,
    EducationEntry,
    EducationKind,
    Tab,
)
from applications.domain.documents import Document, DocumentKind
from applications.domain.errors import (
    DocumentInUse,
    DocumentNotFound,
    InvalidDocument,
    NotEditable,
    TooManyDocuments,
    UnknownDocument,
)
from applications.domain.values import PersonalText
from rule_builders import context

OFFER = CategoryOffer({"IFS": "Infant Family Specialist"})
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)


DANA = Applicant(uuid4(), "Dana Reyes", "dana@example.org")


def a_draft() -> Application:
    return Application.start("itmhca", DANA, "IFS", OFFER)


def a_document(kind: DocumentKind = DocumentKind.TRANSCRIPT, filename: str = "transcript.pdf") -> Document:
    content = f"%PDF-1.4 {uuid4()}".encode()
    return Document(uuid4(), kind, filename, "application/pdf", len(content), hashlib.sha256(content).hexdigest(),
                    NOW, owner=DANA.subject)


def a_degree(transcript: Document | None) -> EducationEntry:
    return EducationEntry(EducationKind.DEGREE, "Arizona State University", 2019, DegreeLevel.BACHELOR,
                          field="Child development",
                          transcript_document_id=transcript.document_id if transcript else None)


def new_event_names(application: Application) -> list[str]:
    return [type(e).__name__ for e in application.collect_events()]


def test_attaching_a_document_records_its_metadata_and_checksum() -> None:
    application = a_draft()
    document = a_document()
    new_event_names(application)

    application.attach_document(document, max_documents=50)

    assert application.document(document.document_id) == document
    assert list(application.documents) == [document.document_id]
    assert new_event_names(application) == ["DocumentAttached"]


def test_the_file_name_is_cleaned_when_attached() -> None:
    application = a_draft()
    document = a_document(filename="C:\\fakepath\\..\\CV\x00.docx")

    application.attach_document(document, 50)

    assert application.document(document.document_id).filename == "CV.docx"


def test_a_document_is_owned_by_the_applicant_and_its_name_is_sealed_under_them() -> None:
    application = a_draft()
    with pytest.raises(ValueError, match="owned by the applicant"):
        application.attach_document(replace(a_document(), owner="account:someone-else"), 50)
    new_event_names(application)
    document = a_document(filename="my-cv.pdf")

    application.attach_document(document, 50)

    [attached] = application.collect_events()
    assert isinstance(attached, Application.DocumentAttached)
    assert (attached.owner, attached.filename) == (DANA.subject, PersonalText(DANA.subject, "my-cv.pdf"))


def test_a_document_attached_before_sealing_has_no_owner() -> None:
    state = {"filename": "old.pdf"}
    Application.DocumentAttached.upcast_v1_v2(state)
    assert state == {"filename": PersonalText(None, "old.pdf"), "owner": None}


def test_an_application_holds_a_limited_number_of_documents() -> None:
    application = a_draft()
    for _ in range(3):
        application.attach_document(a_document(DocumentKind.CERTIFICATE), max_documents=3)
    new_event_names(application)

    with pytest.raises(TooManyDocuments):
        application.attach_document(a_document(), max_documents=3)

    assert len(application.documents) == 3
    assert new_event_names(application) == []


def test_a_document_without_a_proper_checksum_is_refused() -> None:
    with pytest.raises(InvalidDocument):
        a_draft().attach_document(replace(a_document(), sha256="not-a-digest"), 50)


def test_removing_a_document_detaches_it() -> None:
    application = a_draft()
    document = a_document()
    application.attach_document(document, 50)
    new_event_names(application)

    application.remove_document(document.document_id)

    assert application.documents == {}
    assert new_event_names(application) == ["DocumentRemoved"]
    with pytest.raises(DocumentNotFound):
        application.document(document.document_id)
    with pytest.raises(DocumentNotFound):
        application.remove_document(document.document_id)


def test_an_education_entry_may_name_only_an_attached_transcript() -> None:
    application = a_draft()
    transcript = a_document()

    with pytest.raises(UnknownDocument):
        application.add_entry(uuid4(), a_degree(transcript), context(TODAY))
    application.attach_document(transcript, 50)
    entry_id = uuid4()
    application.add_entry(entry_id, a_degree(transcript), context(TODAY))

    assert application.entries(Tab.EDUCATION)[entry_id].transcript_document_id == transcript.document_id
    with pytest.raises(UnknownDocument):
        application.replace_entry(entry_id, a_degree(a_document()), context(TODAY))


def test_a_transcript_named_by_an_entry_cannot_be_removed_until_the_entry_changes() -> None:
    application = a_draft()
    transcript = a_document()
    application.attach_document(transcript, 50)
    entry_id = uuid4()
    application.add_entry(entry_id, a_degree(transcript), context(TODAY))

    with pytest.raises(DocumentInUse):
        application.remove_document(transcript.document_id)
    application.replace_entry(entry_id, a_degree(None), context(TODAY))
    application.remove_document(transcript.document_id)

    assert application.documents == {}


def test_documents_change_only_while_the_application_is_editable() -> None:
    application = a_draft()
    document = a_document()
    application.attach_document(document, 50)
    application.withdraw("Changed jobs")

    with pytest.raises(NotEditable):
        application.attach_document(a_document(), 50)
    with pytest.raises(NotEditable):
        application.remove_document(document.document_id)


def test_replaying_the_events_restores_the_documents() -> None:
    application = a_draft()
    kept, removed = a_document(), a_document(DocumentKind.CV, "cv.pdf")
    application.attach_document(kept, 50)
    application.attach_document(removed, 50)
    application.remove_document(removed.document_id)

    copy: Application | None = None
    for stored in application.collect_events():
        copy = stored.mutate(copy)

    assert copy is not None
    assert dict(copy.documents) == {kept.document_id: kept}
    assert type(application).DocumentAttached.__qualname__ == "Application.DocumentAttached"

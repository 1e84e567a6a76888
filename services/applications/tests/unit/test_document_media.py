"""What an upload may be: the type comes from the content's magic bytes; the declared type must agree with it and
the file name's extension be one of the type's own; size is limited."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from applications.config import DOCX, JPEG, PDF, PNG
from applications.documents.errors import DocumentTooLarge, ExtensionNotAllowed, UnsupportedDocumentType
from applications.documents.media import DocumentPolicy, safe_filename, sniff
from applications.documents.store import digest
from applications.domain.documents import Document, DocumentKind, clean_filename
from applications.domain.errors import InvalidDocument
from applications.use_cases.documents import DocumentCases
from document_samples import docx, gif, jpeg, padded_pdf, pdf, plain_zip, png

POLICY = DocumentPolicy(max_bytes=4096)


@pytest.mark.parametrize(("content", "expected"), [(pdf(), PDF), (png(), PNG), (jpeg(), JPEG), (docx(), DOCX)])
def test_each_allowed_type_is_recognised_by_its_first_bytes(content: bytes, expected: str) -> None:
    assert sniff(content) == expected
    assert POLICY.media_type_of(content, None, "upload") == expected


@pytest.mark.parametrize("content", [gif(), plain_zip(), b"hello", b"PK\x03\x04broken zip",
                                     b"<html><script>alert(1)</script></html>"])
def test_anything_else_is_refused_whatever_it_claims_to_be(content: bytes) -> None:
    with pytest.raises(UnsupportedDocumentType):
        POLICY.media_type_of(content, "application/pdf", "transcript.pdf")


def test_a_declared_type_that_contradicts_the_content_is_refused() -> None:
    with pytest.raises(UnsupportedDocumentType, match="says image/png but the content is PDF"):
        POLICY.media_type_of(pdf(), "image/png", "transcript")


def test_generic_and_aliased_declarations_are_accepted() -> None:
    assert POLICY.media_type_of(pdf(), "application/octet-stream", "t.pdf") == PDF
    assert POLICY.media_type_of(pdf(), "application/pdf; name=t.pdf", "t.pdf") == PDF
    assert POLICY.media_type_of(jpeg(), "image/jpg", "photo.JPG") == JPEG


@pytest.mark.parametrize("filename", ["scan.png", "invoice.exe", "run.bat", "cv.hta", "CV.HTA", "cv.hta.",
                                      "cv.hta  ", "transcript.final", "cv.pdf.bat", "cv.p\u0434f",
                                      "cv\u202efdp.hta", "C:\\temp\\x.pdf\\run.cmd", "x" * 400 + ".bat"])
def test_a_pdf_whose_name_ends_in_anything_but_pdf_is_refused(filename: str) -> None:
    with pytest.raises(ExtensionNotAllowed, match=r"allowed for PDF: \.pdf") as refused:
        POLICY.media_type_of(pdf(), None, filename)
    assert refused.value.code == "DOCUMENT_EXTENSION_NOT_ALLOWED"


@pytest.mark.parametrize(("content", "filenames"), [
    (pdf(), ["t.pdf", "T.PDF", "t.pdf.", "a.b.pdf"]),
    (png(), ["scan.png", "SCAN.Png"]),
    (jpeg(), ["photo.jpg", "photo.jpeg", "photo.JPG"]),
    (docx(), ["cv.docx", "CV.DOCX"]),
])
def test_each_type_accepts_its_own_extensions_in_any_case(content: bytes, filenames: list[str]) -> None:
    for filename in filenames:
        assert POLICY.media_type_of(content, None, filename) == sniff(content)


@pytest.mark.parametrize(("content", "wrong"), [(png(), "scan.jpg"), (jpeg(), "photo.png"), (docx(), "cv.doc"),
                                                (docx(), "cv.docm"), (jpeg(), "photo.jfif")])
def test_another_allowed_types_extension_is_refused_too(content: bytes, wrong: str) -> None:
    with pytest.raises(ExtensionNotAllowed):
        POLICY.media_type_of(content, None, wrong)


@pytest.mark.parametrize(("given", "media_type", "kept"), [
    ("transcript.pdf", PDF, "transcript.pdf"),
    ("transcript", PDF, "transcript.pdf"),
    ("Dr. Smith CV", DOCX, "Dr. Smith CV.docx"),
    ("photo.JPEG", JPEG, "photo.JPEG"),
    ("scan", PNG, "scan.png"),
    ("run.bat", PDF, "run.bat.pdf"),
    ("cv.hta.", PDF, "cv.hta.pdf"),
    ("../../cv\u202efdp.hta", PDF, "cvfdp.hta.pdf"),
    ("", PDF, "document.pdf"),
])
def test_the_stored_and_served_name_always_ends_in_an_extension_of_the_detected_type(
        given: str, media_type: str, kept: str) -> None:
    assert safe_filename(given, media_type) == kept


def test_a_name_without_an_extension_is_accepted() -> None:
    assert POLICY.media_type_of(pdf(), None, "transcript") == PDF
    assert POLICY.media_type_of(pdf(), None, "Dr. Smith transcript") == PDF


def test_the_size_limit_is_inclusive() -> None:
    assert POLICY.media_type_of(padded_pdf(4096), None, "t.pdf") == PDF
    with pytest.raises(DocumentTooLarge):
        POLICY.media_type_of(padded_pdf(4097), None, "t.pdf")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(InvalidDocument):
        POLICY.media_type_of(b"", None, "t.pdf")


def test_a_policy_can_allow_fewer_types() -> None:
    only_pdf = DocumentPolicy(allowed_types=frozenset({PDF}))
    with pytest.raises(UnsupportedDocumentType, match="allowed: PDF"):
        only_pdf.media_type_of(png(), None, "scan.png")


@pytest.mark.parametrize(("given", "kept"), [
    ("transcript.pdf", "transcript.pdf"),
    ("C:\\Users\\dana\\CV.docx", "CV.docx"),
    ("../../etc/passwd", "passwd"),
    ("report\r\nX-Injected: 1.pdf", "reportX-Injected: 1.pdf"),
    ("...", "document"),
    ("", "document"),
    ("Zoë Núñez \u2013 certificado.pdf", "Zoë Núñez \u2013 certificado.pdf"),
])
def test_file_names_keep_only_their_last_segment_without_control_characters(given: str, kept: str) -> None:
    assert clean_filename(given) == kept


def test_long_file_names_are_cut_but_keep_their_extension() -> None:
    name = clean_filename("x" * 400 + ".pdf")
    assert len(name) == 255 and name.endswith(".pdf")


def test_a_document_stored_before_the_allow_list_is_served_under_a_safe_name() -> None:
    content = pdf()
    legacy = Document(uuid4(), DocumentKind.CV, "run.bat", PDF, len(content), digest(content), datetime.now(UTC))

    class Stored:
        def document(self, document_id: UUID) -> Document:
            return legacy

    class Applications:
        def get(self, *_: object) -> Stored:
            return Stored()

    class Store:
        def get(self, owner: str | None, sha256: str) -> bytes:
            assert owner is None  # stored before sealing
            return content

    service = DocumentCases(Applications(), Store(), POLICY)  # type: ignore[arg-type]
    served, body = service.content(uuid4(), None, legacy.document_id)  # type: ignore[arg-type]

    assert (served.filename, body) == ("run.bat.pdf", content)

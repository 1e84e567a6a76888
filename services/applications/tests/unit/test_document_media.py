"""What an upload may be: the type comes from the content's magic bytes; the declared type and the file name's
extension must agree with it; size is limited."""

from __future__ import annotations

import pytest
from applications.documents.media import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    DocumentPolicy,
    DocumentTooLarge,
    UnsupportedDocumentType,
    sniff,
)
from applications.domain.documents import InvalidDocument, clean_filename
from document_samples import docx, gif, jpeg, padded_pdf, pdf, plain_zip, png

POLICY = DocumentPolicy(max_bytes=4096)


@pytest.mark.parametrize(("content", "expected"), [(pdf(), PDF), (png(), PNG), (jpeg(), JPEG), (docx(), DOCX)])
def test_each_allowed_type_is_recognised_by_its_first_bytes(content: bytes, expected: str) -> None:
    assert sniff(content) == expected
    assert POLICY.media_type_of(content, None, "upload") == expected


@pytest.mark.parametrize("content", [gif(), plain_zip(), docx(macros=True), b"hello", b"PK\x03\x04broken zip",
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


def test_a_known_extension_that_contradicts_the_content_is_refused() -> None:
    with pytest.raises(UnsupportedDocumentType, match=r"ends in \.png but the content is PDF"):
        POLICY.media_type_of(pdf(), None, "scan.png")
    with pytest.raises(UnsupportedDocumentType):
        POLICY.media_type_of(pdf(), None, "invoice.exe")
    assert POLICY.media_type_of(pdf(), None, "transcript.final") == PDF  # unknown extensions say nothing


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

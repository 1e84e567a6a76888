"""Word packages (DOCX): no macros, ActiveX or OLE objects, however their parts are named or typed; and a bounded
expansion (total, ratio, number of parts), measured while inflating, never taken from the zip's own directory."""

from __future__ import annotations

import io
import warnings
import zipfile

import pytest
from applications.config import DOCX, ExpansionLimits
from applications.documents.errors import ActiveContent, DocumentExpandsTooMuch, UnsupportedDocumentType
from applications.documents.media import DocumentPolicy, sniff
from document_samples import content_types, docx, expanding_docx, understated_docx

MIB = 1024 * 1024
POLICY = DocumentPolicy(max_bytes=10 * MIB)
VBA = "application/vnd.ms-office.vbaProject"


def accepted(content: bytes, policy: DocumentPolicy = POLICY) -> str:
    return policy.media_type_of(content, None, "cv.docx")


def test_a_plain_word_package_is_a_docx() -> None:
    assert sniff(docx()) == DOCX
    assert accepted(docx()) == DOCX
    assert accepted(docx(compression=zipfile.ZIP_STORED)) == DOCX
    chart = docx(parts={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": b"PK-ish", "word/media/image1.png": b"x"})
    assert accepted(chart) == DOCX  # embedded workbooks (charts) and images are ordinary content


@pytest.mark.parametrize("part", ["word/vbaProject.bin", "word/vbaproject.BIN", "WORD/VBAPROJECT.BIN",
                                  "word\\vbaProject.bin", "/word/vbaProject.bin", "word/vba%50roject.bin",
                                  "customUI/vbaProjectSignature.bin", "word/vbaData.xml"])
def test_a_vba_part_is_refused_whatever_the_case_or_spelling_of_its_name(part: str) -> None:
    with pytest.raises(ActiveContent, match="macros") as refused:
        accepted(docx(parts={part: b"\x00" * 16}))
    assert refused.value.code == "DOCUMENT_ACTIVE_CONTENT"


@pytest.mark.parametrize("declaration", [
    f'<Override PartName="/word/innocent.bin" ContentType="{VBA}"/>',
    f'<Default Extension="bin" ContentType="{VBA}"/>',
    '<Default Extension="BIN" ContentType="Application/VND.MS-Office.VBAPROJECT"/>',
    '<Default Extension="bin" ContentType="application/vnd.ms-office.vba&#80;roject"/>',
    '<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>',
    '<Override PartName="/word/x.xml" ContentType="application/vnd.ms-word.vbaData+xml"/>',
])
def test_a_vba_part_declared_in_the_content_types_is_refused(declaration: str) -> None:
    package = docx(types=content_types(declaration), parts={"word/innocent.bin": b"\x00" * 16})
    with pytest.raises(ActiveContent):
        accepted(package)


@pytest.mark.parametrize(("parts", "declaration"), [
    ({"word/activeX/activeX1.xml": b"<ax/>", "word/activeX/activeX1.bin": b"\x00"}, ""),
    ({"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}, ""),
    ({"word/controls/c1.xml": b"<c/>"},
     '<Override PartName="/word/controls/c1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>'),
    ({"word/embeddings/e1.bin": b"\x00"},
     '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'),
])
def test_activex_controls_and_ole_objects_are_refused(parts: dict[str, bytes], declaration: str) -> None:
    with pytest.raises(ActiveContent, match=r"ActiveX|OLE"):
        accepted(docx(parts=parts, types=content_types(declaration)))


def test_content_types_with_a_dtd_are_refused_so_entities_cannot_hide_a_type() -> None:
    hidden = ('<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY v "vbaProject">]>'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="bin" ContentType="application/vnd.ms-office.&v;"/></Types>')
    with pytest.raises(UnsupportedDocumentType, match="DTD"):
        accepted(docx(types=hidden))
    with pytest.raises(UnsupportedDocumentType):
        accepted(docx(types="<Types><unclosed></Types>"))


def test_a_part_named_twice_is_refused_as_ambiguous() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is asked to write
        twice = docx(parts={"[content_types].xml": content_types(f'<Default Extension="bin" ContentType="{VBA}"/>')})
    with pytest.raises(UnsupportedDocumentType, match="twice"):
        accepted(twice)


def test_a_package_that_inflates_beyond_the_total_is_refused() -> None:
    policy = DocumentPolicy(expansion=ExpansionLimits(max_total=2 * MIB, max_ratio=10_000))
    assert accepted(expanding_docx(MIB), policy) == DOCX
    with pytest.raises(DocumentExpandsTooMuch, match="2097152") as refused:
        accepted(expanding_docx(3 * MIB), policy)
    assert refused.value.code == "DOCUMENT_EXPANDS_TOO_MUCH"


def test_a_part_that_inflates_beyond_the_ratio_is_refused() -> None:
    bomb = expanding_docx(20 * MIB)  # zeros: about 1000 to 1
    assert len(bomb) < 64 * 1024
    with pytest.raises(DocumentExpandsTooMuch, match="100 to 1"):
        accepted(bomb)
    small = docx(parts={"word/styles.xml": b"\x00" * 512 * 1024})  # tiny parts may compress well: no harm done
    assert accepted(small) == DOCX


def test_a_package_of_too_many_parts_is_refused() -> None:
    policy = DocumentPolicy(expansion=ExpansionLimits(max_entries=20))
    assert accepted(docx(parts={f"word/media/p{i}.xml": b"<p/>" for i in range(18)}), policy) == DOCX
    with pytest.raises(DocumentExpandsTooMuch, match="at most 20 parts"):
        accepted(docx(parts={f"word/media/p{i}.xml": b"<p/>" for i in range(19)}), policy)


def test_sizes_the_directory_understates_are_measured_while_inflating() -> None:
    policy = DocumentPolicy(expansion=ExpansionLimits(max_total=50 * MIB, max_ratio=1_000_000))
    liar = understated_docx(3 * MIB, stated_size=1000)
    assert zipfile.ZipFile(io.BytesIO(liar)).getinfo("word/media/padding.bin").file_size == 1000
    with pytest.raises(DocumentExpandsTooMuch, match="more than its directory says"):
        accepted(liar, policy)  # refused at byte 1001 of 3 MiB: inflation stops at the first limit crossed


def test_a_damaged_part_is_refused() -> None:
    content = bytearray(docx(compression=zipfile.ZIP_STORED))
    at = content.find(b"<w:body/>")
    content[at + 1] ^= 0xFF
    with pytest.raises(UnsupportedDocumentType, match="damaged"):
        accepted(bytes(content))

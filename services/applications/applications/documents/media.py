"""What an uploaded document may be: its size, and its type as read from its first bytes (never the client's word)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..domain.documents import InvalidDocument
from ..domain.errors import InvalidRequest

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

EXTENSIONS: dict[str, frozenset[str]] = {
    PDF: frozenset({".pdf"}),
    PNG: frozenset({".png"}),
    JPEG: frozenset({".jpg", ".jpeg"}),
    DOCX: frozenset({".docx"}),
}
SHORT_NAMES = {"pdf": PDF, "png": PNG, "jpeg": JPEG, "docx": DOCX}
ALIASES = {"image/jpg": JPEG, "image/pjpeg": JPEG, "application/x-pdf": PDF}
UNDECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
"""What clients send when they do not know the type; the content decides then."""
OTHER_KNOWN_EXTENSIONS = frozenset({".doc", ".docm", ".gif", ".webp", ".tif", ".tiff", ".txt", ".rtf", ".odt",
                                    ".heic", ".zip", ".exe", ".html", ".htm", ".svg", ".js"})
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class DocumentTooLarge(InvalidRequest):
    """Answered with 413: the upload was not read beyond the limit."""

    code = "DOCUMENT_TOO_LARGE"


class UnsupportedDocumentType(InvalidRequest):
    """Answered with 415: the content is not an allowed type, or is not what the upload says it is."""

    code = "UNSUPPORTED_DOCUMENT_TYPE"


def sniff(content: bytes) -> str | None:
    """The media type the content's magic bytes show (PDF, PNG, JPEG, DOCX), or None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04") and _is_docx(content):
        return DOCX
    return None


def _is_docx(content: bytes) -> bool:
    """An Office Open XML word-processing package without macros (reads the zip directory only, never inflates)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names and "word/vbaProject.bin" not in names


def describe(media_type: str) -> str:
    return next((short.upper() for short, full in SHORT_NAMES.items() if full == media_type), media_type)


@dataclass(frozen=True)
class DocumentPolicy:
    """The limits on uploads (settings `DOCUMENTS_MAX_BYTES`, `DOCUMENTS_ALLOWED_TYPES`,
    `DOCUMENTS_MAX_PER_APPLICATION`)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    allowed_types: frozenset[str] = field(default_factory=lambda: frozenset(EXTENSIONS))
    max_per_application: int = 50

    def media_type_of(self, content: bytes, declared: str | None, filename: str) -> str:
        """The detected media type of an upload, or the refusal: too large, empty, not allowed, or mislabelled."""
        if len(content) > self.max_bytes:
            raise DocumentTooLarge(f"documents are limited to {self.max_bytes} bytes")
        if not content:
            raise InvalidDocument("the file is empty")
        allowed = ", ".join(sorted(describe(t) for t in self.allowed_types))
        detected = sniff(content)
        if detected is None or detected not in self.allowed_types:
            found = f"a {describe(detected)} file" if detected else "not a recognised document"
            raise UnsupportedDocumentType(f"the content is {found}; allowed: {allowed}")
        claimed = (declared or "").split(";", 1)[0].strip().lower()
        claimed = ALIASES.get(claimed, claimed)
        if claimed not in UNDECLARED and claimed != detected:
            raise UnsupportedDocumentType(f"the upload says {claimed} but the content is {describe(detected)}")
        extension = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
        known = OTHER_KNOWN_EXTENSIONS.union(*EXTENSIONS.values())
        if extension in known and extension not in EXTENSIONS[detected]:
            raise UnsupportedDocumentType(f"the file name ends in {extension} but the content is {describe(detected)}")
        return detected

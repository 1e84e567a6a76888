"""What an uploaded document may be: its size, its type as read from its first bytes (never the client's word), a
file name ending in one of that type's extensions, and for a DOCX no active content and a bounded expansion."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import DEFAULT_MAX_BYTES, DOCX, JPEG, PDF, PNG, SHORT_NAMES, DocumentSettings, ExpansionLimits
from ..domain.documents import clean_filename
from ..domain.errors import InvalidDocument
from .errors import DocumentTooLarge, ExtensionNotAllowed, UnsupportedDocumentType
from .packages import inspect_word_package, is_word_package

EXTENSIONS: dict[str, frozenset[str]] = {
    PDF: frozenset({".pdf"}),
    PNG: frozenset({".png"}),
    JPEG: frozenset({".jpg", ".jpeg"}),
    DOCX: frozenset({".docx"}),
}
"""The only extensions a file name may end in, by detected type (an allow-list: any other is refused)."""
CANONICAL_EXTENSION = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx"}
EXTENSION = re.compile(r"\.[^.\s]{1,10}$")
"""What counts as an extension: a last dot followed by 1 to 10 characters, none a space (`Dr. Smith CV` has none)."""
ALIASES = {"image/jpg": JPEG, "image/pjpeg": JPEG, "application/x-pdf": PDF}
UNDECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
"""What clients send when they do not know the type; the content decides then."""


def sniff(content: bytes) -> str | None:
    """The media type the content's magic bytes (and, for a zip, its part names) show, or None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04") and is_word_package(content):
        return DOCX
    return None


def describe(media_type: str) -> str:
    return next((short.upper() for short, full in SHORT_NAMES.items() if full == media_type), media_type)


def extension_of(filename: str) -> str | None:
    """The lower-case extension of a file name, or None; trailing dots and spaces are dropped first, as Windows
    does (`cv.hta.` opens as `cv.hta`)."""
    found = EXTENSION.search(filename.rstrip(". "))
    return found.group().lower() if found else None


def safe_filename(filename: str, media_type: str) -> str:
    """The name to store and serve: cleaned (`clean_filename`), ending in an extension of `media_type` (the
    type's own is appended if it ends in none, or, for documents stored before the allow-list, in another)."""
    name = clean_filename(filename).rstrip(". ") or "document"
    if extension_of(name) in EXTENSIONS[media_type]:
        return name
    return name + CANONICAL_EXTENSION[media_type]


@dataclass(frozen=True)
class DocumentPolicy:
    """The limits on uploads (settings `DOCUMENTS_MAX_BYTES`, `DOCUMENTS_ALLOWED_TYPES`,
    `DOCUMENTS_MAX_PER_APPLICATION`, and the DOCX `expansion` limits)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    allowed_types: frozenset[str] = field(default_factory=lambda: frozenset(EXTENSIONS))
    max_per_application: int = 50
    expansion: ExpansionLimits = field(default_factory=ExpansionLimits)

    def media_type_of(self, content: bytes, declared: str | None, filename: str) -> str:
        """The detected media type of an upload, or the refusal: too large, empty, not allowed, mislabelled,
        misnamed, or (a DOCX) with active content or expanding too far. Cheap checks first; nothing is written."""
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
        extension = extension_of(clean_filename(filename))
        if extension is not None and extension not in EXTENSIONS[detected]:
            own = ", ".join(sorted(EXTENSIONS[detected]))
            raise ExtensionNotAllowed(f"the file name ends in {extension}; the content is {describe(detected)}, "
                                      f"and the extensions allowed for {describe(detected)}: {own}")
        if detected == DOCX:
            inspect_word_package(content, self.expansion)
        return detected

    @classmethod
    def from_settings(cls, settings: DocumentSettings) -> DocumentPolicy:
        allowed = frozenset(SHORT_NAMES[n] for n in settings.documents_allowed_types.split(","))
        expansion = ExpansionLimits(settings.documents_max_expanded_bytes, settings.documents_max_expansion_ratio,
                                    settings.documents_max_archive_entries)
        return cls(settings.documents_max_bytes, allowed, settings.documents_max_per_application, expansion)

"""Refusals of the document store and of upload inspection, each a stable problem code (the HTTP status is mapped in
`entrypoints/problems.py`).

They stay here, beside `media.py`, `packages.py` and the stores that raise them, rather than in `domain/errors.py`:
they are about bytes (what a file's content is, whether stored bytes are intact), which the domain never sees. The
refusals of the documents tab itself (`DocumentNotFound`, `TooManyDocuments`, …) are in `domain/errors.py`.
"""

from __future__ import annotations

from ..domain.errors import DomainError, InvalidRequest


# Uploads (`media.py`, `packages.py`)
class DocumentTooLarge(InvalidRequest):
    """Answered with 413: the upload was not read beyond the limit."""

    code = "DOCUMENT_TOO_LARGE"


class UnsupportedDocumentType(InvalidRequest):
    """Answered with 415: the content is not an allowed type, is not what the upload says it is, or is a damaged
    or ambiguous package."""

    code = "UNSUPPORTED_DOCUMENT_TYPE"


class ExtensionNotAllowed(InvalidRequest):
    """The file name ends in an extension that is not one of the detected type's own (answered 422)."""

    code = "DOCUMENT_EXTENSION_NOT_ALLOWED"


class ActiveContent(InvalidRequest):
    """Macros (VBA), ActiveX controls or OLE objects in a Word package (answered 422)."""

    code = "DOCUMENT_ACTIVE_CONTENT"


class DocumentExpandsTooMuch(InvalidRequest):
    """A zip bomb: too many parts, too much in all, or one part inflating too far (answered 422)."""

    code = "DOCUMENT_EXPANDS_TOO_MUCH"


# Stored bytes (`store.py` and its adapters)
class DocumentCorrupted(DomainError):
    """The stored bytes no longer match their checksum (answered 500; never served)."""

    code = "DOCUMENT_CORRUPTED"


class DocumentContentMissing(DomainError):
    """The store has no bytes for a document an application names (answered 500)."""

    code = "DOCUMENT_CONTENT_MISSING"

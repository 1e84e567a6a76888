"""Why an upload is refused: each a stable problem code (the HTTP status is mapped in `entrypoints/problems.py`)."""

from __future__ import annotations

from ..domain.errors import InvalidRequest


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

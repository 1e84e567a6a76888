"""Errors raised by the verifiable-credential core."""


class VcError(Exception):
    """Base class for every error raised by `credentials.vc`."""


class MalformedDocumentError(VcError):
    """The input cannot be processed safely: bad JSON, too big, too deep, bad JSON-LD."""


class UnknownContextError(MalformedDocumentError):
    """The document refers to a JSON-LD context that is not bundled."""

    def __init__(self, url: str) -> None:
        super().__init__(f"JSON-LD context {url!r} is not bundled; remote contexts are never fetched")
        self.url = url


class UndefinedTermError(MalformedDocumentError):
    """The document uses terms that no context defines (JSON-LD would silently drop them)."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__("undefined JSON-LD terms: " + ", ".join(paths))
        self.paths = paths


class CanonicalizationTimeoutError(MalformedDocumentError):
    """Canonicalization ran over its time budget (typically a hostile blank-node graph)."""


class BlankNodeLimitError(MalformedDocumentError):
    """The document's blank nodes are too many, too linked or too alike to canonicalize cheaply."""


class InvalidMultikeyError(VcError, ValueError):
    """A key or signature encoding is not valid multibase/multicodec Ed25519 material."""

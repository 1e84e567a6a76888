"""Where document bytes live: a port with two adapters (PostgreSQL, filesystem), both content-addressed by SHA-256.

Writes are idempotent (the same bytes land on the same key) and durable before they return. Nothing here ever
deletes: a document removed from an application keeps its bytes, and bytes stored for an upload whose event was
then not saved (a crash, a lost race) are an unreferenced orphan, never a lost document.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from ..domain.errors import DomainError


class DocumentCorrupted(DomainError):
    """The stored bytes no longer match their checksum (answered 500; never served)."""

    code = "DOCUMENT_CORRUPTED"


class DocumentContentMissing(DomainError):
    """The store has no bytes for a document an application names (answered 500)."""

    code = "DOCUMENT_CONTENT_MISSING"


class DocumentStore(Protocol):
    def setup(self) -> None:
        """Create what the store needs (idempotent; at start-up)."""

    def put(self, sha256: str, content: bytes, media_type: str) -> None:
        """Store `content` under its digest durably; storing the same bytes again changes nothing."""

    def get(self, sha256: str) -> bytes:
        """The bytes stored under `sha256`, as stored (the caller verifies them); `DocumentContentMissing` if none."""

    def close(self) -> None:
        """Release connections."""


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def ensure_digest(sha256: str, content: bytes) -> None:
    """Adapters refuse to file bytes under another digest (a programming error, never a client's)."""
    if digest(content) != sha256:
        raise ValueError("the content does not match the digest it is to be stored under")

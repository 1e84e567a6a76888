"""Where document bytes live: a port with two adapters (PostgreSQL, filesystem).

A document's bytes are stored sealed (`SubjectKeys.seal_bytes`) under their owner's subject and keyed by
`(owner, SHA-256 of the plaintext)`: one person's erasure deletes their rows and never touches another's, and the
store holds no bare hash by which anyone could confirm that a given file is stored. Writes are durable before they
return; storing again under the same key replaces the copy (so a damaged one is repaired by the next upload).
Bytes stored for an upload whose event was then not saved (a crash, a lost race) are an unreferenced orphan, never
a lost document; they go with the owner's erasure (`forget`).

Documents uploaded before sealing (owner None) stay readable, in plaintext and shared by SHA-256 alone, until the
migration (docs/erasure.md, slice 9); nothing new is written in that shape.
"""

from __future__ import annotations

import hashlib
from typing import Protocol


class DocumentStore(Protocol):
    def setup(self) -> None:
        """Create what the store needs (idempotent; at start-up)."""

    def put(self, owner: str, sha256: str, sealed: bytes, media_type: str) -> None:
        """Store `sealed` (the owner's sealed bytes of a content whose digest is `sha256`) durably."""

    def get(self, owner: str | None, sha256: str) -> bytes:
        """The bytes stored under `(owner, sha256)`, as stored (sealed; plaintext for owner None, a document
        uploaded before sealing); `DocumentContentMissing` if none."""

    def forget(self, owner: str) -> None:
        """Delete every document of `owner` (their erasure; idempotent)."""

    def close(self) -> None:
        """Release connections."""


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()

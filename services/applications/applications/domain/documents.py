"""Documents attached to an application (transcripts, CV, certificates, licences): metadata only.

The bytes live in the service's document store, sealed under the applicant's subject (`Document.owner`) and keyed
by `(owner, SHA-256)`, written before the `DocumentAttached` event is saved, so an event never names bytes that were
not stored. The file name is personal too: the event stores it sealed under the same subject (None once erased).
Documents uploaded before sealing have no owner: their bytes stay in plaintext, shared by SHA-256 alone, until the
migration (docs/erasure.md, slice 9). A mixin of the `Application` aggregate: its events become
`Application.DocumentAttached` and `Application.DocumentRemoved`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from .entries import EducationEntry, Entry, Tab
from .errors import DocumentInUse, DocumentNotFound, InvalidDocument, TooManyDocuments, UnknownDocument
from .legacy import applicant_text
from .values import Applicant, PersonalText

MAX_FILENAME = 255
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class DocumentKind(StrEnum):
    TRANSCRIPT = "transcript"
    CV = "cv"
    CERTIFICATE = "certificate"
    LICENCE = "licence"
    OTHER = "other"


@dataclass(frozen=True)
class Document:
    document_id: UUID
    kind: DocumentKind
    filename: str | None
    """As the applicant named it, without any directory part; None once the applicant is erased."""
    media_type: str
    """Detected from the content, never taken from the client alone."""
    size: int
    sha256: str
    """Hex digest of the content: with `owner`, the key of the bytes in the store; the download's ETag."""
    uploaded_at: datetime
    owner: str | None = None
    """The subject the bytes are sealed and stored under (the applicant's); None for a document uploaded before
    sealing (plaintext bytes shared by SHA-256)."""


class DocumentsMixin:
    """Commands and events of the documents tab; the aggregate provides `_ensure_editable` and `entries`."""

    if TYPE_CHECKING:
        applicant: Applicant

        def _ensure_editable(self) -> None: ...

        def entries(self, tab: Tab) -> Mapping[UUID, Entry]: ...

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

    class DocumentAttached(Aggregate.Event):
        class_version = 2
        document_id: UUID
        kind: str
        filename: PersonalText
        """Sealed under `owner`."""
        media_type: str
        size: int
        sha256: str
        uploaded_at: datetime
        owner: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Stored before sealing: the name in plaintext, the bytes shared by SHA-256 (no owner)."""
            state["filename"] = applicant_text(state, state["filename"])
            state["owner"] = None

        def apply(self, aggregate: Any) -> None:
            aggregate.document_map()[self.document_id] = Document(
                self.document_id, DocumentKind(self.kind), self.filename.text, self.media_type, self.size,
                self.sha256, self.uploaded_at, self.owner)

    class DocumentRemoved(Aggregate.Event):
        document_id: UUID

        def apply(self, aggregate: Any) -> None:
            del aggregate.document_map()[self.document_id]

    def attach_document(self, document: Document, max_documents: int) -> None:
        """Record an uploaded document (its bytes are already stored, sealed, under `(owner, sha256)`)."""
        self._ensure_editable()
        if document.owner != self.applicant.subject or document.filename is None:
            raise ValueError("a new document is owned by the applicant (their subject) and has a file name")
        documents = self.document_map()
        if document.document_id in documents:
            raise ValueError(f"document id {document.document_id} is already used")
        if len(documents) >= max_documents:
            raise TooManyDocuments(f"an application holds at most {max_documents} documents; remove one first")
        if not SHA256_HEX.match(document.sha256) or document.size <= 0 or not document.media_type:
            raise InvalidDocument("a document needs content, its media type and its SHA-256 digest")
        if document.uploaded_at.tzinfo is None:
            raise ValueError("times must be timezone-aware")
        self.trigger_event(self.DocumentAttached, document_id=document.document_id, kind=document.kind.value,
                           filename=PersonalText(document.owner, clean_filename(document.filename)),
                           media_type=document.media_type, size=document.size, sha256=document.sha256,
                           uploaded_at=document.uploaded_at, owner=document.owner)

    def remove_document(self, document_id: UUID) -> None:
        """Detach a document (its bytes stay in the store until the applicant is erased)."""
        self._ensure_editable()
        self.document(document_id)
        if any(isinstance(e, EducationEntry) and e.transcript_document_id == document_id
               for e in self.entries(Tab.EDUCATION).values()):
            raise DocumentInUse("an education entry names this document as its transcript")
        self.trigger_event(self.DocumentRemoved, document_id=document_id)

    def document(self, document_id: UUID) -> Document:
        try:
            return self.document_map()[document_id]
        except KeyError:
            raise DocumentNotFound(f"no document {document_id}") from None

    @property
    def documents(self) -> Mapping[UUID, Document]:
        """The attached documents in upload order."""
        return MappingProxyType(self.document_map())

    def ensure_documents_attached(self, entry: Entry) -> None:
        """An entry may only name documents attached to this application."""
        named = entry.transcript_document_id if isinstance(entry, EducationEntry) else None
        if named is not None and named not in self.document_map():
            raise UnknownDocument(f"no document {named} is attached to this application; upload it first")

    def document_map(self) -> dict[UUID, Document]:
        """The mutable map (created on first use, so applications stored before documents need no upcasting)."""
        documents: dict[UUID, Document] = self.__dict__.setdefault("_documents", {})
        return documents


def clean_filename(name: str) -> str:
    """The last path segment, without control characters, at most 255 characters; `document` if nothing is left."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C").strip()
    base = base.lstrip(".") or "document"
    if len(base) > MAX_FILENAME:
        stem, dot, extension = base.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            return f"{stem[: MAX_FILENAME - len(extension) - 1]}.{extension}"
        return base[:MAX_FILENAME]
    return base

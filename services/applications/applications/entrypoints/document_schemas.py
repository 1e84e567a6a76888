"""Documents and registration as the API shows them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from ..domain import Application
from ..domain.documents import Document, DocumentKind


class DocumentOut(BaseModel):
    id: UUID
    kind: DocumentKind
    filename: str | None = Field(description="As uploaded; null once the applicant is erased.")
    media_type: str = Field(description="As detected from the content.")
    size: int = Field(description="Bytes.")
    sha256: str = Field(description="Hex SHA-256 of the content; also the download's ETag.")
    uploaded_at: datetime
    href: str = Field(description="Where to download it (owner and the association's coordinators).")

    @classmethod
    def of(cls, application_id: UUID, document: Document) -> DocumentOut:
        return cls(id=document.document_id, kind=document.kind, filename=document.filename,
                   media_type=document.media_type, size=document.size, sha256=document.sha256,
                   uploaded_at=document.uploaded_at,
                   href=f"/applications/{application_id}/documents/{document.document_id}")


class DocumentList(BaseModel):
    items: list[DocumentOut]

    @classmethod
    def of(cls, application: Application) -> DocumentList:
        return cls(items=[DocumentOut.of(application.id, d) for d in application.documents.values()])


class RegistrationOut(BaseModel):
    """Where the application stands in registration (see the rule set's `registration.required`)."""

    registered_at: datetime | None
    accepted_at: datetime | None
    accepted_by: UUID | None = Field(description="The coordinator's account.")

    @classmethod
    def of(cls, application: Application) -> RegistrationOut:
        return cls(registered_at=application.registered_at, accepted_at=application.registration_accepted_at,
                   accepted_by=application.registration_accepted_by)

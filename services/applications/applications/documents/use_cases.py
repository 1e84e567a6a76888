"""Documents use cases: the bytes are stored first (content-addressed, idempotent), then the event naming them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError

from ..application import ApplicationsService, ConcurrentChange
from ..domain import Actor, Application
from ..domain.documents import Document, DocumentKind
from .media import DocumentPolicy, safe_filename
from .store import DocumentCorrupted, DocumentStore, digest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    kind: DocumentKind
    filename: str
    declared_type: str | None
    """The part's own Content-Type, if the client sent one."""
    content: bytes


class DocumentsService:
    def __init__(self, applications: ApplicationsService, store: DocumentStore, policy: DocumentPolicy) -> None:
        self.applications = applications
        self.store = store
        self.policy = policy

    def attach(self, application_id: UUID, actor: Actor, upload: Upload) -> Document:
        """Check the upload, let the aggregate accept it, store the bytes, then save the event (nothing is written
        for a refused upload). The name kept ends in an extension of the detected type."""
        application = self.applications.get(application_id, actor)
        actor.ensure_owner(application)
        media_type = self.policy.media_type_of(upload.content, upload.declared_type, upload.filename)
        filename = safe_filename(upload.filename, media_type)
        document = Document(uuid4(), upload.kind, filename, media_type, len(upload.content),
                            digest(upload.content), self.applications.clock())
        application.attach_document(document, self.policy.max_per_application)
        self.store.put(document.sha256, upload.content, media_type)
        self._save(application)
        return application.document(document.document_id)

    def remove(self, application_id: UUID, actor: Actor, document_id: UUID) -> Application:
        application = self.applications.get(application_id, actor)
        actor.ensure_owner(application)
        application.remove_document(document_id)
        self._save(application)
        return application

    def describe(self, application_id: UUID, actor: Actor, document_id: UUID) -> Document:
        """A document's metadata, for the owner and the association's coordinators."""
        return self.applications.get(application_id, actor).document(document_id)

    def content(self, application_id: UUID, actor: Actor, document_id: UUID) -> tuple[Document, bytes]:
        """The document (named to be served: its extension is its type's, even if stored before the allow-list)
        and its bytes, verified against the checksum recorded at upload."""
        document = self.describe(application_id, actor, document_id)
        content = self.store.get(document.sha256)
        if len(content) != document.size or digest(content) != document.sha256:
            log.error("document %s of application %s: stored bytes do not match checksum %s", document_id,
                      application_id, document.sha256)
            raise DocumentCorrupted("the stored copy of this document is damaged, so it is not served; please "
                                    "upload it again or contact the association")
        return replace(document, filename=safe_filename(document.filename, document.media_type)), content

    def _save(self, application: Application) -> None:
        try:
            self.applications.save(application)
        except IntegrityError:
            raise ConcurrentChange("the application was changed at the same time; reload and retry") from None

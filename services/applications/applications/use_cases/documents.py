"""Documents use cases: the bytes are stored first (sealed under the applicant, keyed by their subject and digest),
then the event naming them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from uuid import UUID, uuid4

from servicekit.shredding import InvalidToken

from ..application import ApplicationsService
from ..documents.errors import DocumentCorrupted
from ..documents.media import DocumentPolicy, safe_filename
from ..documents.store import DocumentStore, digest
from ..domain import Actor, Application
from ..domain.documents import Document, DocumentKind
from ..domain.errors import DocumentErased

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    kind: DocumentKind
    filename: str
    declared_type: str | None
    """The part's own Content-Type, if the client sent one."""
    content: bytes


class DocumentCases:
    def __init__(self, applications: ApplicationsService, store: DocumentStore, policy: DocumentPolicy) -> None:
        self.applications = applications
        self.store = store
        """Where the bytes live (`documents/`: PostgreSQL or a directory)."""
        self.policy = policy

    def attach(self, application_id: UUID, actor: Actor, upload: Upload) -> Document:
        """Check the upload, let the aggregate accept it, store the bytes, then save the event (nothing is written
        for a refused upload). The name kept ends in an extension of the detected type."""
        application = self.applications.get(application_id, actor)
        actor.ensure_owner(application)
        media_type = self.policy.media_type_of(upload.content, upload.declared_type, upload.filename)
        filename = safe_filename(upload.filename, media_type)
        owner = application.applicant.subject
        document = Document(uuid4(), upload.kind, filename, media_type, len(upload.content),
                            digest(upload.content), self.applications.clock(), owner)
        application.attach_document(document, self.policy.max_per_application)
        self.store.put(owner, document.sha256, self.applications.keys.seal_bytes(owner, upload.content), media_type)
        self.applications.commit(application)
        return application.document(document.document_id)

    def remove(self, application_id: UUID, actor: Actor, document_id: UUID) -> Application:
        application = self.applications.get(application_id, actor)
        actor.ensure_owner(application)
        application.remove_document(document_id)
        self.applications.commit(application)
        return application

    def describe(self, application_id: UUID, actor: Actor, document_id: UUID) -> Document:
        """A document's metadata, for the owner and the association's coordinators."""
        return self.applications.get(application_id, actor).document(document_id)

    def content(self, application_id: UUID, actor: Actor, document_id: UUID) -> tuple[Document, bytes]:
        """The document (named to be served: its extension is its type's, even if stored before the allow-list)
        and its bytes, opened and verified against the checksum recorded at upload."""
        document = self.describe(application_id, actor, document_id)
        content = self._opened(document)
        if len(content) != document.size or digest(content) != document.sha256:
            log.error("document %s of application %s: stored bytes do not match checksum %s", document_id,
                      application_id, document.sha256)
            raise DocumentCorrupted("the stored copy of this document is damaged, so it is not served; please "
                                    "upload it again or contact the association")
        return replace(document, filename=safe_filename(document.filename or "document", document.media_type)), content

    def _opened(self, document: Document) -> bytes:
        if document.owner is None:  # uploaded before sealing: plaintext, shared by SHA-256
            return self.store.get(None, document.sha256)
        keys = self.applications.keys
        if keys.is_erased(document.owner):
            raise DocumentErased("this document's owner was erased")
        try:
            content = keys.open_bytes(self.store.get(document.owner, document.sha256))
        except InvalidToken:  # altered: the checksum check below would refuse it too
            return b""
        if content is None:  # erased between the two reads
            raise DocumentErased("this document's owner was erased")
        return content

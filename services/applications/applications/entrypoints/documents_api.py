"""Documents of an application: upload (multipart, bounded), list, download (verified), remove.

The upload body is read by an async dependency that stops at the size limit (nothing beyond it is buffered);
the use cases then run in plain `def` routes, like every other call on the synchronous event store.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from servicekit.problems import Problem
from servicekit.text_guard import refuse_unstorable
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from ..documents.errors import DocumentTooLarge
from ..documents.media import EXTENSIONS
from ..domain.documents import DocumentKind
from ..use_cases.documents import Upload
from .dependencies import CurrentActor, Documents
from .document_schemas import DocumentList, DocumentOut
from .schemas import problems

router = APIRouter(prefix="/applications/{application_id}/documents", tags=["application documents"])
FORM_OVERHEAD = 16 * 1024
"""Room for the multipart boundaries, part headers and the `kind` field around the file itself."""
UPLOAD_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file", "kind"],
    "properties": {"file": {"type": "string", "format": "binary", "description": "PDF, PNG, JPEG or DOCX"},
                   "kind": {"type": "string", "enum": [k.value for k in DocumentKind]}}}}}}}


def _invalid(detail: str) -> Problem:
    return Problem(422, "Invalid request", detail, code="VALIDATION_FAILED")


async def _bounded(stream: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    """The request body, refused as soon as it grows past `limit` (whatever Content-Length said)."""
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            raise DocumentTooLarge(f"documents are limited to {limit - FORM_OVERHEAD} bytes")
        yield chunk


async def read_upload(request: Request, documents: Documents) -> Upload:
    """A `multipart/form-data` body with one `file` and its `kind`, read up to the size limit and no further."""
    limit = documents.policy.max_bytes
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise _invalid("send the document as multipart/form-data with the fields `file` and `kind`")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise DocumentTooLarge(f"documents are limited to {limit} bytes")
    parser = MultiPartParser(request.headers, _bounded(request.stream(), limit + FORM_OVERHEAD), max_files=1,
                             max_fields=2, max_part_size=1024)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise _invalid(f"the form cannot be read: {exc.message}") from None
    try:
        file, kind = form.get("file"), form.get("kind")
        if not isinstance(file, UploadFile) or not isinstance(kind, str):
            raise _invalid("the form needs a `file` part and a `kind` field")
        try:
            document_kind = DocumentKind(kind.strip())
        except ValueError:
            raise _invalid(f"`kind` must be one of {', '.join(k.value for k in DocumentKind)}") from None
        content = await file.read(limit + 1)
        if len(content) > limit:
            raise DocumentTooLarge(f"documents are limited to {limit} bytes")
        name = refuse_unstorable("body.file.filename", file.filename or "document")  # multipart: no middleware
        return Upload(document_kind, name, file.content_type, content)
    finally:
        await form.close()


@router.post("", status_code=201, response_model=DocumentOut, responses=problems(403, 404, 409, 413, 415, 422),
             openapi_extra=UPLOAD_BODY)
def upload_document(application_id: UUID, actor: CurrentActor, documents: Documents,
                    upload: Annotated[Upload, Depends(read_upload)], response: Response) -> DocumentOut:
    """Attach a transcript, CV, certificate, licence or other document (owner, while editable). The type is read
    from the content; a mismatch with the declared type or the file name's extension is refused."""
    document = documents.attach(application_id, actor, upload)
    response.headers["Location"] = f"/applications/{application_id}/documents/{document.document_id}"
    return DocumentOut.of(application_id, document)


@router.get("", response_model=DocumentList, responses=problems(404, 422))
def list_documents(application_id: UUID, actor: CurrentActor, documents: Documents) -> DocumentList:
    return DocumentList.of(documents.applications.get(application_id, actor))


DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The document's bytes.", "content": {t: {} for t in EXTENSIONS}},
    304: {"description": "Unchanged (If-None-Match matched the ETag)."},
    **problems(404, 422, 500),
}


@router.get("/{document_id}", response_class=Response, responses=DOWNLOAD_RESPONSES)
def download_document(application_id: UUID, document_id: UUID, actor: CurrentActor, documents: Documents,
                      request: Request) -> Response:
    """The bytes as uploaded, checked against their SHA-256 first (owner and the association's coordinators);
    500 `DOCUMENT_CORRUPTED` rather than damaged bytes; 404 `DOCUMENT_ERASED` once the applicant is erased."""
    described = documents.describe(application_id, actor, document_id)
    etag = f'"{described.sha256}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    document, content = documents.content(application_id, actor, document_id)
    headers |= {"Content-Disposition": content_disposition(document.filename or "document"),
                "Content-Security-Policy": "default-src 'none'; sandbox"}
    return Response(content, media_type=document.media_type, headers=headers)


@router.delete("/{document_id}", status_code=204, response_class=Response, responses=problems(403, 404, 409, 422))
def remove_document(application_id: UUID, document_id: UUID, actor: CurrentActor, documents: Documents) -> Response:
    """Detach a document while the application is editable (not while an education entry names it)."""
    documents.remove(application_id, actor, document_id)
    return Response(status_code=204)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name in RFC 5987 form (no header injection)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{fallback or 'document'}\"; filename*=UTF-8''{quote(filename, safe='')}"


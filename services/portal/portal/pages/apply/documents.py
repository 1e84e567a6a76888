"""Documents: the limits shown before upload, upload (streamed on to the gateway), checksum, download, remove."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response, StreamingResponse

from ...gateway_client import ApiError, ApiUnavailable
from ...web import i18n
from ...web.context import runtime
from ...web.deps import ApiDep, CsrfChecked, SignedIn, TenantDep
from ...web.templating import redirect, render
from . import common

router = APIRouter()
_ = i18n.gettext
N_ = i18n.N_
KIND_LABELS = {
    "transcript": i18n.N_("Transcript"), "cv": i18n.N_("CV or résumé"), "certificate": i18n.N_("Certificate"),
    "licence": i18n.N_("Licence"), "other": i18n.N_("Other"),
}
REFUSALS = {
    "DOCUMENT_TOO_LARGE": i18n.N_("The file is too large. Choose a file of at most %(max)s MB."),
    "UNSUPPORTED_DOCUMENT_TYPE": i18n.N_("This type of file is not accepted. Choose a %(types)s file."),
    "TOO_MANY_DOCUMENTS": i18n.N_("You have uploaded the most documents allowed (%(count)s). Remove one first."),
    "INVALID_DOCUMENT": i18n.N_("The file is empty. Choose another file."),
    "DOCUMENT_EXTENSION_NOT_ALLOWED": i18n.N_(
        "The file's name does not match what it contains. Save it as a %(types)s file and upload it again."),
    "DOCUMENT_ACTIVE_CONTENT": i18n.N_(
        "This document contains macros or embedded programs, which we do not accept. Save it as a plain "
        "document or a PDF and upload it again."),
    "DOCUMENT_EXPANDS_TOO_MUCH": i18n.N_(
        "This document is too large once opened. Save it as a PDF, or reduce the pictures in it, and try again."),
}


def refusal(code: str, rules: Mapping[str, Any], fallback: str) -> str:
    template = REFUSALS.get(code)
    if template is None:
        return fallback
    return _(template) % {"max": rules["max_mb"], "types": ", ".join(e.upper() for e in rules["extensions"]),
                          "count": rules["max_count"]}


def check_upload(filename: str, size: int | None, rules: Mapping[str, Any]) -> str | None:
    """The portal's own refusal before anything is sent on (None: send it; the service checks again)."""
    if not filename:
        return _("Choose a file to upload.")
    if size is not None and size > int(rules["max_bytes"]):
        return refusal("DOCUMENT_TOO_LARGE", rules, "")
    if size == 0:
        return refusal("INVALID_DOCUMENT", rules, "")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in rules["extensions"]:
        return refusal("UNSUPPORTED_DOCUMENT_TYPE", rules, "")
    return None


async def _page(request: Request, api: ApiDep, tenant: Mapping[str, Any], app_id: str, status_code: int = 200,
                errors: Mapping[str, str] | None = None, values: Mapping[str, str] | None = None) -> Response:
    app = await common.application(api, app_id)
    catalogue = await common.catalogue(api, tenant)
    return render(request, "apply/documents.html", status_code=status_code, app=app,
                  documents=app.get("documents") or [], rules=catalogue["documents"],
                  kinds=[(k, _(KIND_LABELS.get(k, k))) for k in catalogue["documents"]["kinds"]],
                  errors=dict(errors or {}), values=dict(values or {}))


@router.get("/apply/{app_id}/documents")
async def documents_page(app_id: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn) -> Response:
    return await _page(request, api, tenant, app_id)


@router.post("/apply/{app_id}/documents")
async def upload(app_id: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn,
                 _c: CsrfChecked) -> Response:
    form = await request.form()
    file = form.get("file")
    kind = str(form.get("kind") or "other")
    rules = (await common.catalogue(api, tenant))["documents"]
    as_json = common.wants_json(request)
    name = (file.filename or "") if isinstance(file, UploadFile) else ""
    problem = check_upload(name, file.size if isinstance(file, UploadFile) else None, rules)
    status = 413 if problem and isinstance(file, UploadFile) and (file.size or 0) > rules["max_bytes"] else 422
    if problem is None and isinstance(file, UploadFile):
        try:
            await file.seek(0)
            # httpx streams the spooled file in chunks: the portal never holds it whole in memory
            await api.post(f"/applications/{app_id}/documents", data={"kind": kind},
                           files={"file": (name, file.file, file.content_type or "application/octet-stream")})
        except ApiError as error:
            if error.status in (401, 404):
                raise
            problem, status = refusal(error.code, rules, error.detail), error.status
    if as_json:
        return common.autosave_answer(saved=problem is None, errors={"file": problem} if problem else {},
                                      message=problem or _("Uploaded"), status_code=status if problem else 201)
    if problem:
        return await _page(request, api, tenant, app_id, status_code=status, errors={"file": problem},
                           values={"kind": kind})
    request.state.session.flash(N_("Your document was uploaded."))
    return redirect(request, f"/apply/{app_id}/documents")


@router.get("/apply/{app_id}/documents/{document_id}")
async def download(app_id: str, document_id: str, request: Request, api: ApiDep, _s: SignedIn) -> Response:
    """The document's bytes, streamed from the gateway with its own headers (type, name, checksum ETag)."""
    http = runtime(request).http
    session = request.state.session
    upstream = http.build_request("GET", f"/applications/{app_id}/documents/{document_id}",
                                  headers={"authorization": f"Bearer {session.access_token}"})
    try:
        response = await http.send(upstream, stream=True)
    except Exception as exc:
        raise ApiUnavailable(type(exc).__name__) from exc
    if response.status_code != 200:
        await response.aclose()
        if response.status_code >= 500:
            raise ApiUnavailable(f"HTTP {response.status_code}")
        return render(request, "errors/404.html", status_code=404)

    async def body() -> AsyncIterator[bytes]:
        try:
            async for chunk in response.aiter_bytes():
                yield chunk
        finally:
            await response.aclose()

    headers = {k: v for k, v in response.headers.items() if k.lower() in (
        "content-type", "content-disposition", "etag", "content-length", "content-security-policy")}
    headers["cache-control"] = "private, no-cache"
    return StreamingResponse(body(), status_code=200, headers=headers)


@router.post("/apply/{app_id}/documents/{document_id}/remove")
async def remove(app_id: str, document_id: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn,
                 _c: CsrfChecked) -> Response:
    try:
        await api.delete(f"/applications/{app_id}/documents/{document_id}")
    except ApiError as error:
        if error.code == "DOCUMENT_IN_USE":
            return await _page(request, api, tenant, app_id, status_code=409, errors={
                "_form": _("This document is the transcript of an education entry. Change that entry first.")})
        if error.code != "DOCUMENT_NOT_FOUND":
            raise
    return redirect(request, f"/apply/{app_id}/documents")

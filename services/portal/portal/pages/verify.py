"""Employers: paste or upload a credential (JSON) and see the result of each check in plain words."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from ..gateway_client import ApiError
from ..web.deps import ApiDep, CsrfChecked, SettingsDep
from ..web.forms import FormErrors
from ..web.i18n import N_
from ..web.i18n import gettext as _
from ..web.templating import render
from .verify_identity import email_matches

router = APIRouter()

CHECK_NAMES = {
    "schema": N_("The file is a credential"),
    "proof": N_("The signature is genuine"),
    "issuer": N_("The issuer is known"),
    "status": N_("The credential is not revoked or suspended"),
    "validity": N_("The credential is within its dates"),
}
CODE_EXPLANATIONS = {
    "MALFORMED": N_("This is not a credential in a format we can read."),
    "INVALID_SIGNATURE": N_("The signature does not match: the credential was changed after it was issued, or "
                            "was not issued by this issuer."),
    "UNKNOWN_ISSUER": N_("We do not know the issuer, or the key it was signed with is not one of theirs."),
    "REVOKED": N_("The issuer has revoked this credential. It is no longer valid."),
    "SUSPENDED": N_("The issuer has suspended this credential for now."),
    "STATUS_UNAVAILABLE": N_("We could not find out whether the credential was revoked or suspended."),
    "EXPIRED": N_("The credential has expired."),
    "NOT_YET_VALID": N_("The credential is not valid yet."),
}
STATUS_WORDS = {"passed": N_("Passed"), "failed": N_("Failed"), "skipped": N_("Not checked")}
MAX_EMAIL_CHARS = 254


def _read_email(form: FormData, errors: FormErrors) -> str:
    """The holder's address the employer typed to check (optional), or "" (with an error when it is not one)."""
    email = str(form.get("holder_email") or "").strip()
    if email and ("@" not in email or len(email) > MAX_EMAIL_CHARS or any(c.isspace() for c in email)):
        errors.add("holder_email", _("Enter an email address, like name@example.com"))
    return email


def _email_check(result: dict[str, Any], credential: dict[str, Any], email: str) -> str | None:
    """How the typed address compares with the credential's holder: "match", "mismatch", "absent" (no email
    identity in the credential) or "unchecked" (the signature is not genuine); None when none was typed."""
    if not email:
        return None
    genuine = any(check.get("check") == "proof" and check.get("status") == "passed"
                  for check in result.get("checks") or [] if isinstance(check, dict))
    if not genuine:
        return "unchecked"
    matches = email_matches(credential, email)
    return "absent" if matches is None else "match" if matches else "mismatch"


def _page(request: Request, max_bytes: int, status_code: int = 200, **context: Any) -> Response:
    return render(request, "verify/verify.html", status_code=status_code, max_bytes=max_bytes,
                  check_names=CHECK_NAMES, code_explanations=CODE_EXPLANATIONS, status_words=STATUS_WORDS, **context)


async def _read_document(form: FormData, pasted: str, limit: int) -> tuple[Any, FormErrors]:
    """The JSON object from the upload (if a file was chosen) or the text box, or the errors that say why not."""
    upload = form.get("file")
    uploaded = isinstance(upload, UploadFile) and bool(upload.filename)
    errors = FormErrors()
    text = pasted
    if isinstance(upload, UploadFile) and uploaded:
        raw = await upload.read(limit + 1)
        if len(raw) > limit:
            errors.add("file", _("The file is too large. Choose a file smaller than %(size)s.") % {
                "size": f"{limit // 1024} KiB"})
            return None, errors
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            errors.add("file", _("The file must be a JSON text file."))
            return None, errors
    elif len(pasted.encode()) > limit:
        errors.add("credential", _("The text is too long: a credential is smaller than %(size)s.") % {
            "size": f"{limit // 1024} KiB"})
        return None, errors
    if not text.strip():
        errors.add("credential", _("Paste the credential, or choose its file"))
        return None, errors
    try:
        document = json.loads(text)
    except ValueError:
        errors.add("file" if uploaded else "credential",
                   _("This is not valid JSON. Copy the whole credential, from the first { to the last }."))
        return None, errors
    if not isinstance(document, dict):
        errors.add("file" if uploaded else "credential", _("This is not a credential: it must be a JSON object."))
    return document, errors


@router.get("/verify")
async def verify_form(request: Request, settings: SettingsDep) -> Response:
    return _page(request, settings.verify_max_bytes, pasted="", holder_email="")


@router.post("/verify")
async def verify(request: Request, _csrf: CsrfChecked, api: ApiDep, settings: SettingsDep) -> Response:
    limit = settings.verify_max_bytes
    form = await request.form()
    pasted = str(form.get("credential") or "")
    document, errors = await _read_document(form, pasted, limit)
    email = _read_email(form, errors)
    if errors or not isinstance(document, dict):
        return _page(request, limit, status_code=422, pasted=pasted, holder_email=email, errors=errors.fields,
                     general=errors.general)
    credential = document.get("verifiableCredential", document)
    try:
        result = await api.post("/credentials/verify", json={"verifiableCredential": credential})
    except ApiError as exc:
        if exc.status in (400, 413, 422):
            message = _(CODE_EXPLANATIONS["MALFORMED"]) if exc.code in ("MALFORMED", "VALIDATION_FAILED") \
                else (exc.detail or _(CODE_EXPLANATIONS["MALFORMED"]))
            return _page(request, limit, status_code=422, pasted=pasted, holder_email=email,
                         errors={"credential": message})
        raise
    result = result if isinstance(result, dict) else {}
    holder = result.get("holder") if isinstance(result.get("holder"), dict) else None
    return _page(request, limit, pasted=pasted, result=result, credential=credential, holder=holder,
                 email_check=_email_check(result, credential if isinstance(credential, dict) else {}, email))

"""A rater's reference form, reached from the emailed single-use link (no account)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from ..gateway_client import ApiError, GatewayClient
from ..web.context import use_language
from ..web.deps import ApiDep, CsrfChecked
from ..web.forms import FormErrors
from ..web.i18n import LANGUAGES, N_
from ..web.i18n import gettext as _
from ..web.templating import redirect, render

router = APIRouter()
LINK_CODES = ("REFERENCE_LINK_EXPIRED", "REFERENCE_LINK_USED", "REFERENCE_LINK_DECLINED", "REFERENCE_LINK_INVALID")


def _language(request: Request, asked: object) -> str:
    """The link's ?lang=, else the language already chosen for this request (Accept-Language, the switch)."""
    if asked in LANGUAGES:
        use_language(request, str(asked))
    return str(request.state.lang)


def _chosen(request: Request, asked: object) -> str | None:
    """The language the rater asked for: the link's ?lang=, else the switch on the page; None when neither."""
    if asked in LANGUAGES:
        use_language(request, str(asked))
        return str(asked)
    switched = getattr(request.state.session, "language", None)
    return str(switched) if switched in LANGUAGES else None


async def _open(request: Request, api: GatewayClient, token: str, asked: object) -> tuple[str, dict[str, Any]]:
    """The form in the asked language, else in the language the applicant chose for the rater (`rater_language`,
    which the API uses when no `lang` is sent), else in the browser's (Accept-Language)."""
    chosen = _chosen(request, asked)
    if chosen:
        return chosen, await _load(api, token, chosen)
    reference: dict[str, Any] = await api.get(f"/references/{token}")
    rater_language = reference.get("rater_language")
    if rater_language in LANGUAGES:
        use_language(request, str(rater_language))
        return str(rater_language), reference
    lang = str(request.state.lang)
    if reference.get("language") != lang:
        reference = await _load(api, token, lang)
    return lang, reference


def _link_problem(request: Request, exc: ApiError) -> Response | None:
    if exc.code in LINK_CODES or exc.status in (404, 410):
        code = exc.code if exc.code in LINK_CODES else ("REFERENCE_LINK_EXPIRED" if exc.status == 410
                                                       else "REFERENCE_LINK_INVALID")
        return render(request, "rater/link_problem.html", status_code=exc.status, code=code)
    return None


async def _load(api: GatewayClient, token: str, lang: str) -> dict[str, Any]:
    reference: dict[str, Any] = await api.get(f"/references/{token}", params={"lang": lang})
    return reference


def _typed(form: FormData, reference: dict[str, Any]) -> dict[str, Any]:
    ratings: dict[str, Any] = {}
    for item in reference.get("items", []):
        value = form.get(f"rating-{item['id']}")
        if value not in (None, ""):
            ratings[str(item["id"])] = int(str(value)) if str(value).lstrip("-").isdigit() else str(value)
    return {"ratings": ratings, "comments": str(form.get("comments") or "")}


def _groups(reference: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    for item in reference.get("items", []):
        domain = str(item.get("domain") or "")
        if not groups or groups[-1][0] != domain:
            groups.append((domain, []))
        groups[-1][1].append(item)
    return groups


def _form(request: Request, token: str, lang: str, reference: dict[str, Any], typed: dict[str, Any] | None = None,
          errors: FormErrors | None = None, status_code: int = 200) -> Response:
    draft = reference.get("draft") or {}
    answers = typed if typed is not None else {"ratings": draft.get("ratings") or {},
                                               "comments": draft.get("comments") or ""}
    errors = errors or FormErrors()
    return render(request, "rater/form.html", status_code=status_code, token=token, link_lang=lang,
                  reference=reference, groups=_groups(reference), answers=answers, errors=errors.fields,
                  general=errors.general)


def _submit_errors(exc: ApiError, reference: dict[str, Any]) -> FormErrors:
    errors = FormErrors()
    item_ids = {str(item["id"]) for item in reference.get("items", [])}
    raw = exc.body.get("errors")
    for error in raw if isinstance(raw, list) else []:
        if not isinstance(error, dict):
            continue
        where = error.get("location", error.get("loc", error.get("field", "")))
        parts = [str(p) for p in where] if isinstance(where, (list, tuple)) else str(where).split(".")
        message = str(error.get("message", error.get("msg", "")))
        item = next((p for p in reversed(parts) if p in item_ids), None)
        if item:
            errors.add(f"rating-{item}", message or _("Choose a rating"))
        elif "comments" in parts:
            errors.add("comments", message)
        elif message:
            errors.general.append(message)
    if not errors:
        errors.general.append(exc.detail or _("Please check your answers."))
    return errors


@router.get("/rate/{token}")
async def rater_form(request: Request, token: str, api: ApiDep) -> Response:
    try:
        lang, reference = await _open(request, api, token, request.query_params.get("lang"))
    except ApiError as exc:
        problem = _link_problem(request, exc)
        if problem is None:
            raise
        return problem
    return _form(request, token, lang, reference)


@router.post("/rate/{token}")
async def rater_answer(request: Request, token: str, _csrf: CsrfChecked, api: ApiDep) -> Response:
    form = await request.form()
    lang = _language(request, form.get("lang"))
    autosave = request.headers.get("x-autosave") == "1"
    action = "save" if autosave else str(form.get("action") or "submit")
    if action == "decline":
        return redirect(request, f"/rate/{token}/decline?lang={lang}")
    try:
        reference = await _load(api, token, lang)
    except ApiError as exc:
        problem = _link_problem(request, exc)
        if problem is None:
            raise
        return problem
    typed = _typed(form, reference)
    if action == "save":
        return await _save_draft(request, api, token, lang, reference, typed, autosave)
    return await _submit(request, api, token, lang, reference, typed)


async def _save_draft(request: Request, api: GatewayClient, token: str, lang: str, reference: dict[str, Any],
                      typed: dict[str, Any], autosave: bool) -> Response:
    try:
        await api.put(f"/references/{token}/draft", json=typed)
    except ApiError as exc:
        if autosave:
            return Response(status_code=409)
        problem = _link_problem(request, exc) if exc.code in LINK_CODES or exc.status == 410 else None
        if problem is not None:
            return problem
        if exc.status in (404, 405):
            return _form(request, token, lang, reference, typed, FormErrors(general=[
                _("Saving for later is not available right now. You can still submit your reference.")]))
        return _form(request, token, lang, reference, typed, _submit_errors(exc, reference), 422)
    if autosave:
        return Response(status_code=204)
    request.state.session.flash(N_("Your answers are saved. You can come back with the same link until it "
                                  "expires."))
    return redirect(request, f"/rate/{token}?lang={lang}")


async def _submit(request: Request, api: GatewayClient, token: str, lang: str, reference: dict[str, Any],
                  typed: dict[str, Any]) -> Response:
    errors = FormErrors()
    for item in reference.get("items", []):
        if str(item["id"]) not in typed["ratings"]:
            errors.add(f"rating-{item['id']}", _("Choose a rating for “%(item)s”") % {"item": item.get("name", "")})
    if errors:
        return _form(request, token, lang, reference, typed, errors, 422)
    try:
        result = await api.post(f"/references/{token}", json=typed)
    except ApiError as exc:
        problem = _link_problem(request, exc)
        if problem is not None:
            return problem
        return _form(request, token, lang, reference, typed, _submit_errors(exc, reference), 422)
    return render(request, "rater/done.html", reference=reference, result=result or {})


@router.get("/rate/{token}/decline")
async def decline_form(request: Request, token: str, api: ApiDep) -> Response:
    try:
        lang, reference = await _open(request, api, token, request.query_params.get("lang"))
    except ApiError as exc:
        problem = _link_problem(request, exc)
        if problem is None:
            raise
        return problem
    return render(request, "rater/decline.html", token=token, link_lang=lang, reference=reference)


@router.post("/rate/{token}/decline")
async def decline(request: Request, token: str, _csrf: CsrfChecked, api: ApiDep) -> Response:
    form = await request.form()
    lang = _language(request, form.get("lang"))
    reason = str(form.get("reason") or "").strip()
    try:
        await api.post(f"/references/{token}/decline", json={"reason": reason})
    except ApiError as exc:
        problem = _link_problem(request, exc) if exc.code in LINK_CODES or exc.status == 410 else None
        if problem is not None:
            return problem
        if exc.status in (404, 405):
            return render(request, "rater/decline.html", status_code=200, token=token, link_lang=lang,
                          reference={}, reason=reason, errors={},
                          general=[_("Declining online is not available right now. Please tell the applicant "
                                     "directly.")])
        raise
    return render(request, "rater/declined.html")

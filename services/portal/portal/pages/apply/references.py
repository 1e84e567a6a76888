"""References: a rater per slot (with the rater's language), each request's state, re-send, replace, withdraw.
A waived reference's answers are never shown to the applicant (the API leaves them out; the page never asks)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from ...gateway_client import ApiError
from ...web import i18n
from ...web.deps import ApiDep, CsrfChecked, SignedIn
from ...web.templating import redirect, render
from . import common

router = APIRouter()
_ = i18n.gettext
N_ = i18n.N_
RATER_KINDS = {
    "supervisor": i18n.N_("Supervisor"), "teacher": i18n.N_("Teacher"), "cda_mentor": i18n.N_("CDA mentor"),
    "instructor": i18n.N_("Instructor"), "trainer": i18n.N_("Trainer"), "consultant": i18n.N_("Consultant"),
    "colleague": i18n.N_("Colleague"), "rsc_provider": i18n.N_("RSC provider"),
    "supervisee": i18n.N_("Supervisee"), "rsc_recipient": i18n.N_("Someone you provide RSC to"),
    "service_recipient": i18n.N_("A parent or other recipient of your services"),
}
STATES = {
    "sent": i18n.N_("Sent"), "reminded": i18n.N_("Reminded"), "completed": i18n.N_("Completed"),
    "void": i18n.N_("Void"), "declined": i18n.N_("Declined"),
}


def state_of(reference: dict[str, Any]) -> str:
    status = str(reference.get("status"))
    if status == "completed":
        return "completed"
    if status == "voided":
        return "declined" if reference.get("void_reason") == "declined" else "void"
    if status == "declined":
        return "declined"
    link = reference.get("link") or {}
    return "reminded" if link.get("reminder") or int(reference.get("reminders_sent") or 0) > 0 else "sent"


async def _page(request: Request, api: ApiDep, app_id: str, status_code: int = 200,
                errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
                slot: int | None = None) -> Response:
    app = await common.application(api, app_id)
    refs = await common.references(api, app_id)
    slots = []
    for rule in refs.get("rules", {}).get("slots", []):
        number = int(rule.get("slot"))
        items = [r for r in refs.get("items", []) if int(r.get("slot", 0)) == number]
        active = next((r for r in items if r.get("status") != "voided"), None)
        slots.append({"slot": number, "rule": rule, "active": active, "past": [r for r in items if r is not active],
                      "kinds": [(k, _(RATER_KINDS.get(k, k))) for k in rule.get("raters", [])]})
    return render(request, "apply/references.html", status_code=status_code, app=app, slots=slots,
                  rules=refs.get("rules", {}), states={k: _(v) for k, v in STATES.items()}, state_of=state_of,
                  kind_labels={k: _(v) for k, v in RATER_KINDS.items()}, errors=errors or {}, values=values or {},
                  failed_slot=slot, categories=common.tenant_categories(request.state.tenant))


@router.get("/apply/{app_id}/references")
async def references_page(app_id: str, request: Request, api: ApiDep, _s: SignedIn) -> Response:
    return await _page(request, api, app_id)


@router.post("/apply/{app_id}/references")
async def name_rater(app_id: str, request: Request, api: ApiDep, _s: SignedIn, _c: CsrfChecked) -> Response:
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    slot = int(values.get("slot", "0") or 0) if values.get("slot", "").isdigit() else 0
    errors: dict[str, str] = {}
    for name in ("name", "email", "kind"):
        if not values.get(name, "").strip():
            errors[name] = _("Complete this field.")
    body: dict[str, Any] = {
        "slot": slot, "name": values.get("name", "").strip(), "email": values.get("email", "").strip(),
        "kind": values.get("kind", ""), "waived": values.get("waived") == "yes",
    }
    for optional in ("endorsed_category", "relationship", "language", "replaces"):
        if values.get(optional, "").strip():
            body[optional] = values[optional].strip()
    if not errors:
        try:
            await api.post(f"/applications/{app_id}/references", json=body)
        except ApiError as error:
            if error.status in (401, 404) and error.code in ("", "APPLICATION_NOT_FOUND"):
                raise
            if error.field_errors.get("language") and "language" in body:
                body.pop("language")  # an API without the rater's language: name the rater anyway
                try:
                    await api.post(f"/applications/{app_id}/references", json=body)
                except ApiError as again:
                    errors = dict(again.field_errors) or {"_form": again.detail}
            else:
                errors = dict(error.field_errors) or {"_form": error.detail}
    if errors:
        return await _page(request, api, app_id, status_code=422, errors=errors, values=values, slot=slot)
    request.state.session.flash(N_("We emailed the rater a link to the reference form."))
    return redirect(request, f"/apply/{app_id}/references")


@router.post("/apply/{app_id}/references/{ref_id}/resend")
async def resend(app_id: str, ref_id: str, request: Request, api: ApiDep, _s: SignedIn,
                 _c: CsrfChecked) -> Response:
    try:
        await api.post(f"/applications/{app_id}/references/{ref_id}/resend")
    except ApiError as error:
        return await _page(request, api, app_id, status_code=error.status, errors={"_form": error.detail})
    request.state.session.flash(N_("We sent the rater a new link. The earlier link no longer works."))
    return redirect(request, f"/apply/{app_id}/references")


@router.post("/apply/{app_id}/references/{ref_id}/remove")
async def withdraw(app_id: str, ref_id: str, request: Request, api: ApiDep, _s: SignedIn,
                   _c: CsrfChecked) -> Response:
    try:
        await api.delete(f"/applications/{app_id}/references/{ref_id}")
    except ApiError as error:
        return await _page(request, api, app_id, status_code=error.status, errors={"_form": error.detail})
    return redirect(request, f"/apply/{app_id}/references")

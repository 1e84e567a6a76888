"""Check your answers, register, submit; the timeline; resubmitting a returned application; withdrawing."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ...gateway_client import ApiError
from ...web import i18n
from ...web.deps import ApiDep, CsrfChecked, SignedIn, TenantDep
from ...web.templating import redirect, render
from . import common
from .tasks import can_register, next_step, sections
from .timeline_phrasing import timeline_items

router = APIRouter()
_ = i18n.gettext
N_ = i18n.N_


async def _check_page(request: Request, api: ApiDep, tenant: TenantDep, app_id: str, status_code: int = 200,
                      errors: dict[str, str] | None = None) -> Response:
    app = await common.application(api, app_id)
    report = await common.report(api, app_id)
    refs = (await common.references(api, app_id)).get("items", [])
    lines = common.phraser().report(app_id, report) if report else []
    catalogue = await common.catalogue(api, tenant)
    unmet = [line for line in lines if not line.met]
    blocking = [line for line in unmet if line.code != "REGISTRATION_ACCEPTED"]
    return render(request, "apply/check.html", status_code=status_code, app=app, report=report, lines=lines,
                  unmet=unmet, sections=sections(app, report, refs), can_register=can_register(app, report),
                  register_blocked=[line for line in blocking if line.tab == "fees" and "REGISTRATION" in line.code],
                  can_submit=report is not None and not unmet and common.editable(app),
                  step=next_step(app, report), errors=errors or {},
                  competency_names={c["id"]: c["name"] for c in catalogue["competencies"]})


@router.get("/apply/{app_id}/check")
async def check_page(app_id: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn) -> Response:
    return await _check_page(request, api, tenant, app_id)


@router.post("/apply/{app_id}/register")
async def register(app_id: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn,
                   _c: CsrfChecked) -> Response:
    try:
        await api.post(f"/applications/{app_id}/register", json={})
    except ApiError as error:
        if error.status == 404:
            raise
        return await _check_page(request, api, tenant, app_id, status_code=error.status,
                                 errors={"_form": error.detail})
    request.state.session.flash(N_("Your application is registered. The association will check it and accept "
                                  "the registration; we will email you."))
    return redirect(request, f"/apply/{app_id}")


@router.post("/apply/{app_id}/submit")
async def submit(app_id: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn,
                 _c: CsrfChecked) -> Response:
    try:
        await api.post(f"/applications/{app_id}/submit")
    except ApiError as error:
        if error.status == 404:
            raise
        return await _check_page(request, api, tenant, app_id, status_code=error.status,
                                 errors={"_form": error.detail})
    return redirect(request, f"/apply/{app_id}/submitted")


@router.get("/apply/{app_id}/submitted")
async def submitted(app_id: str, request: Request, api: ApiDep, _s: SignedIn) -> Response:
    app = await common.application(api, app_id)
    return render(request, "apply/submitted.html", app=app)


@router.get("/apply/{app_id}/timeline")
async def timeline(app_id: str, request: Request, api: ApiDep, _s: SignedIn) -> Response:
    app = await common.application(api, app_id)
    found = await api.get(f"/applications/{app_id}/timeline")
    items = timeline_items((found or {}).get("items", []), _, i18n.date_filter)
    return render(request, "apply/timeline.html", app=app, items=items, step=next_step(app))


@router.get("/apply/{app_id}/resubmit")
async def resubmit_page(app_id: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn) -> Response:
    app = await common.application(api, app_id)
    if app.get("status") not in ("returned", "deferred"):
        return redirect(request, f"/apply/{app_id}/timeline")
    return await _check_page(request, api, tenant, app_id)


@router.get("/apply/{app_id}/withdraw")
async def withdraw_page(app_id: str, request: Request, api: ApiDep, _s: SignedIn) -> Response:
    app = await common.application(api, app_id)
    return render(request, "apply/withdraw.html", app=app, errors={}, values={})


@router.post("/apply/{app_id}/withdraw")
async def withdraw(app_id: str, request: Request, api: ApiDep, _s: SignedIn, _c: CsrfChecked) -> Response:
    form = await request.form()
    reason = str(form.get("reason") or "").strip()
    app = await common.application(api, app_id)
    if not reason:
        return render(request, "apply/withdraw.html", status_code=422, app=app, values={},
                      errors={"reason": _("Tell us why you are withdrawing.")})
    try:
        await api.post(f"/applications/{app_id}/withdraw", json={"reason": reason})
    except ApiError as error:
        if error.status == 404:
            raise
        return render(request, "apply/withdraw.html", status_code=error.status, app=app, values={"reason": reason},
                      errors={"reason": error.detail})
    request.state.session.flash(N_("Your application was withdrawn."))
    return redirect(request, "/dashboard")

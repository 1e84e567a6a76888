"""Starting an application, the task list, and the requirement checker."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from ...gateway_client import ApiError
from ...web import i18n
from ...web.deps import ApiDep, CsrfChecked, SignedIn, TenantDep
from ...web.templating import redirect, render
from . import common
from .tasks import STATUS_LABELS, can_register, completed_count, next_step, review_cycle, sections

router = APIRouter()
_ = i18n.gettext
START_REFUSALS = {
    "APPLICATION_ALREADY_OPEN": i18n.N_("You already have an application open. The association takes one "
                                        "application at a time: finish or withdraw it first."),
    "CATEGORY_ALREADY_HELD": i18n.N_("You already hold this endorsement. Renew it instead of applying again."),
    "UNKNOWN_CATEGORY": i18n.N_("The association does not offer this category."),
    "NO_RULE_SET_IN_FORCE": i18n.N_("Applications for this category are not open at the moment."),
}


@router.get("/apply")
async def start_page(request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn) -> Response:
    catalogue = await common.catalogue(api, tenant)
    return render(request, "apply/start.html", catalogue=catalogue, values={}, errors={})


@router.post("/apply")
async def start(request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn, _c: CsrfChecked) -> Response:
    form = await request.form()
    category = str(form.get("category") or "").strip()
    catalogue = await common.catalogue(api, tenant)
    if not category:
        return render(request, "apply/start.html", status_code=422, catalogue=catalogue, values={},
                      errors={"category": _("Select the category you are applying for.")})
    try:
        created = await api.post("/applications", json={"category": category})
    except ApiError as error:
        if error.status in (403, 404):
            raise
        message = _(START_REFUSALS[error.code]) if error.code in START_REFUSALS else error.detail
        return render(request, "apply/start.html", status_code=error.status, catalogue=catalogue,
                      values={"category": category}, errors={"category": message})
    return redirect(request, f"/apply/{created['id']}")


@router.get("/apply/{app_id}")
async def task_list(app_id: str, request: Request, api: ApiDep, _s: SignedIn) -> Response:
    app = await common.application(api, app_id)
    if not common.editable(app):
        return redirect(request, f"/apply/{app_id}/timeline")
    report = await common.report(api, app_id)
    refs = (await common.references(api, app_id)).get("items", [])
    lines = common.phraser().report(app_id, report) if report else []
    progress_text = {line.code: line.progress_text for line in lines if line.progress_text}
    items = sections(app, report, refs, progress_text)
    return render(request, "apply/task_list.html", app=app, report=report, sections=items,
                  status_labels={k.value: _(v) for k, v in STATUS_LABELS.items()},
                  done=completed_count(items), step=next_step(app, report), lines=lines,
                  unmet=[line for line in lines if not line.met], can_register=can_register(app, report),
                  cycle=review_cycle(app))


@router.get("/apply/{app_id}/requirements")
async def checker(app_id: str, request: Request, api: ApiDep, _s: SignedIn) -> Response:
    app = await common.application(api, app_id)
    report = await common.report(api, app_id)
    lines = common.phraser().report(app_id, report) if report else []
    context: dict[str, Any] = {"app": app, "report": report, "lines": lines,
                               "unmet": [line for line in lines if not line.met]}
    return render(request, "apply/requirements.html", **context)

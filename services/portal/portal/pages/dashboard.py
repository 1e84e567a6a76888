"""The applicant's dashboard: applications with what is next and the dates that matter, endorsements, start."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from ..gateway_client import ApiError
from ..web import i18n
from ..web.deps import ApiDep, SignedIn
from ..web.templating import render
from .apply.renewals import holder_next, holdings, with_windows
from .apply.tasks import EDITABLE, next_step, review_cycle

router = APIRouter()
_ = i18n.gettext
STATUS_LABELS = {
    "draft": i18n.N_("Draft"), "registered": i18n.N_("Registered"), "accepted": i18n.N_("Registration accepted"),
    "submitted": i18n.N_("Submitted"), "returned": i18n.N_("Returned for information"),
    "deferred": i18n.N_("Deferred"), "approved_for_exam": i18n.N_("Approved for the exam"),
    "endorsed": i18n.N_("Endorsed"), "denied": i18n.N_("Not approved"), "withdrawn": i18n.N_("Withdrawn"),
    "active": i18n.N_("Active"), "inactive": i18n.N_("Inactive"), "lapsed": i18n.N_("Lapsed"),
    "revoked": i18n.N_("Revoked"),
}
KINDS = {"renewal": i18n.N_("Renewal"), "reinstatement": i18n.N_("Reinstatement")}


@router.get("/dashboard")
async def dashboard(request: Request, api: ApiDep, _s: SignedIn) -> Response:
    try:
        listed = await api.get("/applications", params={"limit": 100})
    except ApiError as error:
        if error.status != 403:
            raise
        listed = {"items": []}
    applications: list[dict[str, Any]] = []
    for summary in (listed or {}).get("items", []):
        item = dict(summary)
        if item.get("status") not in ("withdrawn",):
            try:
                item["full"] = await api.get(f"/applications/{item['id']}")
            except ApiError:
                item["full"] = None
        item["step"] = next_step(item.get("full") or item)
        item["editable"] = item.get("status") in EDITABLE
        item["cycle"] = review_cycle(item.get("full") or {})
        applications.append(item)
    statuses = {str(a.get("id")): str(a.get("status")) for a in applications}
    held = await with_windows(api, await holdings(api))
    for holding in held:
        holding["next"] = holder_next(holding, statuses)
    windows = {str(h.get("endorsement_id")): h.get("renewal_window") or {} for h in held}
    for item in applications:
        renewal = (item.get("full") or {}).get("renewal") or {}
        item["window"] = windows.get(str(renewal.get("endorsement_id")), {}) if renewal else {}
    return render(request, "dashboard.html", applications=applications, holdings=held,
                  status_labels={k: _(v) for k, v in STATUS_LABELS.items()},
                  kind_labels={k: _(v) for k, v in KINDS.items()},
                  has_open=any(a.get("status") not in ("withdrawn", "endorsed", "denied") for a in applications))

"""Renewal and reinstatement: the start pages (`/renew`, `/renew/{endorsement_id}`) and a renewal's declaration
whether the holder provides RSC (`/apply/{id}/renewal`, the report's `renewal` tab). The renewal's other tabs are
the application's own pages. Which kind is started follows the endorsement's status (lapsed: a reinstatement)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from ...gateway_client import ApiError, GatewayClient
from ...web import i18n
from ...web.deps import ApiDep, CsrfChecked, SignedIn
from ...web.templating import redirect, render
from . import common

router = APIRouter()
_ = i18n.gettext
N_ = i18n.N_
RENEWABLE = frozenset({"active", "inactive"})
START_REFUSALS: dict[str, str] = {
    "RENEWAL_NOT_OPEN": N_("Your renewal cannot be started today: it can be started from the day the renewal "
                           "window opens until the removal date."),
    "ENDORSEMENT_NOT_ACTIVE": N_("Only an active or inactive endorsement can be renewed."),
    "ENDORSEMENT_REVOKED": N_("This endorsement was revoked: it cannot be renewed or reinstated."),
    "NOT_LAPSED": N_("Only a lapsed endorsement can be reinstated."),
    "RENEWAL_NOT_OFFERED": N_("The association does not offer renewal for this category."),
    "REINSTATEMENT_NOT_OFFERED": N_("The association does not offer reinstatement for this category."),
    "ENDORSEMENT_NOT_HELD": N_("You do not hold this endorsement."),
}
ALREADY_OPEN = frozenset({"RENEWAL_ALREADY_OPEN", "REINSTATEMENT_ALREADY_OPEN"})
SETTLED = frozenset({"withdrawn", "endorsed", "denied"})
HOLDING_STATUS: dict[str, str] = {"active": N_("Active"), "inactive": N_("Inactive"), "lapsed": N_("Lapsed"),
                                  "revoked": N_("Revoked")}


@dataclass(frozen=True)
class HolderNext:
    """What the holder does next for an endorsement, in plain words, with the page that does it."""

    text: str
    link: str | None = None
    link_text: str | None = None


def open_started(holding: dict[str, Any], statuses: dict[str, str]) -> dict[str, Any] | None:
    """The renewal or reinstatement started for this endorsement that is still open (known from `statuses`)."""
    for started in reversed(holding.get("started") or []):
        status = statuses.get(str(started.get("application_id")))
        if status is not None and status not in SETTLED:
            return dict(started)
    return None


def holder_next(holding: dict[str, Any], statuses: dict[str, str]) -> HolderNext:
    """Only dates the API gave: the renewal now due (`renewal_window`), else the renewal date."""
    day = i18n.date_filter
    endorsement_id = holding.get("endorsement_id")
    status = holding.get("status")
    if status == "revoked":
        return HolderNext(_("This endorsement was revoked. It cannot be renewed."))
    started = open_started(holding, statuses)
    if started:
        words = _("Finish your renewal and submit it.") if started.get("kind") == "renewal" else \
            _("Finish your reinstatement and submit it.")
        return HolderNext(words, f"/apply/{started['application_id']}", _("Continue"))
    if status == "lapsed":
        text = _("Your endorsement lapsed on %(day)s. You can apply to reinstate it.") % {
            "day": day(holding.get("lapsed_on"))} if holding.get("lapsed_on") else \
            _("Your endorsement lapsed. You can apply to reinstate it.")
        return HolderNext(text, f"/renew/{endorsement_id}", _("Apply for reinstatement"))
    window = holding.get("renewal_window") or {}
    due = window.get("due") or holding.get("renewal_date")
    removal = window.get("removal") or holding.get("removal_date")
    parts = [_("Renew between %(opens)s and %(due)s.") % {"opens": day(window["opens"]), "due": day(due)}
             if window.get("opens") else _("Renew by %(due)s.") % {"due": day(due)},
             _("After %(due)s the late fee applies.") % {"due": day(due)}]
    if removal:
        parts.append(_("If it is not renewed by %(removal)s, the endorsement lapses.") % {"removal": day(removal)})
    if status == "inactive":
        parts.insert(0, _("Your endorsement is inactive; you can still renew it."))
    return HolderNext(" ".join(parts), f"/renew/{endorsement_id}", _("Renew"))


def kind_of(holding: dict[str, Any]) -> str | None:
    """What the holder may start for this endorsement: a renewal, a reinstatement, or nothing."""
    status = holding.get("status")
    return "reinstatement" if status == "lapsed" else "renewal" if status in RENEWABLE else None


async def holdings(api: GatewayClient) -> list[dict[str, Any]]:
    """The person's endorsements (soonest renewal first); none when the API refuses (e.g. a staff account)."""
    try:
        found = await api.get("/applications/holdings", params={"limit": 100})
    except ApiError as error:
        if error.status == 401:
            raise
        return []
    return [dict(item) for item in (found or {}).get("items", []) if isinstance(item, dict)]


async def with_windows(api: GatewayClient, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each holding with what only its own page gives: the renewal now due (`renewal_window`) and `started`."""
    result = []
    for item in items:
        try:
            detail = await _holding(api, str(item["endorsement_id"]))
        except ApiError as error:
            if error.status == 401:
                raise
            detail = {}
        result.append({**item, "renewal_window": detail.get("renewal_window"), "started": detail.get("started", []),
                       "kind": kind_of(item)})
    return result


async def _holding(api: GatewayClient, endorsement_id: str) -> dict[str, Any]:
    found: dict[str, Any] = await api.get(f"/applications/holdings/{endorsement_id}")
    return found


def _open_one(holding: dict[str, Any], kind: str) -> str | None:
    """The application already started of `kind` (the newest; the API said one is open)."""
    started = [s for s in holding.get("started") or [] if s.get("kind") == kind]
    window = holding.get("renewal_window") or {}
    if kind == "renewal" and window.get("year"):
        started = [s for s in started if s.get("renewal_year") == window["year"]] or started
    return str(started[-1]["application_id"]) if started else None


@router.get("/renew")
async def renew_list(request: Request, api: ApiDep, _s: SignedIn) -> Response:
    return render(request, "apply/renew.html", holdings=await with_windows(api, await holdings(api)))


def _start_page(request: Request, holding: dict[str, Any], status_code: int = 200,
                general: list[str] | None = None) -> Response:
    return render(request, "apply/renew_start.html", status_code=status_code, holding=holding,
                  kind=kind_of(holding), window=holding.get("renewal_window") or {}, errors={},
                  general=general or [])


@router.get("/renew/{endorsement_id}")
async def renew_start_page(endorsement_id: str, request: Request, api: ApiDep, _s: SignedIn) -> Response:
    return _start_page(request, await _holding(api, endorsement_id))


@router.post("/renew/{endorsement_id}")
async def start(endorsement_id: str, request: Request, api: ApiDep, _s: SignedIn, _c: CsrfChecked) -> Response:
    holding = await _holding(api, endorsement_id)
    kind = kind_of(holding) or "renewal"
    path = "/applications/reinstatements" if kind == "reinstatement" else "/applications/renewals"
    try:
        created = await api.post(path, json={"endorsement_id": endorsement_id})
    except ApiError as error:
        if error.status == 401:
            raise
        if error.code in ALREADY_OPEN:
            found = _open_one(await _holding(api, endorsement_id), kind)
            if found:
                request.state.session.flash(N_("You have already started it: here it is."), "info")
                return redirect(request, f"/apply/{found}")
        message = _(START_REFUSALS[error.code]) if error.code in START_REFUSALS else error.detail
        return _start_page(request, holding, error.status if 400 <= error.status < 500 else 409, [message])
    request.state.session.flash(N_("Your renewal is started. Complete each section, then submit it.")
                                if kind == "renewal" else
                                N_("Your reinstatement is started. Complete each section, then submit it."))
    return redirect(request, f"/apply/{created['id']}")


def _declaration_page(request: Request, app: dict[str, Any], status_code: int = 200,
                      errors: dict[str, str] | None = None, general: list[str] | None = None) -> Response:
    provides = (app.get("renewal") or {}).get("provides_rsc")
    return render(request, "apply/rsc_provision.html", status_code=status_code, app=app, errors=errors or {},
                  general=general or [], value="" if provides is None else ("yes" if provides else "no"))


@router.get("/apply/{app_id}/renewal")
async def declaration(app_id: str, request: Request, api: ApiDep, _s: SignedIn) -> Response:
    app = await common.application(api, app_id)
    if not common.editable(app):
        return common.not_editable(request, app)
    return _declaration_page(request, app)


@router.post("/apply/{app_id}/renewal")
async def declare(app_id: str, request: Request, api: ApiDep, _s: SignedIn, _c: CsrfChecked) -> Response:
    form = await request.form()
    answer = str(form.get("provides_rsc") or "")
    if answer not in ("yes", "no"):
        app = await common.application(api, app_id)
        return _declaration_page(request, app, 422, {"provides_rsc": _("Choose yes or no")})
    try:
        await api.put(f"/applications/{app_id}/rsc-provision", json={"provides_rsc": answer == "yes"})
    except ApiError as error:
        if error.status == 401:
            raise
        app = await common.application(api, app_id)
        if error.code == "NOT_EDITABLE":
            return common.not_editable(request, app)
        return _declaration_page(request, app, error.status, general=[error.detail])
    request.state.session.flash(N_("Saved"))
    return redirect(request, f"/apply/{app_id}")

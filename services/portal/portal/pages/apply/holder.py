"""A holder's endorsement page (`/endorsements/{id}`): the credential's page, the PDF, Add to LinkedIn, the public
registry listing, and the request for inactive status with its confirmation. The renewal pages are in
`renewals.py` (included here). While the credential is not issued yet, the page says so and still works."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from ...gateway_client import ApiError, GatewayClient
from ...web import i18n
from ...web.deps import ApiDep, CsrfChecked, SignedIn
from ...web.templating import redirect, render
from . import renewals
from .renewals import HOLDING_STATUS, holdings, kind_of

__all__ = ["holdings", "router"]
router = APIRouter()
router.include_router(renewals.router)
_ = i18n.gettext
N_ = i18n.N_
LINKEDIN = "https://www.linkedin.com/profile/add"
MAX_PLACE = 100
MAX_REASON = 1000


async def credential_for(api: GatewayClient, endorsement_id: str) -> dict[str, Any] | None:
    """The holder's credential for an endorsement (None while it is not issued yet)."""
    try:
        found = await api.get("/credentials/mine")
    except ApiError as error:
        if error.status == 401:
            raise
        return None
    items = found.get("items", []) if isinstance(found, dict) else []
    mine = [i for i in items if isinstance(i, dict) and str(i.get("endorsement_id")) == endorsement_id]
    return mine[-1] if mine else None  # oldest first: a re-issued credential is the newest


def linkedin_url(holding: dict[str, Any], credential: dict[str, Any], tenant: dict[str, Any], base: str) -> str:
    issued = str(credential.get("valid_from") or holding.get("effective_date") or "")
    until = str(credential.get("valid_until") or holding.get("renewal_date") or "")
    params = {"startTask": "CERTIFICATION_NAME",
              "name": str(credential.get("name") or credential.get("category_name") or holding.get("category_name")),
              "organizationName": str(tenant.get("name") or ""),
              "certUrl": str(credential.get("verification_url") or f"{base}/credentials/{credential.get('id')}"),
              "certId": str(credential.get("id"))}
    if len(issued) >= 7:
        params |= {"issueYear": issued[:4], "issueMonth": str(int(issued[5:7]))}
    if len(until) >= 7:
        params |= {"expirationYear": until[:4], "expirationMonth": str(int(until[5:7]))}
    return f"{LINKEDIN}?{urlencode(params, quote_via=quote)}"


async def _listing(api: GatewayClient, credential: dict[str, Any]) -> dict[str, Any]:
    """The registry choice: carried by `/credentials/mine`, else read on its own (not listed when unreadable)."""
    found = credential.get("registry")
    if not isinstance(found, dict):
        try:
            found = await api.get(f"/credentials/{credential['id']}/registry-listing")
        except ApiError as error:
            if error.status == 401:
                raise
            found = None
    return found if isinstance(found, dict) else {"listed": False}


async def _endorsement(request: Request, api: GatewayClient, endorsement_id: str, status_code: int = 200,
                       errors: dict[str, str] | None = None, values: dict[str, str] | None = None) -> Response:
    holding = await api.get(f"/applications/holdings/{endorsement_id}")
    credential = await credential_for(api, endorsement_id)
    listing = await _listing(api, credential) if credential else None
    base = f"{request.headers.get('x-forwarded-proto', request.url.scheme)}://{request.headers.get('host', '')}"
    certificate = (credential.get("certificate_url") or f"/credentials/{credential['id']}/certificate.pdf"
                   if credential else None)
    if values is None:
        values = {"listed": "yes" if (listing or {}).get("listed") else "no",
                  "city": str((listing or {}).get("city") or ""), "county": str((listing or {}).get("county") or "")}
    return render(request, "apply/endorsement.html", status_code=status_code, holding=holding, kind=kind_of(holding),
                  holding_status=HOLDING_STATUS, window=holding.get("renewal_window") or {}, credential=credential,
                  listing=listing, certificate=certificate, errors=errors or {}, general=[], values=values,
                  linkedin=linkedin_url(holding, credential, request.state.tenant, base) if credential else None)


@router.get("/endorsements/{endorsement_id}")
async def endorsement_page(endorsement_id: str, request: Request, api: ApiDep, _s: SignedIn) -> Response:
    return await _endorsement(request, api, endorsement_id)


def _place(form_value: object) -> str | None:
    text = str(form_value or "").strip()
    return text or None


@router.post("/endorsements/{endorsement_id}/registry")
async def registry(endorsement_id: str, request: Request, api: ApiDep, _s: SignedIn, _c: CsrfChecked) -> Response:
    form = await request.form()
    values = {"listed": str(form.get("listed") or ""), "city": str(form.get("city") or ""),
              "county": str(form.get("county") or "")}
    errors: dict[str, str] = {}
    if values["listed"] not in ("yes", "no"):
        errors["listed"] = _("Choose whether to be listed")
    for name in ("city", "county"):
        if len(values[name].strip()) > MAX_PLACE:
            errors[name] = _("Use at most %(n)s characters") % {"n": MAX_PLACE}
    if errors:
        return await _endorsement(request, api, endorsement_id, 422, errors, values)
    credential = await credential_for(api, endorsement_id)
    if credential is None:
        return await _endorsement(request, api, endorsement_id, 409,
                                  {"listed": _("Your credential is not issued yet. Try again in a moment.")}, values)
    listed = values["listed"] == "yes"
    body: dict[str, Any] = {"listed": listed}
    if listed:
        body |= {k: v for k in ("city", "county") if (v := _place(values[k]))}
    try:
        await api.put(f"/credentials/{credential['id']}/registry-listing", json=body)
    except ApiError as error:
        if error.status == 401:
            raise
        return await _endorsement(request, api, endorsement_id, error.status, {"listed": error.detail}, values)
    request.state.session.flash(N_("You are listed in the public registry.") if listed else
                                N_("You are no longer listed in the public registry."))
    return redirect(request, f"/endorsements/{endorsement_id}")


def _inactive_page(request: Request, holding: dict[str, Any], status_code: int = 200,
                   errors: dict[str, str] | None = None, reason: str = "") -> Response:
    return render(request, "apply/inactive.html", status_code=status_code, holding=holding, errors=errors or {},
                  general=[], reason=reason)


@router.get("/endorsements/{endorsement_id}/inactive")
async def inactive_form(endorsement_id: str, request: Request, api: ApiDep, _s: SignedIn) -> Response:
    return _inactive_page(request, await api.get(f"/applications/holdings/{endorsement_id}"))


@router.post("/endorsements/{endorsement_id}/inactive")
async def inactive(endorsement_id: str, request: Request, api: ApiDep, _s: SignedIn, _c: CsrfChecked) -> Response:
    form = await request.form()
    reason = str(form.get("reason") or "").strip()
    error = (_("Tell us why you are asking for inactive status.") if not reason else
             _("Use at most %(n)s characters") % {"n": MAX_REASON} if len(reason) > MAX_REASON else None)
    if error:
        holding = await api.get(f"/applications/holdings/{endorsement_id}")
        return _inactive_page(request, holding, 422, {"reason": error}, reason)
    try:
        await api.post(f"/applications/holdings/{endorsement_id}/inactive", json={"reason": reason})
    except ApiError as refused:
        if refused.status == 401:
            raise
        holding = await api.get(f"/applications/holdings/{endorsement_id}")
        message = (_("Only an active endorsement can be made inactive.")
                   if refused.code == "ENDORSEMENT_NOT_ACTIVE" else refused.detail)
        return _inactive_page(request, holding, refused.status, {"reason": message}, reason)
    return redirect(request, f"/endorsements/{endorsement_id}/inactive/requested")


@router.get("/endorsements/{endorsement_id}/inactive/requested")
async def inactive_requested(endorsement_id: str, request: Request, api: ApiDep, _s: SignedIn) -> Response:
    holding = await api.get(f"/applications/holdings/{endorsement_id}")
    return render(request, "apply/inactive_requested.html", holding=holding,
                  window=holding.get("renewal_window") or {})

"""Holders: renewal and reinstatement starts, inactive status, and the endorsement page (credential page, PDF,
Add to LinkedIn, registry listing). The credentials API may lack a holder's listing: the page still works."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from ...gateway_client import ApiError, GatewayClient
from ...web import i18n
from ...web.deps import ApiDep, CsrfChecked, SignedIn
from ...web.templating import redirect, render

router = APIRouter()
_ = i18n.gettext
LINKEDIN = "https://www.linkedin.com/profile/add"


async def holdings(api: GatewayClient) -> list[dict[str, Any]]:
    try:
        found = await api.get("/applications/holdings")
    except ApiError:
        return []
    return list((found or {}).get("items", []))


async def credential_for(api: GatewayClient, endorsement_id: str) -> dict[str, Any] | None:
    """The holder's credential for an endorsement (None while it is not issued yet)."""
    try:
        found = await api.get("/credentials/mine")
    except ApiError:
        return None
    items = found.get("items", []) if isinstance(found, dict) else []
    mine = [i for i in items if isinstance(i, dict) and str(i.get("endorsement_id")) == endorsement_id]
    return mine[-1] if mine else None  # oldest first: a re-issued credential is the newest


def linkedin_url(holding: dict[str, Any], credential: dict[str, Any], tenant: dict[str, Any], base: str) -> str:
    issued = str(holding.get("effective_date") or "")
    until = str(credential.get("valid_until") or credential.get("valid_through") or holding.get("renewal_date") or "")
    params = {"startTask": "CERTIFICATION_NAME",
              "name": str(credential.get("name") or holding.get("category_name") or ""),
              "organizationName": str(tenant.get("name") or ""),
              "certUrl": f"{base}/credentials/{credential.get('id')}", "certId": str(credential.get("id"))}
    if len(issued) >= 7:
        params |= {"issueYear": issued[:4], "issueMonth": str(int(issued[5:7]))}
    if len(until) >= 7:
        params |= {"expirationYear": until[:4], "expirationMonth": str(int(until[5:7]))}
    return f"{LINKEDIN}?{urlencode(params, quote_via=quote)}"


@router.get("/renew")
async def renew_page(request: Request, api: ApiDep, _s: SignedIn) -> Response:
    return render(request, "apply/renew.html", holdings=await holdings(api), errors={})


@router.post("/renew/{endorsement_id}")
async def start_renewal(endorsement_id: str, request: Request, api: ApiDep, _s: SignedIn,
                        _c: CsrfChecked) -> Response:
    form = await request.form()
    path = "/applications/reinstatements" if form.get("kind") == "reinstatement" else "/applications/renewals"
    try:
        created = await api.post(path, json={"endorsement_id": endorsement_id})
    except ApiError as error:
        if error.status == 401:
            raise
        return render(request, "apply/renew.html", status_code=error.status, holdings=await holdings(api),
                      errors={"_form": error.detail})
    return redirect(request, f"/apply/{created['id']}")


async def _endorsement(request: Request, api: GatewayClient, endorsement_id: str, status_code: int = 200,
                       errors: dict[str, str] | None = None) -> Response:
    holding = await api.get(f"/applications/holdings/{endorsement_id}")
    credential = await credential_for(api, endorsement_id)
    listing: dict[str, Any] | None = None
    if credential:
        try:
            listing = await api.get(f"/credentials/{credential['id']}/registry-listing")
        except ApiError:
            listing = None
    base = f"{request.headers.get('x-forwarded-proto', request.url.scheme)}://{request.headers.get('host', '')}"
    return render(request, "apply/endorsement.html", status_code=status_code, holding=holding,
                  credential=credential, listing=listing, errors=errors or {},
                  linkedin=linkedin_url(holding, credential, request.state.tenant, base) if credential else None)


@router.get("/endorsements/{endorsement_id}")
async def endorsement_page(endorsement_id: str, request: Request, api: ApiDep, _s: SignedIn) -> Response:
    return await _endorsement(request, api, endorsement_id)


@router.post("/endorsements/{endorsement_id}/registry")
async def registry(endorsement_id: str, request: Request, api: ApiDep, _s: SignedIn, _c: CsrfChecked) -> Response:
    form = await request.form()
    credential = await credential_for(api, endorsement_id)
    if credential is None:
        return await _endorsement(request, api, endorsement_id, 409,
                                  {"_form": _("Your credential is not issued yet. Try again in a moment.")})
    listed = form.get("listed") == "yes"
    try:
        await api.put(f"/credentials/{credential['id']}/registry-listing", json={"listed": listed})
    except ApiError as error:
        return await _endorsement(request, api, endorsement_id, error.status, {"_form": error.detail})
    request.state.session.flash(_("You are listed in the public registry.") if listed else
                                _("You are no longer listed in the public registry."))
    return redirect(request, f"/endorsements/{endorsement_id}")


@router.post("/endorsements/{endorsement_id}/inactive")
async def inactive(endorsement_id: str, request: Request, api: ApiDep, _s: SignedIn, _c: CsrfChecked) -> Response:
    form = await request.form()
    reason = str(form.get("reason") or "").strip()
    if not reason:
        return await _endorsement(request, api, endorsement_id, 422,
                                  {"reason": _("Tell us why you are asking for inactive status.")})
    try:
        await api.post(f"/applications/holdings/{endorsement_id}/inactive", json={"reason": reason})
    except ApiError as error:
        return await _endorsement(request, api, endorsement_id, error.status, {"reason": error.detail})
    request.state.session.flash(_("Your request for inactive status is recorded."))
    return redirect(request, f"/endorsements/{endorsement_id}")

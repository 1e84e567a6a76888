"""One form page per tab: details, membership, fees, attestations, and the list tabs (education, work, training,
RSC) with add, edit and remove. Every write carries If-Match with the version the form was read at; a stale form
comes back with what was typed and says that someone else changed the application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from ...gateway_client import ApiError, GatewayClient
from ...web import i18n
from ...web.deps import ApiDep, CsrfChecked, SignedIn, TenantDep
from ...web.templating import redirect, render
from . import common
from .entries import TAB_FIELDS, VOCABULARIES, Field, FormValues, api_field_errors, form_values, parse, posted

router = APIRouter()
_ = i18n.gettext
LIST_TABS = ("education", "work", "training", "rsc")
FEE_KINDS = ("registration", "processing", "renewal")


def _tab_lines(app_id: str, report: Mapping[str, Any] | None, tabs: Sequence[str]) -> list[Any]:
    if report is None:
        return []
    lines = common.phraser().report(app_id, report)
    return [line for line in lines if line.tab in tabs]


async def _context(request: Request, api: GatewayClient, tenant: Mapping[str, Any], app_id: str,
                   tab: str) -> dict[str, Any]:
    app = await common.application(api, app_id)
    report = await common.report(api, app_id) if common.editable(app) else None
    catalogue = await common.catalogue(api, tenant)
    return {"app": app, "tab": tab, "lines": _tab_lines(app_id, report, (tab,)), "catalogue": catalogue,
            "vocab": {k: [(v, _(label)) for v, label in options] for k, options in VOCABULARIES.items()},
            "fee_kinds": _fee_kinds(app, report), "stale": False, "errors": {}, "values": {},
            "failed_kind": None, "error_message": None}


def _fee_kinds(app: Mapping[str, Any], report: Mapping[str, Any] | None) -> list[str]:
    asked = [k for k in FEE_KINDS if any(r.get("code") == f"FEE_{k.upper()}" for r in (report or {}).get(
        "requirements", []))]
    recorded = [str(f.get("kind")) for f in app.get("fees") or []]
    kinds = [k for k in FEE_KINDS if k in asked or k in recorded]
    return kinds or (["renewal"] if app.get("kind") == "renewal" else ["registration", "processing"])


async def _write(request: Request, api: GatewayClient, tenant: Mapping[str, Any], app_id: str, tab: str,
                 fields: Sequence[Field], template: str, call: Callable[[dict[str, Any], dict[str, str]],
                                                                        Awaitable[Any]],
                 next_path: str, extra: Mapping[str, Any] | None = None) -> Response:
    """Parse the posted form, make the call with If-Match, and answer: a redirect, the page again with the
    errors and the typed values, or (autosave) JSON."""
    form = await request.form()
    values: FormValues = posted(form.multi_items())
    body, errors = parse(fields, values)
    version = values.get("version", "")
    stale = False
    saved: Any = None
    if not errors:
        try:
            saved = await call(body, common.if_match(version))
        except ApiError as error:
            if error.code == common.STALE or error.status == 412:
                stale = True
            elif error.status in (409,) and error.code == "NOT_EDITABLE":
                if common.wants_json(request):
                    return common.autosave_answer(saved=False, message=error.detail, status_code=409)
                raise
            else:
                errors = api_field_errors(error.field_errors, fields) or {"_form": error.detail}
    if common.wants_json(request):
        if stale:
            return common.autosave_answer(saved=False, message=common.stale_message(), status_code=412)
        if errors:
            return common.autosave_answer(saved=False, errors=common.translated_errors(errors), status_code=422)
        return common.autosave_answer(saved=True, version=(saved or {}).get("version"),
                                      message=_("Saved"))
    if not errors and not stale:
        return redirect(request, next_path)
    context = await _context(request, api, tenant, app_id, tab)
    if stale:
        context["stale"] = True
    context.update(extra or {})
    context.update(values=values, errors=common.translated_errors(errors), error_message=common.stale_message()
                   if stale else None)
    # a stale form is shown again at the current version: saving once more is a deliberate overwrite
    return render(request, template, status_code=412 if stale else 422, **context)


# ---------------------------------------------------------------- details

@router.get("/apply/{app_id}/details")
async def details_page(app_id: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn) -> Response:
    context = await _context(request, api, tenant, app_id, "details")
    context["values"] = form_values(TAB_FIELDS["details"], context["app"].get("details") or {})
    return render(request, "apply/details.html", **context)


@router.post("/apply/{app_id}/details")
async def save_details(app_id: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn,
                       _c: CsrfChecked) -> Response:
    async def call(body: dict[str, Any], headers: dict[str, str]) -> Any:
        patch = {name: body.get(name) or None for name in ("phone", "county", "statement")}
        return await api.patch(f"/applications/{app_id}", json=patch, headers=headers)

    return await _write(request, api, tenant, app_id, "details", TAB_FIELDS["details"], "apply/details.html", call,
                        f"/apply/{app_id}")


# ---------------------------------------------------------------- membership

@router.get("/apply/{app_id}/membership")
async def membership_page(app_id: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn) -> Response:
    context = await _context(request, api, tenant, app_id, "membership")
    saved = context["app"].get("membership") or {"association": tenant.get("short_name") or "", "individual": True}
    context["values"] = form_values(TAB_FIELDS["membership"], saved)
    return render(request, "apply/membership.html", **context)


@router.post("/apply/{app_id}/membership")
async def save_membership(app_id: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn,
                          _c: CsrfChecked) -> Response:
    async def call(body: dict[str, Any], headers: dict[str, str]) -> Any:
        body.setdefault("individual", True)
        return await api.put(f"/applications/{app_id}/membership", json=body, headers=headers)

    return await _write(request, api, tenant, app_id, "membership", TAB_FIELDS["membership"],
                        "apply/membership.html", call, f"/apply/{app_id}")


# ---------------------------------------------------------------- fees

@router.get("/apply/{app_id}/fees")
async def fees_page(app_id: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn) -> Response:
    context = await _context(request, api, tenant, app_id, "fees")
    recorded = {str(f.get("kind")): f for f in context["app"].get("fees") or []}
    context["fee_values"] = {k: form_values(TAB_FIELDS["fee"], recorded.get(k, {})) for k in context["fee_kinds"]}
    return render(request, "apply/fees.html", **context)


@router.post("/apply/{app_id}/fees/{kind}")
async def save_fee(app_id: str, kind: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn,
                   _c: CsrfChecked) -> Response:
    if kind not in FEE_KINDS:
        return render(request, "errors/404.html", status_code=404)

    async def call(body: dict[str, Any], headers: dict[str, str]) -> Any:
        return await api.put(f"/applications/{app_id}/fees/{kind}", json=body, headers=headers)

    app = await common.application(api, app_id)
    recorded = {str(f.get("kind")): f for f in app.get("fees") or []}
    form = await request.form()
    typed = posted(form.multi_items())
    fee_values = {k: form_values(TAB_FIELDS["fee"], recorded.get(k, {})) for k in FEE_KINDS}
    fee_values[kind] = typed
    return await _write(request, api, tenant, app_id, "fees", TAB_FIELDS["fee"], "apply/fees.html", call,
                        f"/apply/{app_id}/fees", extra={"fee_values": fee_values, "failed_kind": kind})


# ---------------------------------------------------------------- attestations

@router.get("/apply/{app_id}/attestations")
async def attestations_page(app_id: str, request: Request, api: ApiDep, tenant: TenantDep,
                            _s: SignedIn) -> Response:
    context = await _context(request, api, tenant, app_id, "attestations")
    signed = {str(a.get("kind")): a for a in context["app"].get("attestations") or []}
    context["signed"] = signed
    context["values"] = {"attest": [k for k in signed]}
    return render(request, "apply/attestations.html", **context)


@router.post("/apply/{app_id}/attestations")
async def save_attestations(app_id: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn,
                            _c: CsrfChecked) -> Response:
    fields = (Field("attest", "multi"),)
    app = await common.application(api, app_id)
    signed = {str(a.get("kind")) for a in app.get("attestations") or []}

    async def call(body: dict[str, Any], headers: dict[str, str]) -> Any:
        wanted = set(body.get("attest") or []) & {"code_of_ethics", "endorsement_agreement"}
        result: Any = None
        for kind in ("code_of_ethics", "endorsement_agreement"):
            if kind in wanted and kind not in signed:
                result = await api.put(f"/applications/{app_id}/attestations/{kind}", headers=headers)
            elif kind not in wanted and kind in signed:
                result = await api.delete(f"/applications/{app_id}/attestations/{kind}", headers=headers)
            else:
                continue
            headers = common.if_match((result or {}).get("version"))
        return result or app

    return await _write(request, api, tenant, app_id, "attestations", fields, "apply/attestations.html", call,
                        f"/apply/{app_id}", extra={"signed": {k: {} for k in signed}})


# ---------------------------------------------------------------- list tabs

def _list_context(context: dict[str, Any], tab: str) -> dict[str, Any]:
    app = context["app"]
    context["entries"] = app.get(tab) or []
    context["documents"] = app.get("documents") or []
    context["competency_names"] = {c["id"]: c["name"] for c in context["catalogue"]["competencies"]}
    return context


@router.get("/apply/{app_id}/{tab}")
async def list_page(app_id: str, tab: str, request: Request, api: ApiDep, tenant: TenantDep,
                    _s: SignedIn) -> Response:
    if tab not in LIST_TABS:
        return render(request, "errors/404.html", status_code=404)
    context = _list_context(await _context(request, api, tenant, app_id, tab), tab)
    context.update(values={}, errors={}, entry=None)
    return render(request, "apply/list_tab.html", **context)


@router.post("/apply/{app_id}/{tab}")
async def add_entry(app_id: str, tab: str, request: Request, api: ApiDep, tenant: TenantDep, _s: SignedIn,
                    _c: CsrfChecked) -> Response:
    if tab not in LIST_TABS:
        return render(request, "errors/404.html", status_code=404)

    async def call(body: dict[str, Any], headers: dict[str, str]) -> Any:
        return await api.post(f"/applications/{app_id}/{tab}", json=body, headers=headers)

    form = await request.form()
    after = f"/apply/{app_id}" if form.get("action") == "continue" else f"/apply/{app_id}/{tab}#entries"
    return await _write(request, api, tenant, app_id, tab, TAB_FIELDS[tab], "apply/list_tab.html", call, after,
                        extra=await _list_extra(api, tenant, app_id, tab, None))


async def _list_extra(api: GatewayClient, tenant: Mapping[str, Any], app_id: str, tab: str,
                      entry: Mapping[str, Any] | None) -> dict[str, Any]:
    app = await common.application(api, app_id)
    catalogue = await common.catalogue(api, tenant)
    return {"entries": app.get(tab) or [], "documents": app.get("documents") or [], "entry": entry,
            "competency_names": {c["id"]: c["name"] for c in catalogue["competencies"]}}


def _find(app: Mapping[str, Any], tab: str, entry_id: str) -> Mapping[str, Any] | None:
    return next((e for e in app.get(tab) or [] if str(e.get("id")) == entry_id), None)


@router.get("/apply/{app_id}/{tab}/{entry_id}")
async def edit_page(app_id: str, tab: str, entry_id: str, request: Request, api: ApiDep, tenant: TenantDep,
                    _s: SignedIn) -> Response:
    if tab not in LIST_TABS:
        return render(request, "errors/404.html", status_code=404)
    context = _list_context(await _context(request, api, tenant, app_id, tab), tab)
    entry = _find(context["app"], tab, entry_id)
    if entry is None:
        return render(request, "errors/404.html", status_code=404)
    context.update(values=form_values(TAB_FIELDS[tab], entry), errors={}, entry=entry)
    return render(request, "apply/entry_edit.html", **context)


@router.post("/apply/{app_id}/{tab}/{entry_id}")
async def replace_entry(app_id: str, tab: str, entry_id: str, request: Request, api: ApiDep, tenant: TenantDep,
                        _s: SignedIn, _c: CsrfChecked) -> Response:
    if tab not in LIST_TABS:
        return render(request, "errors/404.html", status_code=404)

    async def call(body: dict[str, Any], headers: dict[str, str]) -> Any:
        return await api.put(f"/applications/{app_id}/{tab}/{entry_id}", json=body, headers=headers)

    return await _write(request, api, tenant, app_id, tab, TAB_FIELDS[tab], "apply/entry_edit.html", call,
                        f"/apply/{app_id}/{tab}#entries",
                        extra=await _list_extra(api, tenant, app_id, tab, {"id": entry_id}))


@router.post("/apply/{app_id}/{tab}/{entry_id}/remove")
async def remove_entry(app_id: str, tab: str, entry_id: str, request: Request, api: ApiDep, _s: SignedIn,
                       _c: CsrfChecked) -> Response:
    if tab not in LIST_TABS:
        return render(request, "errors/404.html", status_code=404)
    form = await request.form()
    version = form.get("version")
    try:
        await api.delete(f"/applications/{app_id}/{tab}/{entry_id}", headers=common.if_match(version))
    except ApiError as error:
        if error.status == 412 or error.code == common.STALE:
            request.state.session.flash(common.STALE, "warning")
        elif error.code != "ENTRY_NOT_FOUND":
            raise
    return redirect(request, f"/apply/{app_id}/{tab}#entries")
